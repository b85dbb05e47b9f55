"""A query's words as a reader sees them: for highlighting, "why", counts and the relevance floor.

The keyword index searches with many more tokens (sub-words, character bigrams) than a person typed; showing those
gives ``疫【情防】控``. Here a query is cut into whole words (jieba precise mode; a run of kana is one word; Latin
words whole), stop words and question words out, each weighted by jieba's IDF (unknown words count as rare).

    query_terms("疫情防控怎么样")            → [Term("疫情", 8.1), Term("防控", 8.4)]
    highlight("今年疫情防控很严", terms)     → "今年【疫情防控】很严"

A word is marked in a text only where the text's own segmentation has a word boundary on both sides (search mode,
so "疫情" counts inside "疫情防控" but "情防" never does); words of three or more characters, kana and Latin words
(at ``\\b``) match anywhere. Adjacent marks merge into one phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..index.segment import _get_tokenizer, _idf_table, _traditional_chars, normalize, stopwords

# question and filler words: never a topic, never highlighted, never counted ("8 条提到“什么”")
_QUESTION_WORDS_TEXT = (
    "什么 什么样 哪 哪些 哪个 哪里 哪儿 哪年 哪天 怎么 怎么样 怎样 如何 为什么 为何 是否 有没有 是不是 多少 几 几个 谁 "
    "何时 时候 一下 有哪些 有什么 哪一年 哪一天 吗 呢 吧 啊 呀 么 过 了 的 是 有 在 和 与 对 从 中 看 看到 说 说过 "
    "提到 关于 一些 那些 这些 那个 这个 那只 这只 那次 这次 那么 然后 后来 还有 我 我的 你 你的 他 她 它 我们 自己 "
    "迄今 迄今为止 至今 为止 发生 发生过 曾经 一直 所有 全部 总结 回顾 微博 帖子 朋友圈 动态 写 写过 发 发过 "
    "what which who whom when where why how did does do was were is are have has had about my me i you your the a an "
    "of in on at to for and or ever"
)
QUESTION_WORDS = frozenset(_QUESTION_WORDS_TEXT.split())
_KANA = re.compile(r"[\u3040-\u30ff\u30fc]{2,}")
_ASKS_NAME = re.compile(r"(?:叫|是|有|干|做)(?:什么|啥|哪些|几)(?:名字)?")
_FILLER_CHARS = frozenset("那这只个次件些年月天时就都也还又再很太更最把被让给")
_LATIN = re.compile(r"[a-z0-9][a-z0-9'+#.-]*[a-z0-9+#]|[a-z]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Term:
    word: str  # normalised (lowercase, simplified)
    weight: float  # jieba IDF; unknown words weigh as rare ones


def _weight(word: str) -> float:
    idf, median = _idf_table()
    if word in idf:
        return idf[word]
    return max(median, 10.0) if len(word) > 1 else median / 2


def clean_question(text: str) -> str:
    """The question without the words that ask for a name ("那只猫叫什么" → "那只猫 "): what the keyword index
    should look for."""
    return _ASKS_NAME.sub(" ", text)


@lru_cache(maxsize=512)
def query_terms(text: str) -> tuple[Term, ...]:
    """The query's content words in order, no repeats (see the module doc)."""
    t = _ASKS_NAME.sub(" ", normalize(text))  # "那只猫叫什么" asks about 猫, not about "猫叫" (meowing)
    words: list[str] = []
    for m in _KANA.finditer(t):  # Japanese: a kana run (with its kanji) is one word, not one per character
        words.append(m.group(0))
    rest = _KANA.sub(" ", t)
    stop = stopwords()
    for w in _get_tokenizer().lcut(rest):
        w = w.strip()
        if not w or not _WORD.search(w) or w in QUESTION_WORDS or w.isdigit():
            continue
        if w in stop or (len(w) == 1 and _CJK.match(w)) or (w.isascii() and len(w) < 2):
            continue
        if len(w) == 2 and w[0] in "我你他她它":  # jieba's "我养", "她说": the pronoun is not the topic
            continue
        words.append(w)
    if not words:  # a one-character subject ("猫", "妈") counts when there is nothing longer
        words = [
            w
            for w in _get_tokenizer().lcut(rest)
            if len(w) == 1
            and _CJK.match(w)
            and w not in stop
            and w not in QUESTION_WORDS
            and w not in _FILLER_CHARS
        ]
    seen: dict[str, None] = {}
    for w in words:
        seen.setdefault(w, None)
    return tuple(Term(w, _weight(w)) for w in seen)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lowercased, traditional → simplified, same length as ``text`` (so positions carry over)."""
    low = text.lower()
    if not _CJK.search(low) or _traditional_chars().isdisjoint(low):  # simplified already: zhconv not needed
        return low
    from zhconv import convert

    whole: str = convert(low, "zh-hans")  # zhconv has no type hints
    if len(whole) == len(low):
        return whole
    folded = "".join(c if len(c := convert(ch, "zh-hans")) == 1 else ch for ch in low)
    return folded if len(folded) == len(low) else low


@lru_cache(maxsize=1024)
def _boundaries(folded: str) -> frozenset[int]:
    """Word boundaries of ``folded`` in search mode: the precise cut's, plus those of the sub-words of its long words
    ("疫情防控" → 0, 2, 4)."""
    seg = _get_tokenizer()
    out = {0, len(folded)}
    pos = 0
    for w in seg.lcut(folded):
        if len(w) >= 3:
            for sub in seg.lcut_for_search(w):
                i = w.find(sub)
                while i >= 0 and sub:
                    out.update((pos + i, pos + i + len(sub)))
                    i = w.find(sub, i + 1)
        pos += len(w)
        out.add(pos)
    return frozenset(out)


def _whole(word: str, folded: str, i: int) -> bool:
    j = i + len(word)
    if word.isascii():
        before = folded[i - 1] if i else " "
        after = folded[j] if j < len(folded) else " "
        return not (before.isalnum() and before.isascii()) and not (after.isalnum() and after.isascii())
    if len(word) >= 3 or not _CJK.search(word):
        return True
    b = _boundaries(folded)
    return i in b and j in b


def spans(text: str, terms: Sequence[Term]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text`` as whole words, sorted, overlaps removed, adjacent ones merged."""
    folded = fold(text)
    found: list[tuple[int, int]] = []
    for term in sorted(terms, key=lambda t: -len(t.word)):
        w = term.word
        start = 0
        while (i := folded.find(w, start)) >= 0:
            start = i + 1
            if any(a < i + len(w) and i < b for a, b in found) or not _whole(w, folded, i):
                continue
            found.append((i, i + len(w)))
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def matched(text: str, terms: Sequence[Term]) -> list[str]:
    """The terms that occur in ``text`` as whole words, in query order."""
    folded = fold(text)
    out = []
    for t in terms:
        i = folded.find(t.word)
        while i >= 0 and not _whole(t.word, folded, i):
            i = folded.find(t.word, i + 1)
        if i >= 0:
            out.append(t.word)
    return out


