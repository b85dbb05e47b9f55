"""The yearly review as a story: one screen at a time, one big number per screen, second person.

``render_story(report) -> str`` — one self-contained HTML file (inline CSS, inline SVG, a few lines of inline
script; no network, works from ``file://``). Slides: the year in one number, the busiest month, the latest night,
the people, the places, the mood arc, the words, the posts you liked most, compared with last year, and an end
screen that opens the detailed view (the whole ``render_html`` report, embedded) — so one file holds both.
Keys: → ↓ space PageDown next, ← ↑ PageUp back, Home/End; swipe left/right on a phone; tap the right/left third.
A slide whose data is missing (no places, too few scored months…) is left out, never shown empty.
"""

from __future__ import annotations

from html import escape
from typing import Any

from . import charts
from .html import CSS, FONT_STACK, render_html

WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]

STORY_CSS = """
html, body { margin: 0; height: 100%; overflow: hidden; }
body { font-family: __FONTS__; background: #1f1b2e; color: #fff; }
.deck { position: fixed; inset: 0; }
.slide { position: absolute; inset: 0; display: flex; flex-direction: column; justify-content: center;
  padding: 48px 28px 64px; box-sizing: border-box; opacity: 0; visibility: hidden; transform: translateX(24px);
  transition: opacity .35s, transform .35s; overflow-y: auto; overflow-wrap: anywhere; word-break: break-word; }
.slide.on { opacity: 1; visibility: visible; transform: none; }
.slide > * { max-width: 620px; margin-left: auto; margin-right: auto; width: 100%; }
.slide:nth-child(6n+1) { background: linear-gradient(160deg, #ff922b, #e8590c); }
.slide:nth-child(6n+2) { background: linear-gradient(160deg, #4263eb, #1c3fa8); }
.slide:nth-child(6n+3) { background: linear-gradient(160deg, #0ca678, #087f5b); }
.slide:nth-child(6n+4) { background: linear-gradient(160deg, #ae3ec9, #862e9c); }
.slide:nth-child(6n+5) { background: linear-gradient(160deg, #1f1b2e, #3b3355); }
.slide:nth-child(6n) { background: linear-gradient(160deg, #f03e3e, #c92a2a); }
.kicker { font-size: 18px; opacity: .85; margin: 0 0 8px; }
.slide .big { font-size: clamp(64px, 22vw, 132px); font-weight: 800; line-height: 1; margin: 8px 0; letter-spacing: -2px;
  color: #fff; text-shadow: 0 2px 12px #0003; }
.unit { font-size: 24px; font-weight: 600; }
.line { font-size: 20px; line-height: 1.6; margin: 12px 0; }
.quote { box-sizing: border-box; background: #fff2; border-left: 4px solid #fff; padding: 10px 14px; border-radius: 8px;
  font-size: 17px;
  line-height: 1.6; margin: 10px auto; }
.quote small { display: block; opacity: .8; font-size: 13px; }
.chips span { display: inline-block; background: #fff3; border-radius: 999px; padding: 4px 12px; margin: 4px 4px 0 0;
  font-size: 17px; }
.chart-box { box-sizing: border-box; background: #fff; border-radius: 12px; padding: 8px; color: #212529; }
.chart-box svg { width: 100%; height: auto; }
.nav { position: fixed; left: 0; right: 0; bottom: 14px; display: flex; justify-content: center; gap: 6px; z-index: 2; }
.nav i { width: 8px; height: 8px; border-radius: 50%; background: #fff6; display: block; }
.nav i.on { background: #fff; width: 22px; border-radius: 4px; }
.hint { position: fixed; right: 14px; bottom: 10px; font-size: 12px; opacity: .7; z-index: 2; }
button.more { font: inherit; font-size: 18px; padding: 10px 18px; border-radius: 999px; border: 0; background: #fff;
  color: #e8590c; cursor: pointer; margin-top: 16px; width: auto; }
#detail { display: none; position: fixed; inset: 0; overflow-y: auto; background: #f8f9fa; color: #212529; z-index: 5; }
body.detail #detail { display: block; } body.detail .deck, body.detail .nav, body.detail .hint { display: none; }
#detail .back { position: sticky; top: 0; background: #fff; padding: 8px 16px; box-shadow: 0 1px 3px #0002; z-index: 1; }
"""

