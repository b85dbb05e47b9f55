"""The MCP protocol's overhead: `search_posts` tool calls over stdio next to the same search called in-process.

    .venv/bin/python -m bench.mcp [--posts 100000] [--calls 100] [--rebuild]

Archive: the first N real reposts/comments of ../shared/datasets/weibo-ced (default 100k), built once into a cache
folder under the temp dir and reused; keyword-only index (embedder none), so the figures measure search and
protocol, not an embedder. Without the data sets the sample person (samples/lin-xiaoyu, ~400 posts) is used, and the
table says so. Both sides answer the same --calls queries (20 queries, round robin, one warm-up call each first),
taken alternately so machine load hits both alike:
in-process ``retrieve.search.search(brain, q, k=10)``, and through a `socialbrain mcp` subprocess driven by the
official MCP client (``call_tool("search_posts", {"query": q, "k": 10})``: JSON-RPC over pipes, argument validation,
result serialisation). Prints one table: p50 / p95 / mean per call and the ratio MCP / in-process.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT.parent / "shared" / "datasets"
REPOSTS = DATASETS / "weibo-ced" / "reposts.jsonl.gz"
SAMPLE = ROOT / "samples" / "lin-xiaoyu"
CN = ZoneInfo("Asia/Shanghai")
QUERIES = [
    "谣言",
    "辟谣",
    "地震",
    "转发",
    "北京",
    "警察",
    "孩子 失踪",
    "真的假的",
    "2012年 地震",
    "微博",
    "医院",
    "手机",
    "政府",
    "感动",
    "2013年 转发",
    "老人",
    "学生",
    "食品 安全",
    "公安",
    "天气",
]


def _cache_dir(n: int) -> Path:
    return Path(tempfile.gettempdir()) / f"socialbrain-bench-mcp-{n}"


def build_archive(n: int, rebuild: bool) -> tuple[Path, str]:
    """The archive folder and a description of what is in it."""
    from socialbrain.brain import Brain
    from socialbrain.index.sync import sync_index
    from socialbrain.models import Kind, Post

    if not REPOSTS.exists():
        home = Path(tempfile.mkdtemp(prefix="socialbrain-bench-mcp-sample-"))
        from socialbrain.sources.ingest import import_paths

        brain = Brain.open(home, embedder="none")
        import_paths(brain.archive, [SAMPLE / "weibo", SAMPLE / "twitter", SAMPLE / "wechat"])
        sync_index(brain, embed=False)
        count = brain.archive.count()
        brain.close()
        return home, f"samples/lin-xiaoyu ({count} posts; ../shared/datasets absent)"
    home = _cache_dir(n)
    done = home / "built.json"
    if done.exists() and not rebuild:
        return home, json.loads(done.read_text())["what"]
    if home.exists():
        import shutil

        shutil.rmtree(home)
    brain = Brain.open(home, embedder="none")
    t0 = time.perf_counter()
    batch: list[Post] = []
    with gzip.open(REPOSTS, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if not (r.get("text") or "").strip():
                continue
            created = datetime.fromisoformat(r["created_at"])
            batch.append(
                Post(
                    platform="weibo",
                    account="bench",
                    created_at=created if created.tzinfo else created.replace(tzinfo=CN),
                    text=r["text"],
                    post_id=str(r["id"]),
                    kind=Kind.REPOST,
                )
            )
            if len(batch) >= n:
                break
    brain.archive.upsert_many(batch)
    print(f"archive: {len(batch)} posts in {time.perf_counter() - t0:.0f} s; indexing…", file=sys.stderr)
    sync_index(brain, embed=False)
    count = brain.archive.count()
    brain.close()
    what = f"weibo-ced reposts, {count:,} posts, keyword-only index"
    done.write_text(json.dumps({"what": what}))
    return home, what


def measure(home: Path, queries: list[str]) -> tuple[list[float], list[float], float]:
    """In-process and MCP-over-stdio timings, taken alternately query by query (so load on a shared machine hits
    both sides alike). Returns (in-process seconds, MCP seconds, server start + handshake seconds)."""
    import anyio
    from mcp.client.stdio import stdio_client

    from mcp import Client, StdioServerParameters
    from socialbrain.brain import Brain
    from socialbrain.retrieve.search import search

    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALBRAIN_")}
    env.update(SOCIALBRAIN_HOME=str(home), SOCIALBRAIN_EMBEDDER="none")
    params = StdioServerParameters(
        command=str(Path(sys.executable).parent / "socialbrain"), args=["mcp"], env=env
    )
    brain = Brain.open(home, embedder="none")

    async def go() -> tuple[list[float], list[float], float]:
        t0 = time.perf_counter()
        with open(os.devnull, "w") as devnull:
            async with Client(stdio_client(params, errlog=devnull)) as c:
                connect = time.perf_counter() - t0
                for q in dict.fromkeys(queries):  # warm-up: jieba, SQLite pages, on both sides
                    search(brain, q, k=10)
                    await c.call_tool("search_posts", {"query": q, "k": 10})
                local, remote = [], []
                for q in queries:
                    t1 = time.perf_counter()
                    search(brain, q, k=10)
                    local.append(time.perf_counter() - t1)
                    t1 = time.perf_counter()
                    r = await c.call_tool("search_posts", {"query": q, "k": 10})
                    remote.append(time.perf_counter() - t1)
                    if r.is_error:
                        raise RuntimeError(r.content[0].text)
        return local, remote, connect

    try:
        return anyio.run(go)
    finally:
        brain.close()


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--calls", type=int, default=100)
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached archive")
    args = ap.parse_args(argv)
    home, what = build_archive(args.posts, args.rebuild)
    queries = [QUERIES[i % len(QUERIES)] for i in range(args.calls)]
    local, remote, connect = measure(home, queries)
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"search_posts over MCP stdio vs in-process — {what}, {args.calls} calls, k=10")
    for col in ("path", "p50 ms", "p95 ms", "mean ms"):
        t.add_column(col, justify="right" if col != "path" else "left")
    for label, xs in (("in-process search()", local), ("MCP stdio call_tool", remote)):
        t.add_row(
            label,
            f"{pct(xs, 50) * 1000:.1f}",
            f"{pct(xs, 95) * 1000:.1f}",
            f"{statistics.mean(xs) * 1000:.1f}",
        )
    t.add_row(
        "ratio MCP / in-process",
        f"{pct(remote, 50) / pct(local, 50):.2f}×",
        f"{pct(remote, 95) / pct(local, 95):.2f}×",
        f"{statistics.mean(remote) / statistics.mean(local):.2f}×",
    )
    Console().print(t)
    print(f"(MCP server start + handshake: {connect:.1f} s; archive {home})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
