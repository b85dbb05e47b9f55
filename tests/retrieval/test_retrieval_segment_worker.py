"""Segmentation in a worker process (index/segment_worker.py) changes nothing but the speed.

The real `socialbrain import` run twice on the same export — segmenting in process (SOCIALBRAIN_SEGMENT_WORKER=0)
and with the worker (=1) — gives the same units, FTS rows (rowids included) and search results, with a user
dictionary in the data directory (the worker must load it too) and long posts cut into pieces. A worker that dies
mid-way is replaced by segmenting here; a worker that segments differently is not used.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import socialbrain
from socialbrain.index import segment
from socialbrain.index.segment_worker import MIN_CHARS, MIN_POSTS, SegmentWorker, fill_tokens
from socialbrain.index.stores.base import Unit
from socialbrain.models import Post

SRC = str(Path(socialbrain.__file__).resolve().parent.parent)
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "lin-xiaoyu" / "source" / "weibo.psv"
CN = timezone(timedelta(hours=8))
USER_WORD = "雨林跑团"  # one word only with the user dictionary


def _texts() -> list[str]:
    """The sample's Weibo texts plus the odd ones: long posts (pieces), traditional characters, URLs, emoji codes,
    full-width letters, English, the user-dictionary word, punctuation only."""
    base = [
        line.split("|", 4)[4].replace("\\n", "\n")
        for line in SAMPLE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and line.count("|") >= 4
    ]
    odd = [
        "。".join(base[i : i + 12]) for i in range(0, 120, 12)  # > 500 characters: pieces
    ] + [
        "今天和雨林跑团一起跑了十公里[哈哈] https://t.cn/A6abcd 軟體更新了",
        "ＦＵＬＬ　ＷＩＤＴＨ　ｔｅｘｔ　１２３，全角字符",
        "Reading c++ and 10.5 notes at the café",
        "！！！？？？……",
        "雨林跑团 第二次活动 @林小雨 #跑步#",
    ]
    texts = base + odd
    return [f"{t} 第{i}条" for i, t in enumerate(texts * 4)]  # ~1,300 posts, every text distinct


def _export(path: Path) -> Path:
    t0 = datetime(2018, 3, 1, 9, 0, tzinfo=CN)
    with path.open("w", encoding="utf-8") as f:
        for i, text in enumerate(_texts()):
            row = {"id": f"w{i}", "created_at": (t0 + timedelta(hours=i)).isoformat(), "text": text}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


IMPORT = r"""
import json, sys
from pathlib import Path
import socialbrain
from socialbrain.services import import_and_sync
from socialbrain.sources.ingest import ImportOptions
with socialbrain.open(sys.argv[1]) as brain:  # the function `socialbrain import` and web uploads call
    out = import_and_sync(brain, [Path(sys.argv[2])], options=ImportOptions(format="jsonl", platform="weibo"))
    hits = {q: [h.post.id for h in brain.search(q, k=10, mode="keyword").hits] for q in sys.argv[3:]}
