"""The web app as a daily home, in Debian's Chromium: saved conversations that survive a reload, URL state for
every page, the empty search state, errors in the user's language, and axe-core on every page."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_web_browser import ARGS, CHROMIUM, ask, browser, page, server, sync_api  # noqa: F401
from web_fixtures import LiveServer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (bash scripts/system-deps.sh)"),
]

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
H = {"X-Socialbrain": "1"}


def axe_violations(pg: Any, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2 A/AA checks on the page as it is now; one line per serious/critical violation."""
    if not AXE.exists():
        if os.environ.get("CI"):
            raise AssertionError(f"{AXE} missing: run `make web-test-deps` (npm ci --prefix tests/web)")
        pytest.skip("axe-core not installed: make web-test-deps")
    if not pg.evaluate("typeof window.axe !== 'undefined'"):
        pg.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = pg.evaluate(
        """async () => { const r = await axe.run(document, {
             runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
           return r.violations.map(v => ({ id: v.id, impact: v.impact,
             nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })); }"""
    )
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in result if v["impact"] in impacts]


def ready(pg: Any, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector("body[data-ready='1']")


def test_conversation_survives_reload_and_can_be_renamed_exported_deleted(server: LiveServer, page: Any) -> None:  # noqa: F811
    ready(page, server.url + "/#chat")
    first = ask(page, "我什么时候跑了半程马拉松？")
    assert first.locator("button.cite").count() >= 1
    page.wait_for_function("location.hash.startsWith('#chat/c_')")
    cid = page.evaluate("location.hash").split("/", 1)[1]
    ask(page, "那天天气怎么样？")
    item = page.locator(f"#conv-list li[data-id='{cid}']")
    sync_api.expect(item).to_have_class(re.compile("active"))
    assert item.locator(".conv-title").text_content() == "我什么时候跑了半程马拉松？"

    # close the tab, come back: the same conversation, with its citations still clickable
    page.reload()
    page.wait_for_selector(".turn.assistant.complete")
    assert page.locator(".turn.user").count() == 2 and page.locator(".turn.assistant.complete").count() == 2
    assert page.locator("#chat-title").text_content() == "我什么时候跑了半程马拉松？"
    page.locator(".turn.assistant.complete").first.locator("button.cite").first.click()
    page.wait_for_selector("#post-panel:not([hidden])")
    page.keyboard.press("Escape")
    # and the follow-up goes on with the stored history
    ask(page, "还有呢？")
    with httpx.Client(base_url=server.url) as c:
        conv = c.get(f"/api/conversations/{cid}").json()
    assert [m["content"] for m in conv["messages"] if m["role"] == "user"][-1] == "还有呢？"

    # rename in place
    item.locator(".conv-rename-btn").click()
    page.fill("#conv-list input.conv-rename", "跑步的回忆")
    page.keyboard.press("Enter")
    sync_api.expect(page.locator(f"#conv-list li[data-id='{cid}'] .conv-title")).to_have_text("跑步的回忆")
    sync_api.expect(page.locator("#chat-title")).to_have_text("跑步的回忆")

    # export: a Markdown download with the cited posts
    with page.expect_download() as dl:
        page.locator(f"#conv-list li[data-id='{cid}'] .conv-export").click()
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# 跑步的回忆") and "来源:" in text and "2016-05-04" in text

    # a new conversation, then back to the first through the sidebar
    page.click("#chat-new")
    assert page.locator(".turn").count() == 0 and page.evaluate("location.hash") == "#chat"
    ask(page, "桂花")
    page.wait_for_function("document.querySelectorAll('#conv-list li').length >= 2")
    page.locator(f"#conv-list li[data-id='{cid}'] .conv-open").click()
    page.wait_for_function("document.querySelectorAll('.turn.user').length === 3")

    # delete (a second press confirms): gone from the list and from the server; the page starts a new conversation
    delete = page.locator(f"#conv-list li[data-id='{cid}'] .conv-delete")
    delete.click()
    sync_api.expect(delete).to_have_text("删除？")  # armed, nothing deleted yet
    assert page.locator(".turn").count() == 3 * 2
    delete.click()
    sync_api.expect(page.locator(f"#conv-list li[data-id='{cid}']")).to_have_count(0)
    assert page.evaluate("location.hash") == "#chat" and page.locator(".turn").count() == 0
    with httpx.Client(base_url=server.url) as c:
        assert c.get(f"/api/conversations/{cid}").status_code == 404
    # a link to a deleted conversation says so in Chinese, with what to do
    ready(page, server.url + f"/#chat/{cid}")
    sync_api.expect(page.locator("#toast")).to_contain_text("找不到这个对话")
    page.click(".tab[data-page='timeline']")  # a message about one page is cleared on the next
    sync_api.expect(page.locator("#toast")).to_be_hidden()


def test_timeline_state_is_in_the_url_and_reload_keeps_it(server: LiveServer, page: Any) -> None:  # noqa: F811
    ready(page, server.url + "/#timeline")
    page.wait_for_selector("#tl-posts li")
    page.click(".year-btn[data-year='2016']")
    page.click(".month[data-year='2016'][data-month='5']")
    page.wait_for_function("location.hash === '#timeline/2016/05'")
    sync_api.expect(page.locator("#tl-posts li")).to_have_count(2)
    # exactly one highlighted place in the sidebar: the month, not a stale year or "all"
    sync_api.expect(page.locator("#years .active")).to_have_count(1)
    sync_api.expect(page.locator("#years [aria-current='true']")).to_have_attribute("data-month", "5")
    page.select_option("#tl-sort", "oldest")
    page.wait_for_function("location.hash.includes('sort=oldest')")
    sync_api.expect(page.locator("#tl-status")).to_contain_text("从旧到新")
    dates = page.locator("#tl-posts .post-date").all_text_contents()
    assert dates == sorted(dates)
    page.reload()
    page.wait_for_selector("#years .month.active")
    assert page.locator("#tl-sort").input_value() == "oldest"
    assert page.locator("#years .month.active").get_attribute("data-month") == "5"
    sync_api.expect(page.locator("#tl-applied .chip")).to_contain_text(["时间 2016年5月"])
    # the period chip's × removes it
    page.locator("#tl-applied .chip", has_text="2016年5月").locator(".chip-x").click()
    page.wait_for_function("location.hash === '#timeline?sort=oldest'")
    sync_api.expect(page.locator("#years .active")).to_have_count(1)
    sync_api.expect(page.locator("#years .year-all")).to_have_class(re.compile("active"))

    # a search link opens as shared
    ready(page, server.url + "/#timeline?q=%E6%A1%82%E8%8A%B1")
    page.wait_for_selector("#tl-posts li mark")
    assert page.locator("#tl-q").input_value() == "桂花"
    page.go_back()  # the previous view comes back from the URL too
    page.wait_for_function("location.hash === '#timeline?sort=oldest'")


def test_search_with_nothing_relevant_says_so(server: LiveServer, page: Any) -> None:  # noqa: F811
    ready(page, server.url + "/#timeline?q=xyzzy%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E8%AF%8D")
    page.wait_for_selector("#tl-empty:not([hidden])")
    assert page.locator("#tl-empty h3").text_content() == "没有找到相关的帖子"
    assert page.locator("#tl-posts li").count() == 0
    assert "找到" not in (page.locator("#tl-status").text_content() or "")


def test_pages_have_no_serious_accessibility_violations(server: LiveServer, browser: Any) -> None:  # noqa: F811
    found: dict[str, list[str]] = {}
    for size, viewport in {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}.items():
        ctx = browser.new_context(locale="zh-CN", viewport=viewport, bypass_csp=True, is_mobile=size == "phone")
        pg = ctx.new_page()
        pg.set_default_timeout(30_000)
        try:
            ready(pg, server.url + "/#chat")
            ask(pg, "我什么时候跑了半程马拉松？")
            found[f"chat/{size}"] = axe_violations(pg)
            pg.locator(".turn.assistant.complete button.cite").first.click()
            pg.wait_for_selector("#post-panel:not([hidden])")
            found[f"post/{size}"] = axe_violations(pg)
            pg.keyboard.press("Escape")
            for route, wait in (
                ("timeline", "#tl-posts li"),
                ("timeline?q=%E8%B7%91%E6%AD%A5", "#tl-posts li mark"),
                ("timeline?q=xyzzy", "#tl-empty:not([hidden])"),
                ("kbs", "tr[data-kb='all']"),
                ("reports", "#report-year option"),
            ):
                ready(pg, f"{server.url}/#{route}")
                pg.wait_for_selector(wait, state="attached")
                found[f"{route}/{size}"] = axe_violations(pg)
                if size == "phone":  # nothing sticks out sideways on a phone
                    assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, route
            pg.click("#lang-toggle")  # English too
            pg.wait_for_selector("#report-year option", state="attached")
            found[f"reports-en/{size}"] = axe_violations(pg)
            pg.click("#lang-toggle")
        finally:
            ctx.close()
    bad = {k: v for k, v in found.items() if v}
    assert not bad, bad
    assert len(found) == 2 * 8


def test_keyboard_skip_link_tabs_and_labels(server: LiveServer, page: Any) -> None:  # noqa: F811
    ready(page, server.url + "/#timeline")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # the search box is the first stop after the skip link (it took 149 Tab presses before)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "tl-q"
    # and from a fresh page without the skip link: the header (skip link, one tab stop for the tabs, language)
    page.reload()
    page.wait_for_selector("#tl-posts li")
    presses = 0
    while page.evaluate("document.activeElement.id") != "tl-q" and presses < 20:
        page.keyboard.press("Tab")
        presses += 1
    assert presses <= 4, presses
    assert page.locator("h1").count() == 1
    tabs = page.locator("[role=tab]")
    assert tabs.count() == 4
    assert page.locator("[role=tab][aria-selected=true]").get_attribute("data-page") == "timeline"
    page.locator("[role=tab][aria-selected=true]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("location.hash === '#reports'")
    assert page.locator("[role=tab][aria-selected=true]").get_attribute("data-page") == "reports"
    # every visible form control has an accessible name
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')].filter(e => {
             if (e.type === 'hidden' || e.offsetParent === null) return false;
             return !(e.labels && e.labels.length) && !e.getAttribute('aria-label'); }).map(e => e.id || e.outerHTML)"""
    )
    assert unnamed == []
    # focus is visible: a focused button draws an outline
    page.locator("#report-go").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


def test_kb_page_shows_per_file_results_and_files(server: LiveServer, page: Any, tmp_path: Path) -> None:  # noqa: F811
    good = tmp_path / "骑车.txt"
    good.write_text("## 2019-10-01\n国庆在西湖边骑车。\n", encoding="utf-8")
    bad = tmp_path / "broken.json"
    bad.write_text("garbage{{{", encoding="utf-8")
    ready(page, server.url + "/#kbs")
    page.fill("#kb-name", "骑车")
    page.click("#kb-create button[type=submit]")
    page.wait_for_selector("tr[data-kb='骑车']")
    # a KB without dates is empty until a file is added
    assert page.locator("tr[data-kb='骑车'] .kb-count").text_content() == "0"
    page.locator("tr[data-kb='骑车'] .files-btn").click()
    sync_api.expect(page.locator("#kb-files-note")).to_have_text("还没有文件：在下面上传。")
    page.select_option("#upload-kb", "骑车")
    page.set_input_files("#upload-files", [str(good), str(bad)])
    sync_api.expect(page.locator("#upload-picked li")).to_have_count(2)
    page.click("#kb-upload button[type=submit]")
    page.wait_for_selector("#upload-status[data-state='done']")
    failed = page.locator("#upload-results li[data-status='failed']")
    sync_api.expect(failed).to_contain_text("broken.json")
    sync_api.expect(failed).to_contain_text("认不出这个文件的格式")
    sync_api.expect(page.locator("#upload-results li[data-status='imported']")).to_contain_text("骑车.txt 新增 1")
    assert "1 个文件失败" in (page.locator("#upload-status").text_content() or "")
    sync_api.expect(page.locator("tr[data-kb='骑车'] .kb-count")).to_have_text("1")
    sync_api.expect(page.locator("#kb-file-rows tr")).to_have_count(1)
    assert page.locator("#kb-file-rows .file-name").text_content() == "骑车.txt"
    assert axe_violations(page) == []
    page.locator("#kb-file-rows .remove-file").click()
    sync_api.expect(page.locator("tr[data-kb='骑车'] .kb-count")).to_have_text("0")
    sync_api.expect(page.locator("#kb-file-rows tr")).to_have_count(0)


def test_errors_in_chinese_with_the_fix_and_time_phrases_in_date_fields(server: LiveServer, page: Any) -> None:  # noqa: F811
    ready(page, server.url + "/#chat")
    page.fill("#chat-since", "去年夏天之类的乱写")
    page.fill("#chat-input", "跑步")
    page.click("#chat-send")
    err = page.locator(".turn.assistant.complete .error").last
    err.wait_for()
    assert "日期看不懂" in err.text_content() and "2016-05" in err.text_content()
    assert "use YYYY" not in err.text_content()
    # a time phrase the backend understands is a date
    page.fill("#chat-since", "2016年")
    page.fill("#chat-until", "2016年")
    answer = ask(page, "跑步")
    assert answer.locator(".error").count() == 0
    dates = answer.locator(".src-date").all_text_contents()
    assert dates and all(d.startswith("2016") for d in dates)
    # the English toggle turns the same message English
    page.click("#lang-toggle")
    page.fill("#chat-since", "nonsense")
    page.fill("#chat-input", "running")
    page.click("#chat-send")
    page.wait_for_function("[...document.querySelectorAll('.turn .error')].some(e => e.textContent.startsWith('Cannot read the date'))")
    page.click("#lang-toggle")


def test_llm_down_answers_with_the_retrieved_posts_and_a_notice(tmp_path: Path, browser: Any) -> None:  # noqa: F811
    from web_fixtures import seed

    d = tmp_path / "home"
    seed(d)
    with LiveServer(d, overrides={"embedder": "none", "llm_url": "http://127.0.0.1:9/v1", "llm_model": "gone"}) as s:
        ctx = browser.new_context(locale="zh-CN", bypass_csp=True)
        pg = ctx.new_page()
        pg.set_default_timeout(30_000)
        try:
            ready(pg, s.url + "/#chat")
            answer = ask(pg, "我什么时候跑了半程马拉松？")
            assert answer.get_attribute("data-mode") == "retrieval"
            assert "大模型暂时连不上" in answer.locator(".notice").text_content()
            assert answer.locator(".sources li").count() >= 1
            # the stored conversation keeps the notice after a reload
            pg.reload()
            pg.wait_for_selector(".turn.assistant.complete .notice")
        finally:
            ctx.close()
