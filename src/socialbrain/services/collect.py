"""Collect runs for every face: how politely to ask, and the cookie or token to ask with."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..collect.credentials import load_secret, parse_cookie_text, read_secret_file, save_secret
from ..errors import ConfigError

if TYPE_CHECKING:
    from ..collect.http import Politeness
    from ..config import Settings


def politeness(
    settings: Settings,
    delay: float | None,
    default_delay: float,
    default_backoff: float,
    time_limit: float | None = None,
) -> Politeness:
    """The pace of a run: ``delay`` (else config collect.delay, else ``default_delay``) seconds between requests
    with ±50% jitter, and ``time_limit`` minutes in all (else config collect.time_limit)."""
    cfg = settings.collect  # typed and checked once (config.py)
    d = delay if delay is not None else cfg.delay if cfg.delay is not None else default_delay
    if d < 0:
        raise ConfigError("--delay must be 0 or more seconds")
    limit = time_limit if time_limit is not None else cfg.time_limit
    answer, max_mb = cfg.answer_deadline, cfg.max_answer_mb
    if limit <= 0:
        raise ConfigError("--time-limit must be above 0 minutes")
    from ..collect.http import Politeness

    return Politeness(
        delay=d,
        jitter=d / 2,
        backoff=default_backoff if d > 0 else 0.5,
        max_wait=900.0,
        timeout=min(30.0, answer),
        answer_deadline=answer,
        max_bytes=int(max_mb * 1024 * 1024),
        run_deadline=limit * 60,
    )


def weibo_cookie(
    settings: Settings, uid: str, cookie_file: str | None, *, save: bool = False
) -> tuple[str | None, Path | None]:
    """The Weibo cookie to collect ``uid`` with: from ``cookie_file`` (kept in the secrets folder with ``save``),
    else $SOCIALBRAIN_WEIBO_COOKIE, else the one saved earlier; and where it was saved now (or None)."""
    secret_name = f"weibo-{uid.strip()}.cookie"
    if cookie_file:
        cookie = parse_cookie_text(read_secret_file(cookie_file, "cookie"), path=cookie_file)
        return cookie, save_secret(settings, secret_name, cookie) if save else None
    return os.environ.get("SOCIALBRAIN_WEIBO_COOKIE") or load_secret(settings, secret_name), None


def mastodon_token(
    settings: Settings,
    host: str,
    token: str | None,
    token_file: str | None,
    *,
    account: str | None = None,
    save: bool = False,
) -> tuple[str | None, Path | None]:
    """The Mastodon token for ``host``: ``token``, the one in ``token_file``, $SOCIALBRAIN_MASTODON_TOKEN, or the
    one saved earlier (not for another ``account``'s public posts); kept with ``save``, and where (or None)."""
    secret_name = f"mastodon-{host}.token"
    if token_file:
        token = read_secret_file(token_file, "token").strip()
    token = (
        token
        or os.environ.get("SOCIALBRAIN_MASTODON_TOKEN")
        or (None if account else load_secret(settings, secret_name))
    )
    return token, save_secret(settings, secret_name, token) if token and save else None
