"""Collectors against hostile servers on 127.0.0.1: every run ends within its deadline with one clear line.

The same page for every page number, a Mastodon next link that loops, a body trickled byte by byte, a gzip that
expands to 800 MB, a server that never answers, a site that keeps saying "slow down" past the run's time limit."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest
from collect_fakes import CN, FakeServer, gzip_zeros, make_mblog, mastodon_status

from socialbrain.brain import Brain
from socialbrain.collect.engine import PagingLoop
from socialbrain.collect.http import PoliteClient, Politeness, RunDeadline, TooLarge
from socialbrain.collect.mastodon import MastodonOptions, collect_mastodon
from socialbrain.collect.state import load_state
from socialbrain.collect.weibo import WeiboOptions, collect_weibo
from socialbrain.errors import CollectError

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


def weibo(server: FakeServer, n: int = 12, **politeness) -> WeiboOptions:
    server.state.mblogs = [make_mblog(i, T0 - timedelta(days=n - i)) for i in range(n, 0, -1)]
    return WeiboOptions(
        uid="1669879400", api_base=server.url, politeness=replace(Politeness.fast(), **politeness)
    )


def one_line(e: BaseException) -> str:
    text = str(e)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_same_page_for_every_page_number_stops_after_two_repeats(server, brain):
    o = weibo(server)
    server.state.same_page = True
    with pytest.raises(PagingLoop) as e:
        collect_weibo(brain, o)
    msg = one_line(e.value)
    assert "same posts again" in msg and "stopped after" in msg
    pages = server.state.requests_to("/api/container/getIndex")
    assert len(pages) == 3  # page 1, then two pages that repeat it
    assert brain.archive.count() == 4  # what page 1 had is stored
    assert "run" not in load_state(brain.archive, "weibo", "1669879400")  # no resume into the loop


def test_mastodon_next_link_that_loops_is_caught(server, brain):
    st = server.state
    st.statuses = [
        mastodon_status(i, datetime(2024, 3, 1, tzinfo=UTC) - timedelta(hours=i)) for i in range(1, 8)
    ]
    st.link_loop = True
    o = MastodonOptions(instance=server.url, token="tok_x", limit=3, politeness=Politeness.fast())
    with pytest.raises(PagingLoop) as e:
        collect_mastodon(brain, o)
    assert "loops back" in one_line(e.value)
    assert len(server.state.requests_to("/api/v1/accounts/109/statuses")) == 2


def test_trickled_body_cannot_dodge_the_answer_deadline(server, brain):
    body = json.dumps({"ok": 1, "data": {"cards": []}}) + " " * 200
    o = weibo(server, answer_deadline=1.5, timeout=10.0, retries=1)
    server.state.script["/api/container/getIndex"] = [("trickle", body, 0.2)] * 2
    t0 = time.monotonic()
    with pytest.raises(CollectError) as e:
        collect_weibo(brain, o)
    msg = one_line(e.value)
    assert "took longer than 2 s" in msg and "slow down" not in msg  # 1.5 s, shown rounded
    assert time.monotonic() - t0 < 2 * (1.5 + 0.3) + 3  # two attempts, each cut at its deadline


def test_read_timeout_is_called_a_timeout_not_slow_down(server, brain):
    o = weibo(server, timeout=0.5, answer_deadline=5.0, retries=1)
    server.state.script["/api/container/getIndex"] = [("hang",), ("hang",)]
    reasons: list[str] = []
    with pytest.raises(CollectError) as e:
        collect_weibo(brain, o, on_wait=lambda s, why: reasons.append(why))
    msg = one_line(e.value)
    assert "timed out" in msg and "slow down" not in msg and "network" in msg
    assert reasons and all(r.startswith("timed out") for r in reasons)


def test_gzip_bomb_is_refused_while_it_inflates(server, brain):
    o = weibo(server)  # max_bytes: 32 MB
    gzip_zeros(800)  # build the bomb before the request: compressing 800 MB under load outlasts the answer deadline
    server.state.script["/api/container/getIndex"] = [("gzip_bomb", 800)]
    rss_before = psutil.Process().memory_info().rss
    with pytest.raises(TooLarge) as e:
        collect_weibo(brain, o)
    assert "larger than 32 MB once decompressed" in one_line(e.value)
    assert psutil.Process().memory_info().rss - rss_before < 200 * 1024 * 1024  # never 800 MB
    assert brain.archive.count() == 0


def test_run_deadline_cuts_backoff_short(server):
    server.state.script["/api/container/getIndex"] = [("status", 503, {"Retry-After": "600"})] * 10
    p = Politeness(delay=0.0, jitter=0.0, backoff=30.0, max_wait=900.0, retries=5, run_deadline=1.5)
    t0 = time.monotonic()
    with PoliteClient(politeness=p, site="127.0.0.1") as client, pytest.raises(RunDeadline) as e:
        client.get(server.url + "/api/container/getIndex")
    assert "time limit of 1.5 s" in one_line(e.value) and "resumes" in str(e.value)
    assert time.monotonic() - t0 < 4


def test_a_normal_run_is_untouched_by_the_bounds(server, brain):
    o = weibo(server, n=9)
    report = collect_weibo(brain, o)
    assert report.finished and report.new == 9
