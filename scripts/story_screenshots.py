"""Regenerate docs/screenshots/story-*.png: the slide-style yearly review of the sample person, phone and desktop.

    .venv/bin/python scripts/story_screenshots.py [YEAR]

Builds a throwaway archive from samples/lin-xiaoyu (like scripts/screenshots.py), writes the year's story with
`socialbrain.insights.render.write_report(..., "story", ...)`, opens it from file:// in Debian's Chromium
(Playwright), steps through the slides with the keyboard and saves a few, plus the detailed view and the PNG card.
Chinese glyphs need fonts-noto-cjk (scripts/system-deps.sh).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
OUT = ROOT / "docs" / "screenshots"
SHOTS = {"number", "busiest", "night", "people", "mood", "words", "liked", "compare"}


def main() -> None:
    from playwright.sync_api import sync_playwright
    from screenshots import ARGS, CHROMIUM, build_archive

    from socialbrain.brain import Brain
    from socialbrain.insights.render import write_report
    from socialbrain.insights.yearly import year_review

    year = int(sys.argv[1]) if len(sys.argv) > 1 else 2019
    with tempfile.TemporaryDirectory(prefix="sb-story-") as tmp:
        home = Path(tmp) / "home"
        build_archive(home)
        brain = Brain.open(home, embedder="none")
        try:
            report = year_review(brain, year, use_llm=False)
        finally:
            brain.close()
        story = write_report(report, "story", Path(tmp) / "story.html")
        OUT.mkdir(parents=True, exist_ok=True)
        write_report(report, "png", OUT / "story-card.png")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for size, viewport in {
                "phone": {"width": 390, "height": 844},
                "desktop": {"width": 1280, "height": 800},
            }.items():
                page = browser.new_page(viewport=viewport, locale="zh-CN")
                page.goto(story.as_uri())
                n = page.locator(".slide").count()
                for _ in range(n):
                    kind = page.locator(".slide.on").get_attribute("data-kind")
                    if kind in SHOTS and (size == "phone" or kind in {"number", "mood"}):
                        page.wait_for_timeout(400)  # the slide's fade-in
                        page.screenshot(path=str(OUT / f"story-{kind}-{size}.png"))
                    page.keyboard.press("ArrowRight")
                if size == "desktop":
                    page.click("button.more")
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(OUT / "story-detail-desktop.png"))
                page.close()
            browser.close()
    print("\n".join(sorted(str(p.relative_to(ROOT)) for p in OUT.glob("story-*.png"))))


if __name__ == "__main__":
    main()
