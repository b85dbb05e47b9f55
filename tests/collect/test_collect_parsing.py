"""The pure pieces: Weibo dates/counts/ids, cookie files, rate-limit headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialbrain.collect.credentials import parse_cookie_text, scrub
from socialbrain.collect.weibo import extract_detail_status
from socialbrain.collect.weibo_mblog import (
    WEIBO_ZONE,
    bid_to_mid,
    is_pinned,
    mblog_to_post,
    mid_to_bid,
    parse_count,
    parse_weibo_date,
)
from socialbrain.errors import ConfigError
from socialbrain.models import Kind
from socialbrain.retry import wait_from_headers

NOW = datetime(2024, 1, 10, 15, 30, tzinfo=WEIBO_ZONE)


@pytest.mark.parametrize(
    ("mid", "bid"),
    [("3501756485200075", "z0JH2lOMb"), ("3486913690606804", "yAt1n2xRa"), ("3500247231472384", "z06qL6b28")],
)
def test_mid_bid_known_pairs(mid, bid):
    assert mid_to_bid(mid) == bid and bid_to_mid(bid) == mid


@given(st.integers(min_value=1, max_value=9 * 10**16))
def test_mid_bid_round_trip(n):
    assert bid_to_mid(mid_to_bid(n)) == str(n)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        ("12", 12),
        ("1.2万", 12_000),
        ("100万+", 1_000_000),
        ("3亿", 300_000_000),
        ("", None),
        (None, None),
        ("1,024", 1024),
        ("abc", None),
    ],
)
def test_parse_count(value, expected):
    assert parse_count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sat Dec 28 20:00:00 +0800 2019", datetime(2019, 12, 28, 20, 0, tzinfo=WEIBO_ZONE)),
        ("2019-12-28 20:00", datetime(2019, 12, 28, 20, 0, tzinfo=WEIBO_ZONE)),
        ("2019-12-28", datetime(2019, 12, 28, tzinfo=WEIBO_ZONE)),
        ("刚刚", NOW.replace(second=0)),
        ("5分钟前", NOW - timedelta(minutes=5)),
        ("3小时前", NOW - timedelta(hours=3)),
        ("昨天 23:05", datetime(2024, 1, 9, 23, 5, tzinfo=WEIBO_ZONE)),
        ("今天 08:00", datetime(2024, 1, 10, 8, 0, tzinfo=WEIBO_ZONE)),
        ("01-02", datetime(2024, 1, 2, tzinfo=WEIBO_ZONE)),
        ("12-28", datetime(2023, 12, 28, tzinfo=WEIBO_ZONE)),  # no year and in the future: last year
        ("06月17日 18:12", datetime(2023, 6, 17, 18, 12, tzinfo=WEIBO_ZONE)),
    ],
)
def test_parse_weibo_date(value, expected):
    assert parse_weibo_date(value, NOW) == expected


def test_parse_weibo_date_rejects_garbage():
    with pytest.raises(ValueError, match="unknown Weibo date"):
        parse_weibo_date("yesterday-ish", NOW)


def test_mblog_private_pinned_video_and_deleted_original():
    mb = {
        "id": "4500000000000001",
        "created_at": "Sat Dec 28 20:00:00 +0800 2019",
        "text": "自己可见",
        "visible": {"type": 1},
        "mblogtype": 2,
        "user": {"id": 5, "screen_name": "me"},
        "page_info": {"type": "video", "media_info": {"mp4_hd_url": "https://f.video/x.mp4"}},
        "retweeted_status": {
            "id": "1",
            "text": "抱歉，此微博已被作者删除。",
            "user": None,
            "created_at": "Sat Dec 28 20:00:00 +0800 2019",
        },
    }
    p = mblog_to_post(mb)
    assert p.private and is_pinned(mb) and p.media == ["https://f.video/x.mp4"]
    assert p.kind == Kind.REPOST and p.ref_author is None and p.ref_text == "抱歉，此微博已被作者删除。"
    assert p.account == "5" and p.post_id == "4500000000000001"


def test_cookie_file_forms():
    assert parse_cookie_text("Cookie: SUB=abc; SUBP=def\n") == "SUB=abc; SUBP=def"
    netscape = "# Netscape HTTP Cookie File\n.weibo.cn\tTRUE\t/\tFALSE\t0\tSUB\tabc\n.example.com\tTRUE\t/\tFALSE\t0\tX\ty\n"
    assert parse_cookie_text(netscape) == "SUB=abc"
    js = '[{"domain": ".weibo.cn", "name": "SUB", "value": "abc"}, {"domain": ".weibo.cn", "name": "_T_WM", "value": "9"}]'
    assert parse_cookie_text(js) == "SUB=abc; _T_WM=9"
    with pytest.raises(ConfigError, match="empty"):
        parse_cookie_text("  \n", path="c.txt")
    with pytest.raises(ConfigError, match="not valid"):
        parse_cookie_text("[{bad json", path="c.txt")


def test_scrub_hides_the_cookie_and_each_value():
    cookie = "SUB=_2A25verysecret; SUBP=0033WrSXqPx"
    assert "verysecret" not in scrub(f"request failed with {cookie} and _2A25verysecret", cookie)


def test_wait_from_headers():
    now = 1_700_000_000.0
    assert wait_from_headers(httpx.Headers({"Retry-After": "7"}), now) == 7
    reset = datetime.fromtimestamp(now + 30, UTC).isoformat().replace("+00:00", "Z")
    assert wait_from_headers(httpx.Headers({"X-RateLimit-Reset": reset}), now) == pytest.approx(30)
    assert wait_from_headers(
        httpx.Headers({"Retry-After": "Tue, 14 Nov 2023 22:14:00 GMT"}), now
    ) == pytest.approx(1400 - 13 * 60, abs=1e3)
    assert wait_from_headers(httpx.Headers({}), now) is None


def test_extract_detail_status_both_shapes():
    page = '<script>var $render_data = [{"status": {"id": "1", "text": "全文<br />第二行"}, "hotScheme": "x"}][0] || {};</script>'
    assert extract_detail_status(page)["text"] == "全文<br />第二行"
    old = '{"status": {"id": "2", "text": "t"},\n "hotScheme": "x"}'
    assert extract_detail_status("var config = " + old)["id"] == "2"
    assert extract_detail_status("<html>nothing</html>") is None
