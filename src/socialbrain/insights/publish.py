"""The public edition of a report: chosen sections only, every string redacted consistently, and a dry-run list of
exactly what would be published.

Private, hidden and forgotten posts never reach a public report (``report_filter(public=True)`` leaves them out before
any statistic is computed); this module then redacts PII and other people's names in every string of the report
dict — texts, chart labels, titles — so every renderer (HTML, Markdown, JSON, PNG) starts from redacted data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..answer.redact import Redactor, hidden_from_settings
from ..config import choose
from .common import Row

if TYPE_CHECKING:
    from ..brain import Brain

# section name -> the chapter keys it owns (a section left out removes its keys and its narrative parts)
SECTIONS: dict[str, tuple[str, ...]] = {
    "overview": (
        "post_count",
        "posts_by_month",
        "first_post",
        "last_post",
        "platforms",
        "kinds",
        "posts_by_year",
    ),
    "calendar": ("calendar",),
    "rhythm": ("by_hour", "by_weekday", "rhythm"),
    "highlights": (
        "top_posts",
        "share_post",
        "most_liked",
        "most_reposted",
        "most_commented",
        "longest_post",
        "latest_night",
    ),
    "words": ("top_words", "top_phrases"),
    "topics": ("new_topics", "faded_topics", "compare"),
    "people": ("people", "hashtags"),
    "places": ("places",),
    "mood": ("mood_by_month", "mood_months", "mood_method"),
    "narrative": (),
}
# the portrait's parts
PORTRAIT_SECTIONS = ("aspects", "personality", "forgotten_voices")


def parse_sections(
    value: str | list[str] | None, known: tuple[str, ...] = tuple(SECTIONS)
) -> list[str] | None:
    return choose(value, known, what="section", option="--sections")


def _section_of(part: dict[str, Any]) -> str:
    sid = str(part.get("id", ""))
    return sid if sid in SECTIONS else "narrative"


def _keep_sections(chapter: dict[str, Any], chosen: list[str]) -> None:
    for name, keys in SECTIONS.items():
        if name not in chosen:
            for k in keys:
                chapter.pop(k, None)
    if "sections" in chapter:
        chapter["sections"] = [p for p in chapter["sections"] if _section_of(p) in chosen]


def own_accounts(brain: Brain) -> list[str]:
    return brain.archive.accounts()


def own_urls(report: Any) -> set[str]:
    """Permalinks of the owner's own posts quoted in a report (post dicts: id, date, text, url): they stay linked."""
    urls: set[str] = set()

    def walk(obj: Any) -> None:
        if isinstance(obj, dict):
            if isinstance(obj.get("id"), int) and "date" in obj and isinstance(obj.get("url"), str):
                urls.add(obj["url"])
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list | tuple):
            for v in obj:
                walk(v)

    walk(report)
    return urls


def iter_strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from iter_strings(k)
            yield from iter_strings(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from iter_strings(v)


def public_redactor(brain: Brain) -> Redactor:
    """The public edition's Redactor: the owner's accounts kept, the names they chose to hide hidden."""
    return Redactor("public", keep=own_accounts(brain), hide=hidden_from_settings(brain.settings))


def redact_rows(rows: list[Row], redactor: Redactor) -> list[Row]:
    """Copies of ``rows`` with text, quoted text and place redacted — so every derived list (words, phrases,
    people, hashtags, topics, quotes) of a public edition is computed from redacted text."""
    redactor.learn(r.text for r in rows)
    redactor.learn(r.ref_text for r in rows)
    return [
        replace(
            r,
            text=redactor.redact(r.text),
            ref_text=redactor.redact(r.ref_text) if r.ref_text else r.ref_text,
            ref_author=redactor.pseudonym(r.ref_author) if r.ref_author else r.ref_author,
            location=redactor.redact(r.location) if r.location else r.location,
        )
        for r in rows
    ]


def shareable(text: str, private: bool = False, hide: Any = None) -> bool:
    """The share card's privacy check: not private, no @name, and nothing the public Redactor would change."""
    if private or not text or len(text.strip()) < 6 or "@" in text:
        return False
    return Redactor("public", hide=hide).redact(text) == text


def publish(
    brain: Brain,
    report: dict[str, Any],
    *,
    public: bool,
    sections: list[str] | None = None,
    known: tuple[str, ...] | None = None,
    redactor: Redactor | None = None,
) -> dict[str, Any]:
    """Apply the section choice (any edition) and, for a public edition, redact every string consistently
    (``redactor``: the one that already redacted the rows the statistics came from)."""
    if sections:
        for chapter in report.get("chapters", [report]):
            if known is None:
                _keep_sections(chapter, sections)
            else:
                for k in known:
                    if k not in sections:
                        chapter.pop(k, None)
    report["public"] = public
    if not public:
        return report
    redactor = Redactor(
        "public",
        keep=own_accounts(brain),
        keep_urls=own_urls(report),
        hide=hidden_from_settings(brain.settings),
    )
    for chapter in report.get("chapters", [report]):
        for name, _count in chapter.get("people") or []:
            redactor.pseudonym(str(name))  # the people list holds bare names: they are @names by origin
    redactor.learn(iter_strings(report))
    out: dict[str, Any] = redactor.redact_obj(report)  # a dict in, a dict out
    out["redactions"] = len(redactor.replacements)
    out["_replacements"] = redactor.replacements  # for --dry-run; renderers never print keys starting with _
    return out


def publication_items(report: dict[str, Any]) -> dict[str, Any]:
    """Everything a public report would publish: the posts it quotes and every string, for ``--dry-run``."""
    posts: dict[int, str] = {}

    def walk(obj: Any) -> None:
        if isinstance(obj, dict):
            if isinstance(obj.get("id"), int) and "date" in obj and "text" in obj:
                posts.setdefault(obj["id"], f"{obj['date'][:10]} {obj['text']}")
            for k, v in obj.items():
                if not str(k).startswith("_"):
                    walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    walk(report)
    clean = {k: v for k, v in report.items() if not str(k).startswith("_")}
    strings = sorted({s for s in iter_strings(clean) if s.strip()})
    return {"posts": posts, "strings": strings, "replacements": report.get("_replacements", [])}
