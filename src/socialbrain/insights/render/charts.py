"""Inline SVG charts (no scripts, no CDN): months bar chart, calendar heatmap, hour×weekday rhythm, mood line,
word cloud. Each chart carries role="img", an aria-label and a <title> so it has alt text."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

ACCENT = "#e8590c"
HEAT = ["#f1f3f5", "#ffe8cc", "#ffc078", "#ff922b", "#e8590c", "#c2410c"]
WEEKDAYS_CN = ["一", "二", "三", "四", "五", "六", "日"]


def _svg(width: int, height: int, label: str, body: str, cls: str) -> str:
    lab = escape(label)
    return (
        f'<svg class="chart {cls}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{lab}"><title>{lab}</title>{body}</svg>'
    )


def _level(v: int, top: int) -> str:
    if v <= 0 or top <= 0:
        return HEAT[0]
    return HEAT[min(len(HEAT) - 1, 1 + int((len(HEAT) - 2) * v / top + 0.5))]


def bar_chart(
    values: list[int], labels: list[str], label: str, *, width: int = 640, height: int = 220
) -> str:
    n = max(1, len(values))
    top = max(values) if values and max(values) > 0 else 1
    pad_b, pad_t = 28, 18
    bw = width / n
    body = []
    for i, v in enumerate(values):
        h = (height - pad_b - pad_t) * v / top
        x = i * bw + bw * 0.15
        y = height - pad_b - h
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw * 0.7:.1f}" height="{h:.1f}" fill="{ACCENT}">'
            f"<title>{escape(labels[i])}: {v}</title></rect>"
        )
        body.append(
            f'<text x="{x + bw * 0.35:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle">{v}</text>'
        )
        body.append(
            f'<text x="{x + bw * 0.35:.1f}" y="{height - 10}" font-size="12" text-anchor="middle">'
            f"{escape(labels[i])}</text>"
        )
    return _svg(width, height, label, "".join(body), "bars")


def months_chart(posts_by_month: list[int], year: Any) -> str:
    return bar_chart(posts_by_month, [f"{m}月" for m in range(1, 13)], f"{year} 年每月发帖数")


def calendar_heatmap(cells: list[list[Any]], year: Any) -> str:
    if not cells:
        return ""
    cell, gap, left, top_pad = 11, 2, 22, 16
    first = date.fromisoformat(cells[0][0])
    top = max(c[1] for c in cells) or 1
    body = []
    for i, wd in enumerate(WEEKDAYS_CN):
        if i % 2 == 0:
            body.append(f'<text x="0" y="{top_pad + i * (cell + gap) + 9}" font-size="9">{wd}</text>')
    weeks = 0
    for day_str, n in cells:
        d = date.fromisoformat(day_str)
        col = ((d - first).days + first.weekday()) // 7
        weeks = max(weeks, col + 1)
        x = left + col * (cell + gap)
        y = top_pad + d.weekday() * (cell + gap)
        if d.day == 1:
            body.append(f'<text x="{x}" y="10" font-size="9">{d.month}月</text>')
        body.append(
            f'<rect class="day" x="{x}" y="{y}" width="{cell}" height="{cell}" rx="2" '
            f'fill="{_level(n, top)}" data-date="{day_str}" data-count="{n}"><title>{day_str}: {n}</title></rect>'
        )
    width = left + weeks * (cell + gap) + 4
    height = top_pad + 7 * (cell + gap) + 4
    return _svg(width, height, f"{year} 年每日发帖日历热力图", "".join(body), "calendar")


def rhythm_heatmap(rhythm: list[list[int]]) -> str:
    cell, left, top_pad = 22, 28, 18
    top = max((max(r) for r in rhythm), default=0) or 1
    body = []
    for h in range(0, 24, 3):
        body.append(f'<text x="{left + h * cell + 2}" y="12" font-size="10">{h}时</text>')
    for d, row in enumerate(rhythm):
        body.append(f'<text x="0" y="{top_pad + d * cell + 15}" font-size="11">周{WEEKDAYS_CN[d]}</text>')
        for h, n in enumerate(row):
            body.append(
                f'<rect x="{left + h * cell}" y="{top_pad + d * cell}" width="{cell - 2}" '
                f'height="{cell - 2}" fill="{_level(n, top)}"><title>周{WEEKDAYS_CN[d]} {h}:00: {n}</title></rect>'
            )
    return _svg(
        left + 24 * cell, top_pad + 7 * cell + 4, "一周各时段发帖节奏（时 × 星期）", "".join(body), "rhythm"
    )


def mood_line(values: list[float | None], year: Any, *, width: int = 640, height: int = 180) -> str:
    pad_l, pad_b, pad_t = 36, 26, 12
    step = (width - pad_l - 10) / 11
    pts = [
        (pad_l + i * step, pad_t + (height - pad_b - pad_t) * (1 - v))
        for i, v in enumerate(values)
        if v is not None
    ]
    body = [
        f'<line x1="{pad_l}" y1="{pad_t + (height - pad_b - pad_t) / 2:.1f}" x2="{width - 10}" '
        f'y2="{pad_t + (height - pad_b - pad_t) / 2:.1f}" stroke="#ced4da" stroke-dasharray="4 3"/>',
        f'<text x="0" y="{pad_t + 8}" font-size="10">积极</text>',
        f'<text x="0" y="{height - pad_b}" font-size="10">消极</text>',
    ]
    for i in range(12):
        body.append(
            f'<text x="{pad_l + i * step:.1f}" y="{height - 8}" font-size="10" text-anchor="middle">{i + 1}月</text>'
        )
    if len(pts) >= 2:
        d = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        body.append(f'<polyline points="{d}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>')
    for (x, y), v in zip(pts, [v for v in values if v is not None], strict=True):
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{ACCENT}"><title>{v:.0%}</title></circle>'
        )
    return _svg(width, height, f"{year} 年每月心情（积极帖子占比）", "".join(body), "mood")


def _text_width(word: str, size: float) -> float:
    return sum(size * (0.6 if ch.isascii() else 1.0) for ch in word)


def word_cloud(words: list[list[Any]], label: str, *, width: int = 640, max_words: int = 40) -> str:
    """Words as SVG text sized by frequency, packed in centred rows (biggest first)."""
    items = [(str(w), int(c)) for w, c in words[:max_words] if c > 0]
    if not items:
        return ""
    top, low = items[0][1], items[-1][1]
    colours = ["#c2410c", "#1c7ed6", "#2b8a3e", "#862e9c", "#e67700", "#495057"]
    rows: list[list[tuple[str, float, int]]] = [[]]
    row_w = 0.0
    for i, (w, c) in enumerate(items):
        size = 14 + 30 * ((c - low) / (top - low) if top > low else 1.0)
        tw = _text_width(w, size) + 14
        if row_w + tw > width - 10 and rows[-1]:
            rows.append([])
            row_w = 0.0
        rows[-1].append((w, size, i))
        row_w += tw
    body = []
    y = 0.0
    for row in rows:
        h = max(s for _, s, _ in row)
        y += h + 6
        total = sum(_text_width(w, s) + 14 for w, s, _ in row)
        x = (width - total) / 2 + 7
        for w, s, i in row:
            body.append(
                f'<text class="word" x="{x:.1f}" y="{y:.1f}" font-size="{s:.0f}" '
                f'style="fill:{colours[i % len(colours)]}">{escape(w)}</text>'
            )
            x += _text_width(w, s) + 14
    return _svg(width, int(y + 10), label, "".join(body), "cloud")
