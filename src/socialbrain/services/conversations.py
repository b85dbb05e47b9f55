"""Saved conversations, the same for every face (web app, REST API, the OpenAI-compatible ``/v1``).

The archive stores them (:mod:`socialbrain.archive.conversations`); here is what a face does with one: the history
that goes along with the next question, recording a streamed answer as it completes, and the Markdown export with
the cited posts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..answer.events import AnswerCollector

if TYPE_CHECKING:
    from ..archive.sqlite import SQLiteArchive

#: turns of a stored conversation sent along as history with the next question
HISTORY_TURNS = 12
TITLE_CHARS = 40


def title_for(question: str) -> str:
    """A conversation's default title: its first question, on one line, shortened."""
    q = " ".join(question.split())
    return q if len(q) <= TITLE_CHARS else q[: TITLE_CHARS - 1] + "…"


def history(conv: dict[str, Any], turns: int = HISTORY_TURNS) -> list[dict[str, str]]:
    """The last ``turns`` messages of a stored conversation as chat history (role, content)."""
    msgs = [m for m in conv["messages"] if m["content"]]
    return [{"role": m["role"], "content": m["content"]} for m in msgs[-turns:]]


def open_or_start(archive: SQLiteArchive, cid: str | None, question: str, kb: str | None) -> dict[str, Any]:
    """The stored conversation ``cid`` (NotFoundError when unknown), or a new one titled after the question."""
    if cid and cid != "new":
        return archive.get_conversation(cid)
    conv = archive.create_conversation(title_for(question), kb=kb)
    conv["messages"] = []
    return conv


def record(
    archive: SQLiteArchive, cid: str, question: str, events: Iterator[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """Pass an answer's events through, saving the question now and the answer when it is done.

    The assistant turn keeps the cited posts and the answer's mode; a failed answer is saved with its error, so
    the conversation shows what happened. A stream closed before ``done`` (the client went away) saves nothing
    for the answer."""
    archive.add_conversation_message(cid, "user", question)
    collected = AnswerCollector()

    def save(**extra: Any) -> None:
        a = collected.answer
        meta: dict[str, Any] = {"mode": a.mode} if a.mode else {}
        if a.llm_error:
            meta["llm_error"] = a.llm_error
        if a.dropped_citations:
            meta["dropped_citations"] = a.dropped_citations
        archive.add_conversation_message(cid, "assistant", collected.text, sources=a.sources, meta={**meta, **extra})

    try:
        for ev in events:
            collected.add(ev)
            if ev.get("type") == "done":
                save()
            elif ev.get("type") == "error":
                save(error=collected.error)
            yield ev
    except Exception as e:
        save(error=str(e))
        raise


LABELS = {
    "zh": {"started": "开始", "kb": "知识库", "q": "问", "a": "答", "error": "出错", "sources": "来源"},
    "en": {"started": "Started", "kb": "Knowledge base", "q": "Q", "a": "A", "error": "Error", "sources": "Sources"},
}


def to_markdown(conv: dict[str, Any], lang: str = "zh") -> str:
    """The conversation as Markdown: each question, each answer, and under each answer the posts it cited.
    Headings in one language (``zh`` or ``en``)."""
    w = LABELS.get(lang, LABELS["zh"])
    lines = [f"# {conv['title']}", ""]
    lines.append(f"- {w['started']}: {conv['created_at']}")
    if conv.get("kb"):
        lines.append(f"- {w['kb']}: {conv['kb']}")
    lines.append("")
    for m in conv["messages"]:
        if m["role"] == "user":
            lines += [f"## {w['q']} ({m['created_at'][:16].replace('T', ' ')})", "", _quote_md(m["content"]), ""]
            continue
        lines += [f"### {w['a']}", "", m["content"] or "", ""]
        err = (m.get("meta") or {}).get("error")
        if err:
            lines += [f"> {w['error']}: {err}", ""]
        if m.get("sources"):
            lines.append(f"{w['sources']}:")
            lines.append("")
            for s in m["sources"]:
                text = " ".join(str(s.get("text", "")).split())
                line = f"{s.get('n')}. {str(s.get('date', ''))[:10]} {s.get('platform', '')} (#{s.get('id')}): {text}"
                if s.get("url"):
                    line += f" <{s['url']}>"
                lines.append(line)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _quote_md(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines()) or ">"
