"""Local time: the one place a stored instant becomes the user's wall-clock time.

Posts keep the instant and the offset their platform wrote (Weibo +08:00, Twitter and Mastodon UTC). Whatever a
person reads or counts by day, month, year or hour — the timeline, the calendar, post dates in the web app and the
API, ``--since/--until``, and every report statistic (years, months, hour-of-day charts, the latest night) — is in
ONE zone: the ``timezone`` setting (``[time] timezone`` in config.toml,
``$SOCIALBRAIN_TIMEZONE``), by default this machine's zone. A tweet at 03:20 UTC is an 11:20 post in Beijing.
(Times an export writes without any offset are read by the importers in ``--tz``, Asia/Shanghai by default:
that is what Weibo meant.)
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError

ENV = "SOCIALBRAIN_TIMEZONE"
_configured: tzinfo | None = None
_machine: tzinfo | None = None


def zone_named(name: str, where: str = "timezone") -> ZoneInfo:
    """An IANA zone (``Asia/Shanghai``, ``UTC``…), or one ConfigError saying what to write."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{where}: {name!r} is not a time zone name (use e.g. Asia/Shanghai, Europe/Berlin or UTC)"
        ) from None


def machine_zone() -> tzinfo:
    """This machine's zone: $TZ, /etc/timezone, the /etc/localtime link, else its current UTC offset."""
    global _machine
    if _machine is not None:
        return _machine
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    try:
        link = os.readlink("/etc/localtime")
        candidates.append(link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else "")
    except OSError:
        pass
    for name in candidates:
        if name:
            try:
                _machine = ZoneInfo(name)
                return _machine
            except (ZoneInfoNotFoundError, ValueError):
                continue
    _machine = datetime.now().astimezone().tzinfo or ZoneInfo("UTC")
    return _machine


def configure(name: str | None) -> tzinfo:
    """Use zone ``name`` (None: the environment, else this machine's) for every local-time view from now on."""
    global _configured
    _configured = zone_named(name) if name else None
    return local_zone()


def local_zone() -> tzinfo:
    """The zone instants are shown and bucketed in."""
    if _configured is not None:
        return _configured
    env = os.environ.get(ENV, "").strip()
    return zone_named(env, f"${ENV}") if env else machine_zone()


def to_local(dt: datetime, zone: tzinfo | None = None) -> datetime:
    """``dt`` (aware) as wall-clock time in the local zone (naive values are taken as already local)."""
    z = zone or local_zone()
    return dt.replace(tzinfo=z) if dt.tzinfo is None else dt.astimezone(z)


def from_timestamp(ts: float, zone: tzinfo | None = None) -> datetime:
    """A stored ``created_ts`` (seconds since the epoch) as local wall-clock time."""
    return datetime.fromtimestamp(ts, zone or local_zone())


def month_counts(timestamps: Iterable[float], zone: tzinfo | None = None) -> dict[tuple[int, int], int]:
    """Posts per local (year, month) for these ``created_ts`` values."""
    z = zone or local_zone()
    out: dict[tuple[int, int], int] = {}
    for ts in timestamps:
        d = datetime.fromtimestamp(ts, z)
        key = (d.year, d.month)
        out[key] = out.get(key, 0) + 1
    return out


def hour_of(dt: datetime, zone: tzinfo | None = None) -> int:
    """The local hour of day (0–23) of an instant."""
    return to_local(dt, zone).hour


def year_start(year: int, zone: tzinfo | None = None) -> float:
    """The instant (``created_ts``) local New Year of ``year`` begins."""
    return datetime(year, 1, 1, tzinfo=zone or local_zone()).timestamp()


def year_of(ts: float, zone: tzinfo | None = None) -> int:
    """The local year of a stored ``created_ts`` (clamped to 1…9999 for instants no calendar can show)."""
    try:
        return datetime.fromtimestamp(ts, zone or local_zone()).year
    except (OverflowError, OSError, ValueError):
        return 1 if ts < 0 else 9999


def year_ranges(years: Iterable[int], zone: tzinfo | None = None) -> list[tuple[float, float]]:
    """``[start, end)`` ``created_ts`` ranges of these local years, adjacent years merged into one range."""
    z = zone or local_zone()
    out: list[tuple[float, float]] = []
    for y in sorted(set(years)):
        lo, hi = year_start(y, z), (year_start(y + 1, z) if y < 9999 else float("inf"))
        if out and out[-1][1] == lo:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


__all__ = [
    "configure", "from_timestamp", "hour_of", "local_zone", "machine_zone", "month_counts", "to_local", "year_of",
    "year_ranges", "year_start",
]
