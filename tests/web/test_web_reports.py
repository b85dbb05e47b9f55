"""Report pages: the API (start, progress over SSE, done, cache, regeneration after an import, cancel, every
download format, the public edition) and the page in Debian's Chromium. Real server on 127.0.0.1 over the sample
person's archive (samples/lin-xiaoyu), a real test LLM server (slow on purpose, so a job can be cancelled)."""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import EventSource
from web_fixtures import LiveServer

from socialbrain.brain import Brain
from socialbrain.index.sync import sync_index
from socialbrain.sources.ingest import import_paths
from socialbrain.testing.llm_server import start_server
from socialbrain.timeparse import DEFAULT_ZONE

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "lin-xiaoyu"
EXPECTED = json.loads((SAMPLE / "expected_stats.json").read_text(encoding="utf-8"))["editions"][
    "weibo+twitter"
]
H = {"X-Socialbrain": "1"}
CHROMIUM = Path("/usr/bin/chromium")
# PII the sample person's posts carry (README: the redaction posts), and friends' @names
LEAKS = [
    "13800138000",
    "159-0000-1234",
    "linxiaoyu.dev@example.com",
    "echo.app.feedback@example.com",
    "310115198803127715",
    "021-58881234",
    "莲花路1588弄",
    "阿蛮不蛮",
    "kiki在东京",
    "老王写Bug",
    "一舟在跑步",
]


@pytest.fixture(scope="module")
def slow_llm() -> Iterator[Any]:
    with start_server(
        hang=0.4
    ) as handle:  # every chat call takes 0.4 s: an LLM report runs long enough to cancel
        yield handle


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, slow_llm: Any) -> Iterator[LiveServer]:
    d = tmp_path_factory.mktemp("reports") / "home"
    brain = Brain.open(d, embedder="none")
    try:
        import_paths(brain.archive, [SAMPLE])
        sync_index(brain, embed=False)
    finally:
        brain.close()
    with LiveServer(
        d,
        overrides={"embedder": "none", "llm_url": slow_llm.url, "llm_model": "test-model", "llm_timeout": 30},
    ) as s:
        yield s


def client(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=60)


def events(c: httpx.Client, job_id: str, on_event: Any = None) -> list[dict[str, Any]]:
    """Read a report job's event stream to its end."""
    out: list[dict[str, Any]] = []
    with c.stream("GET", f"/api/reports/{job_id}/events") as resp:
        assert resp.status_code == 200
        for sse in EventSource(resp).iter_sse():  # httpx-sse checks the content type too
            if not sse.data:
                continue
            ev = json.loads(sse.data)
            out.append(ev)
            if on_event:
                on_event(ev)
    return out


