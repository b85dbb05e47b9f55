"""Statistics of one period of posts, from the archive alone (no LLM): counts, calendar, rhythm, records, words,
phrases, people, topics, places, platforms, mood."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from . import mood
from .common import (
    Progress,
    Row,
    ShouldStop,
    check_stop,
    cutter,
    hashtags,
    mentions,
    own_text,
    post_ref,
    tick,
    words,
)

NIGHT_END_HOUR = 5  # "late night" is 00:00–04:59 local time (rows come in the user's zone: common.iter_rows)
MOOD_SAMPLE_PER_MONTH = 400  # word list: cheap
MOOD_HEAD_SAMPLE = 60  # learned head: each post is embedded once (then cached)


def night_seconds(row: Row) -> int | None:
    t = row.created_at
    if t.hour >= NIGHT_END_HOUR:
        return None
    return t.hour * 3600 + t.minute * 60 + t.second


def _best(rows: Sequence[Row], attr: str) -> Row | None:
    best: Row | None = None
    for r in rows:
        v = getattr(r, attr)
        if v is not None and v > 0 and (best is None or v > getattr(best, attr)):
            best = r
    return best


def top_posts(rows: Sequence[Row], n: int = 5) -> list[dict[str, Any]]:
    """One list of the most engaged posts (likes + reposts + comments), each post once."""
    scored = [
        (sum(v or 0 for v in (r.likes, r.reposts, r.comments)), r)
        for r in rows
        if any(v for v in (r.likes, r.reposts, r.comments))
    ]
    scored.sort(key=lambda p: (-p[0], p[1].created_at))
    return [post_ref(r, likes=r.likes, reposts=r.reposts, comments=r.comments) for _, r in scored[:n]]


def tokenize_rows(
    rows: Sequence[Row], progress: Progress = None, should_stop: ShouldStop = None, stage: str = "words"
) -> list[list[str | None]]:
    out: list[list[str | None]] = []
    total = len(rows)
    cut = cutter()
    for i, r in enumerate(rows):
        out.append(words(r.text, cut))
        if i % 2000 == 0:
            check_stop(should_stop)
            tick(progress, stage, i, total)
    tick(progress, stage, total, total)
    return out


def _join(parts: Sequence[str]) -> str:
    out = parts[0]
    for p in parts[1:]:
        out += (" " if out[-1].isascii() and p[0].isascii() else "") + p
    return out


def top_words_and_phrases(
    tokens: Sequence[Sequence[str | None]], top: int = 30
) -> tuple[list[list[Any]], list[list[Any]], Counter[str]]:
    """Word counts, phrases (adjacent 2–3 word n-grams found in at least 2 posts, counted once per post), and the
    per-word document frequency used for topic shifts."""
    counts: Counter[str] = Counter()
    df: Counter[str] = Counter()
    grams: Counter[tuple[str, ...]] = Counter()
    for toks in tokens:
        words_only = [t for t in toks if t]
        counts.update(words_only)
        df.update(set(words_only))
        if len(words_only) < 2:
            continue
        seen: set[tuple[str, ...]] = set()
        run: list[str] = []
        for t in (*toks, None):
            if t:
                run.append(t)
                continue
            if len(run) >= 2:
                seen.update(zip(run, run[1:], strict=False))
                seen.update(zip(run, run[1:], run[2:], strict=False))
            run = []
        grams.update(seen)
    phrases = [(g, c) for g, c in grams.items() if c >= 2 and len(set(g)) == len(g)]
    phrases.sort(key=lambda p: (-p[1], p[0]))
    # a bigram that only ever occurs inside one trigram adds nothing
    inside = {(t[:2], c) for t, c in phrases if len(t) == 3} | {(t[1:], c) for t, c in phrases if len(t) == 3}
    kept = [(g, c) for g, c in phrases if len(g) == 3 or (g, c) not in inside]
    top_words = [[w, c] for w, c in counts.most_common(top)]
    top_phrases = [[_join(g), c] for g, c in kept[:top]]
    return top_words, top_phrases, df


def topic_shift(
    df_now: Counter[str],
    n_now: int,
    df_before: Counter[str],
    n_before: int,
    top: int = 10,
    min_posts: int = 3,
) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Words that rose (new this period) and faded (common before, rare now), by smoothed log ratio of the share of
    posts that use them, weighted by how many posts that is."""
    if n_now == 0 or n_before == 0:
        return [], []
    rose = _more_common(df_now, n_now, df_before, n_before, min_posts)
    faded = _more_common(df_before, n_before, df_now, n_now, min_posts)
    return rose[:top], faded[:top]


