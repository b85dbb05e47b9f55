"""Mood of posts: a positive/negative score in [0, 1] per post, averaged per month for the yearly review.

Two methods, measured on labelled real Weibo sentences (``bench/report.py``, weibo-emotion dev split; the 7 emotions
mapped Optimism/Gratitude → positive, Fear/Anger/Sadness/Disgust → negative, Surprise left out as ambiguous):

- ``snownlp``: SnowNLP's naive-Bayes sentiment model (trained on shopping reviews), from the package registry.
- ``lexicon``: a small hand-written lexicon of Chinese/English mood words and Weibo emoji codes, with negation.

``DEFAULT_METHOD`` is the one that measured better; see docs/reports.md for the figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

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
    "平安",
    "健康",
    "胜利",
    "支持",
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
    "威武",
    "英雄",
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
    "谣言",
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
    "病",
    "死",
    "去世",
    "灾难",
    "事故",
    "危险",
    "严重",
    "糟糕",
    "倒霉",
    "坑",
    "差",
    "不满",
    "抗议",
    "腐败",
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
    "造假",
    "污染",
    "疫情",
    "感染",
    "封城",
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
    return 1.0 / (1.0 + pow(2.718281828, -total))


def snownlp_score(text: str) -> float:
    """0..1 from SnowNLP's sentiment model (slow: ~1 ms per short post)."""
    if not text or not text.strip():
        return 0.5
    from snownlp import SnowNLP

    return float(SnowNLP(text).sentiments)


METHODS: dict[str, Callable[[str], float]] = {"lexicon": lexicon_score, "snownlp": snownlp_score}
DEFAULT_METHOD = "lexicon"


def score(text: str, method: str = DEFAULT_METHOD) -> float:
    return METHODS[method](text)


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