SCRIPT = """
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
  var dots = document.querySelector('.nav');
  var i = 0;
  slides.forEach(function (_, k) { var d = document.createElement('i'); dots.appendChild(d); });
  function show(n) {
    i = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (s, k) { s.classList.toggle('on', k === i); s.setAttribute('aria-hidden', k !== i); });
    Array.prototype.forEach.call(dots.children, function (d, k) { d.classList.toggle('on', k === i); });
    document.body.setAttribute('data-slide', String(i));
    if (location.hash !== '#' + (i + 1)) { history.replaceState(null, '', '#' + (i + 1)); }
  }
  function detail(on) { document.body.classList.toggle('detail', on); }
  document.addEventListener('keydown', function (e) {
    if (document.body.classList.contains('detail')) { if (e.key === 'Escape') { detail(false); } return; }
    if (['ArrowRight', 'ArrowDown', 'PageDown', ' ', 'Enter'].indexOf(e.key) >= 0) { show(i + 1); e.preventDefault(); }
    else if (['ArrowLeft', 'ArrowUp', 'PageUp', 'Backspace'].indexOf(e.key) >= 0) { show(i - 1); e.preventDefault(); }
    else if (e.key === 'Home') { show(0); } else if (e.key === 'End') { show(slides.length - 1); }
  });
  var x0 = null, y0 = null;
  document.addEventListener('touchstart', function (e) { x0 = e.touches[0].clientX; y0 = e.touches[0].clientY; },
    { passive: true });
  document.addEventListener('touchend', function (e) {
    if (x0 === null) { return; }
    var dx = e.changedTouches[0].clientX - x0, dy = e.changedTouches[0].clientY - y0;
    if (Math.abs(dx) > 40 && Math.abs(dx) > Math.abs(dy)) { show(dx < 0 ? i + 1 : i - 1); }
    x0 = null;
  });
  document.querySelector('.deck').addEventListener('click', function (e) {
    if (e.target.closest('button, a')) { return; }
    var w = window.innerWidth;
    if (e.clientX > w * 2 / 3) { show(i + 1); } else if (e.clientX < w / 3) { show(i - 1); }
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-detail]'), function (b) {
    b.addEventListener('click', function () { detail(b.getAttribute('data-detail') === 'on'); });
  });
  var start = parseInt((location.hash || '#1').slice(1), 10);
  show(isNaN(start) ? 0 : start - 1);
})();
"""


def _e(v: Any) -> str:
    return escape(str(v if v is not None else ""))


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _quote(p: dict[str, Any] | None, extra: str = "", n: int = 120) -> str:
    if not p:
        return ""
    when = _e(str(p.get("date", ""))[:16].replace("T", " "))
    return f'<div class="quote">{_e(_clip(str(p.get("text", "")), n))}<small>{when}{_e(extra)}</small></div>'


def _slide(kind: str, body: str) -> str:
    return f'<section class="slide" data-kind="{kind}">{body}</section>'


