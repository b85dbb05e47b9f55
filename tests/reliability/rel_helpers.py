"""Helpers for the reliability suite: the real CLI and `socialbrain serve` as separate processes (so kill -9 means
what it says), archives written by the real importer, and unique searchable words per post."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

import socialbrain

SRC = str(Path(socialbrain.__file__).resolve().parent.parent)  # the code under test, first on the path
CLI = [sys.executable, "-c", "from socialbrain.cli.main import app; app()"]
CN = timezone(timedelta(hours=8))
WORDS = ["今天", "跑步", "咖啡", "读书", "朋友", "北京", "加班", "周末", "电影", "开心", "下雨", "地铁"]


def env(home: Path, **extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALBRAIN_", "OPENAI_"))}
    # keyword index only unless a test asks for the embedder: the suite measures faults, not embedding speed
    e.update(
        SOCIALBRAIN_HOME=str(home), PYTHONPATH=SRC, SOCIALBRAIN_LLM_URL="none", SOCIALBRAIN_EMBEDDER="none"
    )
    e["COLUMNS"] = "200"  # tables printed whole, not wrapped word by word
    e.update(extra)
    return e


def marker(tag: str, i: int) -> str:
    """A word that only post ``i`` of batch ``tag`` contains (latin letters + digits: one token)."""
    return f"zq{tag}{i:05d}x"


def write_jsonl(path: Path, n: int, tag: str, start: int = 0, *, edit: int = 0, append: bool = False) -> Path:
    """``n`` generic JSON-lines posts (ids ``tag-i``), each with its own marker word, a minute apart. Another
    ``edit`` gives the same posts other words (a re-import then updates them)."""
    t0 = datetime(2019, 1, 1, 8, 0, tzinfo=CN)
    with path.open("a" if append else "w", encoding="utf-8") as f:
        for i in range(start, start + n):
            words = "".join(WORDS[(i * 7 + k + edit * 5) % len(WORDS)] for k in range(6))
            row = {
                "id": f"{tag}-{i}",
                "created_at": (t0 + timedelta(minutes=i)).isoformat(),
                "text": f"{words} {marker(tag, i)} 第{i}条",
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def cli(home: Path, *args: str, timeout: float = 300, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=env(home, **extra_env), timeout=timeout
    )


def _default_sigint() -> None:
    # a shell's background job (`pytest … &`) starts with SIGINT ignored and a child inherits that: the CLI would
    # then never see the Ctrl-C a test sends. A terminal's foreground process has the default action; so does this.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_cli(home: Path, *args: str, **extra_env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(home, **extra_env),
        start_new_session=True,
        preexec_fn=_default_sigint,
    )


def kill9(proc: subprocess.Popen[Any]) -> None:
    """SIGKILL the process (and its group): no cleanup handler runs."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(home: Path, *extra: str, **extra_env: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`socialbrain serve` in its own process on a free port; yields (url, process); killed at the end."""
    port = free_port()
    proc = start_cli(home, "serve", "--port", str(port), "--embedder", "none", *extra, **extra_env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"serve exited {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}"
                )
            try:
                if httpx.get(url + "/api/stats", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("serve did not start within 90 s")
            time.sleep(0.2)
        yield url, proc
    finally:
        if proc.poll() is None:
            kill9(proc)


def search_hits(url: str, q: str, k: int = 10, timeout: float = 120) -> list[dict[str, Any]]:
    r = httpx.get(url + "/api/search", params={"q": q, "k": k, "mode": "keyword"}, timeout=timeout)
    r.raise_for_status()
    return list(r.json()["hits"])


def found(url: str, word: str, timeout: float = 120) -> bool:
    """Does a keyword search for ``word`` return the post that contains it?"""
    return any(word in (h.get("text") or "") for h in search_hits(url, word, timeout=timeout))


def archive_rows(home: Path, sql: str) -> list[tuple[Any, ...]]:
    """Read the archive with plain sqlite3 (what a user with the sqlite3 shell sees)."""
    import sqlite3

    con = sqlite3.connect(f"file:{home / 'archive.db'}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def running_imports(home: Path) -> int:
    """How many import rows say ``running`` (0 while the archive is still being created)."""
    import sqlite3

    if not (home / "archive.db").exists():
        return 0
    try:
        return int(archive_rows(home, "SELECT count(*) FROM imports WHERE status='running'")[0][0])
    except sqlite3.OperationalError:  # no tables yet
        return 0


def index_rows(home: Path, sql: str) -> list[tuple[Any, ...]]:
    """Read the embedded index (``<data dir>/index/index.db``) read-only with plain sqlite3."""
    import sqlite3

    con = sqlite3.connect(f"file:{home / 'index' / 'index.db'}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def applied_seq(home: Path) -> int | None:
    """The index's ``applied_seq`` right now (None before the index exists)."""
    import sqlite3

    try:
        rows = index_rows(home, "SELECT value FROM meta WHERE key = 'applied_seq'")
    except sqlite3.OperationalError:
        return None
    return int(rows[0][0]) if rows else None
