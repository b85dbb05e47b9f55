"""Helpers for the web tests: a seeded archive and a real uvicorn server on 127.0.0.1 in a thread."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from socialbrain.brain import Brain
from socialbrain.index.sync import sync_index
from socialbrain.models import Kind, Post
from socialbrain.web.app import create_app
from socialbrain.web.background import ServerThread

CN = ZoneInfo("Asia/Shanghai")

# A payload that marks the page when any script runs: the XSS tests read the attribute back.
XSS_MARK = "data-xss"
HOSTILE = (
    "<img src=x onerror=\"document.documentElement.setAttribute('data-xss','img')\">"
    "<script>document.documentElement.setAttribute('data-xss','script')</script>"
    "<svg onload=\"document.documentElement.setAttribute('data-xss','svg')\"></svg> 恶意帖子 hostile"
)
HOSTILE_URL = "javascript:document.documentElement.setAttribute('data-xss','link')"

POSTS: list[dict[str, Any]] = [
    {"when": "2014-03-02 08:10", "text": "今天第一次去健身房，跑步机上跑了三公里，累但是开心。", "likes": 3},
    {"when": "2014-09-20 21:00", "text": "工作压力好大，加班到十点。", "likes": 1},
    {"when": "2015-06-01 12:30", "text": "给妈妈打电话，她说家里的桂花开了。想家。", "likes": 8},
    {
        "when": "2016-05-04 07:00",
        "text": "坚持跑步两年了，今天跑完了第一个半程马拉松！",
        "likes": 42,
        "url": "https://weibo.com/1234567890/Abcdefg",
    },
    {
        "when": "2016-05-20 22:00",
        "text": "Went running by the river tonight, marathon training week 3.",
        "likes": 5,
    },
    {
        "when": "2016-11-11 23:59",
        "text": "微信群太多，消息看不完。",
        "kind": Kind.REPOST,
        "ref_text": "双十一快乐",
        "ref_author": "某品牌",
    },
    {"when": "2017-02-14 19:00", "text": HOSTILE, "url": HOSTILE_URL},
    {"when": "2018-08-08 10:00", "text": "这条是隐藏的秘密帖子 secretword", "hidden": True},
]


def make_post(i: int, spec: dict[str, Any]) -> Post:
    return Post(
        platform="weibo",
        account="lin",
        post_id=f"w{i}",
        created_at=datetime.strptime(spec["when"], "%Y-%m-%d %H:%M").replace(tzinfo=CN),
        text=spec["text"],
        kind=spec.get("kind", Kind.ORIGINAL),
        ref_text=spec.get("ref_text"),
        ref_author=spec.get("ref_author"),
        url=spec.get("url"),
        likes=spec.get("likes"),
    )


def seed(data_dir: Path) -> dict[str, int]:
    """Fill an archive with POSTS (keyword index only: embedder none) and return text → post id."""
    brain = Brain.open(data_dir, embedder="none")
    ids: dict[str, int] = {}
    try:
        with brain.archive.transaction():
            for i, spec in enumerate(POSTS):
                p = make_post(i, spec)
                brain.archive.upsert(p)
                assert p.id is not None
                ids[spec["text"]] = p.id
                if spec.get("hidden"):
                    brain.archive.set_hidden(p.id, True)
        sync_index(brain, embed=False)
    finally:
        brain.close()
    return ids


class LiveServer(ServerThread):
    """create_app(data_dir, ...) served by uvicorn on 127.0.0.1:<free port> in a daemon thread."""

    def __init__(self, data_dir: Path, **app_kwargs: Any):
        self.app = create_app(data_dir, **app_kwargs)
        super().__init__(self.app)
