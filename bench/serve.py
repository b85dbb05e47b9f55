"""Load on the running web server: concurrent searches and streamed chats over loopback.

    .venv/bin/python -m bench.serve [--searches 50] [--chats 10] [--timeout 120]

Archive: the 9,963 real posts of ../shared/datasets/weibo-ncov-2020 when present (keyword index only, so the
numbers measure the server, not the embedder), else the sample person samples/lin-xiaoyu. Chats go to the
deterministic test LLM server (socialbrain.testing.llm_server), streamed over /api/chat, so every chat runs
the whole retrieve → prompt → stream → citation-check path. All requests start at once; each has a time limit.
Prints one table: requests, errors (target 0), p50 and p95 latency (chat: time to first token and to the end).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
NCOV = ROOT.parent / "shared" / "datasets" / "weibo-ncov-2020" / "posts.jsonl.gz"
SAMPLE = ROOT / "samples" / "lin-xiaoyu"
QUERIES = [
    "武汉",
    "口罩",
    "加油",
    "医生",
    "春节 回家",
    "疫情 什么时候结束",
    "2020年1月 武汉",
    "隔离",
    "日本",
    "跑步",
    "妈妈",
    "工作 压力",
    "开心",
    "新年愿望",
    "咳嗽 发烧",
    "在家 无聊",
    "超市",
    "感动",
    "火神山",
    "肺炎",
]
QUESTIONS = [
    "那段时间我最担心什么？",
    "我提到过口罩吗？",
    "What did I say about Wuhan?",
    "我什么时候最开心？",
    "春节是怎么过的？",
]


def build_archive(home: Path) -> str:
    from socialbrain.brain import Brain
    from socialbrain.index.sync import sync_index
    from socialbrain.models import Post

    brain = Brain.open(home, embedder="none")
    try:
        if NCOV.exists():
            with gzip.open(NCOV, "rt", encoding="utf-8") as f, brain.archive.transaction():
                for line in f:
                    d = json.loads(line)
                    brain.archive.upsert(
                        Post(
                            platform="weibo",
                            account="ncov",
                            post_id=str(d["id"]),
                            created_at=datetime.fromisoformat(d["created_at"]),
                            text=d["text"],
                        )
                    )
            source = f"weibo-ncov-2020 ({brain.archive.count()} posts)"
        else:
            from socialbrain.sources.ingest import import_paths

            import_paths(brain.archive, [p for p in (SAMPLE / "weibo", SAMPLE / "twitter") if p.exists()])
            source = (
                f"samples/lin-xiaoyu ({brain.archive.count()} posts; shared datasets absent at {NCOV.parent})"
            )
        sync_index(brain, embed=False)
    finally:
        brain.close()
    return source


async def timed_search(client: httpx.AsyncClient, q: str, limit: float) -> tuple[float, bool]:
    t0 = time.perf_counter()
    try:
        r = await client.get("/api/search", params={"q": q, "k": 10}, timeout=limit)
        ok = r.status_code == 200 and "hits" in r.json()
    except httpx.HTTPError:
        ok = False
    return time.perf_counter() - t0, ok


async def timed_chat(client: httpx.AsyncClient, q: str, limit: float) -> tuple[float, float, bool]:
    t0 = time.perf_counter()
    first = None
    done = False
    try:
        async with client.stream(
            "POST", "/api/chat", json={"question": q}, headers={"X-Socialbrain": "1"}, timeout=limit
        ) as r:
            async for line in r.aiter_lines():
                if not line.startswith("data:"):
                    continue
                ev = json.loads(line[5:])
                if ev["type"] == "delta" and first is None:
                    first = time.perf_counter() - t0
                if ev["type"] == "done":
                    done = True
                if ev["type"] == "error":
                    break
        ok = r.status_code == 200 and done
    except httpx.HTTPError:
        ok = False
    end = time.perf_counter() - t0
    return (first if first is not None else end), end, ok


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


async def run(url: str, searches: int, chats: int, limit: float) -> list[tuple[str, int, int, list[float]]]:
    async with httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=100)) as client:
        await client.get("/api/search", params={"q": "预热"})  # first call opens the index
        s_tasks = [timed_search(client, QUERIES[i % len(QUERIES)], limit) for i in range(searches)]
        c_tasks = [timed_chat(client, QUESTIONS[i % len(QUESTIONS)], limit) for i in range(chats)]
        results = await asyncio.wait_for(asyncio.gather(*s_tasks, *c_tasks), timeout=limit + 30)
    s_res = results[:searches]
    c_res = results[searches:]
    return [
        ("search", searches, sum(not ok for _, ok in s_res), [t for t, ok in s_res if ok]),
        ("chat: first token", chats, sum(not ok for *_, ok in c_res), [f for f, _, ok in c_res if ok]),
        ("chat: whole answer", chats, sum(not ok for *_, ok in c_res), [e for _, e, ok in c_res if ok]),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--searches", type=int, default=50)
    ap.add_argument("--chats", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=120.0, help="per-request limit in seconds")
    args = ap.parse_args()

    from socialbrain.testing.llm_server import start_server
    from socialbrain.web.app import create_app
    from socialbrain.web.background import ServerThread

    with tempfile.TemporaryDirectory(prefix="socialbrain-bench-serve-") as tmp:
        t0 = time.perf_counter()
        source = build_archive(Path(tmp) / "home")
        print(f"archive: {source}, built in {time.perf_counter() - t0:.1f} s")
        with start_server() as llm:
            app = create_app(
                Path(tmp) / "home",
                overrides={"embedder": "none", "llm_url": llm.url, "llm_model": "test-model"},
            )
            with ServerThread(app) as server:
                t1 = time.perf_counter()
                rows = asyncio.run(run(server.url, args.searches, args.chats, args.timeout))
                wall = time.perf_counter() - t1
    print(f"{args.searches} searches + {args.chats} chats at once over loopback; wall time {wall:.1f} s")
    print(f"{'requests':<20}{'n':>5}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, n, errors, times in rows:
        ms = [t * 1000 for t in times]
        print(
            f"{name:<20}{n:>5}{errors:>8}{pct(ms, 50):>10.0f}{pct(ms, 95):>10.0f}{max(ms, default=float('nan')):>10.0f}"
        )
    return 0 if all(r[2] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
