"""Reports with an LLM (the deterministic test server on 127.0.0.1) and without one."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from insights_fixtures import NY_EVE_TEXT, PII, build_archive

from socialbrain.brain import Brain
from socialbrain.insights.portrait import NO_LLM_NOTE, portrait
from socialbrain.insights.render import write_report
from socialbrain.insights.yearly import year_review
from socialbrain.testing.llm_server import start_server

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def server():
    handle = start_server()
    yield handle
    handle.stop()


@pytest.fixture
def lying_server():
    handle = start_server(cite_unknown=True)
    yield handle
    handle.stop()


def _brain_with(data_dir: Path, url: str) -> Brain:
    build_archive(data_dir).close()
    return Brain.open(data_dir, llm_url=url, llm_model="test-model")


def _llm_cited_ids(report: dict) -> set[int]:
    ids = set()
    for part in report["sections"]:
        if part["id"] != "story" and not part["id"].startswith(("month-", "theme-")):
            continue
        ids.update(part["cited_ids"])
        ids.update(int(x) for x in re.findall(r"\[#(\d+)\]", part["text"]))
    return ids


def test_year_review_narrative_cites_only_posts_of_the_year(data_dir: Path, lying_server) -> None:
    brain = _brain_with(data_dir, lying_server.url)
    r = year_review(brain, 2015, use_llm=True)
    assert r["narrative_by"].startswith("llm:")
    llm_parts = [p for p in r["sections"] if p["id"] == "story" or p["id"].startswith("month-")]
    assert llm_parts, "the LLM narrative is missing"
    assert lying_server.chat_requests  # every post went through map calls
    # the year as the user lives it: Beijing time (tests/conftest.py pins the zone)
    year_ids = {
        pid
        for pid, ts in brain.archive.execute("SELECT id, created_ts FROM posts WHERE hidden=0").fetchall()
        if datetime.fromtimestamp(ts, SH).year == 2015
    }
    cited = _llm_cited_ids(r)
    assert cited and cited <= year_ids  # the server's invented [n] never reached the report
    months = {p["id"] for p in llm_parts if p["id"].startswith("month-")}
    assert months and all(m.startswith("month-2015-") for m in months)
    # 20:00 on Dec 31 in New York is 09:00 on 1 January 2016 in Beijing: no December part in 2015
    assert "month-2015-11" in months and "month-2015-12" not in months
    # the year's new topic has its own part
    theme = next(p for p in r["sections"] if p["id"] == "theme-马拉松")
    posts = brain.archive.get_many(theme["cited_ids"])
    assert theme["cited_ids"] and all("马拉松" in posts[i].text for i in theme["cited_ids"])
    story = [p for p in r["sections"] if p["id"] == "story"]
    if story:
        assert story[0]["dropped_citations"]  # the made-up citation was seen and dropped
    sent = "".join(req.body.decode("utf-8", "replace") for req in lying_server.chat_requests)
    assert PII["hidden"] not in sent  # hidden posts are never sent
    html = write_report(r, "html", data_dir / "y.html").read_text(encoding="utf-8")
    assert "[#" not in html  # inline citations became numbered footnotes


def test_year_narrative_sends_each_post_in_its_local_month(data_dir: Path, server) -> None:
    brain = _brain_with(data_dir, server.url)
    r = year_review(brain, 2016, use_llm=True)
    assert "month-2016-01" in {p["id"] for p in r["sections"]}
    bodies = [json.loads(req.body)["messages"][-1]["content"] for req in server.chat_requests]
    eve = [b for b in bodies if NY_EVE_TEXT in b and "时期：2016-01" in b]
    # the New York New Year's Eve post went to the LLM as a January 2016 post, dated as the user reads it
    assert eve and all("2016-01-01 (twitter)" in b for b in eve)
    assert not any(NY_EVE_TEXT in b and "2015-12" in b for b in bodies)


def test_portrait_with_llm_drops_citations_it_was_not_given(data_dir: Path, lying_server) -> None:
    brain = _brain_with(data_dir, lying_server.url)
    r = portrait(brain, use_llm=True, aspects=["健身", "兴趣发展"])
    assert r["narrative_by"].startswith("llm:") and r["note"] == ""
    all_ids = {row[0] for row in brain.archive.execute("SELECT id FROM posts").fetchall()}
    dropped = [n for a in r["aspects"] for n in a.get("dropped_citations", [])]
    assert dropped  # the invented post numbers were caught
    for a in r["aspects"]:
        assert set(a["cited_ids"]) <= all_ids
        for text in (a["summary"], a.get("opinions", "")):
            for pid in re.findall(r"\[#(\d+)\]", text):
                assert int(pid) in a["cited_ids"]


def test_portrait_llm_summary_quotes_the_posts(data_dir: Path, server) -> None:
    brain = _brain_with(data_dir, server.url)
    r = portrait(brain, use_llm=True, aspects=["健身"])
    fitness = r["aspects"][0]
    assert "马拉松" in fitness["summary"] and "[#" in fitness["summary"]
    assert len(server.chat_requests) >= 1


def test_no_llm_mode_says_so(data_dir: Path) -> None:
    brain = build_archive(data_dir)
    assert brain.llm is None
    r = portrait(brain, use_llm=True)  # asked for, but none configured
    assert r["narrative_by"] == "statistics" and r["note"] == NO_LLM_NOTE
    names = [a["name"] for a in r["aspects"]]
    assert names == ["工作", "健身", "个人项目", "学习总结", "兴趣发展", "人际关系"]
    fitness = r["aspects"][1]
    assert fitness["post_count"] >= 7
    assert [t["year"] for t in fitness["timeline"]] == [2014, 2015, 2016]
    # five running posts in Beijing's 2015; the New York marathon of Dec 31 20:00 -05:00 is Beijing's 2016
    assert fitness["timeline"][1]["posts"] >= 5 and fitness["timeline"][2]["posts"] >= 3
    assert all(any(w in q["text"] for w in ("马拉松", "跑", "marathon")) for q in fitness["quotes"])
    music = r["aspects"][4]
    assert any("吉他" in q["text"] for q in music["quotes"])
    # "我想以后组一个乐队" was said in 2014 and never again
    assert any("乐队" in v["post"]["text"] for v in r["forgotten_voices"])
    y = year_review(brain, 2015, use_llm=True)
    assert y["narrative_by"] == "statistics"


def test_portrait_english_aspects(data_dir: Path) -> None:
    brain = build_archive(data_dir)
    r = portrait(brain, use_llm=False, aspects=["fitness", "guitar"])
    assert r["aspects"][0]["post_count"] >= 7
    assert r["aspects"][1]["name"] == "guitar"
