"""A small archive whose statistics are known by hand, for the insights tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from socialbrain.brain import Brain
from socialbrain.models import Kind, Post

CN = timezone(timedelta(hours=8))
UTC = UTC
NY = timezone(timedelta(hours=-5))

PII = {
    "phone": "13800138000",
    "friend": "林小雨",
    "friend_en": "bob_lee",
    "email": "xiaoyu@example.com",
    "id_card": "11010519491231002X",
    "address": "漕溪北路88号",
    "private": "这是一条私密的日记",
    "hidden": "这条被隐藏了",
}

NY_EVE_TEXT = "New year's eve in New York, marathon done"

# (created_at, text, likes, extra) — Weibo posts unless the extra says otherwise
POSTS_2014 = [
    (datetime(2014, 3, 1, 20, 0, tzinfo=CN), "今天开始学吉他，手指好疼", 3, {}),
    (datetime(2014, 5, 9, 21, 0, tzinfo=CN), "吉他练了两个月，终于会弹小星星", 8, {}),
    (datetime(2014, 8, 2, 22, 0, tzinfo=CN), "我想以后组一个乐队，吉他手就是我", 4, {}),
    (datetime(2014, 11, 11, 19, 0, tzinfo=CN), "周末去琴行换了吉他弦", 1, {}),
    (datetime(2014, 12, 20, 10, 0, tzinfo=CN), "加班加班，年底好忙", 2, {}),
]
POSTS_2015 = [
    (datetime(2015, 1, 3, 9, 0, tzinfo=CN), "新年第一跑，报名了马拉松", 5, {}),
    (datetime(2015, 1, 20, 23, 30, tzinfo=CN), "加班到十一点半，好累", 2, {}),
    (datetime(2015, 3, 8, 2, 47, tzinfo=CN), "失眠了，凌晨还在想马拉松的配速", 1, {}),
    (datetime(2015, 3, 15, 4, 12, tzinfo=CN), "四点还没睡，写完了项目报告", 9, {}),
    (datetime(2015, 3, 16, 5, 30, tzinfo=CN), "早起跑步，马拉松训练第一周", 6, {}),
    (
        datetime(2015, 6, 1, 12, 0, tzinfo=CN),
        f"和@{PII['friend']} 吃饭，她说有事打{PII['phone']}，邮箱{PII['email']}",
        120,
        {},
    ),
    (datetime(2015, 6, 1, 18, 0, tzinfo=CN), PII["hidden"] + "，谁也别看", 999, {"hide": True}),
    (datetime(2015, 7, 4, 21, 0, tzinfo=CN), PII["private"] + "，心情很差", 500, {"private": True}),
    (
        datetime(2015, 8, 10, 2, 30, tzinfo=UTC),
        "Late night coding, cannot sleep",
        7,
        {"platform": "twitter", "account": "me_en"},
    ),
    (datetime(2015, 9, 9, 15, 0, tzinfo=CN), f"@{PII['friend']} 说我马拉松一定能跑完 #马拉松#", 30, {}),
    (
        datetime(2015, 10, 1, 10, 0, tzinfo=CN),
        f"国庆寄快递到上海市徐汇区{PII['address']}，身份证{PII['id_card']}",
        3,
        {},
    ),
    (
        datetime(2015, 11, 22, 8, 0, tzinfo=CN),
        f"和@{PII['friend_en']} 一起跑了半程马拉松，开心！",
        40,
        {"location": "上海·徐家汇"},
    ),
    (
        datetime(2015, 12, 31, 20, 0, tzinfo=NY),
        NY_EVE_TEXT,
        11,
        {"platform": "twitter", "account": "me_en"},
    ),
]
POSTS_2016 = [
    (datetime(2016, 1, 1, 0, 30, tzinfo=CN), "跨年夜，马拉松完赛的一年", 15, {}),
    (datetime(2016, 2, 2, 12, 0, tzinfo=CN), "又去跑步了，马拉松训练", 4, {}),
]

# hand-counted facts about 2015 as a non-public report sees it (hidden post left out, private post in), counted in
# the user's zone, Asia/Shanghai (tests/conftest.py pins it): the New York post of Dec 31 20:00 -05:00 is
# 2016-01-01 09:00 there, so it belongs to 2016; the tweet of Aug 10 02:30 UTC is a 10:30 post.
EXPECTED_2015 = {
    "post_count": 11,
    "posts_by_month": [2, 0, 3, 0, 0, 1, 1, 1, 1, 1, 1, 0],
    "latest_night_text": "四点还没睡，写完了项目报告",
    "most_liked_text": PII["private"] + "，心情很差",
    "first_text": "新年第一跑，报名了马拉松",
    "last_text": f"和@{PII['friend_en']} 一起跑了半程马拉松，开心！",
}


def build_archive(data_dir: Path) -> Brain:
    brain = Brain.open(data_dir)
    hide = []
    with brain.archive.transaction():
        for i, (when, text, likes, extra) in enumerate(POSTS_2014 + POSTS_2015 + POSTS_2016):
            post = Post(
                platform=extra.get("platform", "weibo"),
                account=extra.get("account", "me"),
                created_at=when,
                text=text,
                post_id=f"p{i}",
                kind=Kind.ORIGINAL,
                likes=likes,
                location=extra.get("location"),
                private=extra.get("private", False),
            )
            brain.archive.upsert(post)
            if extra.get("hide"):
                hide.append(post.id)
    for pid in hide:
        brain.archive.set_hidden(pid, True)
    return brain
