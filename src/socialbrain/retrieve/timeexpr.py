"""Time phrases in a question → a date filter [since, until), plus the rest of the question to search.

    parse_time_expression("2019年夏天我在想什么")  → since 2019-06-01, until 2019-09-01, text "我在想什么"
    parse_time_expression("what did I run in 2015") → since 2015-01-01, until 2016-01-01, text "what did I run"

Relative phrases (去年, 三年前, last year, 上个月, 最近一年) are read against ``now`` (default: the current time), in
``zone`` (default Asia/Shanghai, as Weibo meant). One phrase is taken: the longest, leftmost one. Seasons are
meteorological (spring Mar–May, summer Jun–Aug, autumn Sep–Nov, winter Dec–Feb of the next year); a bare season
with no year ("夏天") is left in the text, since "my summers" is not one date range. "N年前"/"N years ago" is that
calendar year; "最近一年"/"past year" is the rolling 365 days before ``now``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from ..localtime import local_zone

__all__ = ["TimeQuery", "parse_time_expression", "time_is_subject"]


@dataclass(frozen=True)
class TimeQuery:
    text: str  # the query with the time phrase taken out
    since: datetime | None
    until: datetime | None  # exclusive
    expression: str | None  # the phrase that became the filter, as typed


Range = tuple[datetime | None, datetime | None]
Span = tuple[datetime, datetime]  # a range with both ends

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_EN_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "a couple of": 2,
    "a few": 3,
    "several": 3,
}
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_SEASON_START = {
    "春": 3,
    "夏": 6,
    "秋": 9,
    "冬": 12,
    "spring": 3,
    "summer": 6,
    "autumn": 9,
    "fall": 9,
    "winter": 12,
}


def _number(token: str) -> int:
    """'3' / '三' / '十二' / '二十' / 'three' → int."""
    t = token.strip().lower()
    if t.isdigit():
        return int(t)
    if t in _EN_NUMBERS:
        return _EN_NUMBERS[t]
    if "十" in t:
        tens, _, ones = t.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    if t and all(c in _CN_DIGITS for c in t):  # 二〇一六
        return int("".join(str(_CN_DIGITS[c]) for c in t))
    raise ValueError(token)


def _year(y: int, zone: tzinfo) -> Span:
    return datetime(y, 1, 1, tzinfo=zone), datetime(y + 1, 1, 1, tzinfo=zone)


def _month_start(y: int, m: int, zone: tzinfo) -> datetime:
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    return datetime(y, m, 1, tzinfo=zone)


def _months(y: int, m: int, n: int, zone: tzinfo) -> Span:
    """n months starting with month m of year y (m may be out of 1..12: it rolls over)."""
    return _month_start(y, m, zone), _month_start(y, m + n, zone)


def _season(y: int, name: str, zone: tzinfo) -> Span:
    return _months(y, _SEASON_START[name], 3, zone)


def _day(y: int, m: int, d: int, zone: tzinfo) -> Span:
    start = datetime(y, m, d, tzinfo=zone)
    return start, start + timedelta(days=1)


def _month_or_day(y: int, mo: int, d: str | None, zone: tzinfo) -> Range | None:
    """Month ``mo`` of year ``y``, or its day ``d`` when given; None when there is no such month or day."""
    if not 1 <= mo <= 12:
        return None
    if d:
        try:
            return _day(y, mo, int(d), zone)
        except ValueError:
            return None
    return _months(y, mo, 1, zone)


# --- the year anchor shared by Chinese phrases: "2016年", "去年", "三年前" ------------------------------------
_CN_NUM = r"[0-9零〇一二两俩三四五六七八九十]+"
_YEAR_CN = (
    r"(?:(?P<y>(?:19|20)\d{2})\s*年|(?P<yc>[一二][零〇一二三四五六七八九]{3})年"
    r"|(?P<rel>大前年|前年|去年|今年|明年)|(?P<ago>" + _CN_NUM + r")\s*年前)"
)
_REL_YEAR = {"大前年": -3, "前年": -2, "去年": -1, "今年": 0, "明年": 1}


def _anchor_year(m: re.Match[str], now: datetime) -> int:
    if m.group("y"):
        return int(m.group("y"))
    if m.group("yc"):
        return _number(m.group("yc"))
    if m.group("rel"):
        return now.year + _REL_YEAR[m.group("rel")]
    ago = _number(m.group("ago"))
    if ago > 150:
        raise ValueError(m.group("ago"))
    return now.year - ago


Rule = Callable[[re.Match[str], datetime, tzinfo], Range | None]
_RULES: list[tuple[re.Pattern[str], Rule]] = []


def _rule(pattern: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        _RULES.append((re.compile(pattern, re.IGNORECASE), fn))
        return fn

    return register


def _not_future(start: datetime, end: datetime, now: datetime, years_back: int = 1) -> Range:
    """A yearless date ("5月", "last summer") means its most recent occurrence that has begun."""
    if start > now:
        return start.replace(year=start.year - years_back), end.replace(year=end.year - years_back)
    return start, end


# ---------------------------------------------------------------------- Chinese
@_rule(r"(?:从|自)?\s*((?:19|20)\d{2})\s*年?\s*(?:到|至|~|～|-|–|—)\s*((?:19|20)\d{2})\s*年?")
def _cn_year_range(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    a, b = int(m.group(1)), int(m.group(2))
    if b < a:
        return None
    return _year(a, zone)[0], _year(b, zone)[1]


@_rule(_YEAR_CN + r"\s*的?\s*(?P<season>[春夏秋冬])(?:天|季|季节)?")
def _cn_year_season(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    return _season(_anchor_year(m, now), m.group("season"), zone)


@_rule(_YEAR_CN + r"\s*的?\s*(?P<half>上半年|下半年|年初|年中|年底|年末|年尾)")
def _cn_year_part(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    y = _anchor_year(m, now)
    start_month, n = {
        "上半年": (1, 6),
        "下半年": (7, 6),
        "年初": (1, 3),
        "年中": (5, 4),
        "年底": (10, 3),
        "年末": (10, 3),
        "年尾": (10, 3),
    }[m.group("half")]
    return _months(y, start_month, n, zone)


@_rule(
    _YEAR_CN
    + r"\s*的?\s*(?P<m>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月份?(?:\s*(?P<d>[0-9]{1,2})\s*[日号])?"
)
def _cn_year_month(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    y, mo = _anchor_year(m, now), _number(m.group("m"))
    return _month_or_day(y, mo, m.group("d"), zone)


@_rule(_YEAR_CN + r"(?:\s*(?P<open>以来|至今|起|开始|以后|之后|后(?!来)|以前|之前|前(?!后)))?")
def _cn_year(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    y = _anchor_year(m, now)
    opened = m.group("open")
    if opened in ("以前", "之前", "前"):
        if not (m.group("y") or m.group("yc")):
            return None  # "去年前" is not a phrase
        return None, _year(y, zone)[0]
    if opened:
        return _year(y, zone)[0], None
    return _year(y, zone)


@_rule(r"(?:自从|自|从)\s*((?:19|20)\d{2})\s*年?(?:\s*(?:以来|至今|起|开始|以后))?")
def _cn_since(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    return _year(int(m.group(1)), zone)[0], None


@_rule(r"(?<![0-9])((?:19|20)?[0-9]0)\s*年代|(?P<cn>[一二三四五六七八九])十年代")
def _cn_decade(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    if m.group("cn"):
        d = 1900 + _number(m.group("cn")) * 10
    else:
        v = int(m.group(1))
        d = v if v >= 1000 else (1900 + v if v >= 30 else 2000 + v)
    return datetime(d, 1, 1, tzinfo=zone), datetime(d + 10, 1, 1, tzinfo=zone)


@_rule(
    r"(?<![0-9])(?P<m>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月(?!天|饼|光|亮|球|台|子|经|嫂)份?(?:\s*(?P<d>[0-9]{1,2})\s*[日号])?"
)
def _cn_month_this_year(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    mo = _number(m.group("m"))
    if not 1 <= mo <= 12:
        return None
    try:
        rng = _day(now.year, mo, int(m.group("d")), zone) if m.group("d") else _months(now.year, mo, 1, zone)
    except ValueError:
        return None
    return _not_future(rng[0], rng[1], now)


@_rule(r"(?P<which>上上个|上个|上|这个|本|这|下个)\s*月")
def _cn_rel_month(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    offset = {"上上个": -2, "上个": -1, "上": -1, "这个": 0, "本": 0, "这": 0, "下个": 1}[m.group("which")]
    return _months(now.year, now.month + offset, 1, zone)


@_rule(r"(?P<n>" + _CN_NUM + r"|半)\s*个\s*月\s*前")
def _cn_months_ago(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    if m.group("n") == "半":
        return None
    return _months(now.year, now.month - _number(m.group("n")), 1, zone)


@_rule(
    r"(?:最近|过去|近)\s*(?P<n>"
    + _CN_NUM
    + r"|半|几)?\s*(?P<unit>年|个月|个星期|周|星期|天|日)(?:来|以来|里|内)?"
)
def _cn_rolling(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    n_text = m.group("n") or "一"
    if n_text == "半":
        days = {"年": 182, "个月": 15}.get(m.group("unit"))
        if days is None:
            return None
    else:
        n = 3 if n_text == "几" else _number(n_text)
        days = n * {"年": 365, "个月": 30, "个星期": 7, "周": 7, "星期": 7, "天": 1, "日": 1}[m.group("unit")]
    return now - timedelta(days=days), now


@_rule(r"(?P<which>上上|上|这|本)\s*(?:个)?\s*(?:周|星期|礼拜)")
def _cn_rel_week(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    offset = {"上上": -2, "上": -1, "这": 0, "本": 0}[m.group("which")]
    start = monday + timedelta(weeks=offset)
    return start, start + timedelta(weeks=1)


@_rule(r"大前天|前天|昨天|今天")
def _cn_rel_day(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today + timedelta(days={"大前天": -3, "前天": -2, "昨天": -1, "今天": 0}[m.group(0)])
    return start, start + timedelta(days=1)


# ---------------------------------------------------------------------- English and numeric
_EN_N = r"(?P<n>\d+|a couple of|a few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)"


@_rule(r"\b(?:(?:from|between)\s+)?((?:19|20)\d{2})\s*(?:-|–|—|~|to|through|until|and)\s*((?:19|20)\d{2})\b")
def _en_year_range(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    return _cn_year_range(m, now, zone)


@_rule(
    r"\b(?:(?:in|during)\s+)?(?:the\s+)?(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<y>(?:19|20)\d{2})\b"
    r"|\b(?P<y2>(?:19|20)\d{2})\s+(?P<season2>spring|summer|autumn|fall|winter)\b"
)
def _en_season_year(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    season = (m.group("season") or m.group("season2")).lower()
    return _season(int(m.group("y") or m.group("y2")), season, zone)


@_rule(r"\b(?:(?:in|during)\s+)?(?P<which>last|this)\s+(?P<season>spring|summer|autumn|fall|winter)\b")
def _en_rel_season(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    season = m.group("season").lower()
    start, end = _season(now.year, season, zone)
    if season == "winter" and start > now:  # this winter in February = the one that began last December
        start, end = _season(now.year - 1, season, zone)
    if m.group("which").lower() == "last" and end > now or m.group("which").lower() == "this" and start > now:
        start, end = _season(start.year - 1, season, zone)
    return start, end


@_rule(
    r"\b(?:(?:in|during)\s+)?(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
    r"(?:\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?)?\s+(?:of\s+)?(?P<y>(?:19|20)\d{2})\b"
)
def _en_month_year(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    mo = _MONTHS[m.group("mon").lower()]
    if m.group("d"):
        try:
            return _day(int(m.group("y")), mo, int(m.group("d")), zone)
        except ValueError:
            return None
    return _months(int(m.group("y")), mo, 1, zone)


@_rule(r"(?<![\d.])(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?(?![\d.])")
def _iso_date(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    y, mo = int(m.group("y")), int(m.group("m"))
    return _month_or_day(y, mo, m.group("d"), zone)


@_rule(r"\b(?P<kw>since|after|before|until|till)\s+((?:19|20)\d{2})\b")
def _en_open_year(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    y, kw = int(m.group(2)), m.group("kw").lower()
    if kw == "since":
        return _year(y, zone)[0], None
    if kw == "after":
        return _year(y + 1, zone)[0], None
    if kw == "until" or kw == "till":
        return None, _year(y, zone)[1]
    return None, _year(y, zone)[0]


@_rule(r"\b(?:(?:in|during)\s+)?(?:the\s+)?(?:(?P<c>19|20)?(?P<d>\d)0|'(?P<d2>\d)0)'?s\b")
def _en_decade(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    digit = int(m.group("d") or m.group("d2"))
    century = int(m.group("c")) * 100 if m.group("c") else (1900 if digit >= 3 else 2000)
    start = century + digit * 10
    return datetime(start, 1, 1, tzinfo=zone), datetime(start + 10, 1, 1, tzinfo=zone)


@_rule(r"\b(?P<which>last|this|next)\s+(?P<unit>year|month|week)\b")
def _en_rel_unit(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    offset = {"last": -1, "this": 0, "next": 1}[m.group("which").lower()]
    unit = m.group("unit").lower()
    if unit == "year":
        return _year(now.year + offset, zone)
    if unit == "month":
        return _months(now.year, now.month + offset, 1, zone)
    today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
    return start, start + timedelta(weeks=1)


@_rule(r"\b" + _EN_N + r"\s+(?P<unit>years?|months?)\s+ago\b")
def _en_ago(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    n = _number(m.group("n"))
    if m.group("unit").lower().startswith("year"):
        return _year(now.year - n, zone)
    return _months(now.year, now.month - n, 1, zone)


@_rule(
    r"\b(?:in\s+|over\s+|during\s+)?(?:the\s+)?(?:past|last|recent)\s+(?:"
    + _EN_N
    + r"\s+)?(?P<unit>years?|months?|weeks?|days?)\b"
)
def _en_rolling(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    n = _number(m.group("n")) if m.group("n") else 1
    unit = m.group("unit").lower().rstrip("s")
    if n == 1 and unit in ("year", "month", "week") and not m.group("n") and "past" not in m.group(0).lower():
        return None  # "last year" is the calendar year (another rule)
    days = n * {"year": 365, "month": 30, "week": 7, "day": 1}[unit]
    return now - timedelta(days=days), now


@_rule(r"\b(?P<d>yesterday|today)\b")
def _en_rel_day(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=1 if m.group("d").lower() == "yesterday" else 0)
    return start, start + timedelta(days=1)


@_rule(
    r"(?:\b(?:in|during)\s+)?(?<![\d.])(?P<y>(?:19|20)\d{2})(?![\d.%]|\s*(?:元|块|万|千|百|亿|个|人|米|次|份|条|号|分|秒|点|只|家|多|余|公里|公斤|kg|km|rmb|yuan))"
)
def _bare_year(m: re.Match[str], now: datetime, zone: tzinfo) -> Range | None:
    return _year(int(m.group("y")), zone)


# ---------------------------------------------------------------------- the text left to search
_LEAD_FILLER = re.compile(r"(?:在|于|从|是|那)\s*$")
_TRAIL_FILLER = re.compile(r"^\s*(?:前后|左右|的时候|那时候|那时|那年|那个月|期间|以来|里面|里|时|的)")
_EN_LEAD = re.compile(r"\b(?:in|during|from|on|of|at|since)\s*$", re.IGNORECASE)


def _remove(query: str, start: int, end: int) -> str:
    before, after = query[:start], query[end:]
    before = _EN_LEAD.sub("", _LEAD_FILLER.sub("", before))
    after = _TRAIL_FILLER.sub("", after)
    text = (before.rstrip() + " " + after.lstrip()).strip()
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"^[，,。.、;；:：\s]+|[，,、;；:：\s]+$", "", text)
    # no space between two Chinese characters that the removal brought together
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)


def parse_time_expression(
    query: str, now: datetime | None = None, zone: tzinfo | None = None
) -> TimeQuery:
    """Find one time phrase in ``query`` (Chinese or English) and turn it into [since, until) in ``zone``.

    ``now`` anchors relative phrases (naive values are read in ``zone``). Without a phrase, since/until are None
    and the text is the query unchanged (trimmed)."""
    zone = zone or local_zone()  # the user's zone (the `timezone` setting): "昨天" is the user's yesterday
    now = datetime.now(zone) if now is None else (now if now.tzinfo else now.replace(tzinfo=zone))
    now = now.astimezone(zone)
    best: tuple[int, int, Range] | None = None
    for pattern, fn in _RULES:
        for m in pattern.finditer(query):
            if m.end() == m.start():
                continue
            try:
                rng = fn(m, now, zone)
            except (ValueError, OverflowError):
                rng = None
            if rng is None:
                continue
            length = m.end() - m.start()
            if (
                best is None
                or length > best[1] - best[0]
                or (length == best[1] - best[0] and m.start() < best[0])
            ):
                best = (m.start(), m.end(), rng)
    if best is None:
        return TimeQuery(text=query.strip(), since=None, until=None, expression=None)
    start, end, (since, until) = best
    return TimeQuery(
        text=_remove(query, start, end), since=since, until=until, expression=query[start:end].strip()
    )


# -- posting time or subject? -------------------------------------------------------------------
_ME = re.compile(
    r"我(?![国省市区县军方])|自己|咱|你|\b(?:i|me|my|mine|myself|we|our|you|your)\b", re.IGNORECASE
)
_PERSONAL = re.compile(
    r"我(?![国省市区县军方])|自己|咱|你|[写发说想看过]了?什么|微博|帖子|朋友圈|动态|日记|"
    r"\b(?:i|me|my|mine|myself|we|our|you|your|posts?|wrote|tweet(?:ed|s)?)\b",
    re.IGNORECASE,
)
# a headline's vocabulary: figures with units, rankings, reports, announcements (the date is the news's)
_NEWS = re.compile(
    r"同比|环比|报告|榜单|排行榜|看点|战略|宣布|发布会|召开|举行|峰会|财报|营收|净利|"
    r"\b(?:GDP|CPI|PPI|PMI|IPO)\b|\d+(?:\.\d+)?\s*(?:%|％|亿|万|强|岁)|第\d+届",
    re.IGNORECASE,
)
_GLUED_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?=[\u4e00-\u9fff])(?!年)")  # "2015大数据趋势": a title
_ASKING = re.compile(
    r"什么|哪|怎么|怎样|如何|为什么|是否|有没有|是不是|多少|几[个次年天]|谁|吗|呢|[？?]|"
    r"^(?:what|which|who|when|where|why|how|did|do|does|was|were|is|are)\b",
    re.IGNORECASE,
)
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff\u3040-\u30ff]")


def time_is_subject(query: str, tq: TimeQuery) -> bool:
    """True when the time phrase most likely dates the subject (a quoted news headline: "2014年中国GDP增长7.4%")
    rather than asks about when the user posted ("2016年我在想什么", "2016年 日语").

    Posting time: the question speaks of the user (我 but not 我国, my, 微博…), is short (a phrase plus a keyword or
    two), or asks something (什么, 吗, ?, what…) in a few words. Subject: a longer statement, a headline — words
    of the news (同比, 榜单, 报告, 宣布, a figure with 亿/万/%/强/岁, 第N届) or a bare year glued to a title
    ("2015大数据趋势") make even a short one a subject when it is written as one piece (no space), unless it speaks
    of the user (我, 你, my)."""
    if tq.expression is None:
        return False
    rest = tq.text.strip()
    if _ME.search(query):
        return False
    size = len(_CJK_CHAR.findall(rest)) + len(re.findall(r"[A-Za-z]+", rest)) * 2
    headline = not re.search(r"\s", query.strip())  # "2016年 读书报告" is a search: phrase, space, keyword
    if headline and (_NEWS.search(rest) or (_GLUED_YEAR.match(query.strip()) and size >= 4)):
        return True  # "2014年中国500强榜单看点", "1月CPI同比增长2%", "2015大数据趋势"
    if _PERSONAL.search(query):
        return False
    if _ASKING.search(query):
        return size > 12
    return size >= 8
