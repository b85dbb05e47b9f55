"""Helpers for the MCP tests: the sample archive, and one recorded client session per server.

Each server (a `socialbrain mcp` subprocess over stdio, or a `socialbrain serve` subprocess over HTTP) is driven once
by the official MCP client through a list of calls; the tests then assert on the recorded answers. One session per
server keeps the suite fast on a slow machine while every check stays its own test.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from mcp import Client, StdioServerParameters
from socialbrain.brain import Brain
from socialbrain.index.kb import create_kb
from socialbrain.index.sync import sync_index
from socialbrain.models import PostFilter
from socialbrain.sources.ingest import import_paths

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "lin-xiaoyu"
BIN = Path(sys.executable).parent / "socialbrain"
TOKEN = "mcp-test-token-123"


@dataclass
class Sample:
    """The sample archive and the ids the tests need."""

    home: Path
    hidden_id: int  # hidden after import: its words must never come back
    hidden_word: str
    pii_id: int  # a post with a phone number and an e-mail address
    reply_id: int  # a reply whose parent is in the archive
    parent_id: int
    chat_id: int  # a chat message with neighbours
    hidden_chat_id: int  # the message right after it, hidden
    hidden_chat_text: str
    friend: str  # an @name that appears in several posts
    friend_post_id: int  # a visible post that mentions @friend
    year_2019: int  # posts in 2019 (not hidden)
    own_2019: int = (
        0  # of those, written by the user (reports count only these; chat messages by others have author)
    )


def build_sample(home: Path) -> Sample:
    brain = Brain.open(home, embedder="none")
    try:
        import_paths(brain.archive, [SAMPLE / "weibo", SAMPLE / "twitter", SAMPLE / "wechat"])
        q = brain.archive.execute
        hidden_id = q("SELECT id FROM posts WHERE text LIKE '%求婚%' ORDER BY id LIMIT 1").fetchone()[0]
        brain.archive.set_hidden(hidden_id, True)
        pii_id = q("SELECT id FROM posts WHERE text LIKE '%@example.com%' AND hidden=0 LIMIT 1").fetchone()[0]
        reply_id, parent_id = q(
            "SELECT c.id, p.id FROM posts c JOIN posts p ON p.platform=c.platform AND p.post_id=c.reply_to "
            "WHERE c.hidden=0 AND p.hidden=0 LIMIT 1"
        ).fetchone()
        chat_id = q(
            "SELECT id FROM posts WHERE conversation IS NOT NULL AND hidden=0 ORDER BY created_ts LIMIT 1 OFFSET 5"
        ).fetchone()[0]
        hidden_chat_id = q(
            "SELECT id FROM posts WHERE conversation=(SELECT conversation FROM posts WHERE id=?) AND created_ts >"
            " (SELECT created_ts FROM posts WHERE id=?) ORDER BY created_ts LIMIT 1",
            (chat_id, chat_id),
        ).fetchone()[0]
        brain.archive.set_hidden(hidden_chat_id, True)
        hidden_chat_text = brain.archive.get(hidden_chat_id).text
        friend_post_id = q(
            "SELECT id FROM posts WHERE text LIKE '%@一舟在跑步%' AND hidden=0 ORDER BY id LIMIT 1"
        ).fetchone()[0]
        create_kb(brain, "推特", PostFilter(platforms=["twitter"]), description="只有推特 / Twitter only")
        from datetime import datetime
        from zoneinfo import ZoneInfo

        cn = ZoneInfo("Asia/Shanghai")
        year_2019 = brain.archive.count(
            PostFilter(since=datetime(2019, 1, 1, tzinfo=cn), until=datetime(2020, 1, 1, tzinfo=cn))
        )
        own_2019 = q(
            "SELECT COUNT(*) FROM posts WHERE hidden=0 AND (author IS NULL OR author='') "
            "AND substr(created_at, 1, 4) = '2019'"
        ).fetchone()[0]
        sync_index(brain, embed=False)
    finally:
        brain.close()
    return Sample(
        home,
        hidden_id,
        "求婚",
        pii_id,
        reply_id,
        parent_id,
        chat_id,
        hidden_chat_id,
        hidden_chat_text,
        "一舟在跑步",
        friend_post_id,
        year_2019,
        own_2019,
    )


def subprocess_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALBRAIN_", "OPENAI_"))}
    env.update(SOCIALBRAIN_HOME=str(home), SOCIALBRAIN_EMBEDDER="none", HF_HUB_OFFLINE="1", **extra)
    return env


# -- recording a session ---------------------------------------------------------------------------
Call = tuple[str, str, Any]  # (key, kind: tool|resource|prompt|list_tools, argument)


@dataclass
class Transcript:
    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # protocol errors (resources), by key

    def tool(self, key: str) -> Any:
        return self.results[key]

    def data(self, key: str) -> dict[str, Any]:
        """The structured result of a successful tool call."""
        r = self.results[key]
        assert not r.is_error, f"{key}: {r.content[0].text}"
        return r.structured_content

    def error_text(self, key: str) -> str:
        r = self.results[key]
        assert r.is_error, f"{key} should have failed but returned {json.dumps(r.structured_content)[:300]}"
        return r.content[0].text


async def _drive(client: Client, calls: list[Call]) -> Transcript:
    t = Transcript()
    async with client as c:
        for key, kind, arg in calls:
            if kind == "list_tools":
                t.results[key] = await c.list_tools()
            elif kind == "tool":
                name, args = arg
                t.results[key] = await c.call_tool(name, args)
            elif kind == "resource":
                try:
                    t.results[key] = await c.read_resource(arg)
                except Exception as e:  # a protocol error for a resource that cannot be read
                    t.errors[key] = str(e)
            elif kind == "timeline_pages":  # follow next_cursor to the end
                pages, cursor = [], None
                while True:
                    r = await c.call_tool("timeline", {**arg, **({"cursor": cursor} if cursor else {})})
                    assert not r.is_error, r.content[0].text
                    pages.append(r.structured_content)
                    cursor = r.structured_content["next_cursor"]
                    if not cursor or len(pages) > 50:
                        break
                t.results[key] = pages
            elif kind == "prompt":
                name, args = arg
                t.results[key] = await c.get_prompt(name, args)
    return t


def run_stdio_session(home: Path, args: list[str], calls: list[Call], **env: str) -> Transcript:
    params = StdioServerParameters(command=str(BIN), args=["mcp", *args], env=subprocess_env(home, **env))
    with open(os.devnull, "w") as devnull:
        from mcp.client.stdio import stdio_client

        return anyio.run(_drive, Client(stdio_client(params, errlog=devnull)), calls)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    """`socialbrain serve` as a subprocess on 127.0.0.1:<free port>."""

    def __init__(self, home: Path, *args: str, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [str(BIN), "serve", "--port", str(self.port), *args],
            env=subprocess_env(home, **env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def __enter__(self) -> ServeProcess:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited: {self.proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                httpx2.get(self.url + "/api/auth", timeout=1)
                return self
            except httpx2.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("serve did not start")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def session(self, calls: list[Call], token: str | None) -> Transcript:
        headers = {"Authorization": f"Bearer {token}"} if token else None

        async def go() -> Transcript:
            http = create_mcp_http_client(headers=headers)
            async with http:
                return await _drive(
                    Client(streamable_http_client(self.url + "/mcp", http_client=http)), calls
                )

        return anyio.run(go)
