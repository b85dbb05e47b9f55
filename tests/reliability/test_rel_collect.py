"""`socialbrain collect` (the real CLI, its own process) against hostile servers on 127.0.0.1: every run ends
within its deadline with exactly one clear error line, no traceback, and bounded memory."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest
from collect_fakes import CN, FakeServer, gzip_zeros, make_mblog, mastodon_status
from rel_helpers import start_cli

UID = "1669879400"


@pytest.fixture
def server():
    s = FakeServer()
    s.state.mblogs = [
        make_mblog(i, datetime(2024, 6, 1, tzinfo=CN) - timedelta(days=i)) for i in range(1, 13)
    ]
    s.state.statuses = [
        mastodon_status(i, datetime(2024, 3, 1, tzinfo=UTC) - timedelta(hours=i)) for i in range(1, 8)
    ]
    yield s
    s.stop()


def run_collect(home: Path, args: list[str], limit: float, **env: str) -> tuple[int, str, float, int]:
    """Run the CLI; returns (exit code, stderr, seconds, peak RSS bytes). Fails if it outlives ``limit``."""
    t0 = time.monotonic()
    proc = start_cli(home, "collect", *args, "--delay", "0", "--no-sync", **env)
    peak = 0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            peak = max(peak, ps.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        if time.monotonic() - t0 > limit:
            proc.kill()
            proc.wait()
            pytest.fail(f"collect {args[0]} still running after {limit} s")
        time.sleep(0.05)
    _, err = proc.communicate()
    return proc.returncode, err, time.monotonic() - t0, peak


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, stderr
    return lines[0]


def weibo(server: FakeServer) -> list[str]:
    return ["weibo", "--uid", UID, "--api-base", server.url]


def test_body_trickled_one_byte_every_5_s_ends_at_the_time_limit(server: FakeServer, tmp_path: Path) -> None:
    body = json.dumps({"ok": 1, "data": {"cards": []}})
    server.state.script["/api/container/getIndex"] = [("trickle", body, 5.0)] * 20
    code, err, seconds, _ = run_collect(
        tmp_path / "home",
        [*weibo(server), "--time-limit", "0.25"],  # 15 s for the whole run
        limit=60,
        SOCIALBRAIN_COLLECT_ANSWER_DEADLINE="4",
    )
    line = one_error_line(err)
    assert code != 0 and "time limit of 15 s" in line and "resumes" in line
    assert "slow down" not in err and "timed out" in err  # the retries said what happened
    assert seconds < 15 + 20  # the limit, plus starting Python on a loaded machine


def test_gzip_bomb_is_refused_with_bounded_memory(server: FakeServer, tmp_path: Path) -> None:
    gzip_zeros(800)  # built before the request: on a loaded machine building it can outlast the read timeout
    server.state.script["/api/container/getIndex"] = [("gzip_bomb", 800)]
    code, err, _, peak = run_collect(tmp_path / "home", weibo(server), limit=60)
    line = one_error_line(err)
    assert code != 0 and "larger than 32 MB once decompressed" in line
    assert peak < 400 * 1024 * 1024, f"peak RSS {peak / 2**20:.0f} MB"  # not the 800 MB the bomb expands to


def test_same_page_for_every_page_number(server: FakeServer, tmp_path: Path) -> None:
    server.state.same_page = True
    code, err, _, _ = run_collect(tmp_path / "home", weibo(server), limit=60)
    assert code != 0 and "same posts again" in one_error_line(err)
    assert len(server.state.requests_to("/api/container/getIndex")) == 3


def test_mastodon_next_link_that_loops(server: FakeServer, tmp_path: Path) -> None:
    server.state.link_loop = True
    code, err, _, _ = run_collect(
        tmp_path / "home", ["mastodon", "--instance", server.url, "--token", "tok_abcdef123456"], limit=60
    )
    assert code != 0 and "loops back" in one_error_line(err)


def test_a_server_that_never_answers(server: FakeServer, tmp_path: Path) -> None:
    server.state.script["/api/container/getIndex"] = [("hang",)] * 20
    code, err, seconds, _ = run_collect(
        tmp_path / "home",
        [*weibo(server), "--time-limit", "0.2"],
        limit=60,
        SOCIALBRAIN_COLLECT_ANSWER_DEADLINE="2",
    )
    line = one_error_line(err)
    assert code != 0 and ("time limit" in line or "timed out" in line) and "slow down" not in err
    assert seconds < 12 + 20
