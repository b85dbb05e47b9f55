"""Weibo collector against a real HTTP server on 127.0.0.1 replaying m.weibo.cn shapes."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from collect_fakes import CN, UID, FakeServer, make_mblog

from socialbrain.brain import Brain
from socialbrain.collect.http import Politeness
from socialbrain.collect.state import load_state
from socialbrain.collect.weibo import WeiboOptions, collect_weibo
from socialbrain.errors import CollectError, CookieExpired
from socialbrain.models import Kind, PostFilter

COOKIE = "SUB=_2A25secretSUBvalue0123; SUBP=0033WrSXqPxfM725Ws9jqgMF55529P9D9W5"
T0 = datetime(2024, 6, 1, 12, 0, tzinfo=CN)


@pytest.fixture
def server():
    s = FakeServer()
    yield s
    s.stop()


@pytest.fixture
def brain(data_dir: Path):
    b = Brain.open(data_dir)
    yield b
    b.close()


def seed(server: FakeServer, n: int = 10) -> None:
    """n posts, newest first: a pinned old post on top, a long post, a repost of a long post, big counts."""
    st = server.state
    st.mblogs = [
        make_mblog(
            999,
            datetime(2015, 1, 1, 9, 0, tzinfo=CN),
            mblogtype=2,
            title={"text": "置顶"},
            text="置顶：欢迎来到我的主页",
        )
    ]
    for i in range(n - 1, 0, -1):
        st.mblogs.append(make_mblog(i, T0 - timedelta(days=(n - i))))
    long_mb = st.mblogs[3]
    long_mb["isLongText"] = True
    long_mb["text"] = f'这是一条很长的微博，开头…<a href="/status/{long_mb["id"]}">全文</a>'
    st.long_texts[long_mb["id"]] = "这是一条很长的微博，开头<br />然后是完整的第二段，讲了北京的秋天。"
    rp = st.mblogs[5]
    rp["text"] = "转发理由：说得好 <a href='/n/朋友'>@朋友</a>"
    rp["retweeted_status"] = {
        "id": "4400000000000001",
        "bid": "Rt1",
        "created_at": "Mon Jan 01 10:00:00 +0800 2024",
        "text": '原微博的开头……<a href="/status/4400000000000001">全文</a>',
        "isLongText": True,
        "user": {"id": 42, "screen_name": "朋友"},
        "attitudes_count": "100万+",
    }
    st.long_texts["4400000000000001"] = "原微博的全文：关于读书的长篇感想。"
    big = st.mblogs[1]
    big.update(
        attitudes_count="100万+",
        comments_count="1.2万",
        region_name="发布于 北京",
        source="<a href='https://app.weibo.com/t/feed/x'>iPhone 15 Pro</a>",
        pics=[
            {
                "pid": "p1",
                "url": f"{server.url}/media/thumb/p1.jpg",
                "large": {"url": f"{server.url}/media/large/p1.jpg"},
            },
            {
                "pid": "p2",
                "url": f"{server.url}/media/thumb/p2.jpg",
                "large": {"url": f"{server.url}/media/large/p2.jpg"},
            },
        ],
    )


def opts(server: FakeServer, **kw) -> WeiboOptions:
    return WeiboOptions(uid=UID, cookie=COOKIE, api_base=server.url, politeness=Politeness.fast(), **kw)


def pages_requested(server: FakeServer) -> list[int]:
    return [int(q["page"][0]) for q in server.state.requests_to("/api/container/getIndex")]


def posts(brain: Brain):
    return list(brain.archive.iter_posts(PostFilter(platforms=["weibo"], include_hidden=True), order="desc"))


def test_collects_every_page_with_long_texts_reposts_counts_and_no_cookie_in_archive(server, brain):
    seed(server)
    report = collect_weibo(brain, opts(server))
    assert report.finished and report.new == 10 and report.pages == 3
    assert pages_requested(server) == [1, 2, 3, 4]  # page 4 answers ok:0 "这里还没有内容": the end
    got = {p.post_id: p for p in posts(brain)}
    assert len(got) == 10
    st = server.state
    long_p = got[st.mblogs[3]["id"]]
    assert long_p.text == "这是一条很长的微博，开头\n然后是完整的第二段，讲了北京的秋天。"
    assert long_p.raw["longText"]["longTextContent"].startswith("这是一条很长的微博")
    rp = got[st.mblogs[5]["id"]]
    assert rp.kind == Kind.REPOST and rp.ref_author == "朋友"
    assert rp.ref_text == "原微博的全文：关于读书的长篇感想。" and "@朋友" in rp.text
    big = got[st.mblogs[1]["id"]]
    assert (big.likes, big.comments, big.location, big.source_tool) == (
        1_000_000,
        12_000,
        "北京",
        "iPhone 15 Pro",
    )
    assert big.media == [f"{server.url}/media/large/p1.jpg", f"{server.url}/media/large/p2.jpg"]
    assert big.created_at.utcoffset() == timedelta(hours=8)
    assert "[哈哈]" in big.text
    assert big.url == f"https://weibo.com/{UID}/{st.mblogs[1]['bid']}"
    # the cookie went to the site, and nowhere else
    assert all(h.get("Cookie") == COOKIE for p, _, h in st.log if p == "/api/container/getIndex")
    brain.archive.conn.execute("PRAGMA wal_checkpoint(FULL)")
    blob = b"".join(f.read_bytes() for f in brain.data_dir.rglob("*") if f.is_file())
    assert b"secretSUBvalue" not in blob
    state = load_state(brain.archive, "weibo", UID)
    assert "run" not in state and state["covered"] == {"since": None, "originals_only": False}


def test_418_then_success_backs_off_and_loses_nothing(server, brain):
    seed(server)
    server.state.script["/api/container/getIndex?page=2"] = [
        ("status", 418, {"Retry-After": "0"}),
        ("status", 429, {}),
    ]
    waits: list[tuple[float, str]] = []
    report = collect_weibo(brain, opts(server), on_wait=lambda s, why: waits.append((s, why)))
    assert [w[1] for w in waits] == ["HTTP 418", "HTTP 429"]
    assert waits[0][0] == 0  # Retry-After honoured
    assert report.finished and report.new == 10
    assert pages_requested(server) == [1, 2, 2, 2, 3, 4]


@pytest.mark.parametrize(
    "answer",
    [
        ("redirect", "/login?backURL=%2Fapi"),
        ("redirect", "https://passport.weibo.cn/signin/login?entry=mweibo&r=https%3A%2F%2Fm.weibo.cn%2F"),
        ("json", {"ok": -100, "url": "https://passport.weibo.cn/signin/welcome"}),
        ("json", {"ok": 0, "msg": "请先登录"}),
        ("body", "<html><head><title>登录 - 新浪微博</title></head><body>passport.weibo.cn</body></html>"),
    ],
)
def test_expired_cookie_is_a_clear_error_not_an_empty_archive(server, brain, answer):
    seed(server)
    server.state.script["/api/container/getIndex"] = [answer]
    with pytest.raises(CookieExpired) as e:
        collect_weibo(brain, opts(server))
    msg = str(e.value)
    assert "cookie" in msg and "\n" not in msg and "secretSUBvalue" not in msg
    assert brain.archive.count() == 0
    assert not any(p.startswith("/signin") for p, _, _ in server.state.log)  # never followed to another host


def test_malformed_json_stores_nothing_of_that_page_and_the_next_run_resumes(server, brain):
    seed(server)
    server.state.script["/api/container/getIndex?page=3"] = [
        ("body", '{"ok":1,"data":{"cards":[{"card_type":9,')
    ]
    with pytest.raises(CollectError, match="not valid JSON"):
        collect_weibo(brain, opts(server))
    assert brain.archive.count() == 8  # pages 1 and 2, whole
    assert load_state(brain.archive, "weibo", UID)["run"]["cursor"] == {"page": 3}
    report = collect_weibo(brain, opts(server))
    assert report.resumed and report.finished
    ids = [p.post_id for p in posts(brain)]
    assert len(ids) == len(set(ids)) == 10  # no duplicate, no gap


def test_hard_failure_on_page_3_then_resume_has_no_duplicate_and_no_gap(server, brain):
    seed(server, 14)
    server.state.script["/api/container/getIndex?page=3"] = [("status", 500, {})] * 4
    with pytest.raises(CollectError, match="after 3 retries"):
        collect_weibo(brain, opts(server))
    assert brain.archive.count() == 8
    # meanwhile two new posts arrive at the top, shifting every page down
    st = server.state
    st.mblogs[1:1] = [make_mblog(101, T0 + timedelta(days=2)), make_mblog(100, T0 + timedelta(days=1))]
    report = collect_weibo(brain, opts(server))
    assert report.resumed and report.finished
    ids = [p.post_id for p in posts(brain)]
    assert len(ids) == len(set(ids)) == 16
    assert {m["id"] for m in st.mblogs} == set(ids)


def test_interrupt_between_pages_keeps_committed_pages_and_checkpoint(server, brain):
    seed(server, 14)

    def ctrl_c_after_two_pages(report):
        if report.pages == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        collect_weibo(brain, opts(server), progress=ctrl_c_after_two_pages)
    assert brain.archive.count() == 8
    state = load_state(brain.archive, "weibo", UID)
    assert state["run"]["cursor"] == {"page": 3} and state["run"]["pages"] == 2
    report = collect_weibo(brain, opts(server))
    assert report.resumed and report.finished and brain.archive.count() == 14


def test_incremental_second_run_fetches_only_new_pages(server, brain):
    seed(server, 14)
    collect_weibo(brain, opts(server))
    st = server.state
    st.log.clear()
    st.mblogs[1:1] = [make_mblog(201, T0 + timedelta(days=3)), make_mblog(200, T0 + timedelta(days=2))]
    report = collect_weibo(brain, opts(server))
    assert report.new == 2 and report.finished and "caught up" in report.stop_reason
    # page 2 is all known and older: stop (the pinned post is ignored)
    assert pages_requested(server) == [1, 2]
    assert not server.state.requests_to("/statuses/extend")  # 全文 already stored is not asked for again
    assert brain.archive.count() == 16


def test_since_stops_at_older_posts_but_not_at_the_pinned_one(server, brain):
    seed(server, 14)
    since = T0 - timedelta(days=5, hours=1)
    report = collect_weibo(brain, opts(server, since=since))
    assert report.finished and "since" in report.stop_reason
    assert pages_requested(server) == [1, 2]
    stored = posts(brain)
    assert stored and all(p.created_at >= since for p in stored)
    assert brain.archive.count() == 5


def test_originals_only_leaves_reposts_out(server, brain):
    seed(server)
    report = collect_weibo(brain, opts(server, originals_only=True))
    assert report.skipped == 1 and brain.archive.count() == 9
    assert all(p.kind == Kind.ORIGINAL for p in posts(brain))


def test_media_download_goes_to_the_data_dir_without_the_cookie(server, brain):
    seed(server)
    report = collect_weibo(brain, opts(server, media=True))
    files = sorted((brain.data_dir / "media" / "weibo" / UID).iterdir())
    assert report.media == 2 and len(files) == 2 and files[0].suffix == ".jpg"
    assert files[0].read_bytes().startswith(b"\xff\xd8")
    media_requests = [h for p, _, h in server.state.log if p.startswith("/media/")]
    assert media_requests and all("Cookie" not in h for h in media_requests)


def test_long_text_unreachable_keeps_truncated_text_and_says_so(server, brain):
    seed(server)
    server.state.long_texts.clear()
    report = collect_weibo(brain, opts(server))
    assert report.truncated == 2 and report.new == 10
    long_p = next(p for p in posts(brain) if p.post_id == server.state.mblogs[3]["id"])
    assert long_p.text == "这是一条很长的微博，开头…"


def test_newer_container_pages_by_since_id(server, brain):
    seed(server)
    o = opts(server, containerid="230413{uid}_-_WEIBO_SECOND_PROFILE_WEIBO")
    report = collect_weibo(brain, o)
    assert report.finished and report.new == 10
    reqs = server.state.requests_to("/api/container/getIndex")
    assert (
        reqs[0]["containerid"] == [f"230413{UID}_-_WEIBO_SECOND_PROFILE_WEIBO"] and "since_id" not in reqs[0]
    )
    assert reqs[1]["since_id"] == [server.state.mblogs[3]["id"]]


def test_a_wider_run_after_a_since_run_walks_back_to_the_older_posts(server, brain):
    seed(server, 14)
    collect_weibo(brain, opts(server, since=T0 - timedelta(days=5, hours=1)))
    assert brain.archive.count() == 5
    report = collect_weibo(brain, opts(server))  # no --since: what was skipped before must come now
    assert report.finished and "end" in report.stop_reason and brain.archive.count() == 14
    assert load_state(brain.archive, "weibo", UID)["covered"]["since"] is None
    server.state.log.clear()
    assert collect_weibo(brain, opts(server)).new == 0
    assert pages_requested(server) == [1]  # now covered: incremental stops on the first all-known page
