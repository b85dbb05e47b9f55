"""A polite HTTP client for collectors: a pause with jitter between requests, backoff when the site says
slow down (418/403/429/5xx, honouring ``Retry-After`` and ``X-RateLimit-Reset``), one clear error at the end.

Secrets (cookies, tokens) go in headers only and never into an error message.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from .. import __version__
from ..errors import CollectError

SLOW_DOWN = {418, 403, 429, 500, 502, 503, 504}
USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    f"Version/16.6 Mobile/15E148 Safari/604.1 socialbrain/{__version__}"
)


@dataclass
class Politeness:
    """How gently to ask. ``delay`` ± ``jitter`` seconds between requests; on a slow-down answer wait
    ``Retry-After`` / ``X-RateLimit-Reset`` or ``backoff`` × 2^attempt (at most ``max_wait``), ``retries`` times."""

    delay: float = 2.0
    jitter: float = 1.0
    backoff: float = 30.0
    max_wait: float = 900.0
    retries: int = 5
    timeout: float = 30.0

    @classmethod
    def fast(cls) -> Politeness:
        """No pauses at all: for a local test server."""
        return cls(delay=0.0, jitter=0.0, backoff=0.01, max_wait=2.0, retries=3, timeout=10.0)


def wait_from_headers(headers: httpx.Headers, now: float | None = None) -> float | None:
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


class PoliteClient:
    """``get()`` with pacing and backoff. ``on_wait(seconds, reason)`` is told about every backoff."""

    def __init__(
        self,
        *,
        headers: dict[str, str] | None = None,
        politeness: Politeness | None = None,
        on_wait: Callable[[float, str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        site: str = "the site",
    ):
        self.politeness = politeness or Politeness()
        self.on_wait = on_wait
        self.sleep = sleep
        self.site = site
        self.requests = 0
        self._last = 0.0
        h = {"User-Agent": USER_AGENT, "Accept": "application/json, text/plain, */*"}
        h.update(headers or {})
        # redirects are followed by hand and only within the same host: a cookie never travels to another site
        self.client = httpx.Client(headers=h, timeout=self.politeness.timeout, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pace(self) -> None:
        p = self.politeness
        if self._last and p.delay > 0:
            target = p.delay + random.uniform(-p.jitter, p.jitter) if p.jitter else p.delay
            left = max(0.0, target) - (time.monotonic() - self._last)
            if left > 0:
                self.sleep(left)

    def _get_same_host(self, url: str, params: dict[str, Any] | None) -> httpx.Response:
        r = self.client.get(url, params=params)
        for _ in range(5):
            if not r.is_redirect:
                break
            target = r.url.join(r.headers.get("location", ""))
            if target.host != r.url.host:
                break  # the caller sees the 3xx and its Location (e.g. the login page)
            r = self.client.get(target)
        return r

    def get(self, url: str, params: dict[str, Any] | None = None, *, what: str = "page") -> httpx.Response:
        """The response once the server answers with something other than slow-down (any status, caller checks)."""
        p = self.politeness
        attempt = 0
        while True:
            self._pace()
            self._last = time.monotonic()
            self.requests += 1
            try:
                r = self._get_same_host(url, params)
            except httpx.TransportError as e:
                reason = f"{type(e).__name__}"
                r = None
            else:
                if r.status_code not in SLOW_DOWN:
                    return r
                reason = f"HTTP {r.status_code}"
            attempt += 1
            if attempt > p.retries:
                hint = (
                    "the site keeps asking us to slow down: wait an hour and run the same command again "
                    "(it resumes), or raise --delay"
                    if r is not None and r.status_code in (418, 403, 429)
                    else "check the address and your network, then run the same command again (it resumes)"
                )
                raise CollectError(f"{self.site}: {what} failed after {p.retries} retries ({reason}): {hint}")
            asked = wait_from_headers(r.headers) if r is not None else None
            wait = asked if asked is not None else p.backoff * (2 ** (attempt - 1))
            wait = min(wait, p.max_wait)
            if self.on_wait:
                self.on_wait(wait, reason)
            if wait > 0:
                self.sleep(wait)
