"""The one redaction module: what leaves the machine (LLM prompts, public reports, MCP ``--redact``) goes through here.

``Redactor(mode="llm")`` hides phone numbers, landlines, e-mails, resident-ID numbers (18 and old 15 digits), bank
cards (Luhn-checked, spaced or not), QQ numbers, WeChat ids, plate numbers, third-party links (with their tokens),
recipient names on shipping labels and addresses down to the room, and gives every @name (``//@name:`` repost chains
included) a consistent pseudonym (``@某人A``). ``Redactor(mode="public")`` also hides street addresses and replaces
other people's names wherever they appear once they were seen as @names — their short forms too ("阿蛮说" once
``@阿蛮Aman`` was seen). Names the user chose to hide (``[privacy] hide_names``, e.g. ``妈妈:王秀兰``) are hidden in
both modes, kinship label kept: ``王秀兰`` → ``[妈妈]``.

Every pattern is bounded on both sides by what cannot continue it (ASCII patterns stop at CJK text), so a
placeholder never swallows its neighbours: ``手机号13812345678和邮箱a@b.com`` → ``手机号[手机号]和邮箱[邮箱]``.

One Redactor keeps its pseudonyms, so the same person is the same 某人X across every text it redacts;
``.replacements`` lists what was replaced (for ``--public`` previews and ``--dry-run``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Settings

#: the name patterns of one Redactor state: full CJK names, full ASCII names, short forms (each None when there
#: are none) and short form → pseudonym
_Patterns = tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None, dict[str, str]]

MODES = ("llm", "public")

PHONE = "[手机号]"
LANDLINE = "[电话]"
EMAIL = "[邮箱]"
ID_CARD = "[身份证号]"
ADDRESS = "[地址]"
BANK_CARD = "[银行卡号]"
QQ = "[QQ号]"
WECHAT = "[微信号]"
PLATE = "[车牌号]"
URL = "[链接]"
PERSON = "[姓名]"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MMDD = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"

# 18-digit resident ID: region (6), birth date yyyymmdd, sequence (3), check digit or X
_ID_RE = re.compile(r"(?<![\dA-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}" + _MMDD + r"\d{3}[\dXx](?![\dA-Za-z])")
# the old 15-digit ID (before 1999): region (6), birth date yymmdd, sequence (3)
_ID15_RE = re.compile(r"(?<![\dA-Za-z])[1-9]\d{5}\d{2}" + _MMDD + r"\d{3}(?![\dA-Za-z])")
# bank cards: 16-19 digits, contiguous or in groups of four (space or dash), Luhn-checked unless a keyword names them
_CARD_RE = re.compile(
    r"(?<![\dA-Za-z])(?:\d{16,19}|\d{4}(?:[ \-]\d{4}){3}(?:[ \-]?\d{1,3})?|\d{6}[ \-]\d{12,13})(?![\dA-Za-z])"
)
_CARD_WORDS = re.compile(
    r"(?:卡号|银行卡|储蓄卡|信用卡|借记卡|工资卡|账号|帐号|收款|转账|card)", re.IGNORECASE
)
_NOT_CARD_WORDS = re.compile(r"(?:订单|单号|运单|快递|流水|编号|工号|序列号|order)", re.IGNORECASE)
# mainland mobile: optional +86 / 0086 / (+86), separators space, dash or dot in 3-4-4 groups
_MOBILE_RE = re.compile(r"(?<![\d+])(?:(?:\(\+?86\)|\+86|0086|86)[-\s.]?)?1[3-9]\d(?:[-\s.]?\d{4}){2}(?!\d)")
# landline: 0xx(x)-xxxxxxx(x) with optional +86 (then the leading 0 may be dropped) and extension
_LANDLINE_RE = re.compile(
    r"(?<![\d+])(?:(?:\+86|0086)[-\s]?\(?0?\d{2,3}\)?[-\s]?|\(0\d{2,3}\)[-\s]?|0\d{2,3}[-\s]?)"
    r"\d{3,4}[-\s]?\d{4}(?:\s*(?:转|ext\.?|x)\s*\d{1,5})?(?!\d)"
)
# North-American style numbers: (415) 555-0100, 415-555-0100, +1 415 555 0100
_US_PHONE_RE = re.compile(r"(?<![\d+])(?:\+1[-\s.]?)?(?:\(\d{3}\)\s?|\d{3}[-\s.])\d{3}[-\s.]\d{4}(?!\d)")
# ASCII only on both sides: CJK text next to an address is never part of it
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9_.+@-])[A-Za-z0-9][A-Za-z0-9_.+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
# QQ and WeChat: only a number/id that a keyword introduces (a bare 9-digit number is not a QQ number)
_QQ_RE = re.compile(
    r"(?i)(?<![A-Za-z])(?:QQ|扣扣|企鹅)(?:群|号码|号)?\s*(?:是|为|[:：])?\s*(?P<v>[1-9]\d{4,10})(?!\d)"
)
_WECHAT_RE = re.compile(
    r"(?i)(?:微信|weixin|wechat|(?<![A-Za-z])vx|(?<![A-Za-z])wx|[vV]信|威信|薇信|维信)(?:号|id|ID)?\s*(?:是|为|[:：])?\s*"
    r"(?P<v>[A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])"
)
_WXID_RE = re.compile(r"(?i)(?<![A-Za-z0-9_])wxid_[a-z0-9]{6,}(?![A-Za-z0-9_])")
# plates: province, letter, optional dot/space, 5 (or 6 for new-energy) letters/digits with at least one digit
_PLATE_RE = re.compile(
    r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•\s\-]?"
    r"(?=[A-HJ-NP-Z]{0,5}\d)[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])"
)
# links: with a scheme, www., or a domain followed by a path; they end at whitespace, CJK or full-width punctuation
_URL_STOP = r"\s<>\"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_URL_RE = re.compile(
    r"(?i)(?:\b(?:https?|ftp)://|\bwww\.|(?<![A-Za-z0-9_@./-])(?:[a-z0-9-]+\.)+(?:com|cn|net|org|io|me|cc|co|tv|xyz|top|info)/)"
    r"[^" + _URL_STOP + r"]*"
)
_URL_TRAIL = ".,;:!?)]}'\""
# @name: Weibo names (Chinese, letters, digits, _ and -), Twitter handles, Mastodon @user@host; ``//@name:`` too
_HANDLE_RE = re.compile(r"(?<![A-Za-z0-9_@.])@([\w\-]{1,30}(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")
# a name right after a shipping-label or form keyword
_LABEL_NAME_RE = re.compile(
    r"(?P<k>收件人|收货人|联系人|寄件人|收件|户主|姓名|真名|本名)(?P<sep>\s*(?:是|为|[:：])?\s*)"
    r"(?P<v>[\u4e00-\u9fff]{2,4}?)(?=[\s，,。；;、（(\[]|电话|手机|$|\d|先生|女士|小姐)"
)

_CN_ROAD = r"(?:路|街|大街|大道|巷|弄|胡同|里)"
_CN_UNIT = r"(?:\s*[\dA-Za-z\-]{1,6}\s*(?:号楼|栋|幢|座|单元|楼|层|室|号))"
_CN_ADDRESS_RE = re.compile(
    r"(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,8}?市)?(?:[\u4e00-\u9fff]{1,8}?(?:区|县|镇))?"
    r"(?:[\u4e00-\u9fff\dA-Za-z]{1,12}?" + _CN_ROAD + r"\s*\d{1,5}(?:[-之]\d{1,4})?\s*号" + _CN_UNIT + "*"
    r"|[\u4e00-\u9fff]{2,10}?(?:小区|花园|公寓|大厦|新村|家园|苑|公馆|宿舍)" + _CN_UNIT + "+)"
)
# words that often stand right before an address and must not be swallowed into it
_ADDRESS_LEAD = re.compile(
    r"^.*(?:住在|搬到|搬进|位于|地址是|地址为|收货地址|地址|住址|寄到|送到|来到|回到|在|到|于|是|：|:)"
)
_ADDRESS_DETAIL = re.compile(r"(?:号楼|栋|幢|单元|室)")
_EN_STREET = r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Ln|Lane|Dr|Drive|Way|Ct|Court|Pl|Place|Terrace|Sq|Square)"
_EN_ADDRESS_RE = re.compile(
    r"\b\d{1,6}\s+(?:[A-Z][A-Za-z]*\.?\s+){1,4}" + _EN_STREET + r"\b\.?"
    r"(?:,?\s*(?:Apt|Apartment|Suite|Unit|#)\.?\s*[\w-]+)?"
)
# what may follow (or precede) a short form of a name for it to be read as that name
_SHORT_AFTER = (
    r"(?=说|讲|问|告诉|回|笑|哭|和|跟|同|的|也|在|又|还|都|就|请|给|带|陪|去|来|今|昨|明|家|姐|哥|妹|弟|"
    r"[：:，,。！!？?、\s]|$)"
)
_SHORT_BEFORE = r"(?<=和|跟|与|同|给|陪|叫|找|见|约|@)"
_KIN_WORDS = (
    "妈妈 爸爸 母亲 父亲 老妈 老爸 奶奶 爷爷 外婆 外公 姥姥 姥爷 姐姐 哥哥 妹妹 弟弟 老婆 老公 妻子 丈夫 "
    "女儿 儿子 男友 女友 男朋友 女朋友 对象 前任 阿姨 叔叔 舅舅 姑姑 婶婶 表姐 表哥 表妹 表弟 堂姐 堂哥 家人 亲戚"
)
_KIN = frozenset(_KIN_WORDS.split())
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PSEUDO_RE = re.compile(r"某人[A-Z]+")
_CJK_RUN = re.compile(r"^[\u4e00-\u9fff]+")


def valid_id_card(number: str) -> bool:
    """True when an 18-digit resident ID number's check digit matches."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every bank card number carries."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def short_forms(name: str) -> list[str]:
    """Shorter ways a CJK name is written: its leading CJK run (``阿蛮`` of ``阿蛮Aman``), 2-3 character prefixes of
    a longer nickname, and the given name of a three-character personal name (``小雨`` of ``林小雨``)."""
    name = name.lstrip("@")
    m = _CJK_RUN.match(name)
    if not m:
        return []
    run = m.group(0)
    out: list[str] = []
    if run != name and len(run) >= 2:
        out.append(run)
    if len(run) >= 4:
        out += [run[:2], run[:3]]
    elif len(run) == 3:
        out += [run[:2], run[1:]]
    return [s for s in dict.fromkeys(out) if s != name and s not in _KIN]


