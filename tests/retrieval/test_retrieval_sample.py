"""The sample archive (samples/lin-xiaoyu) imported through the real importers, then searched (keyword mode)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from socialbrain.brain import Brain
from socialbrain.index.sync import apply_changes
from socialbrain.retrieve.search import search
from socialbrain.sources.ingest import import_paths

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "lin-xiaoyu"


@pytest.fixture(scope="module")
def sample_brain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Brain]:
    if not (SAMPLE / "weibo").is_dir():
        pytest.skip("samples/lin-xiaoyu not present")
    b = Brain.open(tmp_path_factory.mktemp("sample") / "sbhome", embedder="none")
    report = import_paths(b.archive, [SAMPLE / "weibo", SAMPLE / "twitter", SAMPLE / "wechat"])
    assert report.totals()["new"] > 300
    apply_changes(b)  # what `socialbrain import` does before it returns: searches never write the index
    yield b
    b.close()


def test_chat_with_mother_found_as_a_window(sample_brain: Brain) -> None:
    r = search(sample_brain, "秋裤")
    hit = r.hits[0]
    assert hit.post.platform == "wechat" and "秋裤" in hit.post.text
    assert hit.context_post_ids  # the messages around it, in the same window
    assert "到上海了" in hit.text


def test_time_phrase_limits_real_posts(sample_brain: Brain) -> None:
    r = search(sample_brain, "2017年 跑步", k=20)
    assert r.hits and r.time_expression == "2017年"
    assert all(h.post.created_at.year == 2017 for h in r.hits)
    assert all(
        h.post.created_at.utcoffset().total_seconds() == 8 * 3600
        for h in r.hits
        if h.post.platform == "weibo"
    )


def test_unrelated_query_comes_back_empty(sample_brain: Brain) -> None:
    r = search(sample_brain, "xyzzy不存在的词")
    assert not r.relevant and r.hits == [] and r.empty_message == "没有找到相关的帖子"
    weak = search(
        sample_brain, "疫情防控措施"
    )  # 疫情 is there, 防控/措施 never: a few weak matches, labelled
    assert not weak.relevant and 0 < len(weak.hits) <= 5
    assert all(h.weak and "弱相关" in h.why for h in weak.hits)


def test_a_named_year_filters_says_so_and_can_be_lifted(sample_brain: Brain) -> None:
    r = search(sample_brain, "2016年 日语", k=20)
    assert r.relevant and r.time_filter == "applied" and r.range_label == "2016年"
    assert r.notes[0] == "已按 2016年 筛选（不限时间: --all-years）"
    assert r.hits and all(h.post.created_at.year == 2016 and "日语" in h.post.text for h in r.hits)
    wide = search(sample_brain, "2016年 日语", k=20, all_years=True)
    assert wide.time_filter == "off" and len({h.post.created_at.year for h in wide.hits}) > 3
    none = search(sample_brain, "2014年 日语")  # she had not started Japanese yet
    assert not none.relevant and none.hits == [] and none.outside_range
    assert (
        none.empty_message
        == f"2014年没有找到相关的帖子；不限时间有 {none.outside_range} 条相关的（--all-years）"
    )


def test_a_dated_headline_is_a_subject_not_a_filter(sample_brain: Brain) -> None:
    r = search(sample_brain, "2013年中国虚增贸易千亿美元的报道说明了什么问题")
    assert r.time_filter == "subject" and r.since is None and r.until is None
    assert search(sample_brain, "2016年我在想什么").time_filter == "applied"
