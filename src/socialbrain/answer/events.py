"""An answer's events and what they add up to.

:func:`~socialbrain.answer.ask.ask_stream` yields events (see its module); every face passes them on as they come
(the terminal prints the deltas, the web sends them as server-sent events) and needs the whole answer at the end
(``--json``, a saved conversation turn, a non-streamed ``/v1`` reply, :func:`~socialbrain.answer.ask.ask`).
:class:`AnswerCollector` is that one collector: :meth:`AnswerCollector.add` each event, read :attr:`answer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AnswerEvent = dict[str, Any]


@dataclass
class Answer:
    text: str
    mode: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)  # post ids
    dropped_citations: list[int] = field(default_factory=list)
    unsupported_claims: list[str] = field(default_factory=list)  # sentences dropped for lack of a valid [n]
    llm_error: str | None = None  # the endpoint failed: the answer was made from the retrieved posts
    usage: dict[str, Any] = field(default_factory=dict)
    standalone_question: str = ""
    scope: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The answer as one JSON object (`ask --json`); ``llm_error`` only when the endpoint failed."""
        out = {
            "answer": self.text,
            "sources": self.sources,
            "mode": self.mode,
            "standalone_question": self.standalone_question,
            "scope": self.scope,
            "citations": self.citations,
            "dropped_citations": self.dropped_citations,
            "unsupported_claims": self.unsupported_claims,
            "usage": self.usage,
        }
        if self.llm_error:
            out["llm_error"] = self.llm_error
        return out


class AnswerCollector:
    """Collects an answer from its events as they stream past.

    Until ``done`` arrives, :attr:`text` is what the deltas said so far (what a face saves when the stream
    breaks); after it, the answer's own text. An ``error`` event's message is kept in :attr:`error`."""

    def __init__(self) -> None:
        self.answer = Answer(text="", mode="")
        self.done = False
        self.error: str | None = None
        self._parts: list[str] = []

    def add(self, ev: AnswerEvent) -> None:
        kind = ev.get("type")
        a = self.answer
        if kind == "meta":
            a.mode = ev["mode"]
            a.standalone_question = ev["standalone_question"]
            a.scope = ev["scope"]
        elif kind == "delta":
            self._parts.append(str(ev.get("text", "")))
        elif kind == "sources":
            a.sources = list(ev.get("sources") or [])
        elif kind == "done":
            answer = ev.get("answer")
            a.text = answer if isinstance(answer, str) and answer else "".join(self._parts).strip()
            a.citations = ev["citations"]
            a.dropped_citations = ev["dropped_citations"]
            a.unsupported_claims = ev.get("unsupported_claims", [])
            a.llm_error = ev.get("llm_error")
            a.usage = ev["usage"]
            self.done = True
        elif kind == "error":
            self.error = ev.get("message")

    @property
    def text(self) -> str:
        return self.answer.text if self.done else "".join(self._parts)
