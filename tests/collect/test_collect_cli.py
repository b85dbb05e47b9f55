"""`socialbrain collect …` end to end: CLI in-process, and a real Ctrl-C on a real subprocess."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from collect_fakes import UID, FakeServer
from test_collect_weibo import COOKIE, seed
from typer.testing import CliRunner

from socialbrain.archive.sqlite import SQLiteArchive
from socialbrain.cli.main import app
from socialbrain.collect.state import load_state


@pytest.fixture
def server():
    s = FakeServer()
    yield s
    s.stop()


@pytest.fixture
def cookie_file(tmp_path: Path) -> Path:
    p = tmp_path / "cookie.txt"
    p.write_text(f"Cookie: {COOKIE}\n", encoding="utf-8")
    return p


def run(data_dir: Path, *args: str):
    env = {"SOCIALBRAIN_EMBEDDER": "none", "COLUMNS": "120"}
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), "collect", *args], env=env)


def test_cli_collects_saves_the_cookie_0600_and_reuses_it(server, data_dir, cookie_file):
    seed(server)
    r = run(
        data_dir,
        "weibo",
        "--uid",
        UID,
        "--cookie-file",
        str(cookie_file),
        "--save-cookie",
        "--api-base",
        server.url,
        "--delay",
        "0",
    )
    assert r.exit_code == 0, r.output
    assert "secretSUBvalue" not in r.output and "done" in r.output
    saved = data_dir / "secrets" / f"weibo-{UID}.cookie"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700
    server.state.log.clear()
    r = run(data_dir, "weibo", "--uid", UID, "--api-base", server.url, "--delay", "0")
    assert r.exit_code == 0, r.output
    assert server.state.log and all(
        h.get("Cookie") == COOKIE for p, _, h in server.state.log if p.startswith("/api/")
    )
    r = run(data_dir, "status")
    assert r.exit_code == 0 and UID in r.output


def test_cli_expired_cookie_is_one_error_line_with_exit_2(server, data_dir, cookie_file):
    seed(server)
    server.state.script["/api/container/getIndex"] = [("redirect", "/login")]
    r = run(
        data_dir,
        "weibo",
        "--uid",
        UID,
        "--cookie-file",
        str(cookie_file),
        "--api-base",
        server.url,
        "--delay",
        "0",
    )
    assert r.exit_code == 2
    assert "error:" in r.output and "cookie" in r.output and "secretSUBvalue" not in r.output
    assert "Traceback" not in r.output


def test_cli_bad_uid_and_mastodon_missing_account(data_dir):
    r = run(data_dir, "weibo", "--uid", "我的昵称")
    assert r.exit_code == 2 and "profile link" in r.output
    r = run(data_dir, "mastodon", "--instance", "https://social.example")
    assert r.exit_code == 2 and "--token" in r.output


def test_ctrl_c_in_a_real_process_keeps_whole_pages_then_resumes(server, data_dir, cookie_file):
    seed(server, 14)
    server.state.script["/api/container/getIndex?page=3"] = [("hang",)]
    exe = Path(sys.executable).parent / "socialbrain"
    env = {**os.environ, "SOCIALBRAIN_EMBEDDER": "none"}
    proc = subprocess.Popen(
        [
            str(exe),
            "--data-dir",
            str(data_dir),
            "collect",
            "weibo",
            "--uid",
            UID,
            "--cookie-file",
            str(cookie_file),
            "--api-base",
            server.url,
            "--delay",
            "0",
            "--no-sync",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # as from a terminal: a shell's background job (`cmd &` without job control) starts with SIGINT ignored,
        # and a child inherits that, so Ctrl-C could never reach it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not any(q.get("page") == ["3"] for q in server.state.requests_to("/api/container/getIndex")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the collector never asked for page 3"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, out + err
    assert "run the same command to resume" in err and "secretSUBvalue" not in out + err
    server.state.hold.set()
    archive = SQLiteArchive(data_dir / "archive.db")
    try:
        assert archive.count() == 8
        assert load_state(archive, "weibo", UID)["run"]["cursor"] == {"page": 3}
    finally:
        archive.close()
    r = run(
        data_dir,
        "weibo",
        "--uid",
        UID,
        "--cookie-file",
        str(cookie_file),
        "--api-base",
        server.url,
        "--delay",
        "0",
        "--no-sync",
    )
    assert r.exit_code == 0, r.output
    assert "resumed" in r.output
    archive = SQLiteArchive(data_dir / "archive.db")
    try:
        assert archive.count() == 14
        ids = [row[0] for row in archive.execute("SELECT post_id FROM posts")]
        assert len(ids) == len(set(ids))
    finally:
        archive.close()
