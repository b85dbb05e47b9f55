"""Reports count in the user's zone (the `timezone` setting), not in the zone each post was stored with.

A tweet is stored in UTC and a post written abroad carries that place's offset; the person reading the report lives
in one zone, and "2015", "March", "11 o'clock" and "the latest night" are theirs. Each case below gives a different
answer under the old rule (each post's own offset), so these tests fail on it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialbrain import localtime
from socialbrain.brain import Brain
from socialbrain.cli.main import app
from socialbrain.insights.common import iter_rows, report_filter, years_with_posts
from socialbrain.insights.yearly import year_review
from socialbrain.models import Kind, Post

CN = timezone(timedelta(hours=8))
NY = timezone(timedelta(hours=-5))
EVE = "纽约跨年夜，跑完了最后一个马拉松"  # Dec 31 20:00 in New York = Jan 1 09:00 in Beijing


@pytest.fixture(autouse=True)
def _zone_reset():
    yield
    localtime.configure(None)  # the next Brain.open reads the zone again


def post(i: int, when: datetime, text: str, platform: str = "weibo") -> Post:
    return Post(platform=platform, account="me", created_at=when, text=text, post_id=f"p{i}", kind=Kind.ORIGINAL)


POSTS = [
    post(0, datetime(2015, 6, 1, 12, 0, tzinfo=CN), "端午前去跑步"),
    post(1, datetime(2015, 8, 3, 3, 20, tzinfo=UTC), "Morning coffee before work", "twitter"),  # 11:20 Beijing
    post(2, datetime(2015, 9, 7, 2, 0, tzinfo=CN), "两点还没睡，在改简历"),
    post(3, datetime(2015, 9, 20, 20, 50, tzinfo=UTC), "cannot sleep, reading", "twitter"),  # Sep 21 04:50 Beijing
    post(4, datetime(2015, 12, 31, 20, 0, tzinfo=NY), EVE, "twitter"),
    post(5, datetime(2016, 3, 1, 12, 0, tzinfo=CN), "春天来了"),
]


def open_brain(data_dir: Path, monkeypatch: pytest.MonkeyPatch, zone: str) -> Brain:
    monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", zone)
    brain = Brain.open(data_dir, embedder="none")
    if not brain.archive.count():
        with brain.archive.transaction():
            for p in POSTS:
                brain.archive.upsert(p)
    return brain


def test_a_tweet_at_0320_utc_counts_as_an_1120_post(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brain = open_brain(data_dir, monkeypatch, "Asia/Shanghai")
    r = year_review(brain, 2015, use_llm=False)
    assert r["by_hour"][11] == 1 and r["by_hour"][3] == 0
    assert r["rhythm"][0][11] == 1  # 2015-08-03 was a Monday in Beijing too
    brain.close()
    brain = open_brain(data_dir, monkeypatch, "UTC")  # the same archive, read by someone in London in winter
    r = year_review(brain, 2015, use_llm=False)
    assert r["by_hour"][3] == 1 and r["by_hour"][11] == 0
    brain.close()


def test_new_years_eve_in_new_york_is_next_year_in_beijing(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brain = open_brain(data_dir, monkeypatch, "Asia/Shanghai")
    assert years_with_posts(brain, report_filter()) == {2015: 4, 2016: 2}
    r15, r16 = year_review(brain, 2015, use_llm=False), year_review(brain, 2016, use_llm=False)
    assert EVE not in str(r15) and r15["posts_by_month"][11] == 0 and r15["post_count"] == 4
    assert r16["first_post"]["text"] == EVE and r16["first_post"]["date"] == "2016-01-01T09:00:00+08:00"
    assert dict(r16["calendar"])["2016-01-01"] == 1 and r16["posts_by_month"][0] == 1
    everything = year_review(brain, "all", use_llm=False)
    assert everything["posts_by_year"] == {"2015": 4, "2016": 2}
    brain.close()

    brain = open_brain(data_dir, monkeypatch, "America/New_York")
    assert years_with_posts(brain, report_filter()) == {2015: 5, 2016: 1}
    r15 = year_review(brain, 2015, use_llm=False)
    assert r15["last_post"]["text"] == EVE and r15["last_post"]["date"] == "2015-12-31T20:00:00-05:00"
    assert r15["posts_by_month"][11] == 1 and dict(r15["calendar"])["2015-12-31"] == 1
    brain.close()


def test_the_latest_night_is_a_local_night(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 20:50 UTC is 04:50 the next morning in Beijing: later in the night than the 02:00 Weibo post
    brain = open_brain(data_dir, monkeypatch, "Asia/Shanghai")
    r = year_review(brain, 2015, use_llm=False)
    assert r["latest_night"]["text"] == "cannot sleep, reading"
    assert r["latest_night"]["date"] == "2015-09-21T04:50:00+08:00"
    assert "04:50" in next(s["text"] for s in r["sections"] if s["id"] == "highlights")
    brain.close()
    # in UTC the tweet is an evening post (20:50) and the Weibo posts of 02:00 / 12:00 Beijing time are 18:00 and
    # 04:00: the noon post is that reader's latest night
    brain = open_brain(data_dir, monkeypatch, "UTC")
    night = year_review(brain, 2015, use_llm=False)["latest_night"]
    assert night["text"] == "端午前去跑步" and night["date"] == "2015-06-01T04:00:00+00:00"
    brain.close()


def test_report_rows_are_local(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brain = open_brain(data_dir, monkeypatch, "Asia/Shanghai")
    rows = list(iter_rows(brain, report_filter(), years=[2016]))
    assert [r.text for r in rows] == [EVE, "春天来了"]
    assert rows[0].created_at.hour == 9 and rows[0].created_at.utcoffset() == timedelta(hours=8)
    brain.close()


def test_cli_report_counts_in_the_configured_zone(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_brain(data_dir, monkeypatch, "Asia/Shanghai").close()
    out = data_dir / "r.json"
    for zone, year, n in (("Asia/Shanghai", "2016", 2), ("America/New_York", "2015", 5)):
        monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", zone)
        res = CliRunner().invoke(app, ["report", "year", year, "--no-llm", "--format", "json", "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert json.loads(out.read_text(encoding="utf-8"))["post_count"] == n
