"""Knowledge bases mean what their form says, and their files: list, download, take out; upload jobs report
per file (against a real uvicorn server on 127.0.0.1 over a fresh seeded archive)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_web_api import H, wait_job
from web_fixtures import LiveServer, seed


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    d = tmp_path_factory.mktemp("kbfiles") / "home"
    seed(d)
    with LiveServer(d, overrides={"embedder": "none", "llm_url": "none"}) as s:
        yield s


def kb(c: httpx.Client, name: str) -> dict[str, Any]:
    return next(k for k in c.get("/api/kbs").json() if k["name"] == name)


def test_a_kb_without_dates_holds_only_its_files(fresh: LiveServer, tmp_path: Path) -> None:
    with httpx.Client(base_url=fresh.url, timeout=60) as c:
        assert c.post("/api/kbs", json={"name": "只要文件"}, headers=H).status_code == 200
        # empty until a file is added: no posts, no search hits, no calendar, an empty file list
        assert kb(c, "只要文件")["posts"] == 0
        assert c.get("/api/posts", params={"kb": "只要文件"}).json()["total"] == 0
        assert c.get("/api/search", params={"q": "跑步", "kb": "只要文件"}).json()["hits"] == []
        assert c.get("/api/calendar", params={"kb": "只要文件"}).json() == []
        assert c.get("/api/kbs/只要文件/files").json() == {"kb": "只要文件", "members_only": True, "files": []}

        good = tmp_path / "爬山.txt"
        good.write_text("## 2019-08-12\n今天去爬了泰山，日出特别美。\n\n## 2019-10-01\n国庆在西湖边骑车。\n", "utf-8")
        bad = tmp_path / "broken.json"
        bad.write_text("garbage{{{", "utf-8")
        with good.open("rb") as g, bad.open("rb") as b:
            job = c.post("/api/kbs/只要文件/files", files=[("files", (good.name, g)), ("files", (bad.name, b))], headers=H).json()
        end = wait_job(c, job["id"])
        # one file failed, one imported: the job is done, and says so per file, without server paths
        assert end["status"] == "done"
        by_name = {Path(f["path"]).name: f for f in end["result"]["files"]}
        assert by_name["爬山.txt"]["status"] == "imported" and by_name["爬山.txt"]["new"] == 2
        assert by_name["broken.json"]["status"] == "failed" and "no importer" in by_name["broken.json"]["message"]
        assert end["result"]["totals"]["failed"] == 1
        assert "uploads" not in json.dumps(end, ensure_ascii=False)
        assert kb(c, "只要文件")["posts"] == 2

        files = c.get("/api/kbs/只要文件/files").json()["files"]
        assert [(f["name"], f["posts"], f["first"][:10], f["last"][:10]) for f in files] == [
            ("爬山.txt", 2, "2019-08-12", "2019-10-01")
        ]
        dl = c.get(f"/api/kbs/只要文件/files/{files[0]['key']}.jsonl")
        assert dl.status_code == 200 and "attachment" in dl.headers["content-disposition"]
        rows = [json.loads(line) for line in dl.text.splitlines()]
        assert [r["text"][:6] for r in rows] == ["今天去爬了泰", "国庆在西湖边"] and rows[0]["source_file"] == "爬山.txt"

        # take the file out: the KB is empty again, the posts stay in the archive
        total = c.get("/api/posts").json()["total"]
        out = c.delete(f"/api/kbs/只要文件/files/{files[0]['key']}", headers=H).json()
        assert out == {"removed": 2, "members": 0, "name": "爬山.txt"}
        assert kb(c, "只要文件")["posts"] == 0 and c.get("/api/posts").json()["total"] == total
        assert c.delete(f"/api/kbs/只要文件/files/{files[0]['key']}", headers=H).status_code == 404


def test_a_dated_kb_lists_files_but_cannot_lose_one(fresh: LiveServer) -> None:
    with httpx.Client(base_url=fresh.url, timeout=60) as c:
        assert c.post("/api/kbs", json={"name": "二〇一六", "since": "2016", "until": "2016"}, headers=H).status_code == 200
        info = c.get("/api/kbs/二〇一六/files").json()
        assert info["members_only"] is False
        assert sum(f["posts"] for f in info["files"]) == kb(c, "二〇一六")["posts"] > 0
        assert all("/" not in f["name"] for f in info["files"])
        r = c.delete(f"/api/kbs/二〇一六/files/{info['files'][0]['key']}", headers=H)
        assert r.status_code == 400 and "defined by its dates" in r.json()["detail"]
        assert c.get("/api/kbs/nope/files").status_code == 404


def test_an_upload_where_every_file_fails_is_a_failed_job(fresh: LiveServer, tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("garbage{{{", "utf-8")
    with httpx.Client(base_url=fresh.url, timeout=60) as c, bad.open("rb") as b:
        job = c.post("/api/imports", files=[("files", (bad.name, b))], headers=H).json()
        end = wait_job(c, job["id"])
    assert end["status"] == "error" and end["message"].startswith("nothing imported: broken.json")