print(json.dumps({"outcome": out.to_json(), "hits": hits}, default=str))
"""
QUERIES = [USER_WORD, "跑步 北京", "软体", "c++", "全角字符"]


def _import(home: Path, export: Path, worker: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALBRAIN_", "OPENAI_"))}
    env.update(
        SOCIALBRAIN_HOME=str(home),
        PYTHONPATH=SRC,
        SOCIALBRAIN_EMBEDDER="none",
        SOCIALBRAIN_LLM_URL="none",
        SOCIALBRAIN_SEGMENT_WORKER=worker,
    )
    run = subprocess.run(
        [sys.executable, "-c", IMPORT, str(home), str(export), *QUERIES],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    return dict(json.loads(run.stdout))


def _rows(home: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(f"file:{home / 'index' / 'index.db'}?mode=ro", uri=True)
    try:
        return con.execute(
            "SELECT u.id, u.unit_id, u.post_ids, u.text, f.tokens FROM units u JOIN units_fts f ON f.rowid = u.id "
            "ORDER BY u.id"
        ).fetchall()
    finally:
        con.close()


def test_import_with_the_worker_indexes_exactly_what_one_process_does(tmp_path: Path) -> None:
    export = _export(tmp_path / "posts.jsonl")
    runs: dict[str, dict[str, Any]] = {}
    rows = {}
    for worker in ("0", "1"):
        home = tmp_path / f"home{worker}"
        home.mkdir()
        (home / "userdict.txt").write_text(f"{USER_WORD} 50 n\n", encoding="utf-8")
        runs[worker] = _import(home, export, worker)
        rows[worker] = _rows(home)
    serial, parallel = rows["0"], rows["1"]
    assert len(serial) > len(_texts())  # long posts became several units
    assert serial == parallel
    # the worker did segment (not a silent fallback to this process), and with the user dictionary
    assert runs["0"]["outcome"]["index"]["segmented_by_worker"] == 0
    assert runs["1"]["outcome"]["index"]["segmented_by_worker"] > len(serial) // 2, runs["1"]["outcome"]["index"]
    assert sum(USER_WORD in str(r[4]).split(" ") for r in parallel) >= 8
    assert runs["0"]["hits"] == runs["1"]["hits"]
    assert all(runs["1"]["hits"][q] for q in QUERIES), runs["1"]["hits"]


def _units(texts: list[str]) -> list[list[Unit]]:
    units = [
        Unit(unit_id=f"p{i}", post_ids=[i], text=t, created_ts=0.0, platform="weibo", account="me", kind="post")
        for i, t in enumerate(texts)
    ]
    return [units[i : i + 64] for i in range(0, len(units), 64)]


def _posts(texts: list[str]) -> list[Post]:
    t0 = datetime(2020, 1, 1, tzinfo=CN)
    return [Post(platform="weibo", account="me", post_id=f"w{i}", text=t, created_at=t0) for i, t in enumerate(texts)]


def test_texts_sent_ahead_while_parsing_give_the_same_tokens() -> None:
    texts = _texts()[:900]
    worker = SegmentWorker.start()
    assert worker is not None
    try:
        for i in range(0, 640, 128):  # as import_paths(on_parsed=…) hands them over; the rest is not sent ahead
            worker.presegment(_posts(texts)[i : i + 128])
        deadline = time.monotonic() + 60
        while not worker.usable() and time.monotonic() < deadline:  # started (else chunks are segmented here)
            time.sleep(0.01)
        out = [u for chunk in fill_tokens(iter(_units(texts)), worker) for u in chunk]
        assert worker.failed is None
        ahead = sum(len(t) <= 500 for t in texts[:640])  # long posts are never sent ahead (they become pieces)
        assert worker.used_ahead == ahead  # every text sent ahead was used
    finally:
        worker.close()
    assert [u.token_list() for u in out] == [segment.tokenize(t) for t in texts]
    # the worker's strings reach the FTS row as they came (no split and re-join): the same bytes as joining here
    assert [u.token_string() for u in out] == [" ".join(segment.tokenize(t)) for t in texts]
    assert sum(u.token_text is not None for u in out) >= ahead  # the worker's, kept as strings


def test_a_worker_killed_mid_import_is_replaced_by_segmenting_here() -> None:
    texts = _texts()[:900]
    worker = SegmentWorker.start()
    assert worker is not None
    try:
        worker.presegment(_posts(texts[:400]))
        out: list[Unit] = []
        for n, chunk in enumerate(fill_tokens(iter(_units(texts)), worker)):
            out.extend(chunk)
            if n == 2:
                worker.proc.kill()  # a real death: the OOM killer, a stray kill
        assert worker.failed is not None
    finally:
        worker.close()
    assert worker.proc.poll() is not None
    assert [u.token_list() for u in out] == [segment.tokenize(t) for t in texts]
    assert [u.token_string() for u in out] == [" ".join(segment.tokenize(t)) for t in texts]


def test_a_worker_that_cannot_load_the_user_dictionary_is_not_used(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text(f"{USER_WORD} 50 n\n", encoding="utf-8")
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from socialbrain.index import segment\n"
        "from socialbrain.index.segment_worker import SegmentWorker, fill_tokens\n"
        "from socialbrain.index.stores.base import Unit\n"
        "segment.load_user_dict(sys.argv[1]); segment.tokenize('预热')\n"
        "Path(sys.argv[1]).unlink()\n"  # this process has its words; a new one could not load them
        "w = SegmentWorker.start()\n"
        "u = Unit(unit_id='p1', post_ids=[1], text=sys.argv[2], created_ts=0.0, platform='w', account='a', kind='p')\n"
        "deadline = time.monotonic() + 60\n"
        "while not (w.usable() or w.failed) and time.monotonic() < deadline: time.sleep(0.01)\n"
        "out = [x for c in fill_tokens(iter([[u]]), w) for x in c]\n"
        "w.close()\n"
        "print(w.failed); print(out[0].token_string()); print(w.proc.returncode)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(words), f"今天和{USER_WORD}一起跑步"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": SRC}, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    failed, tokens, code = run.stdout.splitlines()
    assert "did not start" in failed and "user dictionary not found" in failed, failed
    assert USER_WORD in tokens.split(" ")  # segmented here, with the words this process has
    assert code != "None"


def test_closing_with_texts_nobody_will_read_ends_the_worker_at_once() -> None:
    """A re-import that changed nothing sent its texts ahead for nothing: close() does not wait for them."""
    worker = SegmentWorker.start()
    assert worker is not None
    worker.presegment(_posts(_texts() * 20))  # far more than it answers before close()
    worker.close()
    assert worker.proc.returncode is not None  # not running, whatever it was doing
    assert worker.proc.returncode < 0  # ended by close(), not after segmenting everything


def _write_jsonl(path: Path, texts: list[str]) -> Path:
    t0 = datetime(2019, 5, 1, 8, 0, tzinfo=CN)
    with path.open("w", encoding="utf-8") as f:
        for i, text in enumerate(texts):
            row = {"id": f"s{i}", "created_at": (t0 + timedelta(minutes=i)).isoformat(), "text": text}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="the worker is only started with a second core")
def test_the_worker_starts_by_the_imported_text_volume_not_the_post_count(tmp_path: Path) -> None:
    """Default setting: 4,000 short reposts (~40k characters, under MIN_CHARS) are segmented in process — the
    child's start would cost more than it saves — although they are over MIN_POSTS; as many posts with ~100k+
    characters of text start it while parsing and it segments most of them."""
    n = MIN_POSTS + 1000
    short = _write_jsonl(tmp_path / "short.jsonl", [f"转发微博 第{i}条" for i in range(n)])
    assert sum(len(f"转发微博 第{i}条") for i in range(n)) < MIN_CHARS
    base = _texts()
    long_texts = [f"{base[i % len(base)][:60]} 第{i}条" for i in range(n)]
    assert sum(map(len, long_texts)) >= 2 * MIN_CHARS
    longer = _write_jsonl(tmp_path / "longer.jsonl", long_texts)
    got = {}
    for name, export in (("short", short), ("longer", longer)):
        home = tmp_path / f"home-{name}"
        home.mkdir()
        got[name] = _import(home, export, "")["outcome"]["index"]
        assert got[name]["indexed_posts"] == n
    assert got["short"]["segmented_by_worker"] == 0, got["short"]
    assert got["longer"]["segmented_by_worker"] > n // 2, got["longer"]
