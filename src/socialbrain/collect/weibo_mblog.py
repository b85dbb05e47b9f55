"""The one m.weibo.cn ``mblog`` → :class:`Post` converter (collector and importers share it).

An ``mblog`` is the status object of the m.weibo.cn JSON API (``data.cards[].mblog``, ``/detail/{id}``'s
``status``, weibo-crawler's raw records). Ids: ``id``/``mid`` is the numeric mid, ``bid`` its base62 form
(``z0JH2lOMb`` ↔ ``3501756485200075``); socialbrain keys Weibo posts by the numeric mid whatever the source.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlparse

from ..models import Kind, Post
from ..sources.dates import parse_date
from ..sources.text import html_to_text

WEIBO_ZONE = timezone(timedelta(hours=8), "+08:00")  # what Weibo means by every time it shows
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


# -- ids ------------------------------------------------------------------------------------------
def _b62_encode(n: int) -> str:
    if n == 0:
        return "0"
    out = []
    while n:
        n, r = divmod(n, 62)
        out.append(_ALPHABET[r])
    return "".join(reversed(out))


def mid_to_bid(mid: str | int) -> str:
    """Numeric mid → the base62 id in weibo.com / weibo.cn links (groups of 7 digits → 4 chars)."""
    s = str(mid)
    groups = []
    while s:
        s, chunk = s[:-7], s[-7:]
        enc = _b62_encode(int(chunk))
        groups.append(enc.rjust(4, "0") if s else enc)
    return "".join(reversed(groups))


def bid_to_mid(bid: str) -> str:
    """Base62 id (``J74OAhxtL``) → numeric mid string; a mid given instead (12+ digits) is returned as is."""
    if bid.isdigit() and len(bid) >= 12:
        return bid
    s = bid
    groups = []
    while s:
        s, chunk = s[:-4], s[-4:]
        n = 0
        for ch in chunk:
            n = n * 62 + _ALPHABET.index(ch)
        groups.append(str(n).rjust(7, "0") if s else str(n))
    return str(int("".join(reversed(groups))))


# -- values ---------------------------------------------------------------------------------------
def parse_count(value: Any) -> int | None:
    """``12`` / ``"12"`` / ``"1.2万"`` / ``"100万+"`` / ``"3亿"`` → int; empty → None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return int(value)
    s = str(value).strip().rstrip("+").replace(",", "")
    mult = 1
    if s.endswith("万"):
        s, mult = s[:-1], 10_000
    elif s.endswith("亿"):
        s, mult = s[:-1], 100_000_000
    try:
        return int(round(float(s) * mult))
    except ValueError:
        return None


def parse_weibo_date(value: str, now: datetime | None = None) -> datetime:
    """Every date form Weibo shows → aware datetime in China time, through the one date parser
    (socialbrain.sources.dates): ``Sat Dec 28 20:00:00 +0800 2019`` (API), ``2019-12-28 20:00[:00]``, ``12-28``,
    ``刚刚``, ``5分钟前``, ``3小时前``, ``昨天 20:00``, ``12月28日 20:00``… A date without a year is this year's unless
    that would be in the future (then last year's)."""
    try:
        return parse_date(value, now=now, zone=WEIBO_ZONE, past_only=True)
    except ValueError:
        raise ValueError(f"unknown Weibo date {value!r}") from None


# -- mblog ----------------------------------------------------------------------------------------
def is_pinned(mblog: dict[str, Any]) -> bool:
    """Pinned (置顶) posts sit on page 1 whatever their age: never a reason to stop paging."""
    title = mblog.get("title") or {}
    return mblog.get("mblogtype") == 2 or (isinstance(title, dict) and title.get("text") == "置顶")


def mblog_text_html(mblog: dict[str, Any]) -> str:
    """The full text HTML: the expanded long text when present (``longText.longTextContent``)."""
    long = mblog.get("longText")
    if isinstance(long, dict) and long.get("longTextContent"):
        return str(long["longTextContent"])
    return str(mblog.get("text") or "")


def needs_long_text(mblog: dict[str, Any]) -> bool:
    return bool(mblog.get("isLongText")) and not (
        isinstance(mblog.get("longText"), dict) and mblog["longText"].get("longTextContent")
    )


_FULL_TEXT_LINK = re.compile(r"<a\b[^>]*>\s*全文\s*</a>\s*$")


