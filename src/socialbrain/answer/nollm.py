"""No-LLM mode, the search-engine brain: a real answer assembled from retrieved posts, never generated.

Posts are grouped by year (oldest first), each shown by its key sentence with the query's words in 【】, and the
answer opens with counts computed over the whole archive in scope (not just the top-k):
"2014–2019 年有 37 条提到“健身”（2016 年最多，12 条）".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import PostFilter
from ..retrieve.types import Hit, SearchResult

LABEL = {
    "zh": "以下内容直接摘自你的帖子（未经模型生成）。",
    "en": "Retrieved, not generated: quoted from your posts.",
}
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…\n])|(?<=\.\s)")
_MAX_SENTENCE = 90


@dataclass
class KeywordCount:
    word: str
    total: int
    per_year: dict[str, int]

    @property
    def first_year(self) -> str:
        return min(self.per_year)

    @property
    def last_year(self) -> str:
        return max(self.per_year)

    @property
    def peak(self) -> tuple[str, int]:
        return max(self.per_year.items(), key=lambda kv: (kv[1], kv[0]))


def _query_words(text: str) -> list[str]:
    from ..index.segment import tokenize_query

    words = []
    for w in tokenize_query(text, bigrams=False):
        w = w.strip()
        if not w or w.isdigit():
            continue
        if w.isascii() and len(w) < 3:
            continue
        if not w.isascii() and len(w) < 2:
            continue
        if w not in words:
            words.append(w)
    return words


def keyword_counts(archive, words: Sequence[str], flt: PostFilter | None) -> list[KeywordCount]:
    """How many posts in scope mention each word, per year (in each post's own zone)."""
    out = []
    for w in words:
        per_year = archive.word_year_counts(flt, w)
        if per_year:
            out.append(KeywordCount(w, sum(per_year.values()), per_year))
    return out


def key_sentence(text: str, words: Sequence[str]) -> str:
    """The sentence of ``text`` with most query words, words wrapped in 【】, cut to ~90 characters."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()] or [text.strip()]
    lowered = [w.lower() for w in words]

    def score(s: str) -> int:
        sl = s.lower()
        return sum(1 for w in lowered if w in sl)

    best = max(sentences, key=lambda s: (score(s), -abs(len(s) - 40)))
    best = re.sub(r"\s+", " ", best)
    if len(best) > _MAX_SENTENCE:
        first = min((best.lower().find(w) for w in lowered if w in best.lower()), default=0)
        start = max(0, first - 30)
        best = ("…" if start else "") + best[start : start + _MAX_SENTENCE] + "…"
    for w in sorted(words, key=len, reverse=True):
        best = re.sub(re.escape(w), lambda m: f"【{m.group(0)}】", best, flags=re.IGNORECASE)
    return re.sub(r"【【([^】]*)】】", r"【\1】", best)


def _count_line(counts: list[KeywordCount], lang: str) -> str:
    parts = []
    for c in counts[:2]:
        span = c.first_year if c.first_year == c.last_year else f"{c.first_year}–{c.last_year}"
        peak_year, peak_n = c.peak
        if lang == "zh":
            s = f"{span} 年有 {c.total} 条提到“{c.word}”"
            if len(c.per_year) > 1:
                s += f"（{peak_year} 年最多，{peak_n} 条）"
        else:
            s = f"{c.total} posts mention “{c.word}” ({span}"
            s += f"; most in {peak_year}: {peak_n})" if len(c.per_year) > 1 else ")"
        parts.append(s)
    return ("；" if lang == "zh" else "; ").join(parts) + ("。" if lang == "zh" else ".")


def retrieved_answer(
    archive, question: str, result: SearchResult, flt: PostFilter | None, *, lang: str = "zh"
) -> tuple[str, list[Hit]]:
    """The answer text for no-LLM mode and the hits it lists as [n] (n = position in the returned list)."""
    hits = list(result.hits)
    words = _query_words(result.text_query or question)
    if not hits:
        if lang == "zh":
            return (
                f"{LABEL[lang]}\n你的帖子里没有找到和“{question}”有关的内容。"
                "可以换个说法、去掉时间范围，或用 `socialbrain search` 试试关键词。"
            ), []
        return (
            f"{LABEL[lang]}\nNothing in your posts matches “{question}”. Try other words, a wider time range, "
            "or `socialbrain search` with keywords."
        ), []
    # the words that actually occur in the hits, most widespread first
    coverage = {w: sum(1 for h in hits if w.lower() in h.text.lower()) for w in words}
    topical = [w for w in sorted(words, key=lambda w: -coverage[w]) if coverage[w]]
    scope = PostFilter(**{**(flt or PostFilter()).__dict__})
    if result.since is not None:
        scope.since = max(scope.since, result.since) if scope.since else result.since
    if result.until is not None:
        scope.until = min(scope.until, result.until) if scope.until else result.until
    counts = keyword_counts(archive, topical[:4], scope)
    counts.sort(key=lambda c: -c.total)
    lines = [LABEL[lang]]
    head = f"找到 {len(hits)} 条最相关的帖子。" if lang == "zh" else f"The {len(hits)} most relevant posts."
    if counts:
        head += (" " if lang == "en" else "") + _count_line(counts, lang)
    lines.append(head)
    numbered = list(enumerate(hits, start=1))
    by_year: dict[str, list[tuple[int, Hit]]] = {}
    for n, h in sorted(numbered, key=lambda t: t[1].post.created_at):
        by_year.setdefault(h.post.created_at.strftime("%Y"), []).append((n, h))
    for year, items in by_year.items():
        lines.append("")
        lines.append(f"{year} 年（{len(items)} 条）" if lang == "zh" else f"{year} ({len(items)})")
        for n, h in items:
            lines.append(
                f"- {h.post.created_at.strftime('%m-%d')} {key_sentence(h.text, topical or words)} [{n}]"
            )
    return "\n".join(lines), hits