def slides(ch: dict[str, Any]) -> list[str]:
    """The story's slides for one year chapter (missing data → no slide)."""
    y = ch.get("year")
    n = int(ch.get("post_count") or 0)
    out = [
        _slide(
            "number",
            f'<p class="kicker">{_e(y)} 年，你一共写下了</p><p class="big">{n:,}</p><p class="unit">条帖子</p>'
            + (f'<p class="line">平均每天 {n / 365:.1f} 条。</p>' if n else ""),
        )
    ]
    months = ch.get("posts_by_month") or []
    if any(months):
        m = max(range(12), key=lambda k: months[k])
        chart = charts.bar_chart(
            months, [str(k) for k in range(1, 13)], f"{y} 年每月发帖数", width=600, height=200
        )
        out.append(
            _slide(
                "busiest",
                f'<p class="kicker">最忙的一个月</p><p class="big">{m + 1}<span class="unit"> 月</span></p>'
                f'<p class="line">这个月你写了 {months[m]} 条。</p><div class="chart-box">{chart}</div>',
            )
        )
    night = ch.get("latest_night")
    if night:
        hhmm = str(night.get("date", ""))[11:16]
        out.append(
            _slide(
                "night",
                f'<p class="kicker">睡得最晚的一次</p><p class="big">{_e(hhmm)}</p>'
                f'<p class="line">{_e(str(night.get("date", ""))[:10])} 凌晨，你还在写：</p>{_quote(night)}',
            )
        )
    people = ch.get("people") or []
    if people:
        top, c = people[0]
        chips = "".join(f"<span>@{_e(p)} · {k}</span>" for p, k in people[1:8])
        out.append(
            _slide(
                "people",
                f'<p class="kicker">你提到最多的人</p><p class="big" style="font-size:clamp(40px,12vw,84px)">@{_e(top)}</p>'
                f'<p class="line">一共 {c} 次。还有：</p><p class="chips">{chips}</p>',
            )
        )
    places = ch.get("places") or []
    if places:
        chips = "".join(f"<span>{_e(p)} · {k}</span>" for p, k in places[:8])
        out.append(
            _slide(
                "places",
                f'<p class="kicker">你在这些地方留下了帖子</p><p class="big">{len(places)}</p>'
                f'<p class="unit">个地点</p><p class="chips">{chips}</p>',
            )
        )
    mood = [m for m in ch.get("mood_months") or [] if m.get("share") is not None]
    if len(mood) >= 2:
        hi = max(mood, key=lambda m: m["share"])
        lo = min(mood, key=lambda m: m["share"])
        line = charts.mood_line(ch.get("mood_by_month") or [], y, width=600, height=180)
        out.append(
            _slide(
                "mood",
                f'<p class="kicker">你的心情曲线</p><p class="big">{hi["month"]}<span class="unit"> 月最明朗</span></p>'
                f'<p class="line">{hi["month"]} 月积极 {hi["share"]:.0%}（{hi["scored"]} 条），'
                f'{lo["month"]} 月最低落（积极 {lo["share"]:.0%}）。</p><div class="chart-box">{line}</div>'
                '<p class="line" style="font-size:14px;opacity:.8">有情绪的帖子不足 10 条的月份不计。</p>',
            )
        )
    words = ch.get("top_words") or []
    if words:
        cloud = charts.word_cloud(words, f"{y} 年最常用的词", width=600, max_words=30)
        out.append(
            _slide(
                "words",
                f'<p class="kicker">你最常说的词</p><p class="big" style="font-size:clamp(48px,16vw,104px)">'
                f'{_e(words[0][0])}</p><p class="line">说了 {words[0][1]} 次。</p><div class="chart-box">{cloud}</div>',
            )
        )
    top = ch.get("top_posts") or []
    if top:
        quotes = "".join(
            _quote(
                p,
                " · "
                + " · ".join(
                    f"{p[k]} {u}"
                    for k, u in (("likes", "赞"), ("reposts", "转"), ("comments", "评"))
                    if p.get(k)
                ),
                n=90,
            )
            for p in top[:3]
        )
        out.append(
            _slide(
                "liked",
                f'<p class="kicker">最受喜欢的帖子</p><p class="big">{top[0].get("likes") or 0}</p>'
                f'<p class="unit">个赞</p>{quotes}',
            )
        )
    cmp_ = ch.get("compare")
    if cmp_ and cmp_.get("last_posts"):
        delta = cmp_["posts"] - cmp_["last_posts"]
        pct = delta / cmp_["last_posts"]
        more = "多" if delta >= 0 else "少"
        new = "".join(f"<span>{_e(w)}</span>" for w in cmp_.get("new_topics") or [])
        faded = "".join(f"<span>{_e(w)}</span>" for w in cmp_.get("faded_topics") or [])
        out.append(
            _slide(
                "compare",
                f'<p class="kicker">和 {cmp_["last_year"]} 年相比</p>'
                f'<p class="big">{"+" if delta >= 0 else "−"}{abs(pct):.0%}</p>'
                f'<p class="line">你{more}写了 {abs(delta)} 条（{cmp_["last_posts"]} → {cmp_["posts"]}）。</p>'
                + (f'<p class="line">新出现的话题：</p><p class="chips">{new}</p>' if new else "")
                + (f'<p class="line">不再常说的：</p><p class="chips">{faded}</p>' if faded else ""),
            )
        )
    out.append(
        _slide(
            "end",
            f'<p class="kicker">这就是你的 {_e(y)} 年</p><p class="big" style="font-size:clamp(48px,14vw,96px)">'
            "谢谢你，记录生活</p>"
            '<button class="more" type="button" data-detail="on">查看详细版 →</button>',
        )
    )
    return out


def render_story(report: dict[str, Any]) -> str:
    """The slide-style yearly review (the last chapter of an all-years review), with the detailed view inside."""
    ch = report["chapters"][-1] if "chapters" in report else report
    detail = render_html(report)
    body_start = detail.find("<body>")
    detail_body = detail[body_start + 6 : detail.rfind("</body>")] if body_start >= 0 else ""
    title = _e(report.get("title") or "年度回顾")
    css = CSS + STORY_CSS.replace("__FONTS__", FONT_STACK)
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
        f"<style>{css}</style></head><body>"
        f'<div class="deck" role="region" aria-roledescription="carousel" aria-label="{title}">'
        + "".join(slides(ch))
        + '</div><nav class="nav" aria-hidden="true"></nav><p class="hint">← → 或滑动翻页</p>'
        f'<div id="detail"><p class="back"><button type="button" data-detail="off">← 回到故事</button></p>'
        f"{detail_body}</div><script>{SCRIPT}</script></body></html>"
    )
