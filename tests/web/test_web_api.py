"""The REST API against a real uvicorn server on 127.0.0.1 (seeded archive, test LLM server)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import EventSource
from web_fixtures import HOSTILE, LiveServer

from socialbrain.testing.llm_server import start_server

H = {"X-Socialbrain": "1"}


def client(live: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=live.url, timeout=30)


def sse_events(resp: httpx.Response) -> list[dict[str, Any]]:
    """The JSON events of a text/event-stream answer, read by httpx-sse (it also checks the content type)."""
    return [json.loads(e.data) for e in EventSource(resp).iter_sse() if e.data]


def wait_job(c: httpx.Client, job_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = c.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "error"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_timeline_pages_by_year_and_month_and_hides_hidden(live: LiveServer) -> None:
    with client(live) as c:
        all_posts = c.get("/api/posts", params={"per_page": 3, "order": "asc"}).json()
        assert all_posts["total"] == 7  # the hidden post is not counted
        assert [p["date"][:10] for p in all_posts["posts"]] == ["2014-03-02", "2014-09-20", "2015-06-01"]
        page3 = c.get("/api/posts", params={"per_page": 3, "page": 3, "order": "asc"}).json()
        assert len(page3["posts"]) == 1
        may = c.get("/api/posts", params={"year": 2016, "month": 5}).json()
        assert may["total"] == 2 and all(p["date"].startswith("2016-05") for p in may["posts"])
        assert all(p["date"].endswith("+08:00") for p in may["posts"])
        reposts = c.get("/api/posts", params={"kind": "repost"}).json()
        assert [p["ref_author"] for p in reposts["posts"]] == ["某品牌"]
        cal = c.get("/api/calendar").json()
        assert [y["year"] for y in cal] == [2017, 2016, 2015, 2014]
        assert cal[1]["months"] == [{"month": 5, "posts": 2}, {"month": 11, "posts": 1}]


def test_bad_parameters_are_one_clear_line(live: LiveServer) -> None:
    with client(live) as c:
        r = c.get("/api/posts", params={"since": "last tuesday"})
        assert r.status_code == 400 and "since='last tuesday'" in r.json()["detail"]
        r = c.get("/api/posts", params={"year": 2016, "month": 13})
        assert r.status_code == 400 and "month=13" in r.json()["detail"]


def test_post_by_id_and_missing_or_hidden_post(live: LiveServer, ids: dict[str, int]) -> None:
    with client(live) as c:
        pid = ids["坚持跑步两年了，今天跑完了第一个半程马拉松！"]
        p = c.get(f"/api/posts/{pid}").json()
        assert p["url"] == "https://weibo.com/1234567890/Abcdefg" and p["likes"] == 42
        hostile = c.get(f"/api/posts/{ids[HOSTILE]}").json()
        assert (
            hostile["text"] == HOSTILE and hostile["url"] is None
        )  # javascript: URL never offered as a link
        assert c.get("/api/posts/99999").status_code == 404
        assert c.get(f"/api/posts/{ids['这条是隐藏的秘密帖子 secretword']}").status_code == 404


def test_search_finds_chinese_and_applies_time_expressions(live: LiveServer) -> None:
    with client(live) as c:
        res = c.get("/api/search", params={"q": "跑步"}).json()
        assert res["hits"] and all("跑步" in h["text"] for h in res["hits"])
        assert any("【跑步】" in h["snippet"] for h in res["hits"])
        dated = c.get("/api/search", params={"q": "2016年 跑步"}).json()
        assert dated["time_expression"] and all(h["date"].startswith("2016") for h in dated["hits"])
        assert c.get("/api/search", params={"q": "secretword"}).json()["hits"] == []
        assert c.get("/api/search", params={"q": ""}).status_code == 422


def test_stats(live: LiveServer) -> None:
    with client(live) as c:
        s = c.get("/api/stats").json()
        assert s["platforms"][0]["platform"] == "weibo" and s["llm"]["available"] is True


def test_chat_streams_sse_events_with_real_citations(live: LiveServer, ids: dict[str, int]) -> None:
    with client(live) as c:
        r = c.post("/api/chat", json={"question": "我什么时候跑了半程马拉松？"}, headers=H)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r)
        types = [e["type"] for e in events]
        assert types[0] == "meta" and events[0]["mode"] == "llm" and types[-1] == "done"
        deltas = [e["text"] for e in events if e["type"] == "delta"]
        assert deltas and all(re.search(r"\[\d+\]", d) for d in deltas)  # streamed claim by claim, each cited
        sources = next(e for e in events if e["type"] == "sources")["sources"]
        assert ids["坚持跑步两年了，今天跑完了第一个半程马拉松！"] in [s["id"] for s in sources]
        done = events[-1]
        assert done["citations"] and set(done["citations"]) <= {s["id"] for s in sources}
        assert "".join(e["text"] for e in events if e["type"] == "delta").strip()


def test_chat_without_llm_and_multi_turn_history(live: LiveServer) -> None:
    with client(live) as c:
        r = c.post(
            "/api/chat",
            headers=H,
            json={
                "question": "跑步",
                "mode": "retrieval",
                "since": "2016",
                "until": "2016",
                "history": [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "你好！"}],
            },
        )
        events = sse_events(r)
        assert events[0]["mode"] == "retrieval"
        sources = next(e for e in events if e["type"] == "sources")["sources"]
        assert sources and all(s["date"].startswith("2016") for s in sources)


def test_chat_bad_request(live: LiveServer) -> None:
    with client(live) as c:
        assert c.post("/api/chat", json={"question": ""}, headers=H).status_code == 422
        assert c.post("/api/chat", json={"question": "x", "mode": "magic"}, headers=H).status_code == 422


def test_knowledge_base_lifecycle_with_txt_upload(live: LiveServer) -> None:
    notes = "## 2019-08-12\n今天去爬了泰山，日出特别美。\n\n## 2019-10-01\n国庆节在家读书，读完了《活着》。\n"
    with client(live) as c:
        r = c.post("/api/kbs", json={"name": "读书笔记", "description": "书和旅行"}, headers=H)
        assert r.status_code == 200, r.text
        job = c.post(
            "/api/kbs/读书笔记/files",
            headers=H,
            files={"files": ("notes.txt", notes.encode("utf-8"), "text/plain")},
        ).json()
        done = wait_job(c, job["id"])
        assert done["status"] == "done", done
        kbs = {kb["name"]: kb for kb in c.get("/api/kbs").json()}
        assert kbs["读书笔记"]["posts"] == 2 and kbs["all"]["posts"] >= 9
        in_kb = c.get("/api/posts", params={"kb": "读书笔记"}).json()
        assert {p["date"][:10] for p in in_kb["posts"]} == {"2019-08-12", "2019-10-01"}
        hits = c.get("/api/search", params={"q": "泰山", "kb": "读书笔记"}).json()["hits"]
        assert hits and "泰山" in hits[0]["text"]
        assert c.get("/api/search", params={"q": "跑步", "kb": "读书笔记"}).json()["hits"] == []
        models = [m["id"] for m in c.get("/v1/models").json()["data"]]
        assert "socialbrain-读书笔记" in models
        rebuild = c.post("/api/kbs/读书笔记/rebuild", headers=H).json()
        assert wait_job(c, rebuild["id"])["status"] == "done"
        assert c.delete("/api/kbs/读书笔记", headers=H).json() == {"ok": True}
        assert "读书笔记" not in [kb["name"] for kb in c.get("/api/kbs").json()]
        assert c.delete("/api/kbs/all", headers=H).status_code == 400
        r = c.post("/api/kbs/nope/files", headers=H, files={"files": ("a.txt", b"x", "text/plain")})
        assert r.status_code == 404


def test_knowledge_base_by_date_filter_scopes_timeline_search_and_chat(live: LiveServer) -> None:
    with client(live) as c:
        assert (
            c.post(
                "/api/kbs", headers=H, json={"name": "y2016", "since": "2016", "until": "2016"}
            ).status_code
            == 200
        )
        try:
            kb = next(k for k in c.get("/api/kbs").json() if k["name"] == "y2016")
            assert kb["posts"] == 3
            posts = c.get("/api/posts", params={"kb": "y2016"}).json()
            assert posts["total"] == 3 and all(p["date"].startswith("2016") for p in posts["posts"])
            assert [y["year"] for y in c.get("/api/calendar", params={"kb": "y2016"}).json()] == [2016]
            hits = c.get("/api/search", params={"q": "跑步", "kb": "y2016"}).json()["hits"]
            assert hits and all(h["date"].startswith("2016") for h in hits)
            assert c.get("/api/posts", params={"kb": "nosuchkb"}).status_code == 404
        finally:
            c.delete("/api/kbs/y2016", headers=H)


def test_import_upload_reports_counts_and_import_log(live: LiveServer) -> None:
    text = "2020-01-23 10:00\n武汉封城了，大家保重。\n".encode()
    with client(live) as c:
        job = c.post("/api/imports", headers=H, files={"files": ("2020.txt", text, "text/plain")}).json()
        done = wait_job(c, job["id"])
        assert done["status"] == "done" and done["result"]["totals"]["new"] == 1
        again = wait_job(
            c,
            c.post("/api/imports", headers=H, files={"files": ("2020.txt", text, "text/plain")}).json()["id"],
        )
        assert again["result"]["totals"]["new"] == 0
        assert any(i["path"].endswith("2020.txt") for i in c.get("/api/imports").json())
        hits = c.get("/api/search", params={"q": "封城"}).json()["hits"]
        assert hits and hits[0]["date"].startswith("2020-01-23")  # the index saw the new post


@pytest.mark.parametrize("path", ["/api/jobs/nothing", "/api/kbs/none/rebuild"])
def test_unknown_things_are_404_or_job_error(live: LiveServer, path: str) -> None:
    with client(live) as c:
        if path.endswith("rebuild"):
            job = c.post(path, headers=H).json()
            assert wait_job(c, job["id"])["status"] == "error"
        else:
            assert c.get(path).status_code == 404


def test_openapi_docs_are_served(live: LiveServer) -> None:
    with client(live) as c:
        spec = c.get("/openapi.json").json()
        assert "/api/chat" in spec["paths"] and "/v1/chat/completions" in spec["paths"]


def test_llm_down_answers_from_the_retrieved_posts_with_a_notice(
    seeded_dir: tuple[Path, dict[str, int]],
) -> None:
    notice = "（模型暂时连不上，下面是直接检索到的帖子。）"
    with (
        start_server(down=True) as llm,
        LiveServer(seeded_dir[0], overrides={"embedder": "none", "llm_url": llm.url, "llm_model": "m"}) as s,
        httpx.Client(base_url=s.url, timeout=60) as c,
    ):
        events = sse_events(c.post("/api/chat", json={"question": "跑步"}, headers=H))
        done = events[-1]
        assert done["type"] == "done" and done["answer"].startswith(notice)
        assert "cannot reach the LLM" in done["llm_error"]
        r = c.post(
            "/v1/chat/completions",
            headers={"Authorization": "Bearer x"},
            json={"model": "socialbrain-all", "messages": [{"role": "user", "content": "跑步"}]},
        )
        assert r.status_code == 200 and r.json()["choices"][0]["message"]["content"].startswith(notice)
