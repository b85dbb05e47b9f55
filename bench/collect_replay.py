"""Collector throughput and incremental cost: replay real Weibo posts as m.weibo.cn pages from a local server.

    .venv/bin/python -m bench.collect_replay [--posts N]

Reads ``../shared/datasets/weibo-ncov-2020/posts.jsonl.gz`` (real ids, times and texts; 10 posts a page, as the
site serves them), collects them with no delay into a fresh archive, then measures an incremental run after 20 new
posts, a resumed run after a failure half-way, and a ``--full`` re-walk. Prints one table.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT.parent / "shared" / "datasets" / "weibo-ncov-2020" / "posts.jsonl.gz"
sys.path.insert(0, str(ROOT / "tests" / "collect"))

from collect_fakes import UID, FakeServer, make_mblog, weibo_date  # noqa: E402

from socialbrain.brain import Brain  # noqa: E402
from socialbrain.collect.http import Politeness  # noqa: E402
from socialbrain.collect.weibo import WeiboOptions, collect_weibo  # noqa: E402
from socialbrain.errors import CollectError  # noqa: E402


def load_mblogs(limit: int) -> list[dict]:
    rows = []
    with gzip.open(DATASET, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            when = datetime.fromisoformat(r["created_at"])
            mb = make_mblog(0, when, id=r["id"], mid=r["id"], bid="", text=r["text"])
            rows.append(mb)
            if len(rows) >= limit:
                break
    rows.sort(key=lambda m: datetime.strptime(m["created_at"], "%a %b %d %H:%M:%S %z %Y"), reverse=True)
    return rows


def timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=5000)
    args = ap.parse_args()
    if not DATASET.exists():
        print(
            f"dataset absent: {DATASET} (the shared data sets live beside the project root); nothing measured"
        )
        return
    server = FakeServer()
    server.state.page_size = 10
    server.state.mblogs = load_mblogs(args.posts)
    n = len(server.state.mblogs)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        brain = Brain.open(Path(tmp) / "home")
        opts = WeiboOptions(uid=UID, cookie="SUB=bench", api_base=server.url, politeness=Politeness.fast())

        def requests() -> int:
            k = len(server.state.log)
            server.state.log.clear()
            return k

        r, s = timed(lambda: collect_weibo(brain, opts))
        rows.append(("first full run", r.new, r.new + r.unchanged + r.updated, r.pages, requests(), s))
        newest = datetime.strptime(server.state.mblogs[0]["created_at"], "%a %b %d %H:%M:%S %z %Y")
        fresh = [
            make_mblog(90_000 + i, newest.replace(year=newest.year + 1, minute=i)) for i in range(20, 0, -1)
        ]
        for mb in fresh:
            mb["created_at"] = weibo_date(datetime.strptime(mb["created_at"], "%a %b %d %H:%M:%S %z %Y"))
        server.state.mblogs[:0] = fresh
        r, s = timed(lambda: collect_weibo(brain, opts))
        rows.append(("incremental (+20 new)", r.new, r.new + r.unchanged + r.updated, r.pages, requests(), s))

        brain2 = Brain.open(Path(tmp) / "home2")
        half = (len(server.state.mblogs) // 10) // 2
        server.state.script[f"/api/container/getIndex?page={half}"] = [("status", 500, {})] * 4
        with contextlib.suppress(CollectError):
            collect_weibo(brain2, opts)
        requests()
        r, s = timed(lambda: collect_weibo(brain2, opts))
        rows.append(
            (
                f"resume after failing at page {half}",
                r.new,
                r.new + r.unchanged + r.updated,
                r.pages,
                requests(),
                s,
            )
        )
        assert brain2.archive.count() == len(server.state.mblogs)

        full = WeiboOptions(
            uid=UID, cookie="SUB=bench", api_base=server.url, politeness=Politeness.fast(), full=True
        )
        r, s = timed(lambda: collect_weibo(brain, full))
        rows.append(
            ("--full re-walk (all unchanged)", r.new, r.new + r.unchanged + r.updated, r.pages, requests(), s)
        )
        brain.close()
        brain2.close()
    server.stop()
    print(f"collector replay: {n} real posts of weibo-ncov-2020, 10 a page, no delay, local server\n")
    print(f"| {'run':<34} | {'new':>6} | {'pages':>5} | {'requests':>8} | {'seconds':>7} | {'posts/s':>7} |")
    print(f"|{'-' * 36}|{'-' * 8}|{'-' * 7}|{'-' * 10}|{'-' * 9}|{'-' * 9}|")
    for name, new, handled, pages, reqs, secs in rows:
        print(f"| {name:<34} | {new:>6} | {pages:>5} | {reqs:>8} | {secs:>7.2f} | {handled / secs:>7.0f} |")


if __name__ == "__main__":
    main()
