"""Report jobs: whether a report may use the LLM now, must ask first, or runs without it — one rule for all faces."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ..answer.llm import LLM

Gate = Literal["off", "go", "ask"]


def llm_gate(llm: LLM | None, *, use_llm: bool, confirmed: bool) -> Gate:
    """``off``: no LLM (none configured, or not wanted); ``go``: use it (a loopback endpoint, or the user
    confirmed); ``ask``: posts would go to a non-loopback endpoint, so show the cost and ask first."""
    if llm is None or not use_llm:
        return "off"
    if not getattr(llm, "remote", True) or confirmed:
        return "go"
    return "ask"
