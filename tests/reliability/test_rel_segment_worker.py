"""The segmentation worker of a big import (index/segment_worker.py) under Ctrl-C and kill -9, with the real CLI.

Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while the index is being built with the worker:
the CLI prints its one line and exits 130, the worker is gone, the archive holds the whole import, the index holds
whole batches only (every unit has its FTS row) — and running the same import again finishes the index, so every
post is keyword-searchable. kill -9 of the CLI alone: the worker notices its closed pipe and exits (no orphan).
A web upload of a big export runs the same import (the worker segments, the posts are searchable when the job is
done).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest
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


def _children(pid: int) -> list[int]:
    """Live child processes of ``pid`` running the segmentation worker (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and b"segment_worker" in cmdline and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _gone(pid: int, within: float = 15) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":  # exited; waiting for its (new) parent to reap it
            return True
        time.sleep(0.05)
    return False


def _start_and_find_worker(home: Path, path: Path, until_indexing: bool) -> tuple[object, int]:
    proc = start_cli(home, "import", str(path), "--no-embed", SOCIALBRAIN_SEGMENT_WORKER="1")
    deadline = time.monotonic() + 180
    worker = 0
    while True:
        assert proc.poll() is None, "the import finished before it could be interrupted: nothing was tested"
        assert time.monotonic() < deadline, "no segmentation worker seen"
        kids = _children(proc.pid)
        if kids:
            worker = kids[0]
            if (applied_seq(home) or 0) > 0 if until_indexing else running_imports(home) > 0:
                return proc, worker
        time.sleep(0.02)


def test_ctrl_c_while_indexing_with_the_worker(tmp_path: Path) -> None:
    home = tmp_path / "home"
    n = 20_000
    path = write_jsonl(tmp_path / "big.jsonl", n, "s")
    proc, worker = _start_and_find_worker(home, path, until_indexing=True)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    _, err = proc.communicate(timeout=120)  # type: ignore[attr-defined]
    assert proc.returncode == 130, err[-2000:]  # type: ignore[attr-defined]
    assert "Traceback" not in err and "interrupted" in err, err[-2000:]
    assert _gone(worker), "the segmentation worker outlived the import"

    assert archive_rows(home, "SELECT count(*) FROM posts")[0][0] == n  # the archive part had committed
    seq = applied_seq(home) or 0
    indexed = index_rows(home, "SELECT count(DISTINCT post_id) FROM unit_posts")[0][0]
    units, fts = index_rows(home, "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM units_fts)")[0]
    assert units == fts == indexed  # whole batches only: no unit without its keyword row
    assert indexed == archive_rows(home, f"SELECT count(DISTINCT post_id) FROM changes WHERE seq <= {seq}")[0][0]
    assert indexed < n, "the index was complete before Ctrl-C: nothing was interrupted"

    again = cli(home, "import", str(path), "--no-embed", SOCIALBRAIN_SEGMENT_WORKER="1")
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr[-2000:]
    assert index_rows(home, "SELECT count(DISTINCT post_id) FROM unit_posts")[0][0] == n
    assert applied_seq(home) == archive_rows(home, "SELECT max(seq) FROM changes")[0][0]
    last = cli(home, "search", marker("s", n - 1), "--mode", "keyword")
    assert marker("s", n - 1) in last.stdout, last.stdout[-2000:]


def test_ctrl_c_while_parsing_leaves_no_worker_and_nothing_imported(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = write_jsonl(tmp_path / "big.jsonl", 60_000, "p")  # big enough to start the worker before parsing
    proc, worker = _start_and_find_worker(home, path, until_indexing=False)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)  # type: ignore[attr-defined]
    assert proc.returncode == 130 and "Traceback" not in err, err[-2000:]  # type: ignore[attr-defined]
    assert _gone(worker), "the segmentation worker outlived the import"
    assert archive_rows(home, "SELECT count(*) FROM posts")[0][0] == 0  # interrupted while reading: nothing
    statuses = [s for (s,) in archive_rows(home, "SELECT status FROM imports")]
    assert statuses == ["interrupted"], statuses


def test_kill9_of_the_import_ends_its_worker(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = write_jsonl(tmp_path / "big.jsonl", 20_000, "k")
    proc, worker = _start_and_find_worker(home, path, until_indexing=False)
    os.kill(proc.pid, signal.SIGKILL)  # the CLI alone, not its group: the worker is left to notice
    proc.wait(30)  # type: ignore[attr-defined]
    assert _gone(worker), "the segmentation worker was orphaned by kill -9 of the import"
    kill9(proc)  # type: ignore[arg-type]


def test_a_big_web_upload_segments_with_the_worker(tmp_path: Path) -> None:
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one usable core: the worker is never started by default")
    home = tmp_path / "home"
    n = 20_000
    data = write_jsonl(tmp_path / "big.jsonl", n, "w").read_bytes()  # ~2 MB: over the worker's threshold
    with serve(home) as (url, proc):
        job = httpx.post(
            url + "/api/imports",
            headers={"X-Socialbrain": "1"},
            files={"files": ("big.jsonl", data, "application/x-ndjson")},
            timeout=60,
        ).json()
        deadline = time.monotonic() + 240
        while (j := httpx.get(f"{url}/api/jobs/{job['id']}", timeout=30).json())["status"] not in ("done", "error"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert j["status"] == "done", j
        index = j["result"]["index"]
        assert index["segmented_by_worker"] >= n // 2, index  # the upload's import used the worker
        assert found(url, marker("w", n - 1)) and found(url, marker("w", 0))
        assert not _children(proc.pid)  # and closed it when the job ended