def mblog_text(mblog: dict[str, Any]) -> str:
    # a truncated text that was not expanded ends in a "全文" link: drop the link, keep the "…"
    return html_to_text(_FULL_TEXT_LINK.sub("", mblog_text_html(mblog).rstrip()))


def mblog_pictures(mblog: dict[str, Any]) -> list[str]:
    urls = []
    for pic in mblog.get("pics") or []:
        if not isinstance(pic, dict):
            continue
        url = (pic.get("large") or {}).get("url") or pic.get("url")
        if url:
            urls.append(str(url))
    return urls


def mblog_video(mblog: dict[str, Any]) -> str | None:
    info = mblog.get("page_info") or {}
    if not isinstance(info, dict) or info.get("type") != "video":
        return None
    media = info.get("media_info") or {}
    for key in ("mp4_720p_mp4", "mp4_hd_url", "mp4_sd_url", "stream_url_hd", "stream_url"):
        if media.get(key):
            return str(media[key])
    urls = info.get("urls") or {}
    return next((str(u) for u in urls.values() if u), None) if isinstance(urls, dict) else None


_LOCATION_SPAN = re.compile(
    r"timeline_card_small_location_default\.png[^>]*>\s*(?:</span>)?\s*<span class=['\"]surl-text['\"]>([^<]+)</span>"
)


def mblog_location(mblog: dict[str, Any]) -> str | None:
    """``region_name`` ("发布于 北京") or the place link inside the text (older posts)."""
    region = (mblog.get("region_name") or "").strip()
    if region:
        return region.removeprefix("发布于").strip() or None
    m = _LOCATION_SPAN.search(str(mblog.get("text") or ""))
    return m.group(1).strip() if m else None


def mblog_to_post(
    mblog: dict[str, Any],
    *,
    account: str | None = None,
    now: datetime | None = None,
    source_file: str | None = None,
) -> Post:
    """One ``mblog`` → Post. ``account`` is the owner's uid (default: ``mblog.user.id``).

    A ``retweeted_status`` makes it a repost: the user's own words are ``text``, the reposted post is
    ``ref_text``/``ref_author``. Counts like ``"100万+"`` become ints; the raw record is kept verbatim.
    """
    user = mblog.get("user") or {}
    uid = str(account or user.get("id") or "")
    mid = str(mblog.get("mid") or mblog.get("id") or "")
    if not mid:
        raise ValueError("mblog without id")
    bid = mblog.get("bid") or mid_to_bid(mid)
    kind = Kind.ORIGINAL
    ref_text = ref_author = None
    rt = mblog.get("retweeted_status")
    if isinstance(rt, dict):
        kind = Kind.REPOST
        ref_text = mblog_text(rt) or None
        ref_author = ((rt.get("user") or {}).get("screen_name")) or None
    media = mblog_pictures(mblog)
    video = mblog_video(mblog)
    if video:
        media.append(video)
    visible = mblog.get("visible") or {}
    private = isinstance(visible, dict) and visible.get("type") not in (None, 0, "0")
    return Post(
        platform="weibo",
        account=uid,
        post_id=mid,
        created_at=parse_weibo_date(str(mblog.get("created_at") or ""), now),
        text=mblog_text(mblog),
        kind=kind,
        raw=mblog,
        ref_text=ref_text,
        ref_author=ref_author,
        url=f"https://weibo.com/{uid}/{bid}" if uid else f"https://m.weibo.cn/detail/{mid}",
        media=media,
        location=mblog_location(mblog),
        likes=parse_count(mblog.get("attitudes_count")),
        reposts=parse_count(mblog.get("reposts_count")),
        comments=parse_count(mblog.get("comments_count")),
        source_tool=html_to_text(str(mblog.get("source") or "")) or None,
        source_file=source_file,
        private=private,
    )


class WeiboPagedSource:
    """What both Weibo sources (m.weibo.cn API, weibo.cn pages) share: the client, the options, the account and
    ``{"page": N}`` cursors that resume one page early (posts deleted meanwhile shift later ones up a page)."""

    platform = "weibo"

    def __init__(self, client: Any, opts: Any, now: datetime | None = None):
        self.client = client
        self.opts = opts
        self.account = opts.uid
        self.now = now
        self.truncated = 0
        self.site = urlparse(opts.api_base).netloc or opts.api_base

    def first_cursor(self, newest_id: str | None) -> dict[str, Any]:
        return {"page": 1}

    def resume_cursor(self, cursor: dict[str, Any]) -> dict[str, Any]:
        return {"page": max(1, int(cursor.get("page", 1)) - 1)}
