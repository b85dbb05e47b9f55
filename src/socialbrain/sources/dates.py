"""Dates as export files write them, Weibo's relative ones included, always returned tz-aware.

    刚刚 · 30秒前 · 3分钟前 · 2小时前 · 5天前 · 今天 12:00 · 昨天 12:00 · 前天 08:00
    08-12 / 08-12 12:00 / 8月12日 12:00 (this year) · 2019-08-12 · 2019-08-12 12:00[:00] · 2019年8月12日 12:00
    Sat Dec 28 20:00:00 +0800 2019 (Weibo/Twitter API) · ISO 8601 (Z, offsets) · unix seconds/milliseconds

Relative forms are read against an explicit ``now`` (for an export file: when it was written). Times without a
zone are in ``zone`` (Asia/Shanghai by default: Weibo meant China time).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

from ..timeparse import DEFAULT_ZONE

_AGO = re.compile(r"^(\d+)\s*(秒|分钟|小时|天)前$")
_DAY_WORD = re.compile(r"^(今天|昨天|前天)\s*(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/月](\d{1,2})日?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_FULL = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$"
)
_API = "%a %b %d %H:%M:%S %z %Y"
_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}
_DAYS_BACK = {"今天": 0, "昨天": 1, "前天": 2}


def _hms(*parts: str | None) -> tuple[int, int, int]:
    h, m, s = (int(p) if p else 0 for p in parts)
    return h, m, s


def parse_date(
    value: str | int | float, *, now: datetime | None = None, zone: tzinfo = DEFAULT_ZONE, past_only: bool = False
) -> datetime:
    """Any date form an export or a Weibo page writes → an aware datetime; ValueError when it is none of them.

    ``past_only``: a date shown without a year that would lie in the future is last year's (a page of posts
    fetched on 10 January shows "12-28" for last December)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_unix(float(value), zone)
    v = str(value).strip().replace("\u3000", " ")
    if not v:
        raise ValueError("empty date")
    if v.isdigit() and 9 <= len(v) <= 13:
        return _from_unix(float(v), zone)
    m = _FULL.match(v)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return datetime(y, mo, d, *_hms(m.group(4), m.group(5), m.group(6)), tzinfo=zone)
    if v == "刚刚":
        return _now(now, zone)
    m = _AGO.match(v)
    if m:
        # elapsed time: subtract in UTC so summer-time shifts cannot bend it
        ago = _now(now, zone).astimezone(UTC) - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
        return ago.astimezone(zone)
    m = _DAY_WORD.match(v)
    if m:
        day = _now(now, zone) - timedelta(days=_DAYS_BACK[m.group(1)])
        h, mi, s = _hms(m.group(2), m.group(3), m.group(4))
        return day.replace(hour=h, minute=mi, second=s, microsecond=0)
    m = _MONTH_DAY.match(v)
    if m:
        current = _now(now, zone)
        dt = datetime(
            current.year, int(m.group(1)), int(m.group(2)), *_hms(m.group(3), m.group(4), m.group(5)), tzinfo=zone
        )
        return dt.replace(year=current.year - 1) if past_only and dt > current + timedelta(days=1) else dt
    try:
        return datetime.strptime(v, _API)
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"unknown date format {v!r}") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=zone)


def _from_unix(ts: float, zone: tzinfo) -> datetime:
    if ts > 1e11:  # milliseconds
        ts /= 1000
    return datetime.fromtimestamp(ts, UTC).astimezone(zone)


def _now(now: datetime | None, zone: tzinfo) -> datetime:
    n = now or datetime.now(zone)
    if n.tzinfo is None:
        n = n.replace(tzinfo=zone)
    return n.astimezone(zone)
