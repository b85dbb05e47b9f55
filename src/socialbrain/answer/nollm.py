"""No-LLM mode, the search-engine brain: a real answer assembled from retrieved posts, never generated.

The answer opens with what was searched (the applied time range, or that nothing relevant was found) and one
summary line counted over the whole archive in scope, not just the top-k ("提到“健身”的有 37 条，2014–2019 年，
2016 年最多（12 条）"; question words never count). Then the evidence, grouped by theme (the query word each post
is about, or "意思相近" for posts found by meaning): each post quoted by the whole sentence or list item that
matches, a numbered list kept together ("1. … 2. … 3. …"), the query's words in 【】, with its date and [n].
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..localtime import to_local
from ..models import PostFilter
from ..retrieve import terms as qterms
from ..retrieve.types import Hit, SearchResult

if TYPE_CHECKING:
    from ..archive import SQLiteArchive

LABEL = {
    "zh": "以下内容直接摘自你的帖子（未经模型生成）。",
    "en": "Retrieved, not generated: quoted from your posts.",
}
_MAX_QUOTE = 220
_SENTENCE = re.compile(r"[^。！？!?…\n]*(?:[。！？!?…]+[”’」』）)]*)?[ \t]*\n?")
_LIST_ITEM = re.compile(r"(?:^|(?<=[\s：:；;，,。]))(?:\d{1,2}[.、)）]|[（(]\d{1,2}[)）]|[①②③④⑤⑥⑦⑧⑨⑩])")
_HASHTAG = re.compile(r"#[^#\n]{1,30}#")
_HASHTAGS_ONLY = re.compile(r"(?:\s*#[^#\n]{1,30}#\s*)+|[\s\W]+")
_STARTS_ITEM = re.compile(r"^\s*(?:\d{1,2}[.、)）]|[（(]\d{1,2}[)）]|[①②③④⑤⑥⑦⑧⑨⑩]|[-*•])")


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
    """The question's content words (question words and stop words out), as :mod:`retrieve.terms` reads them."""
    return [t.word for t in qterms.query_terms(text)]


def keyword_counts(
    archive: SQLiteArchive, words: Sequence[str], flt: PostFilter | None
) -> list[KeywordCount]:
    """How many posts in scope mention each word, per year (local years: the `timezone` setting)."""
    out = []
    for w in words:
        per_year = archive.word_year_counts(flt, w)
        if per_year:
            out.append(KeywordCount(w, sum(per_year.values()), per_year))
    return out


# -- evidence: whole sentences and lists -------------------------------------------------------------
def sentences(text: str) -> list[str]:
    """Sentences and lines of ``text``; a numbered list ("1. … 2. … 3. …", inline or one item a line) and the
    lead-in ending in "：" that introduces it stay one piece."""
    raw = [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0).strip()]
    out: list[str] = []
    for s in raw:
        prev = out[-1].rstrip() if out else ""
        continues_list = (
            bool(out) and _STARTS_ITEM.match(s) and (_LIST_ITEM.search(prev) or prev.endswith(("：", ":")))
        )
        if continues_list or (prev.endswith(("：", ":")) and not s.startswith("\n")):
            out[-1] = out[-1] + s
        else:
            out.append(s)
    # an inline list cut by full stops inside its items: "1. 加班。2. 分手。" → glue the items back
    merged: list[str] = []
    for s in out:
        if merged and _LIST_ITEM.search(merged[-1]) and re.match(r"^\s*\d{1,2}[.、)）]", s):
            merged[-1] += s
        else:
            merged.append(s)
    return [s.strip() for s in merged if s.strip()]


def evidence(text: str, terms: Sequence[qterms.Term], limit: int = _MAX_QUOTE) -> str:
    """The whole sentence (or list) of ``text`` that best matches the terms, words in 【】; a short one brings
    its neighbour. Never cut mid-list: a list longer than ``limit`` is kept whole up to 2 × limit."""
    parts = [p for p in sentences(text) if _HASHTAGS_ONLY.sub("", p).strip()] or [text.strip()]
    weights = [sum(t.weight for t in terms if t.found_in(qterms.fold(_HASHTAG.sub("", p)))) for p in parts]
    best = max(range(len(parts)), key=lambda i: (weights[i], i == 0, -abs(len(parts[i]) - 50)))
    quote = parts[best]
    if len(quote) < 16 and best + 1 < len(parts):
        quote += parts[best + 1]
    quote = re.sub(r"[ \t]*\n[ \t]*", " ", quote).strip()
    cap = 2 * limit if _LIST_ITEM.search(quote) else limit
    if len(quote) > cap:
        quote = quote[:cap].rstrip() + "…"
    return qterms.highlight(quote, terms)


