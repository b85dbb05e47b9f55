"""Token estimates without a tokenizer: CJK ≈ 1 token per character, everything else ≈ 4 characters per token.

Good to about ±30 % for Qwen/GLM/DeepSeek/OpenAI tokenizers on Weibo-style text; used for cost estimates only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .llm import ChatMessage

_CJK = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u3000-\u303f\uff00-\uffef]"
)


def estimate_tokens(text: str) -> int:
    """Estimated tokens for ``text`` (CJK characters count 1 each, other characters 1/4)."""
    if not text:
        return 0
    cjk = len(_CJK.findall(text))
    return cjk + -(-(len(text) - cjk) // 4)


def estimate_messages_tokens(messages: list[ChatMessage]) -> int:
    """Estimated prompt tokens for chat messages (content plus ~4 tokens of framing each)."""
    return sum(estimate_tokens(str(m.get("content") or "")) + 4 for m in messages)


def cjk_ratio(text: str) -> float:
    """Share of letters/ideographs that are CJK: 0.0 for English, ~1.0 for Chinese."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if _CJK.match(c)) / len(letters)
