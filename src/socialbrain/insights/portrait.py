"""The portrait: per aspect of a life (work, fitness, projects, learning, interests, people) what was said, how it
changed over the years, representative quotes, suggestions and commentary; a personality paragraph; forgotten voices.

Without an LLM everything comes from statistics and keyword retrieval over every post (seed words per aspect,
expanded with the words that co-occur with them in this archive), and the report says so plainly. With an LLM, each
aspect's representative posts (spread over the years) are given numbered and every [n] in the reply is checked.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError
from ..timeparse import DEFAULT_ZONE
from .common import Progress, Row, ShouldStop, check_stop, iter_rows, post_ref, report_filter, tick
from .publish import PORTRAIT_SECTIONS, public_redactor, publish, redact_rows
from .stats import tokenize_rows

if TYPE_CHECKING:
    from ..brain import Brain

DEFAULT_ASPECTS = ["工作", "健身", "个人项目", "学习总结", "兴趣发展", "人际关系"]

SEEDS: dict[str, list[str]] = {
    "工作": [
        "工作",
        "上班",
        "加班",
        "公司",
        "同事",
        "老板",
        "领导",
        "会议",
        "面试",
        "跳槽",
        "辞职",
        "客户",
        "出差",
        "offer",
        "work",
        "job",
        "office",
        "meeting",
        "boss",
    ],
    "健身": [
        "健身",
        "跑步",
        "锻炼",
        "游泳",
        "瑜伽",
        "减肥",
        "马拉松",
        "公里",
        "撸铁",
        "骑行",
        "健身房",
        "体重",
        "gym",
        "run",
        "running",
        "workout",
        "fitness",
        "marathon",
    ],
    "个人项目": [
        "项目",
        "开源",
        "代码",
        "写代码",
        "上线",
        "发布",
        "作品",
        "独立开发",
        "github",
        "app",
        "side",
        "project",
        "demo",
        "原型",
    ],
    "学习总结": [
        "学习",
        "读书",
        "读完",
        "课程",
        "笔记",
        "总结",
        "考试",
        "复习",
        "论文",
        "教程",
        "learn",
        "study",
        "notes",
        "book",
        "course",
    ],
    "兴趣发展": [
        "爱好",
        "摄影",
        "画画",
        "音乐",
        "电影",
        "旅行",
        "吉他",
        "钢琴",
        "游戏",
        "追剧",
        "动漫",
        "hobby",
        "photo",
        "music",
        "travel",
        "movie",
    ],
    "人际关系": [
        "朋友",
        "家人",
        "爸爸",
        "妈妈",
        "男朋友",
        "女朋友",
        "老公",
        "老婆",
        "同学",
        "聚会",
        "吵架",
        "闺蜜",
        "friend",
        "friends",
        "family",
    ],
}
ENGLISH = {
    "work": "工作",
    "fitness": "健身",
    "projects": "个人项目",
    "project": "个人项目",
    "learning": "学习总结",
    "interests": "兴趣发展",
    "hobbies": "兴趣发展",
    "relationships": "人际关系",
    "people": "人际关系",
}
OPINION = re.compile(
    r"我觉得|我认为|我想|我喜欢|我讨厌|我希望|我要|我的梦想|以后要|总有一天|一定要|\bI (?:think|believe|love|"
    r"hate|want|wish|will)\b",
    re.IGNORECASE,
)
NO_LLM_NOTE = (
    "没有配置 LLM：本画像由统计与关键词检索生成，引用的都是原帖；配置 LLM 后会写出叙述与点评。"
    " (No LLM configured: built from statistics and retrieval; an LLM would write the narrative.)"
)
QUOTES_PER_ASPECT = 5
LLM_POSTS_PER_ASPECT = 30
RETRIEVED_PER_ASPECT = 10


def llm_cost(aspects: int) -> tuple[int, int, int]:
    """(posts, calls, estimated prompt tokens) a portrait sends to an LLM: LLM_POSTS_PER_ASPECT posts of at most
    400 characters per aspect in one call each, plus the personality call over a few quotes."""
    per_post = 130  # a typical Weibo post with its date and number, CJK ≈ 1 token per character
    posts = aspects * LLM_POSTS_PER_ASPECT
    return posts, aspects + 1, posts * per_post + aspects * 300 + (4 * aspects * per_post + 300)


def _seeds(aspect: str) -> list[str]:
    key = ENGLISH.get(aspect.lower(), aspect)
    return SEEDS.get(key, [aspect.lower()])


def _expand(seeds: set[str], tokens: list[set[str]], df: Counter[str], n: int, top: int = 6) -> list[str]:
    """Words that co-occur with the seeds far more than chance (lift ≥ 3, in ≥ 3 matching posts)."""
    matching = [t for t in tokens if t & seeds]
    if len(matching) < 3:
        return []
    co: Counter[str] = Counter()
    for t in matching:
        co.update(t - seeds)
    scored = []
    for w, c in co.items():
        if c >= 3 and len(w) >= 2:
            lift = (c / len(matching)) / (df[w] / n)
            if lift >= 3:
                scored.append((c * math.log(lift), w))
    return [w for _, w in sorted(scored, reverse=True)[:top]]


def _with_retrieved(
    brain: Brain,
    aspect: str,
    expansion: list[str],
    base: Any,
    matched: list[tuple[float, Row]],
    by_id: dict[int, Row],
) -> list[tuple[float, Row]]:
    """Boost (or add) the posts the search index ranks highest for the aspect (BM25 over the index's segmentation);
    the keyword matching alone is used when there is no index to ask."""
    from ..errors import SocialbrainError
    from ..retrieve.search import search

    try:
        result = search(
            brain, " ".join([aspect, *expansion[:4]]), flt=base, k=RETRIEVED_PER_ASPECT, mode="keyword"
        )
    except SocialbrainError:  # no index to ask (not built, another embedder…): keyword matching alone
        return matched
    bonus = {
        h.post.id: 3.0 * (RETRIEVED_PER_ASPECT - i) / RETRIEVED_PER_ASPECT for i, h in enumerate(result.hits)
    }
    out = [(score + bonus.pop(r.id, 0.0), r) for score, r in matched]
    out += [(_score(by_id[pid], 1) + b, by_id[pid]) for pid, b in bonus.items() if pid in by_id]
    return out


def _score(row: Row, hits: int) -> float:
    return hits * 2 + math.log1p(len(row.text)) + math.log1p(row.likes or 0) * 0.5


def _spread(items: list[tuple[float, Row]], k: int) -> list[Row]:
    """The k best posts spread over the WHOLE span: the first round takes the best post of years evenly spaced
    from the first year to the last, later rounds the next best, so 5 quotes of 2015–2025 come from 2015, ~2017,
    2020, ~2022 and 2025 — not from the first five years."""
    by_year: dict[int, list[Row]] = defaultdict(list)
    for _s, r in sorted(items, key=lambda p: -p[0]):
        by_year[r.created_at.year].append(r)
    years = sorted(by_year)
    if not years or k <= 0:
        return []
    m = len(years)
    order: list[int] = []
    if m > 1:
        for i in range(min(k, m)):
            y = years[round(i * (m - 1) / max(1, min(k, m) - 1))]
            if y not in order:
                order.append(y)
    order += [y for y in years if y not in order]
    picked: list[Row] = []
    depth = 0
    while len(picked) < k and depth < max(len(v) for v in by_year.values()):
        for y in order:
            if depth < len(by_year[y]) and len(picked) < k:
                picked.append(by_year[y][depth])
        depth += 1
    return sorted(picked, key=lambda r: r.created_at)


def _timeline(matched: list[tuple[float, Row]], years: list[int]) -> list[dict[str, Any]]:
    counts = Counter(r.created_at.year for _, r in matched)
    best: dict[int, Row] = {}
    for _s, r in sorted(matched, key=lambda p: -p[0]):
        best.setdefault(r.created_at.year, r)
    series = [counts.get(y, 0) for y in years]
    notes: dict[int, str] = {}
    active = [y for y in years if counts.get(y)]
    if active:
        notes[active[0]] = "第一次提到 / first mention"
        peak = max(active, key=lambda y: counts[y])
        notes.setdefault(peak, "最多的一年 / peak")
        if active[-1] != years[-1]:
            notes.setdefault(active[-1], "最后一次提到 / last mention")
    for i in range(1, len(years)):
        prev, cur = series[i - 1], series[i]
        if prev >= 3 and cur <= prev / 3:
            notes.setdefault(years[i - 1], f"此后明显减少 / dropped after ({prev}→{cur})")
        elif cur >= 3 and cur >= 3 * max(prev, 1):
            notes.setdefault(years[i], f"明显增多 / rose ({prev}→{cur})")
    return [
        {
            "year": y,
            "posts": counts.get(y, 0),
            "note": notes.get(y, ""),
            "turn": post_ref(best[y], chars=160) if y in notes and y in best else None,
        }
        for y in years
    ]


def forgotten_voices(
    rows: list[Row],
    tokens: list[list[str | None]],
    df: Counter[str],
    *,
    top: int = 8,
    min_age_days: int = 365,
) -> list[dict[str, Any]]:
    """Opinions and wishes ("我想…", "I want…") stated long ago whose telling words never came back later."""
    if not rows:
        return []
    last_seen: dict[str, datetime] = {}
    for r, toks in zip(rows, tokens, strict=True):
        for t in toks:
            if t:
                last_seen[t] = r.created_at
    latest = rows[-1].created_at
    n = len(rows)
    out: list[dict[str, Any]] = []
    for r, toks in zip(rows, tokens, strict=True):
        if latest - r.created_at < timedelta(days=min_age_days) or not OPINION.search(r.text):
            continue
        telling = [t for t in dict.fromkeys(x for x in toks if x) if df[t] <= max(3, n * 0.01)]
        if len(telling) < 1:
            continue
        if all(last_seen[t] <= r.created_at + timedelta(days=30) for t in telling):
            out.append(
                {
                    "word": "、".join(telling[:3]),
                    "text": f"{r.created_at.year} 年说过，之后再没提起 / said once, never again",
                    "post": post_ref(r, chars=200),
                }
            )
    out.sort(key=lambda v: v["post"]["date"])
    if len(out) > top:  # spread over the whole span
        step = len(out) / top
        out = [out[int(i * step)] for i in range(top)]
    return out


def _personality_stats(rows: list[Row], tokens: list[list[str | None]], scorer: Any = None) -> str:
    from .stats import mood_by_month

    n = len(rows)
    night = sum(1 for r in rows if r.created_at.hour < 5 or r.created_at.hour >= 23) / n
    weekend = sum(1 for r in rows if r.created_at.weekday() >= 5) / n
    opinions = sum(1 for r in rows if OPINION.search(r.text)) / n
    months = [m for m in mood_by_month(rows, scorer) if m["share"] is not None]
    scored = sum(m["scored"] for m in months)
    mood_avg = sum(m["share"] * m["scored"] for m in months) / scored if scored else None
    words = Counter(t for toks in tokens for t in toks if t).most_common(6)
    parts = [
        f"{n} 条帖子里，{night:.0%} 写于深夜（23 点后）{'，是个夜猫子' if night > 0.2 else ''}",
        f"{weekend:.0%} 在周末",
        f"{opinions:.0%} 直接表达了想法或愿望",
    ]
    if mood_avg is not None:
        parts.append(
            f"情绪整体{'偏积极' if mood_avg > 0.55 else '偏消极' if mood_avg < 0.45 else '平稳'}"
            f"（{scored} 条有情绪的帖子里积极 {mood_avg:.0%}）"
        )
    if words:
        parts.append("最常说的是 " + "、".join(w for w, _ in words))
    return "；".join(parts) + "。（统计得出，不是性格判断 / from statistics, not a judgement）"


def portrait(
    brain: Brain,
    *,
    kb: str | None = None,
    aspects: list[str] | None = None,
    public: bool = False,
    use_llm: bool = True,
    progress: Progress = None,
    should_stop: ShouldStop = None,
    sections: list[str] | None = None,
    show_uncited: bool = False,
) -> dict[str, Any]:
    """The portrait as a dict: ``aspects [{name, keywords, post_count, summary, timeline, quotes, suggestions,
    opinions, turning_points, cited_ids}], personality {text, cited_ids}, forgotten_voices [{word, text, post}],
    cited_posts, note, years``. With an LLM every sentence cites a post it was given (``show_uncited``: keep the
    others marked（未引用）instead of dropping them)."""
    base = report_filter(kb, public=public)
    rows = list(iter_rows(brain, base))
    if not rows:
        raise NotFoundError("no posts for a portrait yet: run `socialbrain import PATH` first")
    redactor = public_redactor(brain) if public else None
    if redactor is not None:  # every list and quote of a public edition comes from redacted text
        rows = redact_rows(rows, redactor)
    aspects = aspects or DEFAULT_ASPECTS
    tokens = tokenize_rows(rows, progress, should_stop)
    sets = [{t for t in toks if t} for toks in tokens]
    df: Counter[str] = Counter()
    for s in sets:
        df.update(s)
    n = len(rows)
    years = list(range(rows[0].created_at.year, rows[-1].created_at.year + 1))
    llm = brain.llm if use_llm else None
    out_aspects = []
    for i, name in enumerate(aspects):
        check_stop(should_stop)
        tick(progress, f"画像 / {name}", i, len(aspects))
        seeds = {s.lower() for s in _seeds(name)}
        expansion = _expand(seeds, sets, df, n)
        keys = seeds | set(expansion)
        matched = [
            (_score(r, len(s & keys) + 2 * len(s & seeds)), r)
            for r, s in zip(rows, sets, strict=True)
            if s & seeds or len(s & keys) >= 2
        ]
        matched = _with_retrieved(brain, name, expansion, base, matched, {r.id: r for r in rows})
        quotes = _spread(matched, QUOTES_PER_ASPECT)
        a: dict[str, Any] = {
            "name": name,
            "keywords": sorted(seeds & set(df)) + expansion,
            "post_count": len(matched),
            "timeline": _timeline(matched, years),
            "quotes": [post_ref(r, chars=200) for r in quotes],
            "cited_ids": [r.id for r in quotes],
        }
        if matched:
            peak = max(a["timeline"], key=lambda t: t["posts"])
            a["summary"] = (
                f"与「{name}」有关的帖子 {len(matched)} 条（占 {len(matched) / n:.1%}），"
                f"最多的是 {peak['year']} 年（{peak['posts']} 条）。"
                + (f"常和它一起出现的词：{'、'.join(expansion)}。" if expansion else "")
            )
            a["suggestions"] = [f"围绕「{w}」的更多内容" for w in expansion[:3]]
            opinion_rows = [r for _, r in matched if OPINION.search(r.text)][-3:]
            a["opinions"] = "；".join(f"{r.created_at.year} 年：“{r.text[:60]}”" for r in opinion_rows)
        else:
            a["summary"] = f"没有找到与「{name}」有关的帖子。"
            a["suggestions"] = []
            a["opinions"] = ""
        if llm is not None and matched:
            from .portrait_llm import aspect_narrative, aspect_story

            told = aspect_narrative(
                llm,
                name,
                _spread(matched, LLM_POSTS_PER_ASPECT),
                keywords=a["keywords"],
                public=public,
                mark=show_uncited,
            )
            story = aspect_story(brain, base, llm, name, [r.id for _, r in matched], progress=progress)
            if story.get("summary"):  # the whole-life map-reduce summary wins over the one-call sample
                told["summary"] = story["summary"]
            told["cited_ids"] += story.get("cited_ids", [])
            told["dropped_citations"] += story.get("dropped_citations", [])
            if story.get("turning_points"):
                a["turning_points"] = story["turning_points"]
            a["cited_ids"] = list(dict.fromkeys(a["cited_ids"] + told.pop("cited_ids")))
            a.update(told)
        out_aspects.append(a)
    tick(progress, "画像 / done", len(aspects), len(aspects))
    from .yearly import mood_scorer

    personality = {"text": _personality_stats(rows, tokens, mood_scorer(brain)), "cited_ids": []}
    if llm is not None:
        from .portrait_llm import personality_narrative

        personality = personality_narrative(llm, out_aspects, public=public) or personality
    cited_ids = sorted(
        {i for a in out_aspects for i in a.get("cited_ids", [])}
        | {i for a in out_aspects for t in a.get("turning_points", []) for i in t["cited_ids"]}
        | set(personality.get("cited_ids", []))
    )
    by_id = {r.id: r for r in rows}
    report: dict[str, Any] = {
        "kind": "portrait",
        "cited_posts": [post_ref(by_id[i], chars=200) for i in cited_ids if i in by_id],
        "title": "个人画像 / Portrait",
        "kb": kb or "all",
        "years": [years[0], years[-1]],
        "post_count": n,
        "aspects": out_aspects,
        "personality": personality,
        "forgotten_voices": forgotten_voices(rows, tokens, df),
        "narrative_by": f"llm:{getattr(llm, 'name', 'llm')}" if llm is not None else "statistics",
        "note": "" if llm is not None else NO_LLM_NOTE,
        "generated_at": datetime.now(DEFAULT_ZONE).isoformat(timespec="seconds"),
    }
    return publish(
        brain, report, public=public, sections=sections, known=PORTRAIT_SECTIONS, redactor=redactor
    )
