"""End to end: an archive full of planted PII, the real LLM stand-in on 127.0.0.1 logging every byte it receives,
and every path text leaves by — chat (ask), /v1 of the web app, the yearly narrative, the portrait, MCP's redacted
results and the public edition of a report. No planted secret may reach the stand-in or a public edition."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from socialbrain.answer.ask import ask
from socialbrain.brain import Brain
from socialbrain.index.sync import sync_index
from socialbrain.insights.portrait import portrait
from socialbrain.insights.yearly import year_review
from socialbrain.models import Post
from socialbrain.testing.llm_server import start_server
from socialbrain.web.app import create_app
from socialbrain.web.background import ServerThread

CN = ZoneInfo("Asia/Shanghai")

# the secrets planted in the posts; none may reach the LLM stand-in or a public edition
SECRETS = [
    "13812345678",
    "zhang.san@example.com",
    "11010519491231002X",
    "110105491231002",
    "6222 0212 3456 7890 128",
    "6217000012345670",
    "87654321",
    "lin_xiaoyu2020",
    "京A·12345",
    "token=abcDEF123",
    "阿蛮Aman",
    "林小雨",
    "王秀兰",
    "502室",
    "张三",
]
POSTS = [
    ("2021-01-03 09:00", "手机号13812345678和邮箱zhang.san@example.com，跑步群报名用。跑步真开心"),
    ("2021-02-10 21:00", "转发微博 //@阿蛮Aman:跑步的人最可爱//@林小雨: 一起跑步吧"),
    ("2021-03-15 08:30", "阿蛮说明天一起去跑步，小雨也在，跑步后吃早饭"),
    ("2021-04-01 12:00", "身份证11010519491231002X和老证110105491231002都丢了，跑步回来才发现"),
    ("2021-05-20 19:00", "卡号6222 0212 3456 7890 128，转账到6217000012345670也行，跑步装备钱"),
    ("2021-06-06 22:00", "QQ：87654321，微信号：lin_xiaoyu2020，跑步约我"),
    ("2021-07-07 07:07", "车牌京A·12345的车挡住了跑步的路"),
    ("2021-08-08 18:00", "跑步路线 https://example.com/route?token=abcDEF123&uid=42 收藏"),
    ("2021-09-09 20:00", "王秀兰女士生日快乐！我妈今天也去跑步了"),
    (
        "2021-10-10 10:00",
        "收件人：张三，电话13812345678，地址：北京市朝阳区望京花园3号楼2单元502室，跑步鞋到了",
    ),
    ("2020-05-05 09:00", "去年的跑步，和@林小雨 一起，她说下次带阿蛮"),
]


def _post(i: int, when: str, text: str) -> Post:
    return Post(
        platform="weibo",
        account="lin",
        created_at=datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=CN),
        text=text,
        post_id=str(5000 + i),
        url=f"https://weibo.com/lin/{5000 + i}",
    )


@pytest.fixture
def pii_home(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOCIALBRAIN_HIDE_NAMES", "妈妈:王秀兰")
    brain = Brain.open(data_dir, embedder="none")
    with brain.archive.transaction():
        for i, (when, text) in enumerate(POSTS):
            brain.archive.upsert(_post(i, when, text))
    sync_index(brain, embed=False)
    brain.close()
    return data_dir


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def test_no_planted_pii_reaches_the_llm(pii_home: Path) -> None:
    with start_server() as h:
        brain = Brain.open(pii_home, embedder="none", llm_url=h.url, llm_model="test-model", llm_redact=True)
        try:
            a = ask(brain, "我和谁一起跑步？他们的电话和邮箱是什么？")  # chat
            assert a.mode == "llm"
            review = year_review(brain, 2021, use_llm=True)  # yearly narrative (map-reduce over the year)
            assert review["narrative_by"].startswith("llm:")
            p = portrait(brain, use_llm=True, aspects=["健身"])  # portrait
            assert p["narrative_by"].startswith("llm:")
        finally:
            brain.close()
        n_before_v1 = len(h.chat_requests)
        app = create_app(
            pii_home,
            overrides={"embedder": "none", "llm_url": h.url, "llm_model": "test-model", "llm_redact": True},
        )
        with ServerThread(app) as server:  # /v1 of the web app, over real HTTP
            r = httpx.post(
                server.url + "/v1/chat/completions",
                json={
                    "model": "socialbrain-all",
                    "messages": [{"role": "user", "content": "跑步 电话 微信"}],
                },
                headers={"X-Socialbrain": "1"},
                timeout=60,
            )
            assert r.status_code == 200, r.text
        wire = [req.body.decode("utf-8") for req in h.chat_requests]
    assert len(wire) > n_before_v1 >= 3  # every path really called the stand-in
    sent = "\n".join(json.loads(b)["messages"][-1]["content"] for b in wire)
    assert "[手机号]" in sent and "@某人" in sent  # the posts did go, redacted
    for body in wire:
        assert not _leaks(body), _leaks(body)


def test_mcp_redacted_results_and_public_edition(pii_home: Path) -> None:
    from socialbrain.insights.publish import publication_items, publish
    from socialbrain.mcp_server import build_server

    brain = Brain.open(pii_home, embedder="none")
    try:
        server = build_server(brain, redact=True)
        out = asyncio.run(server.call_tool("search_posts", {"query": "跑步", "limit": 20}))
        dumped = json.dumps(
            [c.model_dump() if hasattr(c, "model_dump") else str(c) for c in out], ensure_ascii=False
        )
        assert "跑步" in dumped and not _leaks(dumped), _leaks(dumped)
        assert "https://weibo.com/lin/" in dumped  # the owner's own links stay
        report = publish(brain, year_review(brain, 2021, public=True, use_llm=False), public=True)
    finally:
        brain.close()
    items = publication_items(report)
    everything = json.dumps(items["strings"], ensure_ascii=False) + json.dumps(
        items["posts"], ensure_ascii=False
    )
    assert not _leaks(everything), _leaks(everything)
    assert items["replacements"]  # the preview lists what was removed
