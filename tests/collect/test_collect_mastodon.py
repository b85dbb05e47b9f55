"""Mastodon collector against a real HTTP server on 127.0.0.1 replaying the REST API's shapes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from collect_fakes import FakeServer, mastodon_status

from socialbrain.brain import Brain
from socialbrain.collect.http import Politeness
from socialbrain.collect.mastodon import MastodonOptions, collect_mastodon, next_max_id
from socialbrain.collect.state import load_state
from socialbrain.errors import CollectError, CookieExpired, NotFoundError
from socialbrain.models import Kind, PostFilter

TOKEN = "tok_3c9f0a1b2c3d4e5f6a7b8c9d"
T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


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


def seed(server: FakeServer, n: int = 7) -> None:
    st = server.state
    st.statuses = [mastodon_status(i, T0 - timedelta(hours=n - i)) for i in range(n, 0, -1)]
    boost_of = mastodon_status(
        900,
        T0 - timedelta(days=30),
        content='<p>别人写的好文章 <a href="https://x.example">link</a></p>',
        account={"id": "7", "username": "bob", "acct": "bob@other.example"},
    )
    st.statuses[1].update(reblog=boost_of, content="", url=None)
    st.statuses[2].update(
        in_reply_to_id="555",
        in_reply_to_account_id="7",
        mentions=[{"id": "7", "username": "bob", "acct": "bob@other.example"}],
        content='<p><span class="h-card"><a href="https://other.example/@bob">@<span>bob</span></a></span> 同意！</p>',
    )
    st.statuses[3].update(visibility="private", content="<p>只给关注者看</p>")
    st.statuses[4].update(
        visibility="direct",
        spoiler_text="剧透",
        content="<p>私信内容</p>",
        media_attachments=[
            {
                "id": "1",
                "type": "image",
                "url": f"{server.url}/media/a.png",
                "preview_url": f"{server.url}/media/a_small.png",
                "remote_url": None,
            }
        ],
    )


def opts(server: FakeServer, **kw) -> MastodonOptions:
    kw.setdefault("token", TOKEN)
    return MastodonOptions(instance=server.url, limit=3, politeness=Politeness.fast(), **kw)


def status_requests(server: FakeServer) -> list[dict]:
    return server.state.requests_to("/api/v1/accounts/109/statuses")


def posts(brain: Brain):
    return {p.post_id: p for p in brain.archive.iter_posts(PostFilter(platforms=["mastodon"]))}


def test_pages_with_max_id_and_maps_boosts_replies_private_media(server, brain):
    seed(server)
    report = collect_mastodon(brain, opts(server))
    assert report.finished and report.new == 7 and report.pages == 3
    reqs = status_requests(server)
    st = server.state.statuses
    assert [q.get("max_id", [None])[0] for q in reqs] == [None, st[2]["id"], st[5]["id"], st[6]["id"]]
    got = posts(brain)
    assert len(got) == 7 and {p.account for p in got.values()} == {f"alice@{server.url.split('://')[1]}"}
    boost = got[st[1]["id"]]
    assert boost.kind == Kind.REPOST and boost.ref_author == "bob@other.example"
    assert boost.ref_text == "别人写的好文章 link" and boost.text == ""
    reply = got[st[2]["id"]]
    assert reply.kind == Kind.REPLY and reply.reply_to == "555" and reply.text == "@bob 同意！"
    assert got[st[3]["id"]].private and got[st[4]["id"]].private and not got[st[0]["id"]].private
    dm = got[st[4]["id"]]
    assert dm.text == "剧透\n\n私信内容" and dm.media == [f"{server.url}/media/a.png"]
    assert got[st[0]["id"]].created_at.utcoffset() == timedelta(0)
    assert all(
        h.get("Authorization") == f"Bearer {TOKEN}" for p, _, h in server.state.log if p.startswith("/api/")
    )


def test_429_waits_until_x_ratelimit_reset(server, brain):
    seed(server)
    # far enough ahead that a slow, loaded machine still has time left to wait when the 429 arrives
    reset = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    server.state.script["/api/v1/accounts/109/statuses"] = [
        ("status", 429, {"X-RateLimit-Reset": reset, "X-RateLimit-Remaining": "0"})
    ]
    waits: list[float] = []
    started = time.monotonic()
    report = collect_mastodon(brain, opts(server), on_wait=lambda s, why: waits.append(s))
    assert report.finished and report.new == 7
    assert len(waits) == 1 and 0.3 < waits[0] <= 2.0
    assert time.monotonic() - started >= waits[0]


def test_incremental_run_asks_only_for_newer_statuses(server, brain):
    seed(server)
    collect_mastodon(brain, opts(server))
    newest = server.state.statuses[0]["id"]
    assert (
        load_state(brain.archive, "mastodon", next(iter(posts(brain).values())).account)["newest"]["id"]
        == newest
    )
    server.state.log.clear()
    server.state.statuses[:0] = [
        mastodon_status(21, T0 + timedelta(hours=2)),
        mastodon_status(20, T0 + timedelta(hours=1)),
    ]
    report = collect_mastodon(brain, opts(server))
    assert report.new == 2 and report.finished
    reqs = status_requests(server)
    assert reqs and all(q["since_id"] == [newest] for q in reqs) and len(reqs) == 2


def test_hard_failure_then_resume_continues_from_max_id(server, brain):
    seed(server)
    st = server.state
    st.script["/api/v1/accounts/109/statuses"] = [None] + [("status", 503, {})] * 4  # page 2 fails hard
    with pytest.raises(CollectError, match="retries"):
        collect_mastodon(brain, opts(server))
    assert brain.archive.count() == 3
    report = collect_mastodon(brain, opts(server))
    assert report.resumed and report.finished
    assert sorted(posts(brain)) == sorted(s["id"] for s in st.statuses)
    first_of_resumed = status_requests(server)[5]
    assert first_of_resumed["max_id"] == [st.statuses[2]["id"]]


def test_public_account_lookup_sends_no_token_and_bad_token_is_clear(server, brain):
    seed(server)
    report = collect_mastodon(brain, opts(server, token=None, account="@alice"))
    assert report.new == 7
    assert all("Authorization" not in h for _, _, h in server.state.log)
    with pytest.raises(NotFoundError):
        collect_mastodon(brain, opts(server, token=None, account="@nobody"))
    server.state.script["/api/v1/accounts/verify_credentials"] = [("status", 401, {})]
    with pytest.raises(CookieExpired, match="token was rejected"):
        collect_mastodon(brain, opts(server))


def test_link_header_parsing():
    link = (
        '<https://m.example/api/v1/accounts/1/statuses?limit=40&max_id=1100>; rel="next", '
        '<https://m.example/api/v1/accounts/1/statuses?limit=40&min_id=1200>; rel="prev"'
    )
    assert next_max_id(link) == "1100"
    assert next_max_id('<https://m.example/x?min_id=5>; rel="prev"') is None
