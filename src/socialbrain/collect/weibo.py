"""Collect your own Weibo posts from m.weibo.cn's JSON API (as dataabc/weibo-crawler does), or from weibo.cn's
HTML pages (as dataabc/weiboSpider does, ``via="weibo.cn"``), straight into the archive.

    getIndex?containerid=107603{uid}&page=N   data.cards[] (card_type 9 → mblog; 11 → card_group)
    statuses/extend?id=ID                     data.longTextContent (全文 of a long post)
    detail/ID                                 HTML with ``$render_data = [{"status": {...}}]`` (fallback)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import httpx

from ..errors import CollectError, ConfigError, CookieExpired
from .credentials import scrub
from .engine import CollectReport, Page, PageItem, collect_source
from .http import PoliteClient, Politeness
from .media import media_politeness
from .weibo_mblog import WeiboPagedSource, is_pinned, mblog_text_html, mblog_to_post, needs_long_text

if TYPE_CHECKING:
    from ..archive.sqlite import SQLiteArchive
    from ..brain import Brain

DEFAULT_API_BASE = "https://m.weibo.cn"
DEFAULT_CN_BASE = "https://weibo.cn"
_LOGIN_MARKERS = ("passport.weibo", "/signin", "/login", "login.sina", "visitor.passport", "newlogin")
_LOGIN_TEXT = ("登录", "login", "未登录", "请先登录")

COOKIE_HELP = (
    "log in at https://m.weibo.cn in your browser, copy a fresh Cookie header into the cookie file "
    "(see docs/collect.md) and run the same command again: it resumes where it stopped"
)


@dataclass
class WeiboOptions:
    uid: str
    cookie: str | None = None
    since: datetime | None = None
    originals_only: bool = False
    media: bool = False
    api_base: str = DEFAULT_API_BASE
    via: str = "api"  # "api" (m.weibo.cn JSON) or "weibo.cn" (HTML pages)
    full: bool = False  # walk every page even when an earlier run already stored them
    max_pages: int | None = None
    # the profile's posts; weibo-crawler's newer form is "230413{uid}_-_WEIBO_SECOND_PROFILE_WEIBO"
    containerid: str = "107603{uid}"
    politeness: Politeness = field(default_factory=Politeness)

    def __post_init__(self) -> None:
        self.uid = str(self.uid).strip()
        if not self.uid.isdigit():
            raise ConfigError(
                f"--uid {self.uid!r}: use the number in your profile link (weibo.com/u/1234567890), not the nickname"
            )
        if self.via not in ("api", "weibo.cn"):
            raise ConfigError(f"--via {self.via!r}: use api (m.weibo.cn) or weibo.cn")
        self.api_base = self.api_base.rstrip("/")


def raise_if_login_page(r: httpx.Response, site: str) -> None:
    """An expired or wrong cookie shows as a redirect to the login page, or the login page itself."""
    urls = [str(r.url), r.headers.get("location", "")]
    if any(m in u for u in urls for m in _LOGIN_MARKERS):
        raise CookieExpired(
            f"{site} sent us to the login page: the cookie is expired or wrong; {COOKIE_HELP}"
        )
    if r.status_code == 401:
        raise CookieExpired(
            f"{site} answered 401 (not logged in): the cookie is expired or wrong; {COOKIE_HELP}"
        )
    if r.is_redirect:
        where = urlparse(r.headers.get("location", "")).netloc or "another site"
        raise CollectError(
            f"{site} redirected us to {where}: check --api-base; if it is a login page, {COOKIE_HELP}"
        )


def _looks_like_login_html(text: str) -> bool:
    head = text[:4000]
    return "<html" in head.lower() and (
        any(m in head for m in _LOGIN_MARKERS)
        or "<title>登录" in head
        or "新浪通行证" in head
        or "微博-随时随地" in head
    )


def extract_detail_status(html: str) -> dict[str, Any] | None:
    """The ``status`` object embedded in an m.weibo.cn ``/detail/{id}`` page."""
    i = html.find("$render_data")
    if i >= 0:
        j = html.find("[", i)
        try:
            data, _ = json.JSONDecoder(strict=False).raw_decode(html[j:])
            if isinstance(data, list) and data and isinstance(data[0], dict):
                st = data[0].get("status")
                return st if isinstance(st, dict) else None
        except ValueError:
            pass
    # weibo-crawler's cut: from "status": to the last "hotScheme"
    i = html.find('"status":')
    k = html.rfind('"hotScheme"')
    if i < 0 or k < i:
        return None
    body = html[i:k]
    body = body[: body.rfind(",")]
    try:
        st = json.loads("{" + body + "}", strict=False).get("status")
    except ValueError:
        return None
    return st if isinstance(st, dict) else None


class WeiboApiSource(WeiboPagedSource):
    """m.weibo.cn pages, newest first; ``{"page": N}`` cursors (or the newer API's ``since_id``)."""

    client: PoliteClient
    opts: WeiboOptions

    def __init__(
        self,
        client: PoliteClient,
        opts: WeiboOptions,
        now: datetime | None = None,
        archive: SQLiteArchive | None = None,
    ):
        super().__init__(client, opts, now)
        self.archive = archive  # to reuse 全文 already stored instead of asking again

    # -- Source -----------------------------------------------------------------------------------
    def resume_cursor(self, cursor: dict[str, Any]) -> dict[str, Any]:
        if cursor.get("since_id"):
            return cursor  # the newer API pages by since_id: exact, no overlap possible
        return super().resume_cursor(cursor)

    def fetch(self, cursor: dict[str, Any]) -> Page:
        page = int(cursor["page"])
        what = f"page {page}"
        params: dict[str, Any] = {
            "containerid": self.opts.containerid.format(uid=self.opts.uid),
            "page": page,
        }
        if cursor.get("since_id"):
            params["since_id"] = cursor["since_id"]
        js = self._get_json(f"{self.opts.api_base}/api/container/getIndex", params, what)
        if js.get("ok") != 1:
            if page == 1:
                msg = js.get("msg") or "no message"
                raise CollectError(
                    f"{self.site}: no posts for uid {self.opts.uid} (ok: {js.get('ok')}, {msg}): check --uid "
                    "(the number in your profile link) and that the cookie is yours"
                )
            return Page([], None)  # ok: 0 past the last page: "no more"
        data = js.get("data") or {}
        cards = data.get("cards") if isinstance(data, dict) else None
        if not isinstance(cards, list):
            raise CollectError(
                f"{self.site}: {what} has no data.cards list: the API changed; try --via weibo.cn"
            )
        mblogs: list[dict[str, Any]] = []
        for card in cards:
            if not isinstance(card, dict):
                continue
            if card.get("card_type") == 9 and isinstance(card.get("mblog"), dict):
                mblogs.append(card["mblog"])
            elif card.get("card_type") == 11:
                mblogs += [
                    c["mblog"]
                    for c in card.get("card_group") or []
                    if isinstance(c, dict) and c.get("card_type") == 9 and isinstance(c.get("mblog"), dict)
                ]
        if not mblogs:
            return Page([], None)
        items = []
        for mb in mblogs:
            self._expand(mb)
            try:
                post = mblog_to_post(mb, account=self.opts.uid, now=self.now)
            except (ValueError, TypeError) as e:
                raise CollectError(
                    f"{self.site}: {what}: post {mb.get('id')}: {e}; please report this"
                ) from None
            items.append(PageItem(post, pinned=is_pinned(mb)))
        info = data.get("cardlistInfo") or {}
        nxt: dict[str, Any] = {"page": page + 1}
        if isinstance(info, dict) and info.get("since_id"):
            nxt["since_id"] = str(info["since_id"])
        return Page(items, nxt)

    # -- helpers ----------------------------------------------------------------------------------
    def _get_json(self, url: str, params: dict[str, Any], what: str) -> dict[str, Any]:
        r = self.client.get(url, params, what=what)
        raise_if_login_page(r, self.site)
        if r.status_code != 200:
            raise CollectError(
                f"{self.site}: {what} answered HTTP {r.status_code}: try again later (it resumes)"
            )
        try:
            js = r.json()
        except ValueError:
            if _looks_like_login_html(r.text):
                raise CookieExpired(
                    f"{self.site} answered {what} with the login page: {COOKIE_HELP}"
                ) from None
            snippet = scrub(r.text[:60].replace("\n", " "), self.opts.cookie)
            raise CollectError(
                f"{self.site}: {what} is not valid JSON (starts {snippet!r}): the site is blocking or changed; "
                "nothing of this page was stored; try again later or with --via weibo.cn"
            ) from None
        if not isinstance(js, dict):
            raise CollectError(f"{self.site}: {what} is JSON but not an object: the API changed")
        msg = str(js.get("msg") or "")
        if js.get("ok") == -100 or (js.get("ok") != 1 and any(t in msg for t in _LOGIN_TEXT)):
            raise CookieExpired(
                f"{self.site} says {msg or 'not logged in'!r}: the cookie is expired or wrong; {COOKIE_HELP}"
            )
        return js

    def _long_text(self, mid: str) -> str | None:
        try:
            js = self._get_json(f"{self.opts.api_base}/statuses/extend", {"id": mid}, f"long text of {mid}")
            data = js.get("data") or {}
            if js.get("ok") == 1 and isinstance(data, dict) and data.get("longTextContent"):
                return str(data["longTextContent"])
        except CookieExpired:
            raise
        except CollectError:
            pass
        try:
            r = self.client.get(f"{self.opts.api_base}/detail/{mid}", what=f"detail page of {mid}")
        except CollectError:
            return None
        raise_if_login_page(r, self.site)
        if r.status_code != 200:
            return None
        status = extract_detail_status(r.text)
        if not status:
            return None
        html = mblog_text_html(status)
        return html if html and not needs_long_text({**status, "isLongText": False}) else None

    def _stored_raw(self, mid: str) -> dict[str, Any] | None:
        if self.archive is None or not mid:
            return None
        post = self.archive.find_by_key("weibo", self.opts.uid, mid)
        return post.raw if post is not None and isinstance(post.raw, dict) else None

    def _expand(self, mb: dict[str, Any]) -> None:
        """Fetch 全文 for the post and for the post it reposts; keep it in the raw record as ``longText``."""
        stored = self._stored_raw(str(mb.get("id") or ""))
        for target, before in (
            (mb, stored),
            (mb.get("retweeted_status"), (stored or {}).get("retweeted_status")),
        ):
            if not isinstance(target, dict) or not needs_long_text(target) or not target.get("id"):
                continue
            known = (before or {}).get("longText") if isinstance(before, dict) else None
            if isinstance(known, dict) and known.get("longTextContent") and not self.opts.full:
                target["longText"] = known
                continue
            full = self._long_text(str(target["id"]))
            if full:
                target["longText"] = {"longTextContent": full}
            else:
                self.truncated += 1


def collect_weibo(
    brain: Brain,
    opts: WeiboOptions,
    *,
    progress: Callable[[CollectReport], None] | None = None,
    on_wait: Callable[[float, str], None] | None = None,
    now: datetime | None = None,
) -> CollectReport:
    """Collect ``opts.uid``'s posts into ``brain.archive``: resumes an interrupted run, fetches only what is new
    after a finished one. Raises CookieExpired / CollectError with one line to act on."""
    headers = {
        "Referer": f"{opts.api_base}/u/{opts.uid}",
        "X-Requested-With": "XMLHttpRequest",
        "MWeibo-Pwa": "1",
    }
    if opts.cookie:
        headers["Cookie"] = opts.cookie
    site = urlparse(opts.api_base).netloc or opts.api_base
    media_client = PoliteClient(
        headers={"Referer": "https://weibo.com/"}, politeness=media_politeness(opts.politeness), site="media"
    )
    with (
        PoliteClient(headers=headers, politeness=opts.politeness, on_wait=on_wait, site=site) as client,
        media_client,
    ):
        source: Any
        if opts.via == "weibo.cn":
            from .weibo_cn import WeiboCnSource

            source = WeiboCnSource(client, opts, now=now)
        else:
            source = WeiboApiSource(client, opts, now=now, archive=brain.archive)
        return collect_source(
            brain, source, opts, client=client, media_client=media_client, progress=progress
        )
