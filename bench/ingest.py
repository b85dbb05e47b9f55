"""Ingest throughput: import 100k posts (parse + store) and report posts/s and peak RSS.

    .venv/bin/python -m bench.ingest [--n 100000] [--format weibo-crawler-json|jsonl]

Posts are real Weibo reposts from ../shared/datasets/weibo-ced/reposts.jsonl.gz written as a weibo-crawler JSON
export (HTML text, string counts) in a temp dir; generated posts when the data set is absent. The import runs in a
fresh subprocess so its peak RSS is measured alone. Target: >= 10k posts/s on 2 cores, RSS <= 500 MB.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPOSTS = ROOT.parent / "shared" / "datasets" / "weibo-ced" / "reposts.jsonl.gz"
CST = timezone(timedelta(hours=8))

CHILD = """
import json, resource, sys, time
from pathlib import Path
from socialbrain.archive import SQLiteArchive
from socialbrain.sources.ingest import ImportOptions, import_paths
a = SQLiteArchive(Path(sys.argv[1]))
t, c = time.perf_counter(), time.process_time()
r = import_paths(a, [Path(sys.argv[2])], options=ImportOptions(format=sys.argv[3] or None))
dt, dc = time.perf_counter() - t, time.process_time() - c
t2, c2 = time.perf_counter(), time.process_time()
r2 = import_paths(a, [Path(sys.argv[2])], options=ImportOptions(format=sys.argv[3] or None))
dt2, dc2 = time.perf_counter() - t2, time.process_time() - c2
print(json.dumps({"seconds": dt, "cpu": dc, "totals": r.totals(), "again_seconds": dt2, "again_cpu": dc2,
                  "again": r2.totals(),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "failed": [f.message for f in r.failed]}))
"""


def _records(n: int) -> tuple[list[dict], str]:
    if REPOSTS.exists():
        out = []
        with gzip.open(REPOSTS, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                out.append(d)
                if len(out) >= n:
                    break
        return out, f"real: weibo-ced reposts ({len(out):,})"
    rng = random.Random(7)
    words = [
        "今天",
        "天气",
        "跑步",
        "工作",
        "读书",
        "咖啡",
        "朋友",
        "家人",
        "电影",
        "旅行",
        "北京",
        "上海",
        "开心",
        "难过",
        "加班",
        "周末",
    ]
    start = datetime(2012, 1, 1, tzinfo=CST)
    out = [
        {
            "id": f"g{i}",
            "created_at": (start + timedelta(minutes=7 * i)).isoformat(),
            "text": "".join(rng.choice(words) for _ in range(rng.randint(5, 40))),
        }
        for i in range(n)
    ]
    return out, f"generated ({n:,}; shared data sets absent)"


def _write(records: list[dict], folder: Path, fmt: str) -> Path:
    if fmt == "jsonl":
        path = folder / "posts.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for r in records:
                f.write(
                    json.dumps(
                        {"id": r["id"], "created_at": r["created_at"], "text": r["text"]}, ensure_ascii=False
                    )
                    + "\n"
                )
        return path
    weibo = []
    for i, r in enumerate(records):
        ts = datetime.fromisoformat(r["created_at"])
        weibo.append(
            {
                "user_id": 1669879400,
                "screen_name": "bench",
                "id": 4000000000000000 + i,
                "bid": r["id"],
                "text": r["text"].replace("&", "&amp;") + ("<br />" if i % 5 == 0 else ""),
                "pics": "",
                "video_url": "",
                "location": "",
                "created_at": ts.strftime("%Y-%m-%dT%H:%M:%S"),
                "source": "iPhone客户端",
                "attitudes_count": str(i % 50),
                "comments_count": i % 7,
                "reposts_count": "1万+" if i % 1000 == 0 else i % 3,
                "full_created_at": ts.strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
    path = folder / "1669879400.json"
    path.write_text(
        json.dumps(
            {"user": {"id": "1669879400", "screen_name": "bench"}, "weibo": weibo}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--format", default="weibo-crawler-json", choices=["weibo-crawler-json", "jsonl"])
    ap.add_argument("--formats", type=int, default=20_000, metavar="N",
                    help="then parse / parse+store posts/s per import format on N real posts (0: skip)")
    args = ap.parse_args()
    records, source = _records(args.n)
    with tempfile.TemporaryDirectory(prefix="sb-bench-ingest-") as tmp:
        folder = Path(tmp)
        path = _write(records, folder, args.format)
        del records
        size_mb = path.stat().st_size / 1024**2
        t0 = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(folder / "archive.db"),
                str(path),
                "" if args.format == "jsonl" else args.format,
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        wall = time.perf_counter() - t0
        r = json.loads(out.stdout)
        child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        db_mb = (folder / "archive.db").stat().st_size / 1024**2
    n = r["totals"]["new"] + r["totals"]["updated"] + r["totals"]["unchanged"]
    print(f"ingest benchmark — {source}; format {args.format}, file {size_mb:.0f} MB")
    print(
        "posts/s: wall clock; per CPU-s: posts per second of CPU the import used, i.e. what one idle core"
        " gives (the two differ when other work shares the machine)"
    )
    print(
        f"{'posts':>8} | {'import s':>8} | {'posts/s':>8} | {'per CPU-s':>9} | {'re-import s':>11} | "
        f"{'re-import per CPU-s':>19} | {'peak RSS MB':>11} | {'db MB':>6} | {'process s':>9}"
    )
    print(
        f"{n:>8,} | {r['seconds']:>8.2f} | {n / r['seconds']:>8,.0f} | {n / r['cpu']:>9,.0f} | "
        f"{r['again_seconds']:>11.2f} | {n / r['again_cpu']:>19,.0f} | {max(r['rss_mb'], child_rss):>11.0f} | "
        f"{db_mb:>6.0f} | {wall:>9.1f}"
    )
    if r["failed"]:
        print("failed:", r["failed"])
    from .ingest_index import keyword_path_table  # #14: the keyword path, stage by stage

    print()
    keyword_path_table()
    if args.formats:  # #13: parse / parse+store per import format
        from .ingest_formats import run

        print()
        run(args.formats)


if __name__ == "__main__":
    main()
