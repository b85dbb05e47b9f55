"""Reports benchmark: one table.

    .venv/bin/python -m bench.report            # from /work/main; needs ../shared/datasets
    BENCH_REPORT_POSTS=20000 .venv/bin/python -m bench.report   # a smaller run

1. statistics-only yearly report (`year_review(brain, "all", use_llm=False)`, one chapter per year) over 100k real
   Weibo reposts/comments from weibo-ced, in a fresh child process: wall time and peak RSS (targets ≤ 10 s, ≤ 500 MB);
2. the LLM narrative of one year of 2,000 real posts (weibo-ncov-2020) against the deterministic test server:
   calls and prompt tokens (estimated the same way as the CLI's warning) against the stated budget;
3. mood accuracy on labelled Weibo sentences (weibo-emotion dev; Optimism/Gratitude → positive,
   Fear/Anger/Sadness/Disgust → negative, Surprise left out) for the lexicon and SnowNLP vs the majority class.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from itertools import islice
from pathlib import Path

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
N_POSTS = int(os.environ.get("BENCH_REPORT_POSTS", "100000"))
LLM_POSTS = 2000
# budget for one year of 2,000 posts: every post is sent exactly once, so prompt tokens may exceed the posts' own
# tokens only by instructions and framing (≤ 35 %); calls: one map call per MAP_BUDGET (3,000) tokens of posts, plus
# one partly filled chunk per month, plus the reduce
TOKEN_OVERHEAD_BUDGET = 1.35

CHILD = """
import resource, sys, time
from socialbrain.brain import Brain
from socialbrain.insights.yearly import year_review
brain = Brain.open(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
r = year_review(brain, "all", use_llm=False)
dt, cpu = time.perf_counter() - t, time.process_time() - c
print(dt, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, r["post_count"], len(r["chapters"]))
"""


def _jsonl_gz(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def _load(brain, records, platform: str = "weibo") -> int:
    from socialbrain.models import Post

    n = 0
    with brain.archive.transaction():
        for d in records:
            text = (d.get("text") or "").strip()
            if not text:
                continue
            brain.archive.upsert(
                Post(
                    platform=platform,
                    account="bench",
                    created_at=datetime.fromisoformat(d["created_at"]),
                    text=text,
                    post_id=str(d["id"]),
                    likes=d.get("likes"),
                )
            )
            n += 1
    return n


def bench_statistics(tmp: Path) -> list[str]:
    from socialbrain.brain import Brain

    home = tmp / "stats"
    brain = Brain.open(home)
    t = time.perf_counter()
    _load(brain, islice(_jsonl_gz(DATASETS / "weibo-ced" / "reposts.jsonl.gz"), N_POSTS))
    load_s = time.perf_counter() - t
    brain.close()
    out = subprocess.run([sys.executable, "-c", CHILD, str(home)], capture_output=True, text=True, check=True)
    secs, cpu, rss, count, chapters = out.stdout.split()
    ok = float(cpu) <= 10 and float(rss) <= 500
    load = os.getloadavg()[0]
    return [
        f"statistics-only report, {int(count):,} posts, {chapters} yearly chapters (archive load {load_s:.0f} s)",
        f"{float(cpu):.1f} s CPU ({float(secs):.1f} s wall at load {load:.1f} on {os.cpu_count()} cores), "
        f"peak RSS {float(rss):.0f} MB",
        "≤ 10 s (CPU time; = wall time when the machine is idle), ≤ 500 MB",
        "yes" if ok else "NO",
    ]


def bench_llm(tmp: Path) -> list[str]:
    from socialbrain.answer.mapreduce import MAP_BUDGET
    from socialbrain.answer.tokens import estimate_messages_tokens, estimate_tokens
    from socialbrain.brain import Brain
    from socialbrain.insights.yearly import year_review
    from socialbrain.testing.llm_server import start_server

    rows = list(_jsonl_gz(DATASETS / "weibo-ncov-2020" / "posts.jsonl.gz"))
    step = max(1, len(rows) // LLM_POSTS)
    rows = rows[::step][:LLM_POSTS]
    home = tmp / "llm"
    brain = Brain.open(home)
    n = _load(brain, rows)
    post_tokens = sum(estimate_tokens(d["text"][:600]) for d in rows)
    # the posts as the map prompts number them: "[n] 2020-01-05 (weibo) text"
    line_tokens = sum(
        estimate_tokens(f"[{i % 100 + 1}] {d['created_at'][:10]} (weibo) {d['text'][:600]}")
        for i, d in enumerate(rows)
    )
    brain.close()
    server = start_server()
    try:
        brain = Brain.open(home, llm_url=server.url, llm_model="test-model")
        year_review(brain, 2020, use_llm=True)
        reqs = server.chat_requests
        prompt = sum(estimate_messages_tokens(json.loads(r.body)["messages"]) for r in reqs)
        brain.close()
    finally:
        server.stop()
    months = len({d["created_at"][:7] for d in rows})
    calls_budget = -(-line_tokens // MAP_BUDGET) + months + 1
    ok = len(reqs) <= calls_budget and prompt <= TOKEN_OVERHEAD_BUDGET * post_tokens
    return [
        f"LLM narrative, one year of {n:,} posts (weibo-ncov-2020; posts alone ≈ {post_tokens:,} tokens)",
        f"{len(reqs)} calls, {prompt:,} prompt tokens ({prompt / max(1, post_tokens):.2f}× the posts)",
        f"≤ {calls_budget} calls (1 per {MAP_BUDGET:,} tokens of numbered posts + 1 per month + reduce), "
        f"≤ {TOKEN_OVERHEAD_BUDGET}× the posts' tokens",
        "yes" if ok else "NO",
    ]


def bench_mood() -> list[list[str]]:
    from socialbrain.insights import mood

    rows = [
        (d["text"], d["label"]) for d in map(json.loads, (DATASETS / "weibo-emotion" / "dev.jsonl").open())
    ]
    out = []
    for method in ("lexicon", "snownlp"):
        t = time.perf_counter()
        m = mood.evaluate(rows, method)
        dt = time.perf_counter() - t
        out.append(
            [
                f"mood: {method} on weibo-emotion dev ({m['n']:,} labelled posts, {dt:.1f} s)",
                f"accuracy {m['accuracy']:.1%}; mood found in {m['coverage']:.0%}, right on {m['decided_accuracy']:.1%} "
                f"of those; undecided→majority {m['undecided_as_majority']:.1%}",
                f"majority class {m['baseline']:.1%}",
                "yes" if m["decided_accuracy"] > m["baseline"] else "NO",
            ]
        )
    return out


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not DATASETS.is_dir():
        console.print(
            f"shared data sets not found at {DATASETS}: nothing to measure (they live beside the project)"
        )
        return
    table = Table(title="socialbrain reports benchmark")
    for col in ("what", "measured", "target / baseline", "met"):
        table.add_column(col)
    with tempfile.TemporaryDirectory(prefix="sb-bench-report-") as tmp:
        rows = [bench_statistics(Path(tmp)), bench_llm(Path(tmp)), *bench_mood()]
    for r in rows:
        table.add_row(*r)
    console.print(table)


if __name__ == "__main__":
    main()
