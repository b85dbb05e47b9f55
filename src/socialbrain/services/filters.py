"""User filters and dates, parsed in one place for every face (CLI options, query parameters, tool arguments).

Dates are what people type: ``2016``, ``2016-05``, ``2016-05-04`` or an ISO date-time; an ``until`` day, month or
year is inclusive. A range whose start is not before its end is refused with one message everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..config import split_list
from ..errors import ConfigError
from ..localtime import local_zone
from ..models import Kind, PostFilter
from ..timeparse import parse_user_date

KINDS = tuple(k.value for k in Kind)


def parse_date(value: str | None, field: str = "date", *, end: bool = False) -> datetime | None:
    """A user's date (``end=True``: the instant after the day/month/year it names), or None when empty."""
    if value is None or not str(value).strip():
        return None
    try:
        return parse_user_date(str(value), end=end, zone=local_zone())  # a day is the user's local day
    except ValueError as e:
        phrase = _time_phrase(str(value), end=end)
        if phrase is not None:
            return phrase
        raise ConfigError(f"{field}={value!r}: {e}, or a time phrase such as 去年, 2019年夏天, 三年前") from None


def _time_phrase(value: str, *, end: bool) -> datetime | None:
    """A whole time phrase ("去年夏天", "三年前", "last year") as the start of its range, or (``end``) the instant
    after it; None when the value is not one phrase."""
    from ..retrieve.timeexpr import parse_time_expression

    tq = parse_time_expression(value.strip())
    if tq.expression is None or tq.text.strip():
        return None
    return tq.until if end else tq.since


def split_values(values: str | Iterable[str] | None) -> list[str] | None:
    """``"weibo,twitter"`` or ``["weibo", "twitter"]`` (or a mix) → ``["weibo", "twitter"]``; empty → None."""
    return split_list(values) or None


def check_range(since: datetime | None, until: datetime | None, since_text: Any, until_text: Any) -> None:
    if since is not None and until is not None and since >= until:
        raise ConfigError(f"since={since_text!r} is not before until={until_text!r}: swap them")


def build_filter(
    *,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    month: int | None = None,
    platforms: str | Iterable[str] | None = None,
    accounts: str | Iterable[str] | None = None,
    kinds: str | Iterable[str] | None = None,
    kb: str | None = None,
    **more: Any,
) -> PostFilter:
    """The one PostFilter builder: dates as typed, or ``year``[/``month``]; lists or comma-separated strings.

    ``kb="all"`` means the whole archive (no knowledge base). ``more`` passes other PostFilter fields through
    (``min_likes``, ``ids``, ``include_hidden``)."""
    start = parse_date(since, "since")
    end = parse_date(until, "until", end=True)
    if year is not None:
        if month is not None and not 1 <= month <= 12:
            raise ConfigError(f"month={month}: use 1 to 12")
        period = f"{year:04d}-{month:02d}" if month else f"{year:04d}"
        # the user's local year/month: the one the timeline's month counts (archive.month_counts) put posts in
        y_start = parse_user_date(period, zone=local_zone())
        y_end = parse_user_date(period, end=True, zone=local_zone())
        start = max(start, y_start) if start else y_start
        end = min(end, y_end) if end else y_end
    check_range(start, end, since if since else year, until if until else year)
    kind_list = split_values(kinds)
    for k in kind_list or []:
        if k not in KINDS:
            raise ConfigError(f"kind={k!r}: use one of {', '.join(KINDS)}")
    plat = split_values(platforms)
    return PostFilter(
        since=start,
        until=end,
        platforms=[p.lower() for p in plat] if plat else None,
        accounts=split_values(accounts),
        kinds=kind_list,
        kb=kb if kb and kb != "all" else None,
        **more,
    )


def filter_record(flt: PostFilter | None) -> dict[str, Any]:
    """A PostFilter as JSON (what knowledge bases and the web show)."""
    if flt is None:
        return {}
    return {
        "since": flt.since.isoformat() if flt.since else None,
        "until": flt.until.isoformat() if flt.until else None,
        "platforms": flt.platforms,
        "kinds": flt.kinds,
        "kb": flt.kb,
    }
