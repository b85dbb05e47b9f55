"""Posts → units: long posts split at sentence ends, chat windows, reposts keep what they repost."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from socialbrain.index.units import chat_windows, split_long, split_sentences, units_for_posts
from socialbrain.models import Kind, Post

CN = timezone(timedelta(hours=8))


def _post(
    i: int, text: str, *, kind: Kind = Kind.ORIGINAL, minute: int = 0, conv: str | None = None, **kw
) -> Post:
    p = Post(
        platform="weibo",
        account="me",
        created_at=datetime(2016, 5, 1, 12, tzinfo=CN) + timedelta(minutes=minute),
        text=text,
        kind=kind,
        conversation=conv,
        **kw,
    )
    p.id = i
    return p


def test_sentences_split_at_chinese_and_english_ends_and_join_back() -> None:
    text = "今天跑了十公里。好累！明天还跑吗？I ran 10 km. It was hard! Really…真的"
    parts = split_sentences(text)
    assert "".join(parts) == text
    assert parts[0] == "今天跑了十公里。"
    assert "I ran 10 km." in [p.strip() for p in parts]


def test_long_post_pieces_cut_at_sentence_ends_without_overlap() -> None:
    sentence = "这是关于马拉松训练的一句很长很长的话，我们要把它重复很多次。"
    text = sentence * 40  # ~1200 chars
    pieces = split_long(text)
    assert len(pieces) >= 3
    assert "".join(pieces) == text  # nothing lost, nothing repeated
    assert all(p.endswith("。") for p in pieces)
    assert all(len(p) <= 500 for p in pieces)
    assert split_long("短的。") == ["短的。"]


def test_units_for_long_post_repost_and_chat() -> None:
    long_post = _post(1, "第一句话说的是跑步。" * 80)
    repost = _post(2, "转发微博", kind=Kind.REPOST, ref_text="北京马拉松报名开始了", ref_author="runner")
    chats = [_post(10 + i, f"消息{i}", kind=Kind.CHAT, minute=i * 5, conv="c1") for i in range(15)]
    later = _post(40, "两小时后的消息", kind=Kind.CHAT, minute=300, conv="c1")
    other_conv = _post(41, "别的群", kind=Kind.CHAT, minute=1, conv="c2")
    units = units_for_posts([long_post, repost, *chats, later, other_conv])
    by_id = {u.unit_id: u for u in units}
    assert {u for u in by_id if u.startswith("p1.")} == {
        f"p1.{n}" for n in range(len(split_long(long_post.text)))
    }
    assert "北京马拉松" in by_id["p2"].text and "马拉松" in by_id["p2"].tokens
    # 15 messages 5 min apart: a window of 12, then 3; a 4-hour gap starts a new window; other chat apart
    assert by_id["c10"].post_ids == list(range(10, 22))
    assert by_id["c22"].post_ids == [22, 23, 24]
    assert by_id["c40"].post_ids == [40]
    assert by_id["c41"].post_ids == [41]
    assert by_id["c10"].kind == "chat"


def test_chat_windows_order_by_time() -> None:
    msgs = [
        _post(3, "c", kind=Kind.CHAT, minute=20),
        _post(1, "a", kind=Kind.CHAT),
        _post(2, "b", kind=Kind.CHAT, minute=10),
    ]
    assert [[p.id for p in w] for w in chat_windows(msgs)] == [[1, 2, 3]]
