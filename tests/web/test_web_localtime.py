"""The web app shows one zone everywhere: the timeline's month list, the posts of a month, each post's date, the
report's years and its charts all put a post in the same local year, month and hour (the `timezone` setting).
A real server on 127.0.0.1 over a small archive, read once as a person in Beijing and once as one in New York."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_fixtures import LiveServer

from socialbrain import localtime
from socialbrain.brain import Brain
from socialbrain.models import Post

H = {"X-Socialbrain": "1"}
EVE = "纽约跨年夜，跑完了最后一个马拉松"


@pytest.fixture(autouse=True)
def _zone_reset():
    yield
    localtime.configure(None)


def _seed(data_dir: Path) -> None:
    brain = Brain.open(data_dir, embedder="none")
    with brain.archive.transaction():
        brain.archive.upsert(
            Post(platform="twitter", account="me", post_id="t1", text=EVE,
                 created_at=datetime(2015, 12, 31, 20, 0, tzinfo=timezone(timedelta(hours=-5))))
        )
        brain.archive.upsert(
            Post(platform="weibo", account="me", post_id="w1", text="夏天的第一场雨",
                 created_at=datetime(2015, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=8))))
        )
        brain.archive.upsert(  # 03:20 UTC: 11:20 in Beijing, 22:20 the evening before in New York
            Post(platform="twitter", account="me", post_id="t2", text="早上好，去上班",
                 created_at=datetime(2016, 3, 1, 3, 20, tzinfo=UTC))
        )
    brain.close()


def _report(c: httpx.Client, year: int) -> dict[str, Any]:
    start = c.post("/api/reports", json={"use_llm": False, "year": str(year)}, headers=H).json()
    if not start["cached"]:
        with c.stream("GET", f"/api/reports/{start['job']['id']}/events") as resp:
            last = [json.loads(line[5:]) for line in resp.iter_lines() if line.startswith("data:")][-1]
        assert last["type"] == "done", last
        meta = last["report"]
    else:
        meta = start["report"]
    return c.get(f"/api/reports/{meta['id']}.json").json()


@pytest.mark.parametrize(
    ("zone", "year", "month", "shown", "hour"),
    [
        ("Asia/Shanghai", 2016, 1, "2016-01-01T09:00:00+08:00", 11),
        ("America/New_York", 2015, 12, "2015-12-31T20:00:00-05:00", 22),
    ],
)
def test_timeline_and_report_use_the_same_local_buckets(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, zone: str, year: int, month: int, shown: str, hour: int
) -> None:
    monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", zone)
    _seed(data_dir)
    with LiveServer(data_dir, overrides={"embedder": "none"}) as s, httpx.Client(base_url=s.url, timeout=60) as c:
        # the timeline's month list
        cal = {(y["year"], m["month"]): m["posts"] for y in c.get("/api/calendar").json() for m in y["months"]}
        assert cal[(year, month)] == 1
        # the posts of that month: the New Year's Eve post, dated as the user reads it
        posts = c.get("/api/posts", params={"year": year, "month": month}).json()["posts"]
        assert [(p["text"], p["date"]) for p in posts] == [(EVE, shown)]
        # the report page's years and the report of that year
        years = {y["year"]: y["posts"] for y in c.get("/api/reports/options").json()["years"]}
        assert sum(years.values()) == 3
        report = _report(c, year)
        assert years[year] == report["post_count"] == sum(cal[k] for k in cal if k[0] == year)
        assert report["posts_by_month"][month - 1] == cal[(year, month)]
        assert any(p["text"] == EVE and p["date"] == shown for p in (report["first_post"], report["last_post"]))
        # the 03:20 UTC tweet (2016-03-01 11:20 in Beijing, 2016-02-29 22:20 in New York): the same hour in the
        # report's chart as in its date on the timeline
        r16 = report if year == 2016 else _report(c, 2016)
        assert r16["by_hour"][hour] == 1
        tl = c.get("/api/posts", params={"year": 2016}).json()["posts"]
        assert int(next(p for p in tl if p["text"] == "早上好，去上班")["date"][11:13]) == hour
