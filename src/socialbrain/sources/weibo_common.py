"""What both Weibo crawlers' outputs share: ids, URLs, the flattened repost form, artefacts in the text."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ..collect.weibo_mblog import bid_to_mid
from ..models import Kind, Post
from .base import ImportOptions
from .fields import clean, to_int

PLATFORM = "weibo"
# weiboSpider ≥ 2018-11 (a33d057): "转发理由:R\n原始用户: U\n转发内容: T"; ≥ 2019-12 (f7920d0) drops the
# 原始用户 line when the original's author is gone
_REPOST = re.compile(
    r"^(?P<reason>.*?)\n?(?:原始用户[:：][ \t\u00a0]*(?P<author>[^\n]*)\n)?转发内容[:：]\s*(?P<orig>.*)$", re.S
)
# weiboSpider PR #9 (a3f1323, 2018-01): "转发了 U 的微博:\n原文\n转发理由:R" (nbsp around U, as weibo.cn shows it)
_REPOST_OF = re.compile(
    r"^转发了[\s\u00a0]*(?:(?P<author>[^\n]*?)[\s\u00a0]*的)?微博[:：][\s\u00a0]*(?P<orig>.*?)"
    r"(?:\n转发理由[:：][\s\u00a0]*(?P<reason>.*))?$",
    re.S,
)
_TRAILING = re.compile(r"\s*(原图|\S{1,30}的微博视频)\s*$")
# a long post whose 全文 weiboSpider could not fetch ends with the link label: "……\xa0全文"
_FULLTEXT = re.compile(r"(?:(?:\.\.\.|…+)[ \t\u00a0]*|[ \t\u00a0]+)全文[ \t\u00a0]*$")


def weibo_mid(value: str | None) -> str | None:
    """Weibo's numeric id (what the collector and weibo-crawler store); bid-style ids (``IonM9ryMy``) converted."""
    if not value:
        return None
    v = str(value).strip().strip("\t")
    if not v:
        return None
    if v.isdigit():
        return v
    try:
        return bid_to_mid(v)
    except ValueError:
        return v


def account_from_name(path: Path) -> str:
    """Both crawlers name files after the user id (``1669879400.csv``): that id, else the file stem."""
    m = re.search(r"\d{5,}", path.stem)
    return m.group(0) if m else path.stem


def weibo_url(uid: str | None, bid: str | None, mid: str | None) -> str | None:
    if uid and bid and not bid.isdigit():
        return f"https://weibo.com/{uid}/{bid}"
    if mid:
        return f"https://m.weibo.cn/detail/{mid}"
    return None


def split_flattened_repost(content: str) -> tuple[str, str | None, str | None]:
    """A repost weiboSpider flattened into its text → (own text, original author, original text).

    ``转发理由:R\\n原始用户: U\\n转发内容: T`` (2018-11 on; no 原始用户 line when the author is gone) and
    ``转发了 U 的微博:\\nT\\n转发理由:R`` (2018-01, PR #9). Not a repost: ``(content, None, None)``.
    """
    m = _REPOST.match(content)
    if m:
        reason = _strip_reason(m.group("reason"))
        author = (m.group("author") or "").strip(" \t\u00a0") or None
        return reason, author, m.group("orig").strip() or ""
    m = _REPOST_OF.match(content)
    if m:
        author = (m.group("author") or "").strip(" \t\u00a0") or None
        return _strip_reason(m.group("reason") or ""), author, m.group("orig").strip(" \n\t\u00a0")
    return content, None, None


def _strip_reason(reason: str) -> str:
    r = re.sub(r"^转发理由[:：]", "", reason.strip(" \n\t\u00a0"))
    return r.strip(" \n\t\u00a0")


def cut_fulltext(text: str) -> tuple[str, bool]:
    """(text without a trailing ``全文`` link label, whether it was there: the post is cut short)."""
    m = _FULLTEXT.search(text)
    if not m or not text[: m.start()].strip():
        return text, False
    return text[: m.start()].rstrip(" \u00a0"), True


def strip_artefacts(text: str) -> str:
    """weiboSpider's trailing ``原图`` / ``xxx的微博视频`` link labels."""
    return _TRAILING.sub("", text.replace("\u200b", "")).strip()


def weibo_post(
    options: ImportOptions,
    raw: Any,
    *,
    account: str,
    mid: str | None,
    created: datetime,
    text: str,
    repost: bool,
    ref_text: str | None,
    media: list[str],
    bid: str | None = None,
    ref_author: str | None = None,
    location: str | None = None,
    likes: Any = None,
    reposts: Any = None,
    comments: Any = None,
    tool: Any = None,
) -> Post:
    """The Post both crawlers' records make. A text (or reposted text) ending in ``……全文`` was cut short because
    the long text could not be fetched: the label goes, and the record kept with the post says ``truncated``."""
    text, cut = cut_fulltext(text)
    if ref_text:
        ref_text, ref_cut = cut_fulltext(ref_text)
        cut = cut or ref_cut
    if cut:
        raw = {**raw, "truncated": True} if isinstance(raw, dict) else {"record": raw, "truncated": True}
    return Post(
        platform=options.platform or PLATFORM,
        account=account,
        post_id=mid,
        created_at=created,
        text=text,
        kind=Kind.REPOST if repost else Kind.ORIGINAL,
        raw=raw,
        ref_text=ref_text or None,
        ref_author=ref_author,
        url=weibo_url(account, bid, mid),
        media=media,
        location=location,
        likes=to_int(likes),
        reposts=to_int(reposts),
        comments=to_int(comments),
        source_tool=clean(tool),
    )
