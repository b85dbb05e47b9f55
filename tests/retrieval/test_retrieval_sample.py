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
