"""The yearly review: statistics from the archive alone, a narrative when an LLM is configured.

``year_review(brain, 2015)`` → one chapter (dict, stable keys below); ``year_review(brain, "all")`` → one chapter
per year under ``"chapters"``; ``year_review(brain, None)`` → the last full year with posts.

Stable keys of a chapter: ``year, post_count, posts_by_month (12 ints, Jan first), calendar [[date, n]...],
by_hour, by_weekday, rhythm (7×24, Monday first), first_post, last_post, most_liked {id, date, text, likes},
most_reposted, most_commented, longest_post, latest_night {id, date, text}, top_words [[word, n]...],
top_phrases, new_topics / faded_topics [{word, score, post}], people, hashtags, places, platforms, kinds,
mood_by_month, mood_method, sections [{id, title, text, cited_ids}], narrative_by ("statistics" | "llm:<model>")``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from ..answer.redact import hidden_from_settings
from ..errors import ConfigError, NotFoundError
from ..localtime import to_local
from ..models import PostFilter
from . import mood
from . import narrative as narrative_mod
from .common import (
    Progress,
    Row,
    ShouldStop,
    check_stop,
    iter_rows,
    post_ref,
    report_filter,
    tick,
    years_with_posts,
)
from .publish import public_redactor, publish, redact_rows, shareable
from .stats import period_stats, tokenize_rows, topic_examples, topic_shift

if TYPE_CHECKING:
    from ..brain import Brain

MAX_EARLIER_POSTS = 20000  # topic shifts compare with up to this many earlier posts (evenly sampled)
WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


def default_year(available: dict[int, int], now: datetime | None = None) -> int:
    """The last full local year with posts; the current year only when there is no earlier one."""
    this_year = to_local(now or datetime.now(UTC)).year
    full = [y for y in available if y < this_year]
    return max(full) if full else max(available)


def parse_year(year: int | str | None) -> int | Literal["all"] | None:
    """A review's year as a person gives it: a number, ``all`` (or 全部) for every year, or nothing (None / "")
    for the default year. Anything else is a one-line ConfigError."""
    s = "" if year is None else str(year).strip()
    if not s:
        return None
    if s.lower() in ("all", "全部"):
        return "all"
    if s.isdigit():
        return int(s)
    raise ConfigError(f"year: use a year like 2016 or 'all', not {year!r}")


def review_years(available: dict[int, int], year: int | str | None, now: datetime | None = None) -> list[int]:
    """The years a review of ``year`` covers (see :func:`parse_year`): every year with posts for ``all``, else
    the one year — the last full year by default — which must have posts (a NotFoundError lists those that do)."""
    y = parse_year(year)
    if y == "all":
        return sorted(available)
    y = default_year(available, now) if y is None else y
    if y not in available:
        have = ", ".join(str(k) for k in sorted(available))
        raise NotFoundError(f"year: no posts in {y}; years with posts: {have}")
    return [y]


def year_review(
    brain: Brain,
    year: int | str | None,
    *,
    kb: str | None = None,
    public: bool = False,
    use_llm: bool = True,
    progress: Progress = None,
    should_stop: ShouldStop = None,
    sections: list[str] | None = None,
    flt: PostFilter | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The review of one year (int), the last full year (None) or every year ("all")."""
    base = report_filter(kb, public=public, flt=flt)
    available = years_with_posts(brain, base)
    if not available:
        raise NotFoundError("no posts to review yet: run `socialbrain import PATH` first")
    years = review_years(available, year, now)

    llm = brain.llm if use_llm else None
    scorer = mood_scorer(brain)
    # a public edition computes every statistic and list from redacted text (nothing redacted can leak through
    # a word cloud or a phrase), with the one Redactor that then redacts the report's strings
    redactor = public_redactor(brain) if public else None
    hide = hidden_from_settings(brain.settings)
    earlier_rows: list[Row] = []
    earlier_tokens: list[list[str | None]] = []
    df_before: Counter[str] = Counter()
    chapters = []
    first_year = min(available)
    if len(years) == 1 and years[0] > first_year:
        earlier_rows = list(iter_rows(brain, base, years=[y for y in available if y < years[0]]))
        step = max(1, len(earlier_rows) // MAX_EARLIER_POSTS)
        earlier_rows = earlier_rows[::step]
        if redactor is not None:
            earlier_rows = redact_rows(earlier_rows, redactor)
        earlier_tokens = tokenize_rows(earlier_rows, progress, should_stop, stage="earlier years")
        for toks in earlier_tokens:
            df_before.update({t for t in toks if t})
    for i, y in enumerate(years):
        check_stop(should_stop)
        tick(progress, f"{y}", i, len(years))
        raw_rows = list(iter_rows(brain, base, years=[y]))
        rows = redact_rows(raw_rows, redactor) if redactor is not None else raw_rows
        tokens = tokenize_rows(rows, progress, should_stop, stage=f"{y} words")
        chapter, df_now = _chapter(y, rows, tokens, earlier_rows, earlier_tokens, df_before, scorer)
        chapter["share_post"] = share_post(raw_rows, rows, chapter, hide)
        if y - 1 in available:  # "compared with last year" for the story
            chapter["compare"] = {
                "last_year": y - 1,
                "last_posts": available[y - 1],
                "posts": chapter["post_count"],
                "new_topics": [t["word"] for t in chapter.get("new_topics", [])[:5]],
                "faded_topics": [t["word"] for t in chapter.get("faded_topics", [])[:5]],
            }
        chapter["sections"] = _statistics_sections(chapter)
        chapter["narrative_by"] = "statistics"
        if llm is not None:
            extra = narrative_mod.year_narrative(
                brain,
                y,
                base,
                llm,
                progress=progress,
                should_stop=should_stop,
                public=public,
                ids=[r.id for r in rows],
            )
            extra += narrative_mod.theme_narratives(
                brain, base, llm, _themes(chapter), rows, tokens, progress=progress, should_stop=should_stop
            )
            if extra:
                chapter["sections"] = extra + chapter["sections"]
                chapter["narrative_by"] = f"llm:{getattr(llm, 'name', 'llm')}"
        chapter["cited_posts"] = cited_posts(brain, base, chapter["sections"])
        chapters.append(chapter)
        if len(years) > 1:  # the next year compares with every year before it
            earlier_rows.extend(rows)
            earlier_tokens.extend(tokens)
            df_before.update(df_now)
    tick(progress, "done", len(years), len(years))
    if len(years) == 1:
        report: dict[str, Any] = chapters[0]
    else:
        report = {
            "year": "all",
            "years": years,
            "post_count": sum(c["post_count"] for c in chapters),
            "posts_by_year": {str(c["year"]): c["post_count"] for c in chapters},
            "chapters": chapters,
        }
    report["kind"] = "year"
    report["kb"] = kb or "all"
    report["title"] = f"{'全部年份' if len(years) > 1 else str(years[0]) + ' 年'} · 年度回顾"
    report["generated_at"] = to_local(datetime.now(UTC)).isoformat(timespec="seconds")
    return publish(brain, report, public=public, sections=sections, redactor=redactor)


def share_post(
    raw_rows: list[Row], rows: list[Row], chapter: dict[str, Any], hide: Any
) -> dict[str, Any] | None:
    """The post the share card features: the first of the top posts, the latest night, the longest post and then
    the most liked others whose ORIGINAL text passes the privacy check (``publish.shareable``); None if none does."""
    raw = {r.id: r for r in raw_rows}
    shown = {r.id: r for r in rows}
    order = [p["id"] for p in chapter.get("top_posts") or []]
    order += [chapter[k]["id"] for k in ("latest_night", "longest_post") if chapter.get(k)]
    order += [r.id for r in sorted(raw_rows, key=lambda r: -(r.likes or 0))[:200]]
    for pid in dict.fromkeys(order):
        r = raw.get(pid)
        if r is not None and shareable(r.text, r.private or r.kind == "chat", hide):
            return post_ref(shown[pid], chars=140)
    return None


THEMES_PER_YEAR = 3


def _themes(chapter: dict[str, Any]) -> list[str]:
    """The year's themes for a narrative each: its new topics first, then its most used words."""
    words = [t["word"] for t in chapter.get("new_topics", [])] + [w for w, _ in chapter.get("top_words", [])]
    return list(dict.fromkeys(words))[:THEMES_PER_YEAR]


def mood_scorer(brain: Brain) -> mood.Scorer:
    """The mood method for reports (``[reports] mood`` / ``$SOCIALBRAIN_MOOD``: head or lexicon), cached per archive."""
    method = brain.settings.reports.mood  # head or lexicon, checked when the settings are read
    return mood.Scorer(method, cache=brain.settings.data_dir / "cache" / "mood.sqlite")


def cited_posts(brain: Brain, base: PostFilter, sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The posts the narrative parts cite, read under the report's own filter (so never hidden or, in a public
    edition, private ones)."""
    ids = sorted({i for part in sections for i in part.get("cited_ids", [])})
    if not ids:
        return []
    return [post_ref(r, chars=200) for r in iter_rows(brain, replace(base, ids=ids))]


def _chapter(
    year: int,
    rows: list[Row],
    tokens: list[list[str | None]],
    earlier_rows: list[Row],
    earlier_tokens: list[list[str | None]],
    df_before: Counter[str],
    scorer: mood.Scorer | None = None,
) -> tuple[dict[str, Any], Counter[str]]:
    """One year's chapter, and its per-word document frequency (for the next year's topic shifts)."""
    st = period_stats(rows, tokens, year=year, scorer=scorer)
    df_now = st.pop("_df")
    rose, faded = topic_shift(df_now, len(rows), df_before, len(earlier_rows))
    first_use = topic_examples([w for w, _ in rose], rows, tokens, last=False)
    last_use = topic_examples([w for w, _ in faded], earlier_rows, earlier_tokens, last=True)
    st["new_topics"] = [
        {"word": w, "score": round(s, 2), "post": post_ref(first_use[w], chars=140)}
        for w, s in rose
        if w in first_use
    ]
    st["faded_topics"] = [
        {"word": w, "score": round(s, 2), "post": post_ref(last_use[w], chars=140)}
        for w, s in faded
        if w in last_use
    ]
    return {"year": year, **st}, df_now


def _statistics_sections(ch: dict[str, Any]) -> list[dict[str, Any]]:
    """Narrative parts written from the statistics alone, each citing the posts it speaks of."""
    y, n = ch["year"], ch["post_count"]
    out: list[dict[str, Any]] = []
    months = ch["posts_by_month"]
    busiest = max(range(12), key=lambda m: months[m])
    hours = ch["by_hour"]
    peak_hour = max(range(24), key=lambda h: hours[h])
    peak_day = max(range(7), key=lambda d: ch["by_weekday"][d])
    cited = [p["id"] for p in (ch["first_post"], ch["last_post"]) if p]
    out.append(
        {
            "id": "overview",
            "title": "这一年 / The year",
            "text": f"{y} 年你一共发了 {n} 条。最忙的是 {busiest + 1} 月（{months[busiest]} 条），"
            f"最常在 {peak_hour}:00 前后、{WEEKDAYS[peak_day]}发帖。"
            f"第一条在 {ch['first_post']['date'][:10]}，最后一条在 {ch['last_post']['date'][:10]}。",
            "cited_ids": cited,
        }
    )
    records: list[str] = []
    ids: list[int] = []
    seen: set[int] = set()
    for key, label, unit in (
        ("most_liked", "最多赞", "likes"),
        ("most_reposted", "最多转发", "reposts"),
        ("most_commented", "最多评论", "comments"),
    ):
        p = ch.get(key)
        if p and p["id"] in seen:  # the same post again: say so instead of quoting it twice
            records[-1] = records[-1].replace("的一条", f"、{label}的一条", 1)
        elif p:
            records.append(f"{label}的一条（{p[unit]}）写于 {p['date'][:10]}：“{p['text'][:60]}”")
            ids.append(p["id"])
            seen.add(p["id"])
    if ch.get("latest_night"):
        p = ch["latest_night"]
        records.append(f"睡得最晚的一次是 {p['date'][11:16]} 发的：“{p['text'][:60]}”")
        ids.append(p["id"])
    if records:
        out.append(
            {
                "id": "highlights",
                "title": "高光时刻 / Highlights",
                "text": "；".join(records) + "。",
                "cited_ids": ids,
            }
        )
    if ch["top_words"] or ch["top_phrases"]:
        words_txt = "、".join(w for w, _ in ch["top_words"][:8])
        phrases_txt = "、".join(p for p, _ in ch["top_phrases"][:5])
        text = f"最常说的词：{words_txt}。" + (f"反复出现的说法：{phrases_txt}。" if phrases_txt else "")
        out.append({"id": "words", "title": "关键词 / Words", "text": text, "cited_ids": []})
    if ch["new_topics"] or ch["faded_topics"]:
        parts = []
        if ch["new_topics"]:
            parts.append("今年新出现的话题：" + "、".join(t["word"] for t in ch["new_topics"][:6]) + "。")
        if ch["faded_topics"]:
            parts.append(
                "以前常说、今年几乎不提了：" + "、".join(t["word"] for t in ch["faded_topics"][:6]) + "。"
            )
        ids = [t["post"]["id"] for t in ch["new_topics"][:6] + ch["faded_topics"][:6]]
        out.append({"id": "topics", "title": "话题的来去 / Topics", "text": "".join(parts), "cited_ids": ids})
    if ch["people"] or ch["hashtags"]:
        parts = []
        if ch["people"]:
            parts.append("提到最多的人：" + "、".join(f"@{p}（{c}）" for p, c in ch["people"][:6]) + "。")
        if ch["hashtags"]:
            parts.append(
                "最常参与的话题：" + "、".join(f"#{h}#（{c}）" for h, c in ch["hashtags"][:6]) + "。"
            )
        out.append({"id": "people", "title": "人与话题 / People", "text": "".join(parts), "cited_ids": []})
    months = ch.get("mood_months") or []
    moods = [m for m in months if m["share"] is not None]
    if len(moods) >= 2:
        hi = max(moods, key=lambda m: m["share"])
        lo = min(moods, key=lambda m: m["share"])
        how = "按心情模型估计" if ch.get("mood_method") == "head" else "按词语估计"
        few = [str(m["month"]) for m in months if m["posts"] and m["share"] is None]
        text = (
            f"{how}，{hi['month']} 月最明朗（积极 {hi['share']:.0%}，{hi['scored']} 条有情绪的帖子），"
            f"{lo['month']} 月最低落（积极 {lo['share']:.0%}，{lo['scored']} 条）。"
        )
        if few:
            text += f"{'、'.join(few)} 月有情绪的帖子太少（不足 {mood.MIN_SCORED} 条），不计。"
        out.append({"id": "mood", "title": "心情 / Mood", "text": text, "cited_ids": []})
    return out
