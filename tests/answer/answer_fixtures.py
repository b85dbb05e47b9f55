"""Shared helpers for the answer tests: a real archive in a temp dir and the real test LLM server."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from socialbrain.brain import Brain
from socialbrain.index.sync import apply_changes
from socialbrain.models import Post

CN = ZoneInfo("Asia/Shanghai")

POSTS = [
    ("2014-03-02 08:10", "今天第一次去健身房，跑步机上跑了三公里，累但是开心。"),
    ("2014-09-20 21:00", "工作压力好大，加班到十点，感觉人生不快乐。"),
    ("2015-06-01 12:30", "给妈妈打电话，她说家里的桂花开了。想家。我爱你，妈妈。"),
    ("2016-05-04 07:00", "坚持健身两年了，体脂降到18%，最好的事就是找回了自信。"),
    ("2016-11-11 23:59", "微信群太多，消息看不完，社交媒体让人焦虑。"),
    ("2017-02-14 19:00", "和@阿哲 一起吃火锅，他说下个月去杭州工作。"),
    ("2018-08-08 10:00", "有个有趣的idea：做一个把微博变成日记本的小工具。"),
]


def make_post(when: str, text: str, i: int, **kw) -> Post:
    return Post(
        platform="weibo",
        account="lin",
        created_at=datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=CN),
        text=text,
        post_id=str(1000 + i),
        url=f"https://weibo.com/lin/{1000 + i}",
        **kw,
    )


def fill(brain: Brain, posts=POSTS) -> list[Post]:
    out = []
    with brain.archive.transaction():
        for i, (when, text) in enumerate(posts):
            p = make_post(when, text, i)
            brain.archive.upsert(p)
            out.append(p)
    apply_changes(brain)  # as `socialbrain import` does: searches never write the index themselves
    return out


def open_brain(data_dir: Path, **overrides) -> Brain:
    overrides.setdefault("embedder", "none")
    return Brain.open(data_dir, **overrides)


def private_post() -> Post:
    return make_post(
        "2017-02-14 19:00",
        "和@阿哲 约了吃饭，他的手机 13812345678（也可以打 138-1234-5678），邮箱 azhe@example.com，"
        "身份证 11010519491231002X 别外传。",
        99,
    )
