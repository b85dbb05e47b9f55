"""Bounds on what one request may ask of the server, shared by every face (/api, /v1, /mcp).

A request body is refused with 413 before it is read when ``Content-Length`` says it is too big, and counted while
it streams otherwise (web/security.py), so memory stays bounded whatever a client sends. Then the text that goes
on to retrieval and the LLM is bounded too: a question longer than ``max_message_chars`` is refused (one line,
413), and chat history keeps only the last ``max_history_messages`` turns, each cut to ``max_message_chars``.

Settings (``config.toml`` section ``[serve]``, or the environment):

    max_body_kb           SOCIALBRAIN_MAX_BODY_KB            JSON/MCP request bodies (default 2048 KB)
    max_message_chars     SOCIALBRAIN_MAX_MESSAGE_CHARS      one question or chat turn (default 4000)
    max_history_messages  SOCIALBRAIN_MAX_HISTORY_MESSAGES   chat turns kept as history (default 20)

Uploads (``POST /api/imports``, ``POST /api/kbs/{name}/files``) have their own, larger limit: ``serve
--max-upload-mb``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:
    from .config import Settings

DEFAULT_MAX_BODY = 2 * 1024 * 1024  # bytes: a long chat history in JSON fits many times over
DEFAULT_MAX_MESSAGE_CHARS = 4000  # characters: a long question; segmenting and embedding it stays fast
DEFAULT_MAX_HISTORY_MESSAGES = 20


class MessageTooLong(ConfigError):
    """A question or message longer than the server accepts (HTTP 413)."""


@dataclass(frozen=True)
class Limits:
    max_body: int = DEFAULT_MAX_BODY
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    max_history_messages: int = DEFAULT_MAX_HISTORY_MESSAGES

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        serve = settings.serve  # typed and checked once (config.py)
        return cls(
            max_body=serve.max_body_kb * 1024,
            max_message_chars=serve.max_message_chars,
            max_history_messages=serve.max_history_messages,
        )

    def check_message(self, text: str, what: str = "question") -> str:
        """``text`` unchanged, or MessageTooLong naming its length and the limit."""
        if len(text) > self.max_message_chars:
            raise MessageTooLong(
                f"{what} too long: {len(text):,} characters, the limit is {self.max_message_chars:,} "
                "(config [serve] max_message_chars); ask a shorter question"
            )
        return text

    def trim_history(self, history: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        """The last ``max_history_messages`` turns, each content cut to its first ``max_message_chars``."""
        if not history:
            return history
        keep = history[-self.max_history_messages :]
        out = []
        for m in keep:
            content = m.get("content")
            if isinstance(content, str) and len(content) > self.max_message_chars:
                m = {**m, "content": content[: self.max_message_chars]}
            out.append(m)
        return out
