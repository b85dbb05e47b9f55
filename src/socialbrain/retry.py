"""The one retry policy for every HTTP client (LLM endpoint, embedding server, collectors): how long to wait
before the next attempt.

The server's own word wins: ``Retry-After`` (seconds or an HTTP date) or ``X-RateLimit-Reset`` (Mastodon: an ISO
time; elsewhere epoch seconds). Otherwise exponential backoff, ``base × 2^attempt``. Either way at most ``cap``
seconds. (A library such as stamina would add a dependency for the loop itself; what differed between our three
clients was this rule, so the rule is what is shared.)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def wait_from_headers(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait: ``Retry-After`` (seconds or HTTP date) or ``X-RateLimit-Reset``
    (Mastodon: ISO 8601 time; elsewhere epoch seconds)."""
    now = time.time() if now is None else now
    ra = headers.get("retry-after")
    if ra:
        ra = ra.strip()
        if ra.replace(".", "", 1).isdigit():
            return float(ra)
        try:
            return max(0.0, parsedate_to_datetime(ra).timestamp() - now)
        except (TypeError, ValueError):
            pass
    reset = headers.get("x-ratelimit-reset")
    if reset:
        reset = reset.strip()
        try:
            if reset.replace(".", "", 1).isdigit():
                value = float(reset)
                return max(0.0, value - now) if value > 1e9 else value
            dt = datetime.fromisoformat(reset.replace("Z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
            return max(0.0, dt.timestamp() - now)
        except ValueError:
            return None
    return None


def retry_delay(attempt: int, base: float, headers: Mapping[str, str] | None = None, *, cap: float = 30.0) -> float:
    """Seconds to wait before attempt ``attempt + 1``: what the server asked for, else ``base × 2^attempt``;
    never more than ``cap``."""
    asked = wait_from_headers(headers) if headers is not None else None
    delay = asked if asked is not None else base * (2**attempt)
    return min(cap, max(0.0, delay))
