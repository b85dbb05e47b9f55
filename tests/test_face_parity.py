"""One input, three faces, one behaviour: the CLI, the web API and the MCP server all go through the service
layer (socialbrain.services), so the same search, the same bad date and the same thread request give the same
records and the same one-line errors everywhere.

Real parts: a real archive and index in a temp directory, the real CLI (typer's runner), a real uvicorn server
on 127.0.0.1 and the real MCP server driven in-process by the official client.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import httpx
import pytest
from typer.testing import CliRunner

from mcp import Client
from socialbrain.brain import Brain
from socialbrain.cli.main import app as cli_app
from socialbrain.index.sync import sync_index
from socialbrain.mcp_server import build_server
from socialbrain.models import Kind, Post
from socialbrain.web.app import create_app
from socialbrain.web.background import ServerThread

CN = ZoneInfo("Asia/Shanghai")


def _post(i: int, when: str, text: str, **kw: Any) -> Post:
    return Post(
        platform=kw.pop("platform", "weibo"),
        account="lin",
        post_id=f"p{i}",
        created_at=datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=CN),
        text=text,
        **kw,
    )


POSTS = [
    _post(1, "2015-04-01 08:00", "今天开始跑步，绕着小区跑了两圈。", url="https://weibo.com/1/p1", likes=3),
    _post(2, "2015-04-02 09:00", "跑步第二天，腿好酸。", kind=Kind.REPLY, reply_to="p1"),
    _post(3, "2016-05-04 07:00", "坚持跑步一年，跑完了半程马拉松！", url="javascript:alert(1)"),
    _post(4, "2016-05-05 07:00", "跑步以后膝盖有点疼，休息一周。", kind=Kind.REPLY, reply_to="p3"),
    _post(5, "2017-01-01 10:00", "新年在东京跑步。", platform="twitter", url="weibo://status/5"),
    _post(6, "2018-03-01 12:00", "今天读完了一本书，关于时间。"),
    # a chat: a friend's message (author set) and the owner's answer; own_only keeps only the owner's
    _post(7, "2018-06-01 20:00", "周末一起去跑步吗？", kind=Kind.CHAT, conversation="小王", author="小王"),
    _post(8, "2018-06-01 20:05", "好啊，跑步完去吃早饭。", kind=Kind.CHAT, conversation="小王"),
]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    d = tmp_path_factory.mktemp("parity") / "home"
    saved = {k: os.environ.get(k) for k in ("SOCIALBRAIN_HOME", "SOCIALBRAIN_EMBEDDER", "SOCIALBRAIN_LLM_URL")}
    os.environ.update(SOCIALBRAIN_HOME=str(d), SOCIALBRAIN_EMBEDDER="none", SOCIALBRAIN_LLM_URL="none")
    brain = Brain.open(d)
    try:
        brain.archive.upsert_many(POSTS)
        sync_index(brain)
    finally:
        brain.close()
    yield d
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


# -- the three faces, each returning ("ok", record) or ("error", message) ----------------------------------
def via_cli(home: Path, command: str, args: dict[str, Any]) -> tuple[str, Any]:
    argv = ["--data-dir", str(home)]
    if command == "search":
        argv += ["search", args["query"], "--json", "-k", str(args.get("k", 10))]
        for opt in ("since", "until", "platform"):
            if args.get(opt):
                argv += [f"--{opt}", args[opt]]
        if args.get("own_only"):
            argv.append("--own-only")
    else:
        argv += ["thread", str(args["id"]), "--json"]
    res = CliRunner().invoke(cli_app, argv, terminal_width=400)
    if res.exit_code:
        err = res.stderr.strip()
        assert err.startswith("error: "), err
        return "error", " ".join(err.removeprefix("error: ").split())
    return "ok", json.loads(res.stdout)


def via_web(url: str, command: str, args: dict[str, Any]) -> tuple[str, Any]:
    if command == "search":
        params = {"q": args["query"], "k": args.get("k", 10)}
        params.update({o: args[o] for o in ("since", "until", "platform") if args.get(o)})
        if args.get("own_only"):
            params["own_only"] = "true"
        r = httpx.get(url + "/api/search", params=params, timeout=60)
    else:
        r = httpx.get(url + f"/api/posts/{args['id']}/thread", timeout=60)
    if r.status_code != 200:
        return "error", r.json()["detail"]
    return "ok", r.json()


def via_mcp(home: Path, command: str, args: dict[str, Any]) -> tuple[str, Any]:
    async def go() -> tuple[str, Any]:
        brain = Brain.open(home)
        try:
            async with Client(build_server(brain)) as c:
                if command == "search":
                    r = await c.call_tool("search_posts", dict(args))
                else:
                    r = await c.call_tool("get_post", {"id": args["id"]})
        finally:
            brain.close()
        if r.is_error:  # the SDK frames a tool's error as "Error executing tool NAME: <our message>"
            return "error", r.content[0].text.split(": ", 1)[1]
        out = dict(r.structured_content)
        if command == "search":  # the MCP tool names its hits "posts"; the records are the same
            out["hits"] = out.pop("posts")
        return "ok", out

    return anyio.run(go)


@pytest.fixture(scope="module")
def web_url(home: Path) -> Iterator[str]:
    with ServerThread(create_app(home)) as server:
        yield server.url


def _ids(home: Path) -> dict[str, int]:
    brain = Brain.open(home)
    try:
        return {p.post_id: p.id for p in brain.archive.iter_posts()}
    finally:
        brain.close()


CASES = [
    ("search", {"query": "跑步", "k": 5}),
    ("search", {"query": "2016年 跑步"}),
    ("search", {"query": "跑步", "since": "2015", "until": "2015"}),
    ("search", {"query": "跑步", "platform": "twitter"}),
    ("search", {"query": "跑步", "since": "2017", "until": "2016"}),  # reversed range: one message
    ("search", {"query": "跑步", "since": "2016-13"}),  # not a date
    ("search", {"query": "跑步", "platform": "myspace"}),  # a platform the archive does not have
    ("search", {"query": "跑步", "own_only": True}),  # only what the owner wrote
    ("thread", {"post": "p4"}),  # a reply: its parent above it
    ("thread", {"post": "p1"}),  # a root: its reply below it
    ("thread", {"id": 99999}),  # no such post
]


@pytest.mark.parametrize(("command", "args"), CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CASES)])
def test_every_face_behaves_the_same(home: Path, web_url: str, command: str, args: dict[str, Any]) -> None:
    if "post" in args:
        args = {"id": _ids(home)[args["post"]]}
    cli, web, mcp = via_cli(home, command, args), via_web(web_url, command, args), via_mcp(home, command, args)
    assert cli == web == mcp
    status, value = cli
    if command == "search" and status == "ok":
        assert value["hits"], "each search case matches something"
        assert all(h["url"] is None or h["url"].startswith("https://") for h in value["hits"])


def test_the_cases_cover_errors_and_the_url_policy(home: Path, web_url: str) -> None:
    """The parity test above would pass vacuously if every face failed the same way: check what it compares."""
    status, value = via_web(web_url, "search", {"query": "跑步", "since": "2017", "until": "2016"})
    assert status == "error" and value == "since='2017' is not before until='2016': swap them"
    status, value = via_web(web_url, "search", {"query": "跑步", "k": 10})
    urls = {h["id"]: h["url"] for h in value["hits"]}
    ids = _ids(home)
    assert urls[ids["p1"]] == "https://weibo.com/1/p1"
    assert urls[ids["p3"]] is None and urls[ids["p5"]] is None  # javascript: and app-internal links dropped
    status, value = via_cli(home, "thread", {"id": ids["p4"]})
    assert [p["id"] for p in value["context"]["replies_to"]] == [ids["p3"]]
    # own_only: the friend's chat message is found without it, and with it only the owner's answer
    _, everyone = via_web(web_url, "search", {"query": "跑步"})
    _, own = via_web(web_url, "search", {"query": "跑步", "own_only": True})
    assert ids["p7"] in {h["id"] for h in everyone["hits"]}
    assert ids["p8"] in {h["id"] for h in own["hits"]} and all(h["author"] is None for h in own["hits"])
    assert not any("周末" in h["snippet"] for h in own["hits"])  # not even in the chat window's snippet