def make(c: httpx.Client, **body: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Start a report and follow it to the end: (the start answer, its events)."""
    r = c.post("/api/reports", json={"use_llm": False, **body}, headers=H)
    assert r.status_code == 200, r.text
    start = r.json()
    if start["cached"]:
        return start, []
    return start, events(c, start["job"]["id"])


def test_options_list_years_with_posts_and_the_last_full_year(server: LiveServer) -> None:
    with client(server) as c:
        opts = c.get("/api/reports/options").json()
    years = [y["year"] for y in opts["years"]]
    assert years == sorted(years, reverse=True) and years[-1] == 2015
    this_year = datetime.now(DEFAULT_ZONE).year
    assert opts["default_year"] == max(y for y in years if y < this_year)
    assert opts["llm"]["available"] is True and opts["llm"]["remote"] is False
    assert "people" in opts["year_sections"] and "forgotten_voices" in opts["portrait_sections"]
    assert opts["aspects"][0] == "工作"


def test_year_report_progress_done_cache_and_every_download(server: LiveServer) -> None:
    with client(server) as c:
        start, evs = make(c, year="2016")
        assert start["cached"] is False and start["job"]["kind"] == "report"
        progress = [e for e in evs if e["type"] == "progress"]
        assert progress and any(e["stage"] for e in progress)
        assert evs[-1]["type"] == "done"
        meta = evs[-1]["report"]
        assert meta["year"] == 2016 and meta["post_count"] == EXPECTED["years"]["2016"]["post_count"]

        again, no_events = make(c, year="2016")  # same options, same archive: the cached report
        assert again["cached"] is True and again["report"]["id"] == meta["id"] and no_events == []
        assert c.get(f"/api/reports/{meta['id']}").json()["title"] == meta["title"]
        assert any(m["id"] == meta["id"] for m in c.get("/api/reports").json())

        html = c.get(meta["files"]["html"]["url"])
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
        csp = html.headers["content-security-policy"]
        assert "sandbox" in csp and "script-src" not in csp and "default-src 'none'" in csp
        assert "frame-ancestors 'self'" in csp and html.headers["x-frame-options"] == "SAMEORIGIN"
        assert "<svg" in html.text and "<script" not in html.text.lower()
        assert html.headers["content-disposition"].startswith("inline")

        md = c.get(meta["files"]["md"]["url"], params={"download": 1})
        assert md.headers["content-disposition"] == 'attachment; filename="report-2016.md"'
        assert "2016" in md.text

        data = c.get(meta["files"]["json"]["url"]).json()
        exp = EXPECTED["years"]["2016"]
        assert data["posts_by_month"] == exp["posts_by_month"]
        assert data["most_liked"]["likes"] == exp["most_liked"]["likes"]
        assert data["latest_night"]["date"] == exp["latest_night"]["date"]

        if CHROMIUM.exists():
            png = c.get(meta["files"]["png"]["url"], params={"download": 1})
            assert png.status_code == 200 and png.headers["content-type"] == "image/png"
            assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
            assert struct.unpack(">II", png.content[16:24]) == (780, 1688)  # 390×844 CSS px at 2×
            assert png.headers["content-disposition"].endswith('filename="report-2016.png"')

        assert c.get(f"/api/reports/{meta['id']}.pdf").status_code == 404
        assert c.get("/api/reports/../../config.toml.html").status_code == 404
        assert c.get("/api/reports/0123456789abcdef0123.html").status_code == 404


def test_a_new_import_makes_a_fresh_report(server: LiveServer) -> None:
    with client(server) as c:
        _, evs = make(c, year="2016")
        before = (
            evs[-1]["report"]
            if evs
            else c.post("/api/reports", json={"year": "2016", "use_llm": False}, headers=H).json()["report"]
        )
        text = "2016-07-07 23:00\n新导入的一条：今晚的月亮很圆。\n".encode()
        job = c.post("/api/imports", headers=H, files={"files": ("moon.txt", text, "text/plain")}).json()
        deadline = time.monotonic() + 60
        while c.get(f"/api/jobs/{job['id']}").json()["status"] not in ("done", "error"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        start, evs = make(c, year="2016")
        assert start["cached"] is False
        after = evs[-1]["report"]
        assert after["id"] != before["id"] and after["post_count"] == before["post_count"] + 1
        assert make(c, year="2016")[0]["cached"] is True


def test_cancel_stops_an_llm_report_and_nothing_is_cached(server: LiveServer) -> None:
    with client(server) as c:
        start = c.post("/api/reports", json={"year": "2019", "use_llm": True}, headers=H).json()
        job_id = start["job"]["id"]
        cancelled: list[int] = []

        def cancel_once(ev: dict[str, Any]) -> None:
            if ev["type"] == "progress" and not cancelled:
                r = c.post(f"/api/reports/{job_id}/cancel", headers=H)
                cancelled.append(r.status_code)

        evs = events(c, job_id, cancel_once)
        assert cancelled == [200] and evs[-1]["type"] == "cancelled"
        assert c.get(f"/api/jobs/{job_id}").json()["status"] == "cancelled"
        again = c.post("/api/reports", json={"year": "2019", "use_llm": True}, headers=H).json()
        assert again["cached"] is False  # a cancelled report is never cached
        c.post(f"/api/reports/{again['job']['id']}/cancel", headers=H)
        assert events(c, again["job"]["id"])[-1]["type"] == "cancelled"
        assert c.post("/api/reports/nojob/cancel", headers=H).status_code == 404
        assert c.post(f"/api/reports/{job_id}/cancel").status_code == 403  # CSRF header required


def test_public_edition_has_no_pii_and_keeps_only_chosen_sections(server: LiveServer) -> None:
    with client(server) as c:
        _, evs = make(c, year="all")
        private = evs[-1]["report"] if evs else None
        assert private is not None
        blob = "".join(c.get(private["files"][f]["url"]).text for f in ("html", "md", "json"))
        assert [s for s in LEAKS if s in blob], "the private edition should show names the public one hides"

        _, evs = make(c, year="all", public=True)
        public = evs[-1]["report"]
        assert public["public"] is True and public["redactions"] > 0 and public["id"] != private["id"]
        for fmt in ("html", "md", "json"):
            text = c.get(public["files"][fmt]["url"]).text
            leaked = [s for s in LEAKS if s in text]
            assert not leaked, f"{leaked} leaked into the public {fmt}"
        assert "某人" in c.get(public["files"]["html"]["url"]).text

        _, evs = make(c, year="2021", public=True, sections=["overview", "words"])
        chapter = c.get(evs[-1]["report"]["files"]["json"]["url"]).json()
        assert "top_words" in chapter and "posts_by_month" in chapter
        assert "people" not in chapter and "latest_night" not in chapter and "calendar" not in chapter


def test_portrait_with_own_aspects(server: LiveServer) -> None:
    with client(server) as c:
        start, evs = make(c, kind="portrait", aspects=["跑步", "日语", "跑步"])
        assert evs[-1]["type"] == "done", evs[-1]
        data = c.get(evs[-1]["report"]["files"]["json"]["url"]).json()
        assert [a["name"] for a in data["aspects"]] == ["跑步", "日语"]
        assert evs[-1]["report"]["files"]["html"]["name"] == "report-portrait.html"


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"year": "1999"}, 404, "year: no posts in 1999"),
        ({"year": "last"}, 400, "year:"),
        ({"kb": "nokb"}, 404, "nokb"),
        ({"kind": "portrait", "aspects": ["x" * 30]}, 400, "aspects:"),
        ({"kind": "horoscope"}, 422, "kind"),
        ({"year": "2016", "sections": ["gossip"]}, 400, "gossip"),
    ],
)
def test_bad_requests_get_one_clear_line(server: LiveServer, body: dict, status: int, says: str) -> None:
    with client(server) as c:
        r = c.post("/api/reports", json={"use_llm": False, **body}, headers=H)
    assert r.status_code == status and says in r.json()["detail"]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed at /usr/bin/chromium")
def test_a_damaged_meta_json_is_no_report_not_a_crash(tmp_path: Path) -> None:
    """A report folder whose meta.json is not a JSON object (hand-edited, another tool's file) is skipped like
    an unreadable one: the listing still shows the good reports."""
    from socialbrain.web.reports import ReportStore

    store = ReportStore(tmp_path)
    good, listed, broken = "a" * 20, "b" * 20, "c" * 20
    for rid, text in ((good, json.dumps({"id": good, "created_at": "2024"})), (listed, "[1, 2]"), (broken, "{")):
        (tmp_path / rid).mkdir()
        (tmp_path / rid / "meta.json").write_text(text, encoding="utf-8")
    assert store.meta(good) == {"id": good, "created_at": "2024"}
    assert store.meta(listed) is None and store.meta(broken) is None
    assert [m["id"] for m in store.list()] == [good]


def test_review_page_pick_year_progress_report_and_download(server: LiveServer, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            ctx = browser.new_context(
                locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
            )
            page = ctx.new_page()  # the app's CSP is enforced here: the report must render under it
            page.set_default_timeout(30_000)
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(server.url + "/#reports")
            page.wait_for_selector("body[data-ready='1']")
            page.wait_for_selector("#report-year option[value='2018']", state="attached")
            assert page.locator("#report-year option").last.get_attribute("value") == "all"
            page.select_option("#report-year", "2018")
            page.uncheck("#report-llm")
            page.click("#report-go")
            page.wait_for_selector("#report-frame:not([hidden])")
            box = page.locator("#report-progress-box")
            assert int(box.get_attribute("data-events") or 0) >= 1  # progress arrived before the report
            assert box.get_attribute("data-state") == "done"
            frame = page.frame_locator("#report-frame")
            frame.locator("svg").first.wait_for()
            assert "2018" in frame.locator("h1").first.inner_text()
            assert page.locator("#report-frame").get_attribute("sandbox") == (
                "allow-popups allow-popups-to-escape-sandbox"
            )
            assert page.locator("a.download").count() == 4
            with page.expect_download() as dl:
                page.click("a.download[data-format='md']")
            target = tmp_path / dl.value.suggested_filename
            dl.value.save_as(target)
            assert target.name == "report-2018.md" and "2018" in target.read_text(encoding="utf-8")
            # the same choice again comes from the cache
            page.click("#report-go")
            # (expect, not wait_for_function: the CSP forbids eval)
            sync_api.expect(page.locator("#report-status")).to_contain_text("缓存")
            assert problems == []
        finally:
            browser.close()