# -- the answer ----------------------------------------------------------------------------------------
def _count_line(counts: list[KeywordCount], lang: str) -> str:
    parts = []
    for c in counts[:2]:
        span = c.first_year if c.first_year == c.last_year else f"{c.first_year}–{c.last_year}"
        peak_year, peak_n = c.peak
        if lang == "zh":
            s = f"提到“{c.word}”的帖子共 {c.total} 条（{span} 年"
            s += f"，{peak_year} 年最多，{peak_n} 条）" if len(c.per_year) > 1 else "）"
        else:
            s = f"{c.total} posts mention “{c.word}” ({span}"
            s += f"; most in {peak_year}: {peak_n})" if len(c.per_year) > 1 else ")"
        parts.append(s)
    return ("；" if lang == "zh" else "; ").join(parts) + ("。" if lang == "zh" else ".")


def _themes(
    hits: Sequence[tuple[int, Hit]], terms: Sequence[qterms.Term], lang: str
) -> list[tuple[str, list[tuple[int, Hit]]]]:
    """Hits grouped by the heaviest query word each is about (posts found by meaning alone go last)."""
    groups: dict[str, list[tuple[int, Hit]]] = {}
    by_weight = sorted(terms, key=lambda t: -t.weight)
    other = "意思相近" if lang == "zh" else "close in meaning"
    for n, h in hits:
        found = set(qterms.matched(h.text, terms))
        theme = next((t.word for t in by_weight if t.word in found), other)
        groups.setdefault(theme, []).append((n, h))
    order = sorted(groups, key=lambda g: (g == other, -len(groups[g])))
    return [(g, sorted(groups[g], key=lambda nh: nh[1].post.created_at)) for g in order]


def _scope_line(result: SearchResult, lang: str) -> str | None:
    if result.time_filter == "applied" and result.range_label:
        if lang == "zh":
            return f"已按 {result.range_label} 筛选（要搜索全部年份：--all-years，或在网页上点“不限时间”）。"
        return f"Filtered to {result.range_label} (search every year: --all-years)."
    if result.time_filter == "subject" and result.time_expression:
        if lang == "zh":
            return f"“{result.time_expression}”看来是在说事情的时间，没有按发帖时间筛选。"
        return f"“{result.time_expression}” reads as the date of the subject, not of posting: no date filter."
    return None


def retrieved_answer(
    archive: SQLiteArchive, question: str, result: SearchResult, flt: PostFilter | None, *, lang: str = "zh"
) -> tuple[str, list[Hit]]:
    """The answer text for no-LLM mode and the hits it lists as [n] (n = position in the returned list)."""
    hits = list(result.hits)
    terms = qterms.query_terms(result.text_query or question)
    lines = [LABEL[lang]]
    scope_line = _scope_line(result, lang)
    if scope_line:
        lines.append(scope_line)
    if not result.relevant or not hits:
        if lang == "zh":
            msg = result.empty_message or "没有找到相关的帖子"
            if result.outside_range:
                msg += "。加 --all-years 再问一次，就会搜索全部年份"
            lines.append(
                msg
                + "。"
                + ("下面几条只是弱相关：" if hits else "可以换个说法，或用 `socialbrain search` 试试关键词。")
            )
        else:
            msg = "Nothing in your posts is relevant to this"
            if result.outside_range:
                msg += f" in that period; {result.outside_range} relevant posts outside it (--all-years)"
            lines.append(
                msg + (". A few weak matches:" if hits else ". Try other words or a wider time range.")
            )
        if not hits:
            return "\n".join(lines), []
    scope = PostFilter(**{**(flt or PostFilter()).__dict__})
    if result.since is not None:
        scope.since = max(scope.since, result.since) if scope.since else result.since
    if result.until is not None:
        scope.until = min(scope.until, result.until) if scope.until else result.until
    topical = [t.word for t in terms if any(t.found_in(qterms.fold(h.text)) for h in hits)]
    counts = sorted(keyword_counts(archive, topical[:4], scope), key=lambda c: -c.total)
    if result.relevant:
        head = f"找到 {len(hits)} 条相关的帖子。" if lang == "zh" else f"{len(hits)} relevant posts."
        if counts:
            head += (" " if lang == "en" else "") + _count_line(counts, lang)
        lines.append(head)
    numbered = list(enumerate(hits, start=1))
    for theme, items in _themes(numbered, terms, lang):
        lines.append("")
        label = f"关于“{theme}”" if lang == "zh" and theme != "意思相近" else theme
        lines.append(f"{label}（{len(items)} 条）" if lang == "zh" else f"{label} ({len(items)})")
        for n, h in items:
            weak = ("（弱相关）" if lang == "zh" else " (weak match)") if h.weak else ""
            lines.append(f"- {to_local(h.post.created_at).strftime('%Y-%m-%d')} {evidence(h.text, terms)} [{n}]{weak}")
    return "\n".join(lines), hits
