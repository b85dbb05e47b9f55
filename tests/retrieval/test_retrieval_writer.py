"""One index writer (#19 item 1): concurrent imports and searches on real SQLite files, threads and a process.

While one process and one thread keep re-importing committed posts (their units are deleted and re-added) and adding
new ones, each applying its changes, searching threads with Brains of their own must find every committed post on
every try and never see ``applied_seq`` go backwards; at the end the index holds exactly the archive.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from socialbrain.brain import Brain
from socialbrain.index.sync import apply_changes
from socialbrain.index.writer import writer_lock
from socialbrain.models import Post
from socialbrain.retrieve.search import search

CN = timezone(timedelta(hours=8))
COMMITTED = 300  # posts indexed before the storm; each must stay findable throughout

WRITER = r"""
import sys
from datetime import datetime, timedelta, timezone
from socialbrain.brain import Brain
from socialbrain.index.sync import apply_changes
from socialbrain.models import Post
CN = timezone(timedelta(hours=8))
b = Brain.open(sys.argv[1], embedder="none")
for rnd in range(int(sys.argv[2])):
    with b.archive.transaction():
        b.archive.upsert_many([
            Post(platform="weibo", account="me", post_id=f"c{i}", created_at=datetime(2019, 1, 1, tzinfo=CN)
                 + timedelta(minutes=i), text=f"第{rnd}次进程改写 编号 mark{i} 跑步")
            for i in range(0, 300, 2)
        ] + [
            Post(platform="weibo", account="me", post_id=f"p{rnd}-{j}", created_at=datetime(2020, 1, 1, tzinfo=CN),
                 text=f"进程新帖 {rnd} {j} 游泳")
            for j in range(200)
        ])
    apply_changes(b)
b.close()
"""


def _post(key: str, text: str, minutes: int = 0) -> Post:
    return Post(
        platform="weibo",
        account="me",
        post_id=key,
        created_at=datetime(2019, 1, 1, tzinfo=CN) + timedelta(minutes=minutes),
        text=text,
    )


def test_concurrent_imports_never_hide_committed_posts_nor_move_applied_seq_back(data_dir: Path) -> None:
    b = Brain.open(data_dir, embedder="none")
    with b.archive.transaction():
        b.archive.upsert_many([_post(f"c{i}", f"原文 编号 mark{i} 跑步", i) for i in range(COMMITTED)])
    apply_changes(b)
    assert search(b, "mark7", mode="keyword").hits[0].post.post_id == "c7"

    stop = threading.Event()
    failures: list[str] = []
    seqs_seen: list[list[int]] = []

    def reader(n: int) -> None:
        rb = Brain.open(data_dir, embedder="none")
        seen: list[int] = []
        seqs_seen.append(seen)
        i = n
        try:
            while not stop.is_set():
                seen.append(rb.index.applied_seq())
                key = f"c{i % COMMITTED}"
                hits = [h.post.post_id for h in search(rb, f"mark{i % COMMITTED}", mode="keyword", k=3).hits]
                if key not in hits:
                    failures.append(f"{key} missing at applied_seq {seen[-1]}: {hits}")
                i += 7
        finally:
            rb.close()

    def thread_writer() -> None:
        wb = Brain.open(data_dir, embedder="none")
        try:
            for rnd in range(6):
                with wb.archive.transaction():
                    wb.archive.upsert_many(
                        [_post(f"c{i}", f"第{rnd}次线程改写 编号 mark{i} 跑步", i) for i in range(1, COMMITTED, 2)]
                        + [_post(f"t{rnd}-{j}", f"线程新帖 {rnd} {j} 爬山") for j in range(200)]
                    )
                apply_changes(wb)
        finally:
            wb.close()

    readers = [threading.Thread(target=reader, args=(n,)) for n in range(3)]
    for t in readers:
        t.start()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir), "6"], stderr=subprocess.PIPE, text=True
    )
    tw = threading.Thread(target=thread_writer)
    tw.start()
    tw.join()
    _, err = proc.communicate(timeout=600)
    stop.set()
    for t in readers:
        t.join()
    assert proc.returncode == 0, err

    assert failures == [], failures[:5]
    assert all(len(s) > 3 for s in seqs_seen)  # the readers really ran during the writes
    for seen in seqs_seen:
        assert all(a <= c for a, c in zip(seen, seen[1:], strict=False)), "applied_seq went backwards"
    # everything applied exactly: the index holds the archive, and nothing is left to apply
    apply_changes(b)
    assert b.index.applied_seq() == b.archive.last_change_seq()
    assert b.index.counts()["posts"] == b.archive.count() == COMMITTED + 6 * 200 * 2
    texts = {u.text for u in b.index.get_units([f"p{b.archive.find_by_key('weibo', 'me', 'c3').id}"])}
    assert texts == {"第5次线程改写 编号 mark3 跑步"}  # the last write of c3 is the one indexed
    b.close()


def test_the_writer_lock_excludes_another_process_and_is_freed_when_it_dies(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    code = (
        "import sys, time; from pathlib import Path; from socialbrain.index.writer import writer_lock; "
        "writer_lock(Path(sys.argv[1])).acquire(); print('held', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(data_dir)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        lock = writer_lock(data_dir)
        assert lock.held_elsewhere()
        assert not lock.acquire(timeout=0.2)
        proc.kill()  # kill -9: no cleanup runs, the OS drops the file lock
        proc.wait()
        assert lock.acquire(timeout=5)
        lock.release()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
