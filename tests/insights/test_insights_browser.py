"""The HTML report in real headless Chromium: no console errors, the SVG charts are there, CJK text has glyphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from insights_fixtures import EXPECTED_2015, build_archive

from socialbrain.insights.portrait import portrait
from socialbrain.insights.render import write_report
from socialbrain.insights.yearly import year_review

playwright = pytest.importorskip("playwright.sync_api")

# draws each string on a canvas in the page's font and returns a fingerprint of the ink
FINGERPRINT = """(s) => {
  const c = document.createElement('canvas'); c.width = 64; c.height = 64;
  const g = c.getContext('2d');
  g.font = '40px ' + getComputedStyle(document.body).fontFamily;
  g.fillStyle = '#000'; g.fillText(s, 4, 48);
  const d = g.getImageData(0, 0, 64, 64).data; let ink = 0, h = 0;
  for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { ink++; h = (h * 31 + i) % 1000003; } }
  return [ink, h];
}"""


@pytest.fixture(scope="module")
def browser():
    from socialbrain.errors import ConfigError
    from socialbrain.insights.render.png import chromium_path

    try:
        exe = chromium_path()
    except ConfigError as e:
        pytest.skip(str(e))
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        yield b
        b.close()


def _open(browser, path: Path):
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, requests


def test_year_report_renders_offline_with_charts_and_cjk(browser, data_dir: Path, tmp_path: Path) -> None:
    brain = build_archive(data_dir)
    out = write_report(year_review(brain, 2015, use_llm=False), "html", tmp_path / "year.html")
    page, errors, requests = _open(browser, out)
    assert errors == []
    assert all(u.startswith("file:") for u in requests)  # self-contained: nothing fetched from the network
    for cls in ("bars", "calendar", "rhythm", "mood", "cloud"):
        assert page.locator(f"svg.chart.{cls}").count() == 1, cls
    assert page.locator("svg.calendar rect.day").count() == 365
    box = page.locator("svg.chart.bars").bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50
    assert page.title() == "2015 年 · 年度回顾"
    zhong, guo, unassigned = (page.evaluate(FINGERPRINT, s) for s in ("中", "国", "\u0378"))
    assert zhong[0] > 0 and guo[0] > 0
    assert zhong != guo, "two different CJK characters drew the same shape: tofu boxes, no CJK font"
    assert zhong != unassigned
    page.close()


def test_portrait_renders(browser, data_dir: Path, tmp_path: Path) -> None:
    brain = build_archive(data_dir)
    out = write_report(portrait(brain, use_llm=False), "html", tmp_path / "p.html")
    page, errors, _ = _open(browser, out)
    assert errors == []
    assert page.locator("section.aspect").count() == 6
    assert page.locator("svg.chart").count() >= 1
    assert "没有配置 LLM" in page.content()
    page.close()


def test_year_story_steps_by_keyboard_and_swipe_offline(browser, data_dir: Path, tmp_path: Path) -> None:
    brain = build_archive(data_dir)
    out = write_report(year_review(brain, 2015, use_llm=False), "story", tmp_path / "story.html")
    page, errors, requests = _open(browser, out)
    assert errors == [] and all(u.startswith("file:") for u in requests)
    kinds = [
        page.locator(".slide").nth(i).get_attribute("data-kind")
        for i in range(page.locator(".slide").count())
    ]
    assert kinds[0] == "number" and kinds[-1] == "end"
    assert {"busiest", "night", "people", "places", "words", "liked", "compare"} <= set(kinds)
    assert "mood" not in kinds  # every month of the fixture has under 10 scored posts: no arc from noise
    on = page.locator(".slide.on")
    assert on.get_attribute("data-kind") == "number" and str(EXPECTED_2015["post_count"]) in on.inner_text()
    page.keyboard.press("ArrowRight")
    assert on.get_attribute("data-kind") == "busiest" and "3 月" in on.inner_text().replace("\n", " ")
    page.keyboard.press("ArrowLeft")
    assert on.get_attribute("data-kind") == "number"
    page.keyboard.press("End")
    assert on.get_attribute("data-kind") == "end"
    # a swipe to the right goes back one slide (touch events as a phone sends them)
    page.evaluate(
        """() => {
          const t = (x) => [new Touch({identifier: 1, target: document.body, clientX: x, clientY: 300})];
          document.dispatchEvent(new TouchEvent('touchstart', {touches: t(100), changedTouches: t(100)}));
          document.dispatchEvent(new TouchEvent('touchend', {touches: [], changedTouches: t(300)}));
        }"""
    )
    assert on.get_attribute("data-kind") == kinds[-2]
    page.keyboard.press("End")
    page.click("button.more")  # the detailed view is inside the same file
    assert page.locator("#detail svg.chart.calendar").is_visible()
    assert page.locator("body.detail").count() == 1
    page.close()
