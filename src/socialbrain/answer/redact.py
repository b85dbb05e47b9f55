"""The one redaction module: what leaves the machine (LLM prompts, public reports, MCP ``--redact``) goes through here.

``Redactor(mode="llm")`` hides phone numbers, landlines, e-mails, ID-card numbers and gives every @name a consistent
pseudonym (``@某人A``); ``Redactor(mode="public")`` also hides street addresses and replaces other people's names
wherever they appear once they were seen as @names. One Redactor keeps its pseudonyms, so the same person is the
same 某人X across every text it redacts; ``.replacements`` lists what was replaced (for ``--dry-run``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MODES = ("llm", "public")

PHONE = "[手机号]"
LANDLINE = "[电话]"
EMAIL = "[邮箱]"
ID_CARD = "[身份证号]"
ADDRESS = "[地址]"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# 18-digit resident ID: region (6), birth date yyyymmdd, sequence (3), check digit or X
_ID_RE = re.compile(
    r"(?<![\dA-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])"
)
# mainland mobile: optional +86 / 0086 / (+86), separators space, dash or dot in 3-4-4 groups
_MOBILE_RE = re.compile(r"(?<![\d+])(?:(?:\(\+?86\)|\+86|0086|86)[-\s.]?)?1[3-9]\d(?:[-\s.]?\d{4}){2}(?!\d)")
# landline: 0xx(x)-xxxxxxx(x) with optional +86 (then the leading 0 may be dropped) and extension
_LANDLINE_RE = re.compile(
    r"(?<![\d+])(?:(?:\+86|0086)[-\s]?\(?0?\d{2,3}\)?[-\s]?|\(0\d{2,3}\)[-\s]?|0\d{2,3}[-\s]?)"
    r"\d{3,4}[-\s]?\d{4}(?:\s*(?:转|ext\.?|x)\s*\d{1,5})?(?!\d)"
)
# North-American style numbers: (415) 555-0100, 415-555-0100, +1 415 555 0100
_US_PHONE_RE = re.compile(r"(?<![\d+])(?:\+1[-\s.]?)?(?:\(\d{3}\)\s?|\d{3}[-\s.])\d{3}[-\s.]\d{4}(?!\d)")
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9_.+@-])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# @name: Weibo names (Chinese, letters, digits, _ and -), Twitter handles, Mastodon @user@host
_HANDLE_RE = re.compile(r"(?<![A-Za-z0-9_@/.])@([\w\-]{1,30}(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")

_CN_ROAD = r"(?:路|街|大街|大道|巷|弄|胡同|里)"
_CN_ADDRESS_RE = re.compile(
    r"(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,8}?市)?(?:[\u4e00-\u9fff]{1,8}?(?:区|县|镇))?"
    r"[\u4e00-\u9fff\dA-Za-z]{1,12}?" + _CN_ROAD + r"\s*\d{1,5}(?:[-之]\d{1,4})?\s*号"
    r"(?:\s*[\dA-Za-z\-]{1,6}\s*(?:号楼|栋|幢|座|单元|楼|层|室|号))*"
)
# words that often stand right before an address and must not be swallowed into it
_ADDRESS_LEAD = re.compile(r"^.*(?:住在|搬到|位于|地址是|地址为|地址|住址|寄到|送到|来到|在|到|于|是|：|:)")
_EN_STREET = r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Ln|Lane|Dr|Drive|Way|Ct|Court|Pl|Place|Terrace|Sq|Square)"
_EN_ADDRESS_RE = re.compile(
    r"\b\d{1,6}\s+(?:[A-Z][A-Za-z]*\.?\s+){1,4}" + _EN_STREET + r"\b\.?"
    r"(?:,?\s*(?:Apt|Apartment|Suite|Unit|#)\.?\s*[\w-]+)?"
)


def valid_id_card(number: str) -> bool:
    """True when an 18-digit resident ID number's check digit matches."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _pseudonym(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(ord("A") + r) + letters
    return "某人" + letters