def coverage(text: str, terms: Sequence[Term]) -> float:
    """IDF-weighted share of the query's words found in ``text`` (as substrings: segmentation may differ)."""
    total = sum(t.weight for t in terms)
    if not total:
        return 0.0
    folded = fold(text)
    return sum(t.weight for t in terms if t.word in folded) / total


def highlight(text: str, terms: Sequence[Term], mark: tuple[str, str] = ("【", "】")) -> str:
    """``text`` with every whole-word occurrence of the terms wrapped in ``mark``."""
    out, pos = [], 0
    for a, b in spans(text, terms):
        out.append(text[pos:a] + mark[0] + text[a:b] + mark[1])
        pos = b
    out.append(text[pos:])
    return "".join(out)


def snippet(text: str, terms: Sequence[Term], width: int = 140) -> str:
    """About ``width`` characters around the first matched word, every matched word wrapped in 【】."""
    flat = text.replace("\n", " ")
    found = spans(flat, terms)
    if not found:
        return flat[:width] + ("…" if len(flat) > width else "")
    lo = max(0, found[0][0] - width // 4)
    hi = min(len(flat), lo + width)
    out = ["…" if lo > 0 else ""]
    pos = lo
    for a, b in found:
        if a < lo or b > hi:
            continue
        out.append(flat[pos:a] + f"【{flat[a:b]}】")
        pos = b
    out.append(flat[pos:hi])
    if hi < len(flat):
        out.append("…")
    return "".join(out)


__all__ = [
    "QUESTION_WORDS",
    "Term",
    "coverage",
    "fold",
    "highlight",
    "matched",
    "query_terms",
    "snippet",
    "spans",
]