def parse_hidden(entries: str | Iterable[str] | None) -> list[tuple[str, str | None]]:
    """``"妈妈:王秀兰, 阿蛮"`` (or a list of such) → ``[("王秀兰", "妈妈"), ("阿蛮", None)]``."""
    if not entries:
        return []
    items = re.split(r"[,，;；\n]", entries) if isinstance(entries, str) else list(entries)
    out: list[tuple[str, str | None]] = []
    for item in items:
        item = str(item).strip()
        if not item:
            continue
        label, sep, name = item.partition(":") if ":" in item else item.partition("：")
        if sep and name.strip():
            out.append((name.strip().lstrip("@"), label.strip() or None))
        else:
            out.append((item.lstrip("@"), None))
    return out


def _pseudonym(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(ord("A") + r) + letters
    return "某人" + letters


class Redactor:
    """Consistent redaction for one session, report or tool call.

    ``keep``: names that stay as they are (the archive owner's own handles). ``keep_urls``: links that stay (the
    owner's own post permalinks). ``hide``: names the user chose to hide, ``"label:name"`` or ``"name"`` (see
    :func:`parse_hidden`); hidden in both modes, short forms too.
    """

    def __init__(
        self,
        mode: str = "llm",
        *,
        keep: Iterable[str] = (),
        keep_urls: Iterable[str] = (),
        hide: str | Iterable[str] | None = None,
    ):
        if mode not in MODES:
            raise ValueError(f"redaction mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.keep = {k.lstrip("@").lower() for k in keep if k}
        self.keep_urls = {u for u in keep_urls if u}
        self.names: dict[str, str] = {}  # original name -> pseudonym (without @)
        self.hidden: set[str] = set()
        self._seen: dict[tuple[str, str], None] = {}
        self._patterns: dict[tuple[str, int, int], _Patterns] = {}
        self.hide(hide)

    @property
    def replacements(self) -> list[tuple[str, str]]:
        """Every (original, replacement) pair so far, first-seen order, without duplicates."""
        return list(self._seen)

    def _note(self, original: str, replacement: str) -> None:
        self._seen.setdefault((original, replacement), None)

    def hide(self, entries: str | Iterable[str] | None) -> None:
        """Add names the user chose to hide (``"妈妈:王秀兰"`` hides the name as ``[妈妈]``)."""
        for name, label in parse_hidden(entries):
            if len(name) < 2 or name.lower() in self.keep:
                continue
            self.names[name] = f"[{label}]" if label else self.names.get(name) or _pseudonym(self._count())
            self.hidden.add(name)
        self._patterns = {}

    def _count(self) -> int:
        return sum(1 for p in self.names.values() if p.startswith("某人"))

    def pseudonym(self, name: str) -> str:
        """The pseudonym for a name (``林小雨`` or ``@林小雨``), allocating one if new; kept names come back as-is."""
        name = name.lstrip("@")
        if name.lower() in self.keep or _PSEUDO_RE.fullmatch(name):
            return name  # kept, or already a pseudonym (redacting redacted text changes nothing)
        if name not in self.names:
            self.names[name] = _pseudonym(self._count())
        return self.names[name]

    def _sub(self, pattern: re.Pattern[str], text: str, placeholder: str, check: Any = None) -> str:
        def repl(m: re.Match[str]) -> str:
            s = m.group(0)
            if check is not None and not check(s, m):
                return s
            self._note(s, placeholder)
            return placeholder

        return pattern.sub(repl, text)

    def _sub_value(self, pattern: re.Pattern[str], text: str, placeholder: str) -> str:
        """Replace only the named group ``v`` (the keyword before it stays)."""

        def repl(m: re.Match[str]) -> str:
            s, v = m.group(0), m.group("v")
            self._note(v, placeholder)
            start = m.start("v") - m.start()
            return s[:start] + placeholder + s[start + len(v) :]

        return pattern.sub(repl, text)

    def _card(self, s: str, m: re.Match[str]) -> bool:
        digits = re.sub(r"\D", "", s)
        if not 16 <= len(digits) <= 19:
            return False
        before = m.string[max(0, m.start() - 12) : m.start()]
        if _CARD_WORDS.search(before):
            return True
        return luhn_ok(digits) and not _NOT_CARD_WORDS.search(before)

    def _cn_address(self, m: re.Match[str]) -> str:
        s = m.group(0)
        lead = _ADDRESS_LEAD.match(s[: max(0, len(s) - 4)])
        keep_prefix = lead.group(0) if lead else ""
        core = s[len(keep_prefix) :]
        if self.mode != "public" and not _ADDRESS_DETAIL.search(core):
            return s  # an LLM may see where you lived; not the door
        self._note(core, ADDRESS)
        return keep_prefix + ADDRESS

    def _handle(self, m: re.Match[str]) -> str:
        name = m.group(1)
        p = self.pseudonym(name)
        if p == name.lstrip("@"):
            return m.group(0)
        self._note("@" + name, "@" + p)
        return "@" + p

    def _url(self, m: re.Match[str]) -> str:
        s = m.group(0)
        core = s.rstrip(_URL_TRAIL)
        tail = s[len(core) :]
        if core in self.keep_urls:
            return s
        self._note(core, URL)
        return URL + tail

    def _combined(self, which: str) -> _Patterns:
        """One regex for every CJK full name, one for ASCII names, one for the short forms (and short → pseudonym),
        rebuilt only when the names change: a report over 100k posts with 1,000 names stays linear."""
        key = (which, len(self.names), len(self.hidden))
        got = self._patterns.get(key)
        if got is not None:
            return got
        names = self.names if which == "all" else {n: self.names[n] for n in self.hidden if n in self.names}
        chosen = sorted((n for n in names if len(n) >= 2), key=len, reverse=True)
        cjk = [n for n in chosen if not n.isascii()]
        asc = [n for n in chosen if n.isascii()]
        full_cjk = re.compile(r"(?<![@\[])(?:" + "|".join(map(re.escape, cjk)) + ")") if cjk else None
        full_asc = re.compile(r"(?<![\w@])(?:" + "|".join(map(re.escape, asc)) + r")(?!\w)") if asc else None
        shorts: dict[str, str] = {}
        for n in cjk:
            for sf in short_forms(n):
                if sf not in names:
                    shorts.setdefault(sf, names[n])
        short = None
        if shorts:
            alt = "|".join(re.escape(x) for x in sorted(shorts, key=len, reverse=True))
            short = re.compile(
                r"(?<![@\[\u4e00-\u9fff])(?:"
                + alt
                + r")"
                + _SHORT_AFTER
                + r"|"
                + _SHORT_BEFORE
                + r"(?:"
                + alt
                + r")"
                + _SHORT_AFTER
            )
        got = (full_cjk, full_asc, short, shorts)
        self._patterns = {key: got}
        return got

    def _bare_names(self, text: str, which: str) -> str:
        full_cjk, full_asc, short, shorts = self._combined(which)

        def full(m: re.Match[str]) -> str:
            p = self.names[m.group(0)]
            self._note(m.group(0), p)
            return p

        def sub_short(m: re.Match[str]) -> str:
            p = shorts[m.group(0)]
            self._note(m.group(0), p)
            return p

        if full_cjk is not None:
            text = full_cjk.sub(full, text)
        if full_asc is not None:
            text = full_asc.sub(full, text)
        if short is not None and _CJK.search(text):
            text = short.sub(sub_short, text)
        return text

    def redact(self, text: str | None) -> str:
        """The text with PII replaced; None becomes ''."""
        if not text:
            return ""
        t = _URL_RE.sub(self._url, text)
        kept: list[str] = []
        if self.keep_urls:  # shield kept links from the patterns below

            def shield(m: re.Match[str]) -> str:
                kept.append(m.group(0))
                return f"\x00{len(kept) - 1}\x00"

            t = _URL_RE.sub(shield, t)
        t = self._sub(_EMAIL_RE, t, EMAIL)
        t = self._sub(_ID_RE, t, ID_CARD)
        t = self._sub(_ID15_RE, t, ID_CARD)
        t = self._sub(_CARD_RE, t, BANK_CARD, self._card)
        t = self._sub_value(_QQ_RE, t, QQ)
        t = self._sub(_WXID_RE, t, WECHAT)
        t = self._sub_value(_WECHAT_RE, t, WECHAT)
        t = self._sub(_MOBILE_RE, t, PHONE)
        t = self._sub(_LANDLINE_RE, t, LANDLINE)
        t = self._sub(_US_PHONE_RE, t, PHONE)
        t = self._sub(_PLATE_RE, t, PLATE)
        t = self._sub_value(_LABEL_NAME_RE, t, PERSON)
        t = _HANDLE_RE.sub(self._handle, t)
        t = _CN_ADDRESS_RE.sub(self._cn_address, t)
        if self.mode == "public":
            t = self._sub(_EN_ADDRESS_RE, t, ADDRESS)
            t = self._bare_names(t, "all")
        elif self.hidden:
            t = self._bare_names(t, "hidden")
        if kept:
            t = re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], t)
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


def hidden_from_settings(settings: Settings | None) -> str | list[str] | None:
    """``[privacy] hide_names`` (list or comma-separated) or ``$SOCIALBRAIN_HIDE_NAMES``."""
    if settings is None:
        return None
    return settings.privacy.hide_names


def redact_text(text: str | None, mode: str = "llm") -> str:
    """One-off redaction with a fresh Redactor."""
    return Redactor(mode).redact(text)
