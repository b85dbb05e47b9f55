"""How fast does a question reach the LLM, and what does a whole-life question cost?

    .venv/bin/python -m bench.answer [--posts 100000] [--questions 30]

1. Latency: ``--posts`` real Weibo reposts/comments from ../shared/datasets/weibo-ced/reposts.jsonl.gz are written
   into a temporary data directory as one person's archive and indexed (keyword index only, no embedder: the
   dense half is measured by bench/retrieval). For each question, the time from calling ``ask_stream`` to the
   first byte of the chat request arriving at a local test LLM server (``socialbrain.testing.llm_server``, which
   records arrival times on the same clock). Target: p50 ≤ 50 ms.
2. Cost: a whole-life question on the sample archive (samples/lin-xiaoyu) answered map-reduce against the test
   server: LLM calls and prompt tokens (as the server counts them: CJK 1/char, else 4 chars/token), first run
   and cached run.

Prints one table.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from socialbrain.answer.ask import ask, ask_stream
from socialbrain.answer.llm import OpenAICompatLLM
from socialbrain.brain import Brain
from socialbrain.models import Kind, Post
from socialbrain.testing.llm_server import start_server

ROOT = Path(__file__).resolve().parent.parent
REPOSTS = ROOT.parent / "shared" / "datasets" / "weibo-ced" / "reposts.jsonl.gz"
SAMPLE = ROOT / "samples" / "lin-xiaoyu"

QUESTIONS = [
    "我对谣言是怎么看的",
    "2012年我转发过哪些关于地震的消息",
    "我怎么评价那些公知",
    "我说过哪些关于食品安全的话",
    "我对政府的看法",
    "有没有提到过高考",
    "我转发过的关于医生的帖子",
    "2011年我在关注什么新闻",
    "我对微博辟谣的态度",
    "有没有说过关于房价的事",
    "我骂过谁",
    "我对转基因的看法",
    "哪些帖子提到了孩子",
    "我评论过的交通事故",
    "what did I say about Apple",
    "我对教育的看法",
    "我转发过的寻人启事",
    "我有没有提到过雾霾",
    "我对明星八卦的态度",
    "有没有关于地沟油的",
    "我对媒体的批评",
    "我说过哪些感谢的话",
    "2013年我关心什么",
    "我对警察的评价",
    "有没有提到过北京",
    "我对捐款的看法",
    "我转发过哪些笑话",
    "我对中国足球的看法",
    "关于癌症我说过什么",
    "我对环保的态度",
]


def load_reposts(brain: Brain, n: int) -> int:
    count = 0
    with gzip.open(REPOSTS, "rt", encoding="utf-8") as f, brain.archive.transaction():
        for line in f:
            r = json.loads(line)
            if not r.get("text"):
                continue
            brain.archive.upsert(
                Post(
                    platform="weibo",
                    account="bench",
                    post_id=r["id"],
                    text=r["text"],
                    created_at=datetime.fromisoformat(r["created_at"]),
                    kind=Kind.REPOST if r.get("parent") else Kind.COMMENT,
                )
            )
            count += 1
            if count >= n:
                break
    return count


def latency(n_posts: int, n_questions: int) -> list[tuple[str, str]]:
    if not REPOSTS.exists():
        return [("latency", f"skipped: {REPOSTS} not found (shared data sets absent)")]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        brain = Brain.open(d, embedder="none")
        t = time.perf_counter()
        loaded = load_reposts(brain, n_posts)
        t_load = time.perf_counter() - t
        from socialbrain.index.sync import sync_index

        t = time.perf_counter()
        sync_index(brain, embed=False)
        t_index = time.perf_counter() - t
        rows.append(("archive posts (weibo-ced reposts)", f"{loaded:,}"))
        rows.append(("load / keyword index build", f"{t_load:.1f} s / {t_index:.1f} s"))
        with start_server() as h:
            llm = OpenAICompatLLM(h.url, "test-model")
            llm.log_path = None
            # warm-up: jieba, index files, HTTP connection
            list(ask_stream(brain, "热身问题 warm up", llm=llm, scope="topk"))
            waits = []
            for q in (QUESTIONS * (1 + n_questions // len(QUESTIONS)))[:n_questions]:
                before = len(h.chat_requests)
                t0 = time.perf_counter()
                for _ev in ask_stream(brain, q, llm=llm, scope="topk"):
                    pass
                waits.append((h.chat_requests[before].arrived - t0) * 1000)
        brain.close()
    waits.sort()
    p50 = statistics.median(waits)
    p95 = waits[min(len(waits) - 1, int(len(waits) * 0.95))]
    rows.append(
        (
            f"question → first byte at LLM, p50 ({len(waits)} questions)",
            f"{p50:.1f} ms ({'OK' if p50 <= 50 else 'over'} target ≤ 50 ms)",
        )
    )
    rows.append(("question → first byte at LLM, p95 / max", f"{p95:.1f} ms / {waits[-1]:.1f} ms"))
    return rows


def _sample_posts(brain: Brain) -> int:
    """Import the sample archive's three exports with the real importers."""
    from socialbrain.sources.ingest import import_paths

    import_paths(brain.archive, [SAMPLE / "weibo", SAMPLE / "twitter", SAMPLE / "wechat"])
    return brain.archive.count()


def whole_life() -> list[tuple[str, str]]:
    if not SAMPLE.is_dir():
        return [("whole-life question", f"skipped: {SAMPLE} not found")]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        brain = Brain.open(d, embedder="none")
        n = _sample_posts(brain)
        q = "从微博中看，人生不快乐的原因有哪些？"
        with start_server() as h:
            llm = OpenAICompatLLM(h.url, "test-model")
            llm.log_path = None
            for label in ("first run", "cached run"):
                before = len(h.chat_requests)
                t = time.perf_counter()
                a = ask(brain, q, llm=llm, scope="all")
                secs = time.perf_counter() - t
                calls = h.chat_requests[before:]
                tokens = a.usage.get("prompt_tokens", 0)
                rows.append(
                    (
                        f"whole-life “{q}” on lin-xiaoyu ({n} posts), {label}",
                        f"{len(calls)} LLM calls ({a.usage.get('map_calls')} map + 1 reduce), "
                        f"{tokens:,} prompt tokens, {secs:.2f} s, {len(a.citations)} citations",
                    )
                )
        brain.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--questions", type=int, default=30)
    args = ap.parse_args()
    rows = latency(args.posts, args.questions) + whole_life()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  result")
    print("-" * (width + 40))
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
