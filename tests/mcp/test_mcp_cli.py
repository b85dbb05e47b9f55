"""`socialbrain mcp` before anything was imported, and its option errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mcp_fixtures import BIN, run_stdio_session, subprocess_env


def test_no_archive_yet_is_a_tool_error(tmp_path: Path) -> None:
    home = tmp_path / "empty"
    calls = [
        ("tools", "list_tools", None),
        ("search", "tool", ("search_posts", {"query": "跑步"})),
        ("kbs", "tool", ("list_knowledge_bases", {})),
    ]
    t = run_stdio_session(home, [], calls)
    assert len(t.tool("tools").tools) == 6
    assert "no archive" in t.error_text("search") and "socialbrain import" in t.error_text("search")
    assert "no archive" in t.error_text("kbs")
    assert not (home / "archive.db").exists()  # a read-only server creates nothing


def test_unknown_tool_name_is_refused(tmp_path: Path) -> None:
    r = subprocess.run(
        [str(BIN), "mcp", "--tools", "search_posts,delete_everything"],
        env=subprocess_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert r.returncode == 2
    assert "unknown tool 'delete_everything'" in r.stderr and "search_posts" in r.stderr
