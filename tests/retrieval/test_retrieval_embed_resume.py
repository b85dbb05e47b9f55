"""Embedding is a resumable pass: `socialbrain import` returns keyword-searchable posts, embeds with progress, and a
kill -9 in the middle leaves committed vectors that the next `import` continues from (real CLI processes, a real
OpenAI-compatible embeddings server on 127.0.0.1 that answers slowly, like an encoder)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from socialbrain.brain import Brain
from socialbrain.index.status import index_status
from socialbrain.retrieve.search import search
from socialbrain.testing.llm_server import Behaviour, start_server

POSTS = 100
BATCH = 10


def _vectors(data_dir: Path) -> int:
    """Vectors committed so far, read straight from the index file (cheap enough to poll)."""
    db = data_dir / "index" / "index.db"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(vector) FROM units").fetchone()[0]
    except sqlite3.OperationalError:  # the importer is still creating the file
        return 0


def _texts_sent(server) -> int:  # noqa: ANN001
    """Texts in the embedding requests the server received whole (the killed client may have cut one short)."""
    return sum(
        len((r.json or {}).get("input", []))
        for r in server.requests_log
        if r.path.endswith("embeddings") and isinstance(r.json, dict)
    )


def _counts(data_dir: Path) -> dict[str, int]:
    b = Brain.open(data_dir, embedder="none")
    try:
        return b.index.counts()
    finally:
        b.close()


def test_kill_during_embedding_then_import_again_resumes(data_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_text(
        "".join(
            json.dumps(
                {"id": str(i), "created_at": "2019-05-01T10:00:00+08:00", "text": f"第{i}条 今天跑了{i}公里"},
                ensure_ascii=False,
            )
            + "\n"
            for i in range(POSTS)
        ),
        encoding="utf-8",
    )
    data_dir.mkdir(parents=True)
    (data_dir / "config.toml").write_text(f"[embedder]\nbatch_size = {BATCH}\n", encoding="utf-8")
    server = start_server(Behaviour(embed_delay=1.0))  # 10 batches: >= 10 s of embedding to kill it in
    try:
        env = {
            **os.environ,
            "SOCIALBRAIN_HOME": str(data_dir),
            "SOCIALBRAIN_EMBEDDER": f"openai:hash-64@{server.url}",
            "SOCIALBRAIN_PROGRESS_SECONDS": "0",
        }
        cmd = [sys.executable, "-m", "socialbrain.cli.main", "import", str(src), "--platform", "weibo"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300
        while _vectors(data_dir) < 3 * BATCH:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.kill()  # kill -9 in the middle of the embedding pass
        proc.wait()

        half = _counts(data_dir)
        assert half["units"] == POSTS and 0 < half["vectors"] < POSTS  # searchable by keyword, partly embedded
        b = Brain.open(data_dir, embedder="none")
        line = index_status(b).line()
        assert line.startswith(f"向量索引 {half['vectors'] * 100 // POSTS}%：{half['vectors']:,} / {POSTS}")
        assert search(b, "第7条", mode="keyword").hits[0].post.post_id == "7"
        b.close()
        embedded_before = _texts_sent(server)

        server.behaviour.embed_delay = 0
        again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
        assert "向量索引 100%" in again.stdout + again.stderr
        done = _counts(data_dir)
        assert done["vectors"] == done["units"] == POSTS
        embedded_after = _texts_sent(server)
        # the second run embedded only what was still pending: nothing done twice but the batch in flight
        assert embedded_after - embedded_before == POSTS - half["vectors"]
        assert embedded_after <= POSTS + BATCH
    finally:
        server.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_index_embed_while_serve_embeds_follows_it_to_the_end(data_dir: Path, tmp_path: Path) -> None:
    """A second `index embed` while `serve` is embedding waits for that pass with its progress (it used to exit
    at once) and returns when every unit has its vector; it embeds nothing twice."""
    import httpx

    src = tmp_path / "posts.jsonl"
    src.write_text(
        "".join(
            json.dumps({"id": str(i), "created_at": "2019-05-01T10:00:00+08:00", "text": f"第{i}条 跑步{i}公里"})
            + "\n"
            for i in range(POSTS)
        ),
        encoding="utf-8",
    )
    data_dir.mkdir(parents=True)
    (data_dir / "config.toml").write_text(f"[embedder]\nbatch_size = {BATCH}\n", encoding="utf-8")
    server = start_server(Behaviour(embed_delay=0.5))  # 10 batches: ~5 s of embedding under serve
    serve = None
    try:
        env = {
            **os.environ,
            "SOCIALBRAIN_HOME": str(data_dir),
            "SOCIALBRAIN_EMBEDDER": f"openai:hash-64@{server.url}",
            "SOCIALBRAIN_LLM_URL": "none",
            "SOCIALBRAIN_PROGRESS_SECONDS": "0",
        }
        cli = [sys.executable, "-m", "socialbrain.cli.main"]
        imported = subprocess.run(
            [*cli, "import", str(src), "--platform", "weibo", "--no-embed"],
            env=env, capture_output=True, text=True, timeout=120,
        )
        assert imported.returncode == 0, imported.stderr
        port = _free_port()
        serve = subprocess.Popen(
            [*cli, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 120
        while _vectors(data_dir) < BATCH:  # serve's background indexer is embedding
            assert serve.poll() is None, serve.communicate()
            assert time.monotonic() < deadline, "serve did not start embedding"
            time.sleep(0.05)
        assert httpx.get(f"http://127.0.0.1:{port}/api/index/status", timeout=10).json()["embedding"]

        second = subprocess.run([*cli, "index", "embed"], env=env, capture_output=True, text=True, timeout=180)
        out = second.stdout + second.stderr
        assert second.returncode == 0, out
        assert "另一个进程正在向量化" in out and "following" in out, out
        assert "正在向量化" in second.stderr  # its progress lines while following
        assert "向量索引 100%" in second.stdout, out
        assert _vectors(data_dir) == POSTS  # it returned when the work was done, not before
        assert _texts_sent(server) <= POSTS + BATCH  # nothing embedded twice (but a batch in flight)
    finally:
        if serve is not None:
            serve.terminate()
            serve.wait(30)
        server.stop()
