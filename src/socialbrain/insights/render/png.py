"""Phone-sized PNG share cards, rendered from HTML by headless Chromium (Playwright with the system browser)."""

from __future__ import annotations

import os
import shutil
from html import escape
from pathlib import Path
from typing import Any

from ...errors import ConfigError, require_extra
from . import charts
from .html import CSS

PHONE = {"width": 390, "height": 844, "scale": 2}
CARD_CSS = (
    CSS
    + """
html, body { min-height: 100%; } body { background: linear-gradient(160deg, #fff4e6, #ffe8cc 60%, #fff) fixed; }
main { padding: 28px 22px; max-width: 390px; }
.big { font-size: 64px; } h1 { font-size: 26px; }
blockquote { font-size: 14px; }
.mini { padding: 8px 14px; margin: 8px 0; } .mini h3 { margin: 0 0 2px; font-size: 16px; }
.mini p { margin: 0; font-size: 13px; line-height: 1.5; }
"""
)


def chromium_path() -> str:
    """The browser to drive: $SOCIALBRAIN_CHROMIUM, else chromium on PATH (Debian's /usr/bin/chromium)."""
    for cand in (
        os.environ.get("SOCIALBRAIN_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ):
        if cand and Path(cand).exists():
            return cand
    raise ConfigError(
        "PNG output needs Chromium: run `bash scripts/system-deps.sh` (or apt-get install chromium "
        "fonts-noto-cjk), or set SOCIALBRAIN_CHROMIUM to a Chrome/Chromium binary"
    )


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def card_html(report: dict[str, Any]) -> str:
    """A compact, phone-sized summary page of a report (what the PNG shows)."""
    e = escape
    parts = [f"<h1>{e(str(report.get('title', '')))}</h1>"]
    if report.get("kind") == "portrait":
        for a in report.get("aspects", [])[:6]:
            parts.append(
                f"<div class='card mini'><h3>{e(a['name'])}</h3><p>{e(_clip(str(a.get('summary', '')), 60))}</p></div>"
            )
    else:
        ch = report.get("chapters", [report])[-1] if "chapters" in report else report
        if "post_count" in report:
            parts.append(
                f"<div class='card'><span class='big'>{e(str(report['post_count']))}</span> 条</div>"
            )
        if report.get("posts_by_year"):
            pby = report["posts_by_year"]
            parts.append(
                charts.bar_chart(list(pby.values()), list(pby.keys()), "每年发帖数", width=340, height=180)
            )
        elif ch.get("posts_by_month"):
            parts.append(
                charts.bar_chart(
                    ch["posts_by_month"],
                    [str(m) for m in range(1, 13)],
                    f"{ch.get('year')} 年每月发帖数",
                    width=340,
                    height=180,
                )
            )
        if ch.get("top_words"):
            parts.append(charts.word_cloud(ch["top_words"], "最常用的词", width=340, max_words=18))
        p = ch.get("share_post")  # picked through the privacy check, never simply the latest night
        if p:
            parts.append(f"<h3>{e(p['date'][:10])}</h3><blockquote>{e(_clip(p['text'], 80))}</blockquote>")
    parts.append("<p class='meta'>socialbrain</p>")
    title = e(str(report.get("title", "")))
    return (
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{CARD_CSS}</style></head><body><main>{''.join(parts)}</main></body></html>"
    )


def render_png(html: str, out: Path, *, full_page: bool = False) -> Path:
    """Screenshot ``html`` at phone size (390×844 CSS px, 2× pixels) into ``out``."""
    sync_playwright = require_extra("playwright.sync_api", "png", "PNG share cards").sync_playwright

    exe = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        try:
            page = browser.new_page(
                viewport={"width": PHONE["width"], "height": PHONE["height"]},
                device_scale_factor=PHONE["scale"],
            )
            page.set_content(html, wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=full_page)
        finally:
            browser.close()
    return out
