"""Dates typed by users on the command line, in forms, and in tool calls."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")

_PARTIAL = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?年?$")


def parse_user_date(value: str, *, end: bool = False, zone: tzinfo = DEFAULT_ZONE) -> datetime:
    """``2016`` / ``2016-05`` / ``2016-05-04`` / ISO datetime → aware datetime.

    With ``end=True`` a partial date means the instant after its period (exclusive upper bound):
    ``2016`` → 2017-01-01 00:00. Naive values are read in ``zone`` (China time by default, as Weibo meant).
    """
    v = value.strip()
    m = _PARTIAL.match(v)
    if m:
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        if d:
            start = datetime(y, int(mo), int(d), tzinfo=zone)
            return start + timedelta(days=1) if end else start
        if mo:
            start = datetime(y, int(mo), 1, tzinfo=zone)
            if not end:
                return start
            return datetime(y + (int(mo) == 12), int(mo) % 12 + 1, 1, tzinfo=zone)
        return datetime(y + 1 if end else y, 1, 1, tzinfo=zone)
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("use YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 date-time") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=zone)
