"""Citations in an answer: ``[3]``, ``[1, 4]``, ``[1][2]``, ``【3】``, ``[2-4]``; checked against what was given.

Unknown numbers are dropped from the text and reported, so an answer never points at a post the model was not
shown. :class:`CitationStreamFilter` does the same on a stream of deltas, holding back an open bracket until
the citation is complete.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_NUMS = r"\d{1,4}(?:\s*[-–~]\s*\d{1,4})?(?:\s*[,，、;；]\s*\d{1,4}(?:\s*[-–~]\s*\d{1,4})?)*"
CITATION_RE = re.compile(r"\[\s*(" + _NUMS + r")\s*\]|【\s*(" + _NUMS + r")\s*】")
_MAX_OPEN = 24  # longest citation text we wait for before letting an open bracket through


def _numbers(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"[,，、;；]", group):
        part = part.strip()
        if not part:
            continue
        m = re.match(r"(\d+)\s*[-–~]\s*(\d+)$", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if a <= b and b - a <= 20:
                out.extend(range(a, b + 1))
            else:
                out.extend((a, b))
        else:
            out.append(int(part))
    return out


def parse_citations(text: str) -> list[int]:
    """Every cited number in order of first appearance."""
    seen: dict[int, None] = {}
    for m in CITATION_RE.finditer(text):
        for n in _numbers(m.group(1) or m.group(2)):
            seen.setdefault(n, None)
    return list(seen)


@dataclass
class CitationCheck:
    text: str  # the answer with unknown citations removed and the rest written as [n]
    cited: list[int] = field(default_factory=list)  # valid numbers, first-appearance order
    dropped: list[int] = field(default_factory=list)  # numbers that were not given


class _Checker:
    def __init__(self, valid: Iterable[int]):
        self.valid = set(valid)
        self.cited: dict[int, None] = {}
        self.dropped: dict[int, None] = {}

    def replace(self, m: re.Match[str]) -> str:
        nums = _numbers(m.group(1) or m.group(2))
        keep = []
        for n in nums:
            if n in self.valid:
                self.cited.setdefault(n, None)
                if n not in keep:
                    keep.append(n)
            else:
                self.dropped.setdefault(n, None)
        return "".join(f"[{n}]" for n in keep)


def check_citations(text: str, valid: Iterable[int]) -> CitationCheck:
    """Keep citations whose number is in ``valid``, drop the rest (and the space before a dropped one)."""
    checker = _Checker(valid)
    out = CITATION_RE.sub(checker.replace, text)
    out = re.sub(r"[ \t]+([。，、；：！？.,;:!?])", r"\1", out) if checker.dropped else out
    return CitationCheck(out, list(checker.cited), list(checker.dropped))


class CitationStreamFilter:
    """Filters citations in streamed text: ``feed(delta) -> text safe to show``; ``flush()`` at the end."""

    def __init__(self, valid: Iterable[int]):
        self._checker = _Checker(valid)
        self._buffer = ""

    @property
    def cited(self) -> list[int]:
        return list(self._checker.cited)

    @property
    def dropped(self) -> list[int]:
        return list(self._checker.dropped)

    def feed(self, delta: str) -> str:
        text = self._buffer + delta
        self._buffer = ""
        # hold back an unfinished bracket at the end
        cut = len(text)
        for opener, closer in (("[", "]"), ("【", "】")):
            i = text.rfind(opener)
            if i != -1 and closer not in text[i:] and len(text) - i <= _MAX_OPEN:
                tail = text[i + 1 :]
                if re.fullmatch(r"[\d\s,，、;；\-–~]*", tail):
                    cut = min(cut, i)
        text, self._buffer = text[:cut], text[cut:]
        return CITATION_RE.sub(self._checker.replace, text)

    def flush(self) -> str:
        text, self._buffer = self._buffer, ""
        return CITATION_RE.sub(self._checker.replace, text)


# -- per-claim checking -----------------------------------------------------------------------
#
# An answer is split into claims: sentences (Chinese 。！？；… and English .!? ends, quotes kept whole) and list
# items / lines. A claim is kept only when it carries at least one valid citation; a claim whose citations were all
# invented goes with them. Lead-ins ("原因有：", headings) and plain statements that the posts say nothing are not
# claims and need no citation. ``mark=True`` keeps an uncited claim but labels it（未引用）/ (uncited) instead.

_CJK_END = "。！？；…!?"
_EN_END = ".!?"
_CLOSERS = "”’」』）)】》\"'"
_OPEN_QUOTES = {"“": "”", "「": "」", "『": "』"}
_CITE_AFTER = re.compile(r"(?:[ \t]*(?:" + CITATION_RE.pattern + r"))+")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|Mr|Mrs|Ms|Dr|St|No|p)|\b[A-Z])$")
_INLINE_MARKER = re.compile(r"(?:^|[\s：:，,；;(（])\d{1,2}\.$")  # "原因有：1. 加班 2. 分手" stays one claim
_PENDING_TAIL = re.compile(r"\s*(?:[\[【][\d\s,，、;；\-–~]*)?")
_NO_CLAIM = re.compile(
    r"没有(?:直接)?(?:提到|提及|说到|写到|谈到|找到|相关|记录|讲)|未(?:提到|提及|找到)|并没有|无法(?:从|根据|判断|确定)|"
    r"不包含|找不到|无相关|"
    r"\b(?:do(?:es)?n[o']t|did ?n[o']t|never) (?:mention|say|contain|talk|write|tell)|\bno (?:posts?|mention)\b|"
    r"\bcannot (?:tell|say|find)|\bnot enough\b|\bnothing (?:about|on)\b",
    re.IGNORECASE,
)
UNCITED_MARK = {"zh": "（未引用）", "en": " (uncited)"}


@dataclass
class Claim:
    text: str  # the sentence or item as written, trailing whitespace included
    numbers: list[int] = field(default_factory=list)  # every number it cites, valid or not

    @property
    def body(self) -> str:
        return re.sub(r"[ \t]*(?:" + CITATION_RE.pattern + ")", "", self.text).strip()


def _is_list_marker(before: str) -> bool:
    """``1.`` / ``a.`` at the start of a line is a list marker, not a sentence end."""
    line = before.rsplit("\n", 1)[-1].strip()
    return bool(re.fullmatch(r"(?:[-*•]\s*)?(?:\d{1,3}|[A-Za-z])", line))


def split_claims(text: str) -> list[Claim]:
    """The text cut into sentences and list items; joining their ``text`` gives back ``text`` exactly."""
    out: list[Claim] = []
    start = 0
    i = 0
    n = len(text)
    closing: list[str] = []  # open quotes, innermost last
    ascii_quote = False

    def cut(end: int) -> None:
        nonlocal start
        # trailing whitespace (up to and including one newline run) goes with the claim
        m = re.compile(r"[ \t\u3000]*\n*").match(text, end)
        end = m.end() if m else end
        piece = text[start:end]
        if piece:
            out.append(Claim(piece, parse_citations_all(piece)))
        start = end

    while i < n:
        c = text[i]
        if c == "\n":
            closing.clear()
            ascii_quote = False
            cut(i)
            i = max(i + 1, start)
            continue
        if c in _OPEN_QUOTES:
            closing.append(_OPEN_QUOTES[c])
        elif closing and c == closing[-1]:
            closing.pop()
        elif c == '"':
            ascii_quote = not ascii_quote
        if closing or ascii_quote:
            i += 1
            continue
        is_end = False
        if c in _CJK_END:
            is_end = True
        elif c in _EN_END:
            nxt = text[i + 1] if i + 1 < n else ""
            if c == "." and (
                nxt.isdigit() or _INLINE_MARKER.search(text[start : i + 1]) and nxt not in ("", "\n")
            ):
                is_end = False
            elif nxt == "" or nxt.isspace() or nxt in "[【" or nxt in _CLOSERS:
                is_end = not (c == "." and (_ABBREV.search(text[start:i]) or _is_list_marker(text[start:i])))
        if not is_end:
            i += 1
            continue
        j = i + 1
        while j < n and (text[j] in _CJK_END or text[j] in _EN_END or text[j] in _CLOSERS):
            j += 1
        m = _CITE_AFTER.match(text, j)
        if m:
            j = m.end()
        cut(j)
        i = max(j, start)
    if start < n:
        out.append(Claim(text[start:], parse_citations_all(text[start:])))
    return out


def parse_citations_all(text: str) -> list[int]:
    """Every cited number in order, repeats kept once (like :func:`parse_citations`)."""
    return parse_citations(text)


def needs_citation(claim: Claim) -> bool:
    """Whether the claim states something about the posts (lead-ins, headings, "not mentioned" need none)."""
    body = claim.body
    core = re.sub(r"^(?:[-*•>]|\d{1,3}[.、)]|[（(]\d{1,3}[)）])\s*", "", body).strip()
    if not re.search(r"[\w\u3040-\u30ff\u4e00-\u9fff]", core):
        return False
    if body.startswith("#") or re.fullmatch(r"\*\*[^*]+\*\*[：:]?", core):
        return False
    if core.endswith(("：", ":")):
        return False
    return not _NO_CLAIM.search(core)


@dataclass
class ClaimCheck(CitationCheck):
    """:class:`CitationCheck` plus what happened to the claims: ``unsupported`` are the claims with no valid
    citation (dropped, or kept with a mark when ``mark=True``); ``kept`` counts the claims left."""

    unsupported: list[str] = field(default_factory=list)
    kept: int = 0


class _ClaimJudge:
    def __init__(self, valid: Iterable[int], mark: bool, lang: str | None):
        self.checker = _Checker(valid)
        self.mark = mark
        self.lang = lang
        self.unsupported: list[str] = []
        self.kept = 0

    def judge(self, claim: Claim) -> str:
        """The claim as it should be shown ("" when dropped)."""
        cleaned = CITATION_RE.sub(self.checker.replace, claim.text)
        if claim.numbers and len(cleaned) != len(claim.text):
            cleaned = re.sub(r"[ \t]+([。，、；：！？.,;:!?])", r"\1", cleaned)
        has_valid = any(n in self.checker.valid for n in claim.numbers)
        if has_valid or not needs_citation(claim):
            if claim.body:
                self.kept += 1
            return cleaned
        self.unsupported.append(claim.body)
        if not self.mark:
            return ""
        lang = self.lang or ("zh" if re.search(r"[\u4e00-\u9fff]", claim.text) else "en")
        core = cleaned.rstrip()
        self.kept += 1
        return core + UNCITED_MARK[lang] + cleaned[len(core) :]


def check_claims(
    text: str, valid: Iterable[int], *, mark: bool = False, lang: str | None = None
) -> ClaimCheck:
    """Per-claim check of an answer against the numbers ``valid`` of the material given.

    Each sentence / list item keeps only its valid citations; a claim with none left is dropped (or, with
    ``mark=True``, kept and labelled（未引用）/ (uncited)). Lead-ins ending in "：", headings and statements that
    the posts do not mention something need no citation. This is the one checker the answers and the reports use.
    """
    judge = _ClaimJudge(valid, mark, lang)
    out = "".join(judge.judge(c) for c in split_claims(text))
    out = re.sub(r"\n{3,}", "\n\n", out)
    return ClaimCheck(
        out.strip(),
        list(judge.checker.cited),
        list(judge.checker.dropped),
        unsupported=judge.unsupported,
        kept=judge.kept,
    )


class ClaimStreamFilter:
    """:func:`check_claims` on a stream: ``feed(delta)`` returns the finished claims that pass, ``flush()`` the
    rest. A claim is held until the next one starts (so a citation after its full stop still counts)."""

    def __init__(self, valid: Iterable[int], *, mark: bool = False, lang: str | None = None):
        self._judge = _ClaimJudge(valid, mark, lang)
        self._buffer = ""

    @property
    def cited(self) -> list[int]:
        return list(self._judge.checker.cited)

    @property
    def dropped(self) -> list[int]:
        return list(self._judge.checker.dropped)

    @property
    def unsupported(self) -> list[str]:
        return list(self._judge.unsupported)

    @property
    def kept(self) -> int:
        return self._judge.kept

    def feed(self, delta: str) -> str:
        self._buffer += delta
        claims = split_claims(self._buffer)
        hold = 1
        if len(claims) >= 2 and _PENDING_TAIL.fullmatch(claims[-1].text):
            hold = 2
        ready, rest = claims[:-hold], claims[-hold:]
        if not ready:
            return ""
        self._buffer = "".join(c.text for c in rest)
        return "".join(self._judge.judge(c) for c in ready)

    def flush(self) -> str:
        text, self._buffer = self._buffer, ""
        return "".join(self._judge.judge(c) for c in split_claims(text))