class Redactor:
    """Consistent redaction for one session, report or tool call.

    ``keep``: names that stay as they are (the archive owner's own handles).
    """

    def __init__(self, mode: str = "llm", *, keep: Iterable[str] = ()):
        if mode not in MODES:
            raise ValueError(f"redaction mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.keep = {k.lstrip("@").lower() for k in keep if k}
        self.names: dict[str, str] = {}  # original name -> pseudonym (without @)
        self._seen: dict[tuple[str, str], None] = {}

    @property
    def replacements(self) -> list[tuple[str, str]]:
        """Every (original, replacement) pair so far, first-seen order, without duplicates."""
        return list(self._seen)

    def _note(self, original: str, replacement: str) -> None:
        self._seen.setdefault((original, replacement), None)

    def pseudonym(self, name: str) -> str:
        """The pseudonym for a name (``林小雨`` or ``@林小雨``), allocating one if new; kept names come back as-is."""
        name = name.lstrip("@")
        if name.lower() in self.keep:
            return name
        if name not in self.names:
            self.names[name] = _pseudonym(len(self.names))
        return self.names[name]

    def _sub(self, pattern: re.Pattern[str], text: str, placeholder: str, check: Any = None) -> str:
        def repl(m: re.Match[str]) -> str:
            s = m.group(0)
            if check is not None and not check(s):
                return s
            self._note(s, placeholder)
            return placeholder

        return pattern.sub(repl, text)

    def _cn_address(self, m: re.Match[str]) -> str:
        s = m.group(0)
        lead = _ADDRESS_LEAD.match(s[: max(0, len(s) - 4)])
        keep_prefix = lead.group(0) if lead else ""
        core = s[len(keep_prefix) :]
        self._note(core, ADDRESS)
        return keep_prefix + ADDRESS

    def _handle(self, m: re.Match[str]) -> str:
        name = m.group(1)
        p = self.pseudonym(name)
        if p == name.lstrip("@"):
            return m.group(0)
        self._note("@" + name, "@" + p)
        return "@" + p

    def _bare_names(self, text: str) -> str:
        for name, p in sorted(self.names.items(), key=lambda kv: -len(kv[0])):
            if len(name) < 2 or name not in text:
                continue
            if name.isascii():
                pattern = re.compile(r"(?<![\w@])" + re.escape(name) + r"(?!\w)")
            else:
                pattern = re.compile(r"(?<!@)" + re.escape(name))
            new = pattern.sub(p, text)
            if new != text:
                self._note(name, p)
                text = new
        return text

    def redact(self, text: str | None) -> str:
        """The text with PII replaced; None becomes ''."""
        if not text:
            return ""
        t = self._sub(_ID_RE, text, ID_CARD)
        t = self._sub(_EMAIL_RE, t, EMAIL)
        t = self._sub(_MOBILE_RE, t, PHONE)
        t = self._sub(_LANDLINE_RE, t, LANDLINE)
        t = self._sub(_US_PHONE_RE, t, PHONE)
        t = _HANDLE_RE.sub(self._handle, t)
        if self.mode == "public":
            t = _CN_ADDRESS_RE.sub(self._cn_address, t)
            t = self._sub(_EN_ADDRESS_RE, t, ADDRESS)
            t = self._bare_names(t)
        return t

    def learn(self, texts: Iterable[str | None]) -> None:
        """See @names in ``texts`` first (without redacting), so bare mentions earlier in a report are caught too."""
        for text in texts:
            for m in _HANDLE_RE.finditer(text or ""):
                self.pseudonym(m.group(1))

    def redact_obj(self, obj: Any) -> Any:
        """Redact every string inside JSON-like data (dict keys too); other values pass through."""
        if isinstance(obj, str):
            return self.redact(obj)
        if isinstance(obj, dict):
            return {(self.redact(k) if isinstance(k, str) else k): self.redact_obj(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [self.redact_obj(v) for v in obj]
        return obj

    def restore(self, text: str) -> str:
        """Put the real @names back into a text written with pseudonyms (e.g. an LLM answer shown locally)."""
        for name, p in sorted(self.names.items(), key=lambda kv: -len(kv[1])):
            text = text.replace(p, name)
        return text


def redact_text(text: str | None, mode: str = "llm") -> str:
    """One-off redaction with a fresh Redactor."""
    return Redactor(mode).redact(text)
