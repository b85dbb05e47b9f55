"""The one retry policy for every HTTP client (LLM endpoint, embedding server, collectors): when to try again and
how long to wait first.

:func:`call_with_retries` is the one loop. Each client passes in one attempt, and classifies what happened itself:
it returns a result, raises its own error to stop at once (a 404, a refused LLM connection), or raises
:class:`Retryable` naming the reason, the server's headers and the error to raise when no retry is left.

How long to wait: the server's own word wins, ``Retry-After`` (seconds or an HTTP date) or ``X-RateLimit-Reset``
(Mastodon: an ISO time; elsewhere epoch seconds); otherwise exponential backoff, ``base × 2^attempt``; either way at
most ``cap`` seconds.

Why not stamina (or tenacity): its ``on=`` hook can return the Retry-After wait, but our three clients retry on
*answers* (429/5xx responses) as much as on exceptions, the collectors must report every wait with its reason
(``on_wait``), sleep through their own run-deadline-aware sleep and pace before each attempt, and a custom
backoff bypasses stamina's ``wait_max`` so the cap stays ours anyway. What would remain for the library is this
twenty-line loop, at the price of two dependencies (stamina, tenacity).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

T = TypeVar("T")


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


def retry_delay(
    attempt: int, base: float, headers: Mapping[str, str] | None = None, *, cap: float = 30.0
) -> float:
    """Seconds to wait before attempt ``attempt + 1``: what the server asked for, else ``base × 2^attempt``;
    never more than ``cap``."""
    asked = wait_from_headers(headers) if headers is not None else None
    delay = asked if asked is not None else base * (2**attempt)
    return min(cap, max(0.0, delay))


class Retryable(Exception):
    """One attempt failed in a way worth another try. ``reason`` is one line for ``on_wait`` (``HTTP 429``,
    ``timed out …``); ``headers`` may say how long to wait; ``final`` is what to raise when no retry is left."""

    def __init__(self, reason: str, final: Exception, headers: Mapping[str, str] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.final = final
        self.headers = headers


def call_with_retries(
    attempt: Callable[[], T],
    *,
    retries: int,
    base: float,
    cap: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    on_wait: Callable[[float, str], None] | None = None,
) -> T:
    """``attempt()`` until it returns, at most ``retries`` times more. When it raises :class:`Retryable`, wait
    :func:`retry_delay` (told to ``on_wait(seconds, reason)`` first), then try again; after the last retry raise
    its ``final`` error. Any other exception stops at once."""
    n = 0
    while True:
        try:
            return attempt()
        except Retryable as again:
            if n >= retries:
                raise again.final from again.__cause__
            wait = retry_delay(n, base, again.headers, cap=cap)
            if on_wait is not None:
                on_wait(wait, again.reason)
            if wait > 0:
                sleep(wait)
            n += 1
