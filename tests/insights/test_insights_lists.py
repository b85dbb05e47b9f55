"""What the reports count and list: own posts only, no Weibo stubs or repost chains in words, one top-posts list
without duplicates, derived lists of a public edition computed after redaction, a share card that passes the
privacy check, long tokens that wrap."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from socialbrain.brain import Brain
from socialbrain.insights.common import own_text, words
from socialbrain.insights.publish import shareable
from socialbrain.insights.render import write_report
from socialbrain.insights.render.png import card_html
from socialbrain.insights.yearly import year_review
from socialbrain.models import Kind, Post

CN = timezone(timedelta(hours=8))

POSTS = [
    # (month, text, likes, reposts, comments, extra)
    (1, "转发微博//@阿蛮Aman:这家店的拉面太好吃了//@路人甲: 同意", 1, 0, 0, {}),
    (2, "今天的晚霞真好看，拍了好多照片 展开全文c", 300, 40, 60, {}),  # most liked, reposted AND commented
    (3, "新家地址上海市徐汇区漕溪北路88号，快递寄这里，邮箱zhang.san@example.com", 200, 1, 1, {}),
    (4, "推荐一个工具 O网页链接 很好用", 2, 0, 0, {}),
    (5, "周末去爬山，山顶的风很大", 150, 2, 5, {}),
    (6, "别人发给我的消息：明天开会别迟到", 999, 0, 0, {"author": "老板", "kind": Kind.CHAT}),
    (7, "分享 " + "https://example.org/" + "a" * 120 + " 看看", 1, 0, 0, {}),
    (8, "晚霞和爬山都是今年最喜欢的事", 5, 0, 0, {}),
]


def _archive(data_dir: Path) -> Brain:
    brain = Brain.open(data_dir, embedder="none")
    with brain.archive.transaction():
        for i, (month, text, likes, reposts, comments, extra) in enumerate(POSTS):
            brain.archive.upsert(
                Post(
                    platform="weibo",
                    account="me",
                    created_at=datetime(2021, month, 3, 21, 0, tzinfo=CN),
                    text=text,
                    post_id=f"q{i}",
                    kind=extra.get("kind", Kind.ORIGINAL),
                    author=extra.get("author"),
                    likes=likes,
                    reposts=reposts,
                    comments=comments,
                )
            )
    return brain


def test_stubs_and_chains_are_not_words() -> None:
    assert own_text("转发微博//@阿蛮Aman:拉面好吃//@b: 嗯") == " "
    assert own_text("好看 L阿蛮的微博视频") == "好看  " and own_text("我看了他的微博视频") == "我看了他的微博视频"
    ws = {w for w in words("好看 展开全文c 推荐 O网页链接 转发微博//@阿蛮Aman:拉面太好吃了") if w}
    assert "好看" in ws and "推荐" in ws
    assert not ws & {"展开", "全文", "网页", "链接", "转发", "微博", "拉面"}


def test_year_counts_own_posts_and_lists_each_top_post_once(data_dir: Path) -> None:
    brain = _archive(data_dir)
    r = year_review(brain, 2021, use_llm=False)
    brain.close()
    assert r["post_count"] == 7  # the message written by someone else is not counted
    assert "开会" not in json.dumps(r, ensure_ascii=False)
    ids = [p["id"] for p in r["top_posts"]]
    assert len(ids) == len(set(ids)) and r["top_posts"][0]["text"].startswith("今天的晚霞")
    highlights = next(s for s in r["sections"] if s["id"] == "highlights")["text"]
    assert highlights.count("今天的晚霞") == 1
    words_ = {w for w, _ in r["top_words"]}
    assert not words_ & {"展开", "全文", "网页", "链接", "转发", "微博", "拉面", "同意"}


def test_public_lists_are_computed_after_redaction(data_dir: Path, tmp_path: Path) -> None:
    brain = _archive(data_dir)
    r = year_review(brain, 2021, use_llm=False, public=True)
    brain.close()
    derived = json.dumps(
        [r["top_words"], r["top_phrases"], r["people"], r["hashtags"], r["new_topics"]], ensure_ascii=False
    )
    for piece in ("漕溪", "徐汇", "zhang", "example", "阿蛮", "aman"):
        assert piece not in derived.lower(), piece
    # the share card features a post that passes the privacy check, never the address post
    share = r["share_post"]
    assert share and share["text"].startswith("今天的晚霞")
    card = card_html(r)
    assert "今天的晚霞" in card and "[地址]" not in card and "漕溪" not in card
    html = write_report(r, "html", tmp_path / "y.html").read_text(encoding="utf-8")
    assert "overflow-wrap: anywhere" in html


def test_shareable() -> None:
    assert shareable("周末去爬山，山顶的风很大")
    assert not shareable("周末去爬山，山顶的风很大", private=True)
    assert not shareable("和@阿蛮 去爬山")
    assert not shareable("电话13812345678找我")
    assert not shareable("王秀兰生日快乐", hide="妈妈:王秀兰")
