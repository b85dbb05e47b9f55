"""Time phrases (Chinese and English) → [since, until) in China time, relative to an explicit anchor."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from socialbrain.retrieve.timeexpr import parse_time_expression, time_is_subject

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 10, 30, tzinfo=SH)  # a Wednesday


def d(y: int, m: int = 1, day: int = 1) -> datetime:
    return datetime(y, m, day, tzinfo=SH)


# query, expected since, expected until, expected leftover text, expected expression
TABLE = [
    ("2016年", d(2016), d(2017), "", "2016年"),
    ("2016年我在想什么", d(2016), d(2017), "我在想什么", "2016年"),
    ("我在2016年的时候想什么", d(2016), d(2017), "我想什么", "2016年"),
    ("2016年5月跑步", d(2016, 5), d(2016, 6), "跑步", "2016年5月"),
    ("2016年十二月", d(2016, 12), d(2017), "", "2016年十二月"),
    ("2016年5月3日的日记", d(2016, 5, 3), d(2016, 5, 4), "日记", "2016年5月3日"),
    ("2019年夏天我在想什么", d(2019, 6), d(2019, 9), "我在想什么", "2019年夏天"),
    ("2018年春天", d(2018, 3), d(2018, 6), "", "2018年春天"),
    ("2018年秋季的照片", d(2018, 9), d(2018, 12), "照片", "2018年秋季"),
    ("2019年冬天", d(2019, 12), d(2020, 3), "", "2019年冬天"),
    ("去年冬天下雪了吗", d(2025, 12), d(2026, 3), "下雪了吗", "去年冬天"),
    ("今年春天", d(2026, 3), d(2026, 6), "", "今年春天"),
    ("去年", d(2025), d(2026), "", "去年"),
    ("前年读的书", d(2024), d(2025), "读的书", "前年"),
    ("今年的心情", d(2026), d(2027), "心情", "今年"),
    ("三年前的我", d(2023), d(2024), "我", "三年前"),
    ("3年前", d(2023), d(2024), "", "3年前"),
    ("十年前", d(2016), d(2017), "", "十年前"),
    ("上个月吃了什么", d(2026, 10), d(2026, 11), "吃了什么", "上个月"),
    ("三个月前", d(2026, 8), d(2026, 9), "", "三个月前"),
    ("最近一年的心情", datetime(2025, 11, 25, 10, 30, tzinfo=SH), NOW, "心情", "最近一年"),
    ("2015到2017年的工作", d(2015), d(2018), "工作", "2015到2017年"),
    ("2015年至2017年", d(2015), d(2018), "", "2015年至2017年"),
    ("2015-2017 work", d(2015), d(2018), "work", "2015-2017"),
    ("2018年以来的变化", d(2018), None, "变化", "2018年以来"),
    ("2016年以前", None, d(2016), "", "2016年以前"),
    ("2010年代", d(2010), d(2020), "", "2010年代"),
    ("80年代的歌", d(1980), d(1990), "歌", "80年代"),
    ("二〇一六年", d(2016), d(2017), "", "二〇一六年"),
    ("2016年上半年", d(2016), d(2016, 7), "", "2016年上半年"),
    ("5月跑步", d(2026, 5), d(2026, 6), "跑步", "5月"),
    ("十二月的雪", d(2025, 12), d(2026), "雪", "十二月"),  # December 2026 has not begun: the last one
    ("昨天", d(2026, 11, 24), d(2026, 11, 25), "", "昨天"),
    ("上周去哪了", d(2026, 11, 16), d(2026, 11, 23), "去哪了", "上周"),
    ("2016-05-03", d(2016, 5, 3), d(2016, 5, 4), "", "2016-05-03"),
    ("what did I write in 2015", d(2015), d(2016), "what did I write", "in 2015"),
    ("last year trips", d(2025), d(2026), "trips", "last year"),
    ("this year", d(2026), d(2027), "", "this year"),
    ("two years ago", d(2024), d(2025), "", "two years ago"),
    ("a year ago", d(2025), d(2026), "", "a year ago"),
    ("summer 2019 beach", d(2019, 6), d(2019, 9), "beach", "summer 2019"),
    ("in the summer of 2019", d(2019, 6), d(2019, 9), "", "in the summer of 2019"),
    ("since 2018", d(2018), None, "", "since 2018"),
    ("before 2016", None, d(2016), "", "before 2016"),
    ("after 2016", d(2017), None, "", "after 2016"),
    ("music of the 2010s", d(2010), d(2020), "music", "the 2010s"),
    ("90s songs", d(1990), d(2000), "songs", "90s"),
    ("May 2016 trip", d(2016, 5), d(2016, 6), "trip", "May 2016"),
    ("last month", d(2026, 10), d(2026, 11), "", "last month"),
    ("last summer", d(2026, 6), d(2026, 9), "", "last summer"),
    (
        "posts from the past 3 months",
        datetime(2026, 8, 27, 10, 30, tzinfo=SH),
        NOW,
        "posts",
        "the past 3 months",
    ),
]


@pytest.mark.parametrize(
    ("query", "since", "until", "text", "expression"), TABLE, ids=[row[0] for row in TABLE]
)
def test_time_phrase_table(query, since, until, text, expression):
    got = parse_time_expression(query, now=NOW)
    assert (got.since, got.until, got.text, got.expression) == (since, until, text, expression)


@pytest.mark.parametrize(
    "query",
    [
        "我在想什么",
        "花了2000元买手机",
        "iPhone 15 值得买吗",
        "夏天最喜欢吃西瓜",
        "一个月大的小猫",
        "五月天的歌",
    ],
)
def test_no_time_phrase_leaves_query_alone(query):
    got = parse_time_expression(query, now=NOW)
    assert (got.since, got.until, got.expression, got.text) == (None, None, None, query)


def test_dates_are_aware_in_the_given_zone():
    utc = ZoneInfo("UTC")
    got = parse_time_expression("去年", now=datetime(2026, 1, 1, 0, 30, tzinfo=SH), zone=utc)
    # 00:30 on 1 Jan in Shanghai is still 2025 in UTC
    assert got.since == datetime(2024, 1, 1, tzinfo=utc)
    naive = parse_time_expression("去年", now=datetime(2026, 5, 1))
    assert naive.since == d(2025) and naive.since.tzinfo is not None


def test_without_now_relative_phrases_use_the_clock():
    got = parse_time_expression("今年")
    assert got.since is not None and got.since.year == datetime.now(SH).year


def test_winter_in_february_is_the_one_that_began_in_december():
    got = parse_time_expression("this winter", now=datetime(2026, 2, 10, tzinfo=SH))
    assert (got.since, got.until) == (d(2025, 12), d(2026, 3))


@pytest.mark.parametrize(
    ("query", "subject"),
    [
        ("2019年全国手机销量排行榜看点", True),  # a short headline: its date is the news's
        ("3月PPI同比下降1.5%", True),
        ("2021新能源汽车白皮书", True),  # a bare year glued to a title
        ("第8届科技峰会于2018年5月举行", True),
        ("2016年 读书报告", False),  # phrase, space, keyword: a search in that year
        ("2016日语", False),  # a keyword or two
        ("我2017年参加的峰会", False),  # speaks of the user
        ("2016年我在想什么", False),
    ],
)
def test_a_short_headline_dates_its_subject_a_search_keeps_its_filter(query: str, subject: bool) -> None:
    tq = parse_time_expression(query, now=NOW)
    assert tq.expression is not None and time_is_subject(query, tq) is subject
