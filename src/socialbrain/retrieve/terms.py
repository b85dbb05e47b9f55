"""A query's words as a reader sees them: for highlighting, "why", counts and the relevance floor.

The keyword index searches with many more tokens (sub-words, character bigrams) than a person typed; showing those
gives ``疫【情防】控``. Here a query is cut into whole words (jieba precise mode; a run of kana is one word; Latin
words whole), stop words and question words out, each weighted by jieba's IDF (unknown words count as rare).

    query_terms("疫情防控怎么样")            → [Term("疫情", 8.1), Term("防控", 8.4)]
    highlight("今年疫情防控很严", terms)     → "今年【疫情防控】很严"

A **concept** the query names (``CONCEPTS``: 社交媒体 / social media) also matches the everyday words people use for
it: few write "社交媒体" about their own 微博 or 朋友圈. ``query_terms("对社交媒体的看法")`` →
``[Term("社交媒体", 9.4, forms=("社交媒体", …, "微博", "朋友圈", "微信", …, "social media")), Term("看法", 6.6)]``;
such a term counts (coverage, "why", highlighting, themes) wherever any of its forms occurs.

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
    forms: tuple[
        str, ...
    ] = ()  # a concept's words (CONCEPTS), the concept itself first; empty for a plain word

    @property
    def words(self) -> tuple[str, ...]:
        """What counts as this term in a text: the word, or a concept's forms."""
        return self.forms or (self.word,)

    def found_in(self, folded: str) -> bool:
        """Whether any of the term's words occurs in ``folded`` (a :func:`fold` ed text) as a substring."""
        return any(w in folded for w in self.words)


# concepts people name in a question but write about by their everyday names: the concept phrase (as typed, found
# before segmentation, which would cut it into ordinary words) → the words a post about it uses. Platform names
# are general (any Chinese/English archive), not the sample's; a name that is also an ordinary word (豆瓣酱, 快手, 转发,
# 粉丝) is not.
_SOCIAL_MEDIA = (
    "社交媒体 社交网络 社交平台 社交网站 社交软件 自媒体 微博 朋友圈 微信 qq空间 人人网 知乎 小红书 抖音 b站 哔哩哔哩 "
    "推特 脸书 twitter facebook instagram mastodon 长毛象"
)
CONCEPTS: dict[str, tuple[str, ...]] = {
    "社交媒体": (*_SOCIAL_MEDIA.split(), "social media", "social network"),
}
_CONCEPT_PHRASES = re.compile(r"社交(?:媒体|网络|平台|网站|软件)|social[ -]?(?:media|network(?:s|ing)?)")


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
    concepts: list[str] = []
    if _CONCEPT_PHRASES.search(t):  # "社交媒体": one concept term, not 社交 + 媒体
        concepts.append("社交媒体")
        t = _CONCEPT_PHRASES.sub(" ", t)
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
    if not words and not concepts:  # a one-character subject ("猫", "妈") counts when there is nothing longer
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
    found = dict.fromkeys(concepts)
    return tuple(Term(c, _weight("社交"), CONCEPTS[c]) for c in found) + tuple(
        Term(w, _weight(w)) for w in seen if w not in found
    )


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


def _whole(word: str, folded: str, i: int, name: bool = False) -> bool:
    """Whether ``word`` at ``folded[i]`` is a whole word; a ``name`` (a concept's form, CONCEPTS) needs no word
    boundary in Chinese: jieba cuts "微博是我的树洞" as 微博是 / 我 / …"""
    j = i + len(word)
    if word.isascii():
        before = folded[i - 1] if i else " "
        after = folded[j] if j < len(folded) else " "
        return not (before.isalnum() and before.isascii()) and not (after.isalnum() and after.isascii())
    if name or len(word) >= 3 or not _CJK.search(word):
        return True
    b = _boundaries(folded)
    return i in b and j in b


def spans(text: str, terms: Sequence[Term]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text`` as whole words, sorted, overlaps removed, adjacent ones merged."""
    folded = fold(text)
    found: list[tuple[int, int]] = []
    names = {w for t in terms for w in t.forms}  # a concept's forms are names: whole wherever they occur
    for w in sorted({w for t in terms for w in t.words}, key=lambda w: -len(w)):
        start = 0
        while (i := folded.find(w, start)) >= 0:
            start = i + 1
            if any(a < i + len(w) and i < b for a, b in found) or not _whole(w, folded, i, w in names):
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
        for w in t.words:
            i = folded.find(w)
            while i >= 0 and not _whole(w, folded, i, bool(t.forms)):
                i = folded.find(w, i + 1)
            if i >= 0:
                out.append(t.word)
                break
    return out


def coverage(text: str, terms: Sequence[Term]) -> float:
    """IDF-weighted share of the query's words found in ``text`` (as substrings: segmentation may differ)."""
    total = sum(t.weight for t in terms)
    if not total:
        return 0.0
    folded = fold(text)
    return sum(t.weight for t in terms if t.found_in(folded)) / total


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
