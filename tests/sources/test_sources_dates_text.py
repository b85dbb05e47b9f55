"""Weibo dates (relative ones too) and post HTML → text; hypothesis round trips for the date forms."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialbrain.sources.dates import parse_date
from socialbrain.sources.text import html_to_text

CST = timezone(timedelta(hours=8))
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 3, 10, 15, 30, 45, tzinfo=CST)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("刚刚", NOW),
        ("30秒前", NOW - timedelta(seconds=30)),
        ("3分钟前", NOW - timedelta(minutes=3)),
        ("2小时前", NOW - timedelta(hours=2)),
        ("5天前", NOW - timedelta(days=5)),
        ("今天 12:00", datetime(2024, 3, 10, 12, 0, tzinfo=CST)),
        ("昨天 23:59", datetime(2024, 3, 9, 23, 59, tzinfo=CST)),
        ("前天 08:05", datetime(2024, 3, 8, 8, 5, tzinfo=CST)),
        ("08-12", datetime(2024, 8, 12, tzinfo=CST)),
        ("08-12 21:30", datetime(2024, 8, 12, 21, 30, tzinfo=CST)),
        ("8月12日 21:30", datetime(2024, 8, 12, 21, 30, tzinfo=CST)),
        ("2019-08-12", datetime(2019, 8, 12, tzinfo=CST)),
        ("2019-08-12 21:30", datetime(2019, 8, 12, 21, 30, tzinfo=CST)),
        ("2019年8月12日 21:30", datetime(2019, 8, 12, 21, 30, tzinfo=CST)),
        ("Sat Dec 28 20:00:00 +0800 2019", datetime(2019, 12, 28, 20, 0, tzinfo=CST)),
        ("2019-12-28T12:00:00Z", datetime(2019, 12, 28, 20, 0, tzinfo=CST)),
        ("1577534400", datetime(2019, 12, 28, 20, 0, tzinfo=CST)),
    ],
)
def test_weibo_date_forms(value, expected):
    got = parse_date(value, now=NOW, zone=SH)
    assert got == expected and got.tzinfo is not None


def test_platform_zone_is_kept():
    assert parse_date("Sat Feb 18 12:33:11 +0000 2023").utcoffset() == timedelta(0)
    assert parse_date("2019-08-12 21:30").utcoffset() == timedelta(hours=8)
    assert parse_date("2019-08-12 21:30", zone=ZoneInfo("Europe/Berlin")).utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("bad", ["", "明天", "2019-13-01", "02-30", "yesterday-ish"])
def test_unknown_dates_raise(bad):
    with pytest.raises(ValueError):
        parse_date(bad, now=NOW)


aware = st.datetimes(min_value=datetime(1992, 1, 1), max_value=datetime(2090, 1, 1)).map(
    lambda d: d.replace(microsecond=0, tzinfo=CST)
)


@given(aware)
def test_absolute_forms_round_trip(dt):
    for text in (
        dt.strftime("%Y-%m-%d %H:%M:%S"),
        dt.isoformat(),
        dt.strftime("%a %b %d %H:%M:%S %z %Y"),
        f"{dt.year}年{dt.month}月{dt.day}日 {dt:%H:%M:%S}",
        str(int(dt.timestamp())),
    ):
        assert parse_date(text, zone=SH) == dt, text


@given(aware, st.integers(min_value=0, max_value=10_000), st.sampled_from(["秒", "分钟", "小时", "天"]))
def test_relative_forms_are_relative_to_now(now, n, unit):
    got = parse_date(f"{n}{unit}前", now=now)
    unit_s = {"秒": 1, "分钟": 60, "小时": 3600, "天": 86400}[unit]
    assert (now - got).total_seconds() == n * unit_s


@given(aware, st.dates(min_value=datetime(2001, 1, 1).date(), max_value=datetime(2090, 12, 31).date()))
def test_month_day_means_this_year(now, day):
    if day.month == 2 and day.day == 29:
        return
    got = parse_date(f"{day:%m-%d} 07:08", now=now)
    assert (got.year, got.month, got.day, got.hour, got.minute) == (now.year, day.month, day.day, 7, 8)


def test_html_to_text_weibo_and_mastodon():
    weibo = (
        '早安<span class="url-icon"><img alt="[太阳]" src="x.png" /></span><br />'
        '<a href="/n/老王">@老王</a> <a href="https://m.weibo.cn/search?q=%23跑步%23">#跑步#</a> '
        '<a href="https://t.cn/A6x">网页链接</a> &lt;3 &amp; &quot;ok&quot;'
    )
    assert html_to_text(weibo) == '早安[太阳]\n@老王 #跑步# https://t.cn/A6x <3 & "ok"'
    masto = '<p>第一段</p><p>第二段 <a href="https://example.com/a"><span class="invisible">https://</span>example.com/a</a></p>'
    assert html_to_text(masto) == "第一段\n\n第二段 https://example.com/a"
    assert html_to_text("no tags &amp; entities") == "no tags & entities"
    assert html_to_text(None) == ""
