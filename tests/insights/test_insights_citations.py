"""Per-claim citations in the portrait (the one checker, answer.citations.check_claims) and their footnotes;
quotes spread over the whole life; section labels only at line starts; no assumed gender."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from insights_fixtures import build_archive

from socialbrain.answer.citations import needs_citation, split_claims
from socialbrain.brain import Brain
from socialbrain.insights.common import Row
from socialbrain.insights.portrait import _spread, portrait
from socialbrain.insights.portrait_llm import _split
from socialbrain.insights.render import write_report
from socialbrain.testing.llm_server import start_server

CN = timezone(timedelta(hours=8))

# a model that mixes cited claims, an invented uncited one, a section label inside a quote and an uncited suggestion
REPLY = (
    "总结：你从报名开始坚持跑马拉松[1]。2030年你登上了火星。\n"
    "观点点评：你写过“2015年总结：跑步让我更自由”[2]，这说明你把跑步当成了生活的一部分[2]。\n"
    "潜在感兴趣的内容：\n- 越野跑[1]\n- 去月球旅行\n"
)


def _texts(rep: dict) -> list[str]:
    out = []
    for a in rep["aspects"]:
        out += [a.get("summary", ""), a.get("opinions", ""), *a.get("suggestions", [])]
        out += [t["text"] for t in a.get("turning_points", [])]
    if rep.get("personality"):
        out.append(rep["personality"]["text"])
    return [t for t in out if t]


def test_every_portrait_sentence_cites_a_post_it_was_given(data_dir: Path) -> None:
    build_archive(data_dir).close()
    with start_server(reply=REPLY) as h:
        brain = Brain.open(data_dir, llm_url=h.url, llm_model="test-model", embedder="none")
        rep = portrait(brain, use_llm=True, aspects=["健身"])
        brain.close()
    sources = {p["id"]: p for p in rep["cited_posts"]}
    texts = _texts(rep)
    assert texts and all("火星" not in t and "月球" not in t for t in texts)
    fitness = rep["aspects"][0]
    assert "2015年总结：跑步让我更自由" in fitness["opinions"]  # a label inside a quote did not cut the part
    assert fitness["suggestions"] and all("[#" in s for s in fitness["suggestions"])
    assert fitness["turning_points"]  # map-reduce by year over every matching post
    for t in texts:
        for claim in split_claims(t):
            if needs_citation(claim):
                ids = [int(x) for x in re.findall(r"\[#(\d+)\]", claim.text)]
                assert ids and all(i in sources for i in ids), claim.text
    html = write_report(rep, "html", data_dir / "p.html").read_text(encoding="utf-8")
    assert "[#" not in html and "她" not in html
    some = next(iter(sources.values()))
    assert f'id="post-{some["id"]}"' in html and some["date"][:10] in html and some["text"][:10] in html
    md = write_report(rep, "md", data_dir / "p.md").read_text(encoding="utf-8")
    assert f"[^p{some['id']}]: {some['date'][:10]} 「" in md and "[#" not in md


def test_footnotes_are_dated_links_with_the_quote(tmp_path: Path) -> None:
    post = {
        "id": 7,
        "date": "2016-05-04T07:00:00+08:00",
        "platform": "weibo",
        "url": "https://weibo.com/lin/7",
        "text": "坚持健身两年了",
    }
    rep = {
        "kind": "portrait",
        "title": "t",
        "cited_posts": [post],
        "personality": {"text": "你很坚持[#7]。"},
        "aspects": [
            {"name": "健身", "summary": "你坚持健身[#7]，还有[#999]。", "suggestions": ["越野跑[#7]"]}
        ],
    }
    html = write_report(rep, "html", tmp_path / "p.html").read_text(encoding="utf-8")
    assert (
        '<a href="https://weibo.com/lin/7" rel="noopener noreferrer">2016-05-04</a> 「坚持健身两年了」'
        in html
    )
    assert html.count('href="#post-7"') == 3 and "999" not in html
    md = write_report(rep, "md", tmp_path / "p.md").read_text(encoding="utf-8")
    assert "[^p7]: [2016-05-04](https://weibo.com/lin/7) 「坚持健身两年了」" in md
    assert "你坚持健身[^p7]，还有。" in md


def test_uncited_sentences_are_marked_when_asked(data_dir: Path) -> None:
    build_archive(data_dir).close()
    with start_server(reply=REPLY) as h:
        brain = Brain.open(data_dir, llm_url=h.url, llm_model="test-model", embedder="none")
        rep = portrait(brain, use_llm=True, aspects=["健身"], show_uncited=True)
        brain.close()
    fitness = rep["aspects"][0]
    marked = [s for s in fitness["suggestions"] if "未引用" in s]
    assert marked and "月球" in marked[0]


def _row(i: int, year: int) -> Row:
    return Row(
        i,
        datetime(year, 6, 1, tzinfo=CN),
        "weibo",
        "me",
        "original",
        f"post {i}",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        False,
    )


def test_spread_reaches_the_last_years() -> None:
    items = [(10.0 - (y - 2015) * 0.1, _row(i, y)) for i, y in enumerate(range(2015, 2026))]
    items += [(50.0, _row(100 + k, 2015)) for k in range(5)]  # the first year has the best-scored posts
    years = [r.created_at.year for r in _spread(items, 5)]
    assert years[0] == 2015 and years[-1] == 2025 and len(set(years)) == 5
    assert len(_spread(items, 30)) == 16


def test_split_takes_labels_only_at_line_starts() -> None:
    parts = _split("总结：你写过“2015年总结：很充实”[1]。\n观点点评：不错[1]。")
    assert parts["summary"] == "你写过“2015年总结：很充实”[1]。" and parts["opinions"] == "不错[1]。"