def _more_common(df_a: Counter[str], n_a: int, df_b: Counter[str], n_b: int, min_posts: int) -> list[tuple[str, float]]:
    """Words in at least ``min_posts`` of A's posts whose (smoothed) share of A's posts is over 4× their share of
    B's, scored by that log ratio × √posts, best first."""
    out = []
    for w, c in df_a.items():
        if c >= min_posts:
            r = math.log((c + 0.5) / (n_a + 1)) - math.log((df_b.get(w, 0) + 0.5) / (n_b + 1))
            if r > math.log(4):
                out.append((w, r * math.sqrt(c)))
    out.sort(key=lambda p: -p[1])
    return out


def calendar_cells(rows: Iterable[Row], year: int) -> list[list[Any]]:
    per_day = Counter(r.created_at.date() for r in rows)
    d = date(year, 1, 1)
    cells = []
    while d.year == year:
        cells.append([d.isoformat(), per_day.get(d, 0)])
        d += timedelta(days=1)
    return cells


def mood_by_month(rows: Sequence[Row], scorer: mood.Scorer | None = None) -> list[dict[str, Any]]:
    """Per calendar month: posts, sampled, scored, positive share (None under mood.MIN_SCORED), emotions."""
    scorer = scorer or mood.Scorer()
    by_month: list[list[str]] = [[] for _ in range(12)]
    for r in rows:
        by_month[r.created_at.month - 1].append(r.text)
    sample = MOOD_HEAD_SAMPLE if scorer.method == "head" else MOOD_SAMPLE_PER_MONTH
    return mood.month_figures(by_month, scorer, sample)


def period_stats(
    rows: Sequence[Row],
    tokens: Sequence[Sequence[str | None]],
    year: int | None = None,
    top: int = 30,
    scorer: mood.Scorer | None = None,
) -> dict[str, Any]:
    """Every statistic of the reports for these rows (one year when ``year`` is given)."""
    posts_by_month = [0] * 12
    by_hour = [0] * 24
    by_weekday = [0] * 7
    rhythm = [[0] * 24 for _ in range(7)]
    for r in rows:
        t = r.created_at
        posts_by_month[t.month - 1] += 1
        by_hour[t.hour] += 1
        by_weekday[t.weekday()] += 1
        rhythm[t.weekday()][t.hour] += 1
    top_words, top_phrases, df = top_words_and_phrases(tokens, top)
    scorer = scorer or mood.Scorer()
    months = mood_by_month(rows, scorer)
    people = Counter(m for r in rows for m in set(mentions(r.text)))
    tags = Counter(h for r in rows for h in set(hashtags(own_text(r.text))))
    places = Counter(r.location.strip() for r in rows if r.location and r.location.strip())
    night = [(s, r) for r in rows if (s := night_seconds(r)) is not None]
    latest_night = max(night, key=lambda p: (p[0], p[1].created_at))[1] if night else None
    longest = max(rows, key=lambda r: (len(r.text), -r.id)) if rows else None
    best = {attr: _best(rows, attr) for attr in ("likes", "reposts", "comments")}

    def ref(row: Row | None, **extra: Any) -> dict[str, Any] | None:
        return post_ref(row, **extra) if row else None

    out: dict[str, Any] = {
        "post_count": len(rows),
        "posts_by_month": posts_by_month,
        "by_hour": by_hour,
        "by_weekday": by_weekday,
        "rhythm": rhythm,
        "first_post": ref(rows[0]) if rows else None,
        "last_post": ref(rows[-1]) if rows else None,
        "most_liked": ref(best["likes"], likes=best["likes"].likes) if best["likes"] else None,
        "most_reposted": ref(best["reposts"], reposts=best["reposts"].reposts) if best["reposts"] else None,
        "most_commented": ref(best["comments"], comments=best["comments"].comments)
        if best["comments"]
        else None,
        "longest_post": ref(longest, chars=None, length=len(longest.text)) if longest else None,
        "latest_night": ref(latest_night) if latest_night else None,
        "top_posts": top_posts(rows),
        "top_words": top_words,
        "top_phrases": top_phrases,
        "people": [[p, c] for p, c in people.most_common(15)],
        "hashtags": [[h, c] for h, c in tags.most_common(15)],
        "places": [[p, c] for p, c in places.most_common(15)],
        "platforms": dict(Counter(r.platform for r in rows).most_common()),
        "kinds": dict(Counter(r.kind for r in rows).most_common()),
        "mood_months": months,
        "mood_by_month": [m["share"] for m in months],
        "mood_method": scorer.method,
    }
    if year is not None:
        out["calendar"] = calendar_cells(rows, year)
    out["_df"] = df
    return out


def topic_examples(
    words_list: Sequence[str], rows: Sequence[Row], tokens: Sequence[Sequence[str | None]], *, last: bool
) -> dict[str, Row]:
    """For each word: the first (or last) post that uses it."""
    wanted = set(words_list)
    found: dict[str, Row] = {}
    order = range(len(rows) - 1, -1, -1) if last else range(len(rows))
    for i in order:
        for w in wanted.intersection(t for t in tokens[i] if t):
            found.setdefault(w, rows[i])
        if len(found) == len(wanted):
            break
    return found
