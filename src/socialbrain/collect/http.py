"""A polite HTTP client for collectors: a pause with jitter between requests, backoff when the site says
slow down (418/403/429/5xx, honouring ``Retry-After`` and ``X-RateLimit-Reset``), one clear error at the end.

Bounded against hostile or broken servers:

- **run deadline**: the whole run (every request, pause and backoff of this client) ends by
  ``Politeness.run_deadline`` seconds after the client was made: :class:`RunDeadline` says so in one line (a
  collector run resumes where it stopped);
- **answer deadline**: one answer (headers and the whole body) must arrive within ``answer_deadline`` seconds, so a
  body trickled 1 byte every few seconds cannot hold a read open (httpx's own read timeout is per ``recv``);
- **size**: an answer larger than ``max_bytes`` after decompression (a gzip that expands to 800 MB) is refused
  while it streams in, never held in memory;
- **honest reasons**: a timeout is reported as a timeout, a refused connection as that, and only 418/403/429/5xx as
  "the site asks us to slow down".

Secrets (cookies, tokens) go in headers only and never into an error message.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from .. import __version__
from ..errors import CollectError
from ..retry import Retryable, call_with_retries

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
    timeout: float = 30.0  # connect, and each read (recv)
    answer_deadline: float = 120.0  # one whole answer: headers and body
    max_bytes: int = 32 * 1024 * 1024  # one answer, decompressed
    run_deadline: float | None = 6 * 3600.0  # the whole run of one client; None: no limit

    @classmethod
    def fast(cls) -> Politeness:
        """No pauses at all: for a local test server."""
        return cls(
            delay=0.0, jitter=0.0, backoff=0.01, max_wait=2.0, retries=3, timeout=10.0, answer_deadline=20.0
        )


class RunDeadline(CollectError):
    """The run used up its time limit (``Politeness.run_deadline``); the next run resumes."""


class TooLarge(CollectError):
    """An answer was larger than ``Politeness.max_bytes`` once decompressed."""


class _AnswerTimeout(Exception):
    """One answer took longer than ``answer_deadline`` (retried like any timeout)."""


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


class PoliteClient:
    """``get()`` with pacing and backoff. ``on_wait(seconds, reason)`` is told about every backoff: ``reason`` is
    ``HTTP 429`` (…418/403/5xx) when the site asked us to slow down, else what went wrong (``timed out: …``,
    ``could not connect …``)."""

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
        p = self.politeness
        self.started = time.monotonic()
        self.deadline = self.started + p.run_deadline if p.run_deadline is not None else None
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

    # -- deadlines ------------------------------------------------------------------------------------------
    def left(self) -> float:
        """Seconds left of the run deadline (infinity without one)."""
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def check_deadline(self, what: str = "page") -> None:
        if self.left() <= 0:
            assert self.politeness.run_deadline is not None
            raise RunDeadline(
                f"{self.site}: stopped at the time limit of {_minutes(self.politeness.run_deadline)} "
                f"({self.requests} requests), before {what}; run the same command again to continue "
                "(it resumes), or raise --time-limit"
            )

    def _sleep(self, seconds: float, what: str) -> None:
        """Sleep, but never past the run deadline (then stop with RunDeadline)."""
        if seconds > self.left():
            self.sleep(max(0.0, self.left()))
            self.check_deadline(what)
        self.sleep(seconds)

    def _pace(self, what: str) -> None:
        p = self.politeness
        if self._last and p.delay > 0:
            target = p.delay + random.uniform(-p.jitter, p.jitter) if p.jitter else p.delay
            left = max(0.0, target) - (time.monotonic() - self._last)
            if left > 0:
                self._sleep(left, what)

    # -- one answer, bounded -------------------------------------------------------------------------------
    def _fetch(self, url: str | httpx.URL, params: dict[str, Any] | None, what: str) -> httpx.Response:
        """GET one answer, reading the body within ``answer_deadline`` (and the run deadline) and at most
        ``max_bytes`` decompressed. Returns a fully read response."""
        p = self.politeness
        budget = min(p.answer_deadline, max(0.001, self.left()))
        ends = time.monotonic() + budget
        timeout = httpx.Timeout(min(p.timeout, budget), connect=min(p.timeout, budget))
        request = self.client.build_request("GET", url, params=params, timeout=timeout)
        r = self.client.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            # decoded chunks arrive as the compressed stream is inflated: a bomb is stopped at max_bytes
            for chunk in r.iter_bytes():
                size += len(chunk)
                if size > p.max_bytes:
                    raise TooLarge(
                        f"{self.site}: {what} is larger than {p.max_bytes // (1024 * 1024)} MB "
                        f"{'once decompressed ' if r.headers.get('content-encoding') else ''}"
                        "(a broken or hostile server?): refused, nothing of it was stored"
                    )
                chunks.append(chunk)
                if time.monotonic() > ends:
                    raise _AnswerTimeout(f"the answer took longer than {budget:.0f} s")
                # each further read may wait at most until the answer's deadline
                request.extensions["timeout"] = httpx.Timeout(max(0.001, ends - time.monotonic())).as_dict()
        finally:
            r.close()
        if time.monotonic() > ends:
            raise _AnswerTimeout(f"the answer took longer than {budget:.0f} s")
        headers = httpx.Headers(
            [(k, v) for k, v in r.headers.multi_items() if k.lower() != "content-encoding"]
        )
        return httpx.Response(r.status_code, headers=headers, content=b"".join(chunks), request=r.request)

    def _get_same_host(self, url: str, params: dict[str, Any] | None, what: str) -> httpx.Response:
        r = self._fetch(url, params, what)
        for _ in range(5):
            if not r.is_redirect:
                break
            target = r.url.join(r.headers.get("location", ""))
            if target.host != r.url.host:
                break  # the caller sees the 3xx and its Location (e.g. the login page)
            r = self._fetch(target, None, what)
        return r

    def get(self, url: str, params: dict[str, Any] | None = None, *, what: str = "page") -> httpx.Response:
        """The response once the server answers with something other than slow-down (any status, caller checks)."""
        p = self.politeness

        def gave_up(reason: str, status: int | None) -> CollectError:
            hint = (
                "wait an hour and run the same command again (it resumes), or raise --delay"
                if status in (418, 403, 429)
                else "check the address and your network, then run the same command again (it resumes)"
            )
            return CollectError(f"{self.site}: {what} failed after {p.retries} retries ({reason}): {hint}")

        def attempt() -> httpx.Response:
            self.check_deadline(what)
            self._pace(what)
            self.check_deadline(what)
            self._last = time.monotonic()
            self.requests += 1
            try:
                r = self._get_same_host(url, params, what)
            except (httpx.TimeoutException, _AnswerTimeout) as e:
                reason = _timeout_reason(e, p)
                raise Retryable(reason, gave_up(reason, None)) from e
            except httpx.TransportError as e:
                reason = _transport_reason(e)
                raise Retryable(reason, gave_up(reason, None)) from e
            if r.status_code not in SLOW_DOWN:
                return r
            reason = f"HTTP {r.status_code}"  # a slow-down answer (SLOW_DOWN)
            raise Retryable(reason, gave_up(reason, r.status_code), r.headers)

        return call_with_retries(
            attempt,
            retries=p.retries,
            base=p.backoff,
            cap=p.max_wait,
            sleep=lambda seconds: self._sleep(seconds, what),
            on_wait=self.on_wait,
        )


def _timeout_reason(e: Exception, p: Politeness) -> str:
    if isinstance(e, _AnswerTimeout):
        return f"timed out: {e}"
    if isinstance(e, httpx.ConnectTimeout):
        return f"timed out connecting (no answer within {p.timeout:g} s)"
    if isinstance(e, httpx.PoolTimeout):
        return "timed out waiting for a connection"
    return (
        f"timed out: the answer stalled ({type(e).__name__}; limits {p.timeout:g} s per read, "
        f"{p.answer_deadline:g} s per answer)"
    )


def _transport_reason(e: httpx.TransportError) -> str:
    if isinstance(e, httpx.ConnectError):
        return "could not connect (ConnectError)"
    if isinstance(e, httpx.RemoteProtocolError):
        return "the connection broke off mid-answer (RemoteProtocolError)"
    if isinstance(e, httpx.DecodingError):
        return "the answer could not be decompressed (DecodingError)"
    return f"network error ({type(e).__name__})"
