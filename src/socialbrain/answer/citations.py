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
