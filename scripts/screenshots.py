"""Regenerate docs/screenshots/*.png: chat (with saved conversations), timeline, search, the empty search,
knowledge bases (with a KB's files) and review pages, desktop and phone.

    .venv/bin/python scripts/screenshots.py

Builds a throwaway archive from the sample person (samples/lin-xiaoyu), serves it on loopback with the
deterministic test LLM (socialbrain.testing.llm_server), and drives Debian's Chromium with Playwright.
Chinese glyphs need fonts-noto-cjk (scripts/system-deps.sh).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "lin-xiaoyu"
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIZES = {"desktop": {"width": 1280, "height": 820}, "phone": {"width": 390, "height": 844}}


def build_archive(home: Path) -> None:
    from socialbrain.brain import Brain
    from socialbrain.index.kb import create_kb
    from socialbrain.index.sync import sync_index
    from socialbrain.models import PostFilter
    from socialbrain.sources.ingest import import_paths
    from socialbrain.timeparse import parse_user_date

    brain = Brain.open(home, embedder="none")
    try:
        exports = [p for p in (SAMPLE / "weibo", SAMPLE / "twitter", SAMPLE / "wechat") if p.exists()]
        import_paths(brain.archive, exports)
        sync_index(brain, embed=False)
        create_kb(
            brain, "东京", PostFilter(since=parse_user_date("2018"), until=None), description="去东京以后"
        )
    finally:
        brain.close()


def shoot(url: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for size, viewport in SIZES.items():
            ctx = browser.new_context(
                locale="zh-CN", viewport=viewport, device_scale_factor=1, is_mobile=size == "phone"
            )
            page = ctx.new_page()
            page.set_default_timeout(60_000)
            page.goto(url + "/#chat")
            page.wait_for_selector("body[data-ready='1']")
            _ask(page, "我什么时候考过了N2？")  # a second saved conversation in the sidebar
            page.click("#chat-new")
            _ask(page, "我为什么想去日本？")
            if size == "phone":  # the post opens as a full-screen sheet: show the answer first
                written.append(_save(page, "chat-phone.png"))
            page.locator(".turn.assistant.complete button.cite").first.click()
            page.wait_for_selector("#post-panel:not([hidden])")
            written.append(_save(page, "chat-desktop.png" if size == "desktop" else "post-phone.png"))
            page.keyboard.press("Escape")
            page.goto(url + "/#timeline/2019/10")
            page.wait_for_selector("#years .month.active")
            page.wait_for_selector("#tl-posts li")
            written.append(_save(page, f"timeline-{size}.png"))
            page.fill("#tl-q", "日语")
            page.click("#tl-filters button[type=submit]")
            page.wait_for_selector("#tl-posts li mark")
            written.append(_save(page, f"search-{size}.png"))
            page.goto(url + "/#timeline?q=xyzzy%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E8%AF%8D")
            page.wait_for_selector("#tl-empty:not([hidden])")
            written.append(_save(page, f"search-empty-{size}.png"))
            page.goto(url + "/#kbs")
            page.wait_for_selector("tr[data-kb='东京']")
            page.locator("tr[data-kb='东京'] .files-btn").click()
            page.wait_for_selector("#kb-file-rows tr")
            written.append(_save(page, f"kbs-{size}.png"))
            page.goto(url + "/#reports")
            page.wait_for_selector("#report-year option[value='2019']", state="attached")
            page.select_option("#report-year", "2019")
            page.uncheck("#report-llm")
            page.click("#report-go")
            page.wait_for_selector("#report-frame:not([hidden])", timeout=300_000)  # slow on a loaded machine
            page.frame_locator("#report-frame").locator("svg").first.wait_for()
            written.append(_save(page, f"report-{size}.png"))
            ctx.close()
        browser.close()
    return written


def _ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    before = page.locator(".turn.assistant.complete").count()
    page.fill("#chat-input", question)
    page.click("#chat-send")
    page.locator(".turn.assistant.complete").nth(before).wait_for()


def _save(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(200)
    path = OUT / name
    page.screenshot(path=str(path))
    return path


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: run bash scripts/system-deps.sh", file=sys.stderr)
        return 1
    if not SAMPLE.is_dir():
        print(f"no sample archive at {SAMPLE}", file=sys.stderr)
        return 1
    from socialbrain.testing.llm_server import start_server
    from socialbrain.web.app import create_app
    from socialbrain.web.background import ServerThread

    with tempfile.TemporaryDirectory(prefix="socialbrain-shots-") as tmp:
        home = Path(tmp) / "home"
        build_archive(home)
        with start_server() as llm:
            app = create_app(
                home, overrides={"embedder": "none", "llm_url": llm.url, "llm_model": "test-model"}
            )
            with ServerThread(app) as server:
                for path in shoot(server.url):
                    print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
