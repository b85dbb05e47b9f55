"""The embedded index store: FTS5 keyword search and numpy vector search under filters, persistence, refusal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from socialbrain.errors import IndexMismatchError
from socialbrain.index.segment import tokenize, tokenize_query
from socialbrain.index.stores.base import IndexFilter, Unit
from socialbrain.index.stores.embedded import EmbeddedIndex, fts_query

TEXTS = [
    ("今天跑了十公里，准备参加北京马拉松", 2016, "weibo", "original", 5),
    ("马拉松训练第三周，膝盖有点疼", 2019, "weibo", "original", 50),
    ("转发：北京马拉松报名开始了", 2017, "weibo", "repost", 0),
    ("Ran my first marathon in Berlin today", 2015, "mastodon", "original", 12),
    ("晚饭吃了火锅，很辣", 2018, "weibo", "original", 1),
]


def _units() -> list[Unit]:
    out = []
    for i, (text, year, platform, kind, likes) in enumerate(TEXTS, start=1):
        out.append(
            Unit(
                unit_id=f"p{i}",
                post_ids=[i],
                text=text,
                created_ts=float((year - 1970) * 365.25 * 86400),
                platform=platform,
                account="me",
                kind=kind,
                likes=likes,
                tokens=tokenize(text),
            )
        )
    return out


def _ids(scored) -> list[str]:
    return [s.unit_id for s in scored]


@pytest.fixture
def index(tmp_path: Path) -> EmbeddedIndex:
    idx = EmbeddedIndex(tmp_path / "index")
    idx.add_units(_units())
    return idx


def _ts(year: int) -> float:
    return float((year - 1970) * 365.25 * 86400)


def test_keyword_search_ranks_and_filters_inside_the_engine(index: EmbeddedIndex) -> None:
    q = tokenize_query("北京马拉松")
    assert set(_ids(index.keyword_search(q, IndexFilter(), 10))) == {"p1", "p2", "p3"}
    assert _ids(index.keyword_search(q, IndexFilter(), 10))[0] in ("p1", "p3")  # both words beat one
    assert _ids(index.keyword_search(q, IndexFilter(since_ts=_ts(2017), until_ts=_ts(2018)), 10)) == ["p3"]
    assert _ids(index.keyword_search(q, IndexFilter(kinds=["repost"]), 10)) == ["p3"]
    assert _ids(index.keyword_search(q, IndexFilter(min_likes=10), 10)) == ["p2"]
    assert _ids(index.keyword_search(q, IndexFilter(post_ids=[1, 5]), 10)) == ["p1"]
    assert _ids(
        index.keyword_search(tokenize_query("marathon"), IndexFilter(platforms=["mastodon"]), 10)
    ) == ["p4"]
    assert index.keyword_search(q, IndexFilter(platforms=["twitter"]), 10) == []


def test_fts_query_quotes_tokens() -> None:
    assert fts_query(['a"b', "跑步", "跑步", " "]) == '"a""b" OR "跑步"'


def test_vectors_filter_masks_persistence_and_model_refusal(tmp_path: Path, index: EmbeddedIndex) -> None:
    rng = np.random.default_rng(7)
    vecs = rng.normal(size=(5, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    assert len(index.units_without_vectors(10)) == 5
    index.set_vectors([f"p{i}" for i in range(1, 6)], vecs, "test-model")
    assert index.counts() == {"units": 5, "vectors": 5, "posts": 5, "pending": 0}
    assert index.model == "test-model"
    # exact cosine: each vector finds itself first, under a filter only the allowed rows come back
    for i in range(5):
        assert index.vector_search(vecs[i], IndexFilter(), 1)[0].unit_id == f"p{i + 1}"
    assert _ids(index.vector_search(vecs[0], IndexFilter(platforms=["mastodon"]), 5)) == ["p4"]
    assert set(_ids(index.vector_search(vecs[0], IndexFilter(min_likes=5), 5))) == {"p1", "p2", "p4"}
    assert _ids(index.vector_search(vecs[0], IndexFilter(post_ids=[3]), 5)) == ["p3"]
    assert index.vector_search(vecs[0], IndexFilter(since_ts=_ts(2030)), 5) == []

    with pytest.raises(IndexMismatchError, match="index built with test-model, configured other"):
        index.set_vectors(["p1"], vecs[:1], "other")
    with pytest.raises(IndexMismatchError, match="index rebuild"):
        index.check_model("other")

    # another process (here: another instance) deletes a post: the cached matrix notices
    other = EmbeddedIndex(tmp_path / "index")
    other.delete_posts([1])
    assert "p1" not in _ids(index.vector_search(vecs[0], IndexFilter(), 5))
    assert "p1" not in _ids(index.keyword_search(tokenize_query("马拉松"), IndexFilter(), 5))
    assert other.counts()["units"] == 4
    # replacing a unit drops its vector (it must be embedded again)
    other.add_units([_units()[1]])
    assert [u.unit_id for u in other.units_without_vectors(5)] == ["p2"]
    other.clear()
    assert other.model is None and other.counts()["units"] == 0 and other.applied_seq() == 0
