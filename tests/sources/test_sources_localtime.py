"""Local time: one zone (the `timezone` setting) for the timeline, the calendar and --since/--until."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from socialbrain import localtime
from socialbrain.archive import SQLiteArchive
from socialbrain.brain import Brain
from socialbrain.cli.main import app
from socialbrain.errors import ConfigError
from socialbrain.models import Post, PostFilter
from socialbrain.services.filters import parse_date

SH = ZoneInfo("Asia/Shanghai")


def tweet(ts: datetime, text: str) -> Post:
    return Post(platform="twitter", account="xiaoman", created_at=ts, text=text, post_id=text)


@pytest.fixture(autouse=True)
def _reset():
    yield
    localtime.configure(None)


def test_a_tweet_at_0320_utc_is_an_1120_post_in_beijing():
    t = datetime(2021, 3, 1, 3, 20, tzinfo=UTC)
    assert localtime.to_local(t, SH).strftime("%H:%M") == "11:20"
    assert localtime.hour_of(t, ZoneInfo("UTC")) == 3 and localtime.hour_of(t, SH) == 11


def test_setting_env_and_bad_names(monkeypatch):
    monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", "Europe/Berlin")
    assert str(localtime.local_zone()) == "Europe/Berlin"
    assert str(localtime.configure("UTC")) == "UTC"  # the setting, once configured, wins
    with pytest.raises(ConfigError, match="not a time zone name"):
        localtime.configure("Mars/Olympus")
    monkeypatch.delenv("SOCIALBRAIN_TIMEZONE")
    localtime.configure(None)
    assert localtime.local_zone() is localtime.machine_zone()


def test_calendar_months_are_local(tmp_path):
    a = SQLiteArchive(tmp_path / "a.db")
    a.upsert(tweet(datetime(2020, 1, 31, 20, 0, tzinfo=UTC), "t1"))  # 1 Feb 04:00 in Beijing
    a.upsert(Post(platform="weibo", account="1", created_at=datetime(2020, 1, 15, 8, tzinfo=SH), text="w"))
    assert a.month_counts(zone=ZoneInfo("UTC")) == [(2020, 1, 2)]
    assert a.month_counts(zone=SH) == [(2020, 1, 1), (2020, 2, 1)]


def test_since_until_are_local_days(monkeypatch):
    monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", "UTC")
    assert parse_date("2020-01-01") == datetime(2020, 1, 1, tzinfo=UTC)
    monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", "Asia/Shanghai")
    assert parse_date("2020-01-01").astimezone(UTC) == datetime(2019, 12, 31, 16, tzinfo=UTC)
    assert parse_date("2020-01", end=True).astimezone(timezone(timedelta(hours=8))).day == 1


def test_timeline_and_report_rows_show_local_time(data_dir, monkeypatch):
    monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setenv("SOCIALBRAIN_EMBEDDER", "none")
    monkeypatch.setenv("COLUMNS", "160")
    brain = Brain.open(data_dir)
    brain.archive.upsert(tweet(datetime(2021, 3, 1, 3, 20, tzinfo=UTC), "早上好"))
    assert brain.archive.count(PostFilter(since=parse_date("2021-03-01"), until=parse_date("2021-03-01", end=True)))
    brain.close()
    r = CliRunner().invoke(app, ["timeline"])
    assert "2021-03-01 11:20" in r.output, r.output
    monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", "UTC")
    r = CliRunner().invoke(app, ["timeline"])
    assert "2021-03-01 03:20" in r.output, r.output


def test_time_phrases_are_read_in_the_users_zone(monkeypatch):
    from socialbrain.retrieve.timeexpr import parse_time_expression

    now = datetime(2024, 6, 2, 1, 0, tzinfo=UTC)  # 09:00 on 2 June in Beijing, still 1 June in New York
    monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", "Asia/Shanghai")
    assert parse_time_expression("昨天跑步", now=now).since == datetime(2024, 6, 1, tzinfo=SH)
    monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", "America/New_York")
    ny = ZoneInfo("America/New_York")
    assert parse_time_expression("昨天跑步", now=now).since == datetime(2024, 5, 31, tzinfo=ny)


def test_archive_years_are_local_years(tmp_path):
    """year_counts / iter_columns(years=…) / word_year_counts / stats: a year is the user's local year."""
    ny = ZoneInfo("America/New_York")
    a = SQLiteArchive(tmp_path / "a.db")
    a.upsert(tweet(datetime(2015, 12, 31, 20, 0, tzinfo=ny), "跑步 eve"))  # 2016-01-01 09:00 in Beijing
    a.upsert(tweet(datetime(2015, 6, 1, 12, 0, tzinfo=UTC), "跑步 june"))
    a.upsert(tweet(datetime(2017, 1, 1, 0, 30, tzinfo=SH), "new year"))  # 2016-12-31 16:30 UTC
    assert a.year_counts(zone=SH) == {2015: 1, 2016: 1, 2017: 1}
    assert a.year_counts(zone=ny) == {2015: 2, 2016: 1}
    assert a.year_counts(zone=ZoneInfo("UTC")) == {2015: 1, 2016: 2}

    def texts(years, zone):
        return [r[0] for r in a.iter_columns(None, ["text"], years=years, zone=zone)]

    assert texts([2016], SH) == ["跑步 eve"] and texts([2015], ny) == ["跑步 june", "跑步 eve"]
    assert texts([2015, 2016], SH) == ["跑步 june", "跑步 eve"] and texts([2014], SH) == []
    assert texts([2016], ZoneInfo("UTC")) == ["跑步 eve", "new year"]
    assert a.word_year_counts(None, "跑步", zone=SH) == {"2015": 1, "2016": 1}
    assert a.word_year_counts(None, "跑步", zone=ny) == {"2015": 2}
    localtime.configure("Asia/Shanghai")
    assert [(y["year"], y["posts"]) for y in a.stats()["years"]] == [("2015", 1), ("2016", 1), ("2017", 1)]


def test_web_and_api_post_dates_are_local(monkeypatch):
    from socialbrain.services.records import post_record

    p = tweet(datetime(2021, 3, 1, 3, 20, tzinfo=UTC), "早上好")
    monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", "Asia/Shanghai")
    assert post_record(p)["date"] == "2021-03-01T11:20:00+08:00"
    monkeypatch.setenv("SOCIALBRAIN_TIMEZONE", "UTC")
    assert post_record(p)["date"] == "2021-03-01T03:20:00+00:00"


def test_archive_years_with_a_stray_date_far_back(tmp_path):
    """A post with a wildly early date (a broken export) widens the span of years, not the answer."""
    a = SQLiteArchive(tmp_path / "a.db")
    a.upsert(tweet(datetime(1, 1, 2, tzinfo=UTC), "year one"))
    a.upsert(tweet(datetime(1970, 1, 1, 0, 0, tzinfo=UTC), "epoch"))  # 08:00 in Beijing
    a.upsert(tweet(datetime(2015, 12, 31, 20, 0, tzinfo=ZoneInfo("America/New_York")), "eve"))
    assert a.year_counts(zone=SH) == {1: 1, 1970: 1, 2016: 1}
    assert a.year_counts(zone=ZoneInfo("America/New_York")) == {1: 1, 1969: 1, 2015: 1}
    assert [r[0] for r in a.iter_columns(None, ["text"], years=[2016], zone=SH)] == ["eve"]
