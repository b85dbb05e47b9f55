"""The pages in Debian's Chromium (headless) via Playwright: KB upload, streamed cited chat, timeline, XSS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import HOSTILE, XSS_MARK, LiveServer, seed

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "browser-token-123"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian chromium not installed at /usr/bin/chromium (bash scripts/system-deps.sh)",
    ),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, llm_server: Any) -> Iterator[LiveServer]:
    d = tmp_path_factory.mktemp("browser") / "home"
    seed(d)
    with LiveServer(
        d, overrides={"embedder": "none", "llm_url": llm_server.url, "llm_model": "test-model"}
    ) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # bypass_csp: lets the test evaluate its own probes, and makes the XSS test check the rendering itself,
    # without the Content-Security-Policy safety net
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    pg = ctx.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


def no_script_ran(page: Any) -> None:
    for frame in page.frames:
        assert frame.evaluate(f"document.documentElement.getAttribute('{XSS_MARK}')") is None, frame.url
    assert page.dialogs == []


def ask(page: Any, question: str) -> Any:
    before = page.locator(".turn.assistant.complete").count()
    page.fill("#chat-input", question)
    page.click("#chat-send")
    page.wait_for_function(f"document.querySelectorAll('.turn.assistant.complete').length > {before}")
    return page.locator(".turn.assistant.complete").last


def test_upload_to_new_kb_ask_with_citations_open_post_browse_timeline(
    server: LiveServer, page: Any, tmp_path: Path
) -> None:
    notes = tmp_path / "旅行.txt"
    notes.write_text(
        "## 2019-08-12\n今天去爬了泰山，日出特别美。\n\n## 2019-10-01\n国庆在西湖边骑车。\n", encoding="utf-8"
    )
    page.goto(server.url + "/#kbs")
    page.wait_for_selector("body[data-ready='1']")
    page.fill("#kb-name", "旅行")
    page.fill("#kb-description", "出去玩")
    page.click("#kb-create button[type=submit]")
    page.wait_for_selector("tr[data-kb='旅行']")
    page.select_option("#upload-kb", "旅行")
    page.set_input_files("#upload-files", str(notes))
    page.click("#kb-upload button[type=submit]")
    page.wait_for_selector("#upload-status[data-state='done']")
    assert page.locator("tr[data-kb='旅行'] .kb-count").text_content() == "2"
    assert "新增 2" in (page.locator("#upload-status").text_content() or "")

    # chat in that KB: the answer streams in, cites [n], sources open the original post
    page.click(".tab[data-page='chat']")
    page.select_option("#chat-kb", "旅行")
    page.fill("#chat-input", "我什么时候去爬了泰山？")
    # the streaming state can be shorter than a selector poll when the test LLM is warm: record it as it happens
    page.evaluate(
        """() => { window.sawStreaming = false; new MutationObserver(() => {
          if (document.querySelector('.turn.assistant.streaming')) window.sawStreaming = true; })
          .observe(document.getElementById('chat-log'), {subtree: true, childList: true, attributes: true}); }"""
    )
    page.click("#chat-send")
    answer = page.locator(".turn.assistant.complete").last
    answer.wait_for()
    assert page.evaluate("window.sawStreaming")  # it was shown as streaming before it completed
    assert answer.get_attribute("data-mode") == "llm"
    assert answer.locator(".bubble-text").text_content().strip()
    cites = answer.locator("button.cite")
    assert cites.count() >= 1
    cites.first.click()
    panel = page.locator("#post-panel")
    panel.wait_for(state="visible")
    assert "2019-08-12" in page.locator("#post-date").text_content()
    assert "泰山" in page.locator("#post-text").text_content()
    page.click("#post-close")
    assert answer.locator(".sources li").count() >= 1

    # multi-turn: a follow-up keeps the history
    ask(page, "那天的日出怎么样？")
    assert page.locator(".turn.assistant.complete").count() == 2

    # timeline: year and month, then a post with its link
    page.click(".tab[data-page='timeline']")
    page.click(".year-btn[data-year='2016']")
    page.wait_for_function("document.querySelector('#tl-status').textContent.includes('3')")
    page.click(".month[data-year='2016'][data-month='5']")
    page.wait_for_function("document.querySelectorAll('#tl-posts li').length === 2")
    page.locator("#tl-posts li", has_text="马拉松").locator("button").click()
    assert "2016-05-04" in page.locator("#post-date").text_content()
    assert page.locator("#post-link").get_attribute("href") == "https://weibo.com/1234567890/Abcdefg"
    page.keyboard.press("Escape")
    # full-text search
    page.fill("#tl-q", "桂花")
    page.click("#tl-filters button[type=submit]")
    page.wait_for_selector("#tl-posts li mark")
    assert "桂花" in page.locator("#tl-posts li mark").first.text_content()


def test_no_llm_mode_answers_with_retrieved_posts(server: LiveServer, page: Any) -> None:
    page.goto(server.url + "/#chat")
    page.wait_for_selector("body[data-ready='1']")
    page.uncheck("#chat-use-llm")
    answer = ask(page, "跑步")
    assert answer.get_attribute("data-mode") == "retrieval"
    assert answer.locator(".sources li").count() >= 1
    answer.locator(".sources li button").first.click()
    sync_api.expect(page.locator("#post-text")).to_contain_text("跑步")  # the post is fetched, then shown


def test_hostile_post_runs_no_script_anywhere(server: LiveServer, page: Any) -> None:
    page.goto(server.url + "/#timeline")
    page.wait_for_selector("#tl-posts li")
    hostile = page.locator("#tl-posts li", has_text="恶意帖子")
    assert "<script>" in hostile.text_content()  # shown as text
    hostile.locator("button").click()
    assert page.locator("#post-text").text_content() == HOSTILE
    assert page.locator("#post-link").is_hidden()  # its javascript: URL is not a link
    page.fill("#tl-q", "恶意帖子 hostile")
    page.click("#tl-filters button[type=submit]")
    page.wait_for_selector("#tl-posts li mark")
    page.click(".tab[data-page='chat']")
    answer = ask(page, "恶意帖子 hostile 是什么？")
    answer.locator(".sources li button").first.click()
    page.wait_for_timeout(300)
    assert page.locator("img, svg, script:not([src])").count() == 0
    no_script_ran(page)


def test_phone_layout_and_language_toggle(server: LiveServer, browser: Any) -> None:
    ctx = browser.new_context(
        locale="en-US",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    page = ctx.new_page()
    try:
        page.goto(server.url + "/#timeline")
        page.wait_for_selector("#tl-posts li")
        assert (
            page.locator(".tab[data-page='chat']").text_content() == "Chat"
        )  # default from navigator.language
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
        page.locator("#tl-posts li button").first.click()
        box = page.locator("#post-panel").bounding_box()
        assert box is not None and box["width"] >= 380  # a full-width sheet on phones
        page.click("#post-close")
        page.click("#lang-toggle")
        assert page.locator(".tab[data-page='chat']").text_content() == "对话"
    finally:
        ctx.close()


def test_token_login_form(tmp_path: Path, browser: Any) -> None:
    d = tmp_path / "home"
    seed(d)
    with LiveServer(d, token=TOKEN, overrides={"embedder": "none", "llm_url": "none"}) as s:
        ctx = browser.new_context(locale="zh-CN", bypass_csp=True)
        page = ctx.new_page()
        try:
            page.goto(s.url + "/#timeline")
            page.wait_for_selector("#login", state="visible")
            page.fill("#login-token", "wrong-token")
            page.click("#login-form button")
            page.wait_for_selector("#login-error:text('令牌不对')")
            page.fill("#login-token", TOKEN)
            page.click("#login-form button")
            page.wait_for_selector("#tl-posts li")
            assert page.locator("#login").is_hidden()
            assert re.search(r"7", page.locator("#tl-status").text_content() or "")
        finally:
            ctx.close()


def test_only_what_i_wrote_on_search_and_timeline(tmp_path: Path, browser: Any) -> None:
    """The 只看我写的 switch: a friend's chat message is found until it is on, in search and in the timeline."""
    from datetime import datetime

    from web_fixtures import CN

    from socialbrain.brain import Brain
    from socialbrain.index.sync import sync_index
    from socialbrain.models import Kind, Post

    d = tmp_path / "home"
    seed(d)
    brain = Brain.open(d, embedder="none")
    try:
        for i, (when, text, author) in enumerate(
            [("2019-03-01 20:00", "明早一起去跑步吗？", "小王"), ("2019-03-01 20:05", "好，跑步完去喝豆浆。", None)]
        ):
            brain.archive.upsert(
                Post(platform="wechat", account="me", post_id=f"c{i}", kind=Kind.CHAT, conversation="小王",
                     author=author, text=text, created_at=datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=CN))
            )
        sync_index(brain, embed=False)
    finally:
        brain.close()
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    try:
        with LiveServer(d, overrides={"embedder": "none", "llm_url": "none"}) as s:
            page.goto(s.url + "/#timeline?q=跑步")
            page.wait_for_selector("#tl-posts li mark")
            assert page.locator("#tl-posts li", has_text="明早一起去跑步吗").count() == 1
            page.check("#tl-own")
            page.wait_for_function("location.hash.includes('own=1')")
            page.wait_for_selector(".chip:has-text('只看我写的')")
            page.wait_for_function("!document.querySelector('#tl-posts').textContent.includes('明早一起去跑步吗')")
            assert page.locator("#tl-posts li", has_text="跑步完去喝豆浆").count() == 1
            # the timeline (no query) keeps the switch: March 2019 holds only the owner's message
            page.goto(s.url + "/#timeline/2019/03?own=1")
            page.wait_for_function("document.querySelectorAll('#tl-posts li').length === 1")
            assert "豆浆" in page.locator("#tl-posts li").text_content()
            assert page.is_checked("#tl-own")
            march = "document.querySelector(\".month[data-year='2019'][data-month='3']\")?.title"
            page.wait_for_function(f"{march} === '1 条'")  # the calendar counts what is shown
            page.goto(s.url + "/#timeline/2019/03")
            page.wait_for_function("document.querySelectorAll('#tl-posts li').length === 2")
            assert not page.is_checked("#tl-own")
            page.wait_for_function(f"{march} === '2 条'")
    finally:
        ctx.close()
