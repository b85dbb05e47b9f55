"""Markdown for reports: the narrative parts with [n] citations, the numbers as tables, the sources at the end."""

from __future__ import annotations

import re
from typing import Any

WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


def cited_posts(part: dict[str, Any]) -> tuple[dict[int, dict[str, Any]], dict[int, int]]:
    """The posts a chapter or portrait cites, by id, and their numbers [1], [2] … in that order (HTML and
    Markdown number them alike)."""
    cited = {p["id"]: p for p in part.get("cited_posts", [])}
    return cited, {pid: n for n, pid in enumerate(cited, start=1)}


def _q(p: dict[str, Any] | None, extra: str = "") -> str:
    if not p:
        return ""
    text = str(p["text"]).replace("\n", " ")
    return f"> {text}\n> — {p['date'][:16].replace('T', ' ')}{extra}\n"


def _chapter(ch: dict[str, Any], h: str) -> list[str]:
    y = ch.get("year")
    out = [f"{h} {y} 年\n"] if h != "#" else []
    if "post_count" in ch:
        out.append(f"共 **{ch['post_count']}** 条。\n")
    if ch.get("posts_by_month"):
        out.append("| 月 | " + " | ".join(str(m) for m in range(1, 13)) + " |")
        out.append("|---" * 13 + "|")
        out.append("| 条 | " + " | ".join(str(v) for v in ch["posts_by_month"]) + " |\n")
    cited, numbers = cited_posts(ch)
    for part in ch.get("sections", []):
        text = str(part.get("text") or "")
        if "[#" in text:
            text = cite_md(text, numbers)
            cites = ""
        else:
            cites = "".join(f"[^p{i}]" for i in part.get("cited_ids", []) if i in numbers)
        out.append(f"**{part.get('title', '')}** {text}{cites}\n")
    if ch.get("top_posts"):
        out.append("**最受欢迎**\n")
        out.extend(_q(p) for p in ch["top_posts"])
    for key, title in (
        ("latest_night", "最晚的一条"),
        ("longest_post", "最长的一条"),
    ):
        if ch.get(key):
            out.append(f"**{title}**\n\n{_q(ch[key])}")
    if ch.get("top_words"):
        out.append("**常用词**：" + "、".join(f"{w}（{c}）" for w, c in ch["top_words"][:20]) + "\n")
    if ch.get("top_phrases"):
        out.append("**常用说法**：" + "、".join(f"{w}（{c}）" for w, c in ch["top_phrases"][:10]) + "\n")
    for key, title in (("new_topics", "新话题"), ("faded_topics", "淡出的话题")):
        if ch.get(key):
            out.append(f"**{title}**：" + "、".join(t["word"] for t in ch[key][:10]) + "\n")
    for key, title, fmt in (
        ("people", "提到的人", "@{}"),
        ("hashtags", "话题", "#{}#"),
        ("places", "地点", "{}"),
    ):
        if ch.get(key):
            out.append(
                f"**{title}**：" + "、".join(f"{fmt.format(k)}（{v}）" for k, v in ch[key][:10]) + "\n"
            )
    if ch.get("mood_months"):
        moods = "，".join(
            f"{m['month']}月 {'样本太少' if m['share'] is None else format(m['share'], '.0%')}（n={m['scored']}）"
            for m in ch["mood_months"]
            if m["posts"]
        )
        out.append(
            f"**心情（每月积极占比，{ch.get('mood_method')}；不足 10 条有情绪的帖子不计）**：{moods}\n"
        )
    out.extend(sources_md(cited))
    return out


def cite_md(text: Any, numbers: dict[int, int]) -> str:
    """[#id] → a Markdown footnote reference ``[^p<id>]`` (ids not among the sources are left out)."""
    return re.sub(
        r"\[#(\d+)\]", lambda m: f"[^p{m.group(1)}]" if int(m.group(1)) in numbers else "", str(text or "")
    )


def sources_md(cited: dict[int, dict[str, Any]]) -> list[str]:
    """Footnotes: ``[^p<id>]: [date](link) 「quoted text」``."""
    if not cited:
        return []
    out = ["引用 / Sources:\n"]
    for pid, p in cited.items():
        date = str(p.get("date", ""))[:10]
        when = f"[{date}]({p['url']})" if p.get("url") else date
        out.append(f"[^p{pid}]: {when} 「{str(p.get('text', '')).replace(chr(10), ' ')}」")
    out.append("")
    return out


def _portrait(rep: dict[str, Any]) -> list[str]:
    cited, numbers = cited_posts(rep)
    out = []
    if rep.get("note"):
        out.append(f"_{rep['note']}_\n")
    for a in rep.get("aspects", []):
        out.append(f"## {a['name']}\n\n{cite_md(a.get('summary', ''), numbers)}\n")
        for t in a.get("turning_points", []):
            out.append(f"- **{t['year']}** {cite_md(t['text'], numbers)}".replace("\n", " "))
        for t in a.get("timeline", []):
            line = f"- {t['year']}：{t['posts']} 条"
            if t.get("turn"):
                line += f" — {t.get('note', '')}：“{str(t['turn']['text'])[:80]}”"
            out.append(line)
        out.append("")
        if a.get("quotes"):
            out.append("**代表性的话**\n")
            out.extend(_q(q) for q in a["quotes"])
        if a.get("suggestions"):
            out.append(
                "**潜在感兴趣的内容**：" + "；".join(cite_md(x, numbers) for x in a["suggestions"]) + "\n"
            )
        if a.get("opinions"):
            out.append(f"**观点点评**：{cite_md(a['opinions'], numbers)}\n")
    if rep.get("personality"):
        out.append(f"## 从帖子看你\n\n{cite_md(rep['personality'].get('text', ''), numbers)}\n")
    if rep.get("forgotten_voices"):
        out.append("## 被遗忘的声音\n")
        for v in rep["forgotten_voices"]:
            out.append(f"- **{v.get('word')}**：{v.get('text')}\n\n{_q(v.get('post'))}")
    out.extend(sources_md(cited))
    return out


def render_markdown(report: dict[str, Any]) -> str:
    lines = [f"# {report.get('title', 'socialbrain')}\n"]
    meta = f"知识库 {report.get('kb', 'all')} · 生成于 {str(report.get('generated_at', ''))[:16]}"
    if report.get("public"):
        meta += " · 公开版（已隐去个人信息）"
    lines.append(f"_{meta}_\n")
    if report.get("kind") == "portrait":
        lines += _portrait(report)
    elif "chapters" in report:
        for ch in report["chapters"]:
            lines += _chapter(ch, "##")
    else:
        lines += _chapter(report, "#")
    return "\n".join(lines).rstrip() + "\n"
