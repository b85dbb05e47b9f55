"""Collect your own Mastodon statuses through the REST API, newest first, paging with ``max_id``.

    GET /api/v1/accounts/verify_credentials          (with a token: who am I)
    GET /api/v1/accounts/lookup?acct=NAME            (public: find the account)
    GET /api/v1/accounts/:id/statuses?limit=40&max_id=…&since_id=…   (Link: <…max_id=…>; rel="next")

Boosts become reposts (``ref_text`` from ``reblog.content``), replies keep ``reply_to``, ``private``/``direct``
visibility sets the private flag. 429 waits until ``X-RateLimit-Reset``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

from ..errors import CollectError, ConfigError, CookieExpired, NotFoundError
from ..models import Kind, Post
from ..sources.text import html_to_text
from .engine import CollectReport, Page, PageItem, collect_source
from .http import PoliteClient, Politeness
from .media import media_politeness

if TYPE_CHECKING:
    from ..brain import Brain


def _mastodon_politeness() -> Politeness:
    return Politeness(delay=1.0, jitter=0.5, backoff=10.0)


@dataclass
class MastodonOptions:
    instance: str
    token: str | None = None
    account: str | None = None  # @name, name or name@host; default: the token's own account
    since: datetime | None = None
    originals_only: bool = False  # leave boosts out
    media: bool = False
    full: bool = False
    max_pages: int | None = None
    limit: int = 40
    politeness: Politeness = field(default_factory=_mastodon_politeness)

    def __post_init__(self) -> None:
        inst = self.instance.strip().rstrip("/")
        if not inst:
            raise ConfigError("--instance is empty: give your server, e.g. https://mastodon.social")
        if "://" not in inst:
            inst = "https://" + inst
        self.instance = inst
        if not self.token and not self.account:
            raise ConfigError(
                "give --token (your own posts, private ones too) or --account @name (public posts only)"
            )

    @property
    def host(self) -> str:
        return urlparse(self.instance).netloc


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _with_spoiler(status: dict[str, Any]) -> str:
    body = html_to_text(status.get("content"))
    cw = (status.get("spoiler_text") or "").strip()
    return f"{cw}\n\n{body}".strip() if cw else body


def status_to_post(status: dict[str, Any], *, account: str, source_file: str | None = None) -> Post:
    """A Mastodon REST ``Status`` → Post (``account`` is ``username@host``). Times stay in UTC, as Mastodon gives."""
    reblog = status.get("reblog")
    kind = Kind.ORIGINAL
    text = _with_spoiler(status)
    ref_text = ref_author = reply_to = None
    url = status.get("url") or status.get("uri")
    if isinstance(reblog, dict):
        kind = Kind.REPOST
        ref_text = _with_spoiler(reblog) or None
        ref_author = (reblog.get("account") or {}).get("acct")
        url = reblog.get("url") or reblog.get("uri") or url
    elif status.get("in_reply_to_id"):
        kind = Kind.REPLY
        reply_to = str(status["in_reply_to_id"])
        target = str(status.get("in_reply_to_account_id") or "")
        for m in status.get("mentions") or []:
            if str(m.get("id")) == target:
                ref_author = m.get("acct")
    media = [
        str(m.get("url") or m.get("remote_url"))
        for m in status.get("media_attachments") or []
        if isinstance(m, dict) and (m.get("url") or m.get("remote_url"))
    ]
    return Post(
        platform="mastodon",
        account=account,
        post_id=str(status["id"]),
        created_at=_parse_time(str(status["created_at"])),
        text=text,
        kind=kind,
        raw=status,
        ref_text=ref_text,
        ref_author=ref_author,
        url=url,
        media=media,
        likes=status.get("favourites_count"),
        reposts=status.get("reblogs_count"),
        comments=status.get("replies_count"),
        source_tool=(status.get("application") or {}).get("name"),
        source_file=source_file,
        reply_to=reply_to,
        private=status.get("visibility") in ("private", "direct"),
    )


_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')


def next_max_id(link_header: str | None) -> str | None:
    """``max_id`` of the ``rel="next"`` link, if any."""
    for url, rel in _LINK.findall(link_header or ""):
        if rel == "next":
            ids = parse_qs(urlparse(url).query).get("max_id")
            return ids[0] if ids else None
    return None


class MastodonSource:
    platform = "mastodon"

    def __init__(self, client: PoliteClient, opts: MastodonOptions):
        self.client = client
        self.opts = opts
        self.truncated = 0
        me = self._account()
        self.account_id = str(me["id"])
        self.account = f"{me.get('username') or me.get('acct')}@{opts.host}"

    def _get(self, path: str, params: dict[str, Any] | None, what: str) -> Any:
        r = self.client.get(f"{self.opts.instance}{path}", params, what=what)
        if r.status_code == 401:
            raise CookieExpired(
                f"{self.opts.host}: the token was rejected (401): create a new one under Preferences → Development "
                "with the read scope and run the same command again"
            )
        if r.status_code == 404:
            raise NotFoundError(f"{self.opts.host}: {what} not found (404): check --instance and --account")
        if r.status_code != 200:
            raise CollectError(
                f"{self.opts.host}: {what} answered HTTP {r.status_code}: try again later (it resumes)"
            )
        try:
            return r.json(), r
        except ValueError:
            raise CollectError(
                f"{self.opts.host}: {what} is not valid JSON: is --instance a Mastodon server? nothing of this page "
                "was stored"
            ) from None

    def _account(self) -> dict[str, Any]:
        if self.opts.account:
            acct = self.opts.account.lstrip("@")
            if acct.endswith("@" + self.opts.host):
                acct = acct[: -len(self.opts.host) - 1]
            js, _ = self._get("/api/v1/accounts/lookup", {"acct": acct}, f"account @{acct}")
        else:
            js, _ = self._get("/api/v1/accounts/verify_credentials", None, "the token's account")
        if not isinstance(js, dict) or "id" not in js:
            raise CollectError(
                f"{self.opts.host}: the account answer has no id: is --instance a Mastodon server?"
            )
        return js

    def first_cursor(self, newest_id: str | None) -> dict[str, Any]:
        return {"max_id": None, "since_id": newest_id}

    def resume_cursor(self, cursor: dict[str, Any]) -> dict[str, Any]:
        return cursor

    def fetch(self, cursor: dict[str, Any]) -> Page:
        params: dict[str, Any] = {"limit": self.opts.limit}
        if cursor.get("max_id"):
            params["max_id"] = cursor["max_id"]
        if cursor.get("since_id"):
            params["since_id"] = cursor["since_id"]
        what = f"statuses before {cursor.get('max_id') or 'now'}"
        js, r = self._get(f"/api/v1/accounts/{self.account_id}/statuses", params, what)
        if not isinstance(js, list):
            raise CollectError(f"{self.opts.host}: {what} is not a list of statuses")
        if not js:
            return Page([], None)
        items = []
        for st in js:
            try:
                items.append(
                    PageItem(status_to_post(st, account=self.account), pinned=bool(st.get("pinned")))
                )
            except (KeyError, ValueError, TypeError) as e:
                raise CollectError(
                    f"{self.opts.host}: {what}: a status is malformed ({e}); please report this"
                ) from None
        link = r.headers.get("link")
        nxt = (
            next_max_id(link)
            if link is not None
            else str(min(js, key=lambda s: (len(str(s["id"])), str(s["id"])))["id"])
        )
        return Page(items, {"max_id": nxt, "since_id": cursor.get("since_id")} if nxt else None)


def collect_mastodon(
    brain: Brain,
    opts: MastodonOptions,
    *,
    progress: Callable[[CollectReport], None] | None = None,
    on_wait: Callable[[float, str], None] | None = None,
) -> CollectReport:
    """Collect the account's statuses into ``brain.archive`` with the same guarantees as Weibo: resume,
    incremental (``since_id``), backoff, nothing half-written."""
    headers = {"Authorization": f"Bearer {opts.token}"} if opts.token else {}
    # media may live on another host (a CDN): fetched without the token
    media_client = PoliteClient(politeness=media_politeness(opts.politeness), site="media")
    with (
        PoliteClient(headers=headers, politeness=opts.politeness, on_wait=on_wait, site=opts.host) as client,
        media_client,
    ):
        source = MastodonSource(client, opts)
        return collect_source(
            brain, source, opts, client=client, media_client=media_client, progress=progress
        )
