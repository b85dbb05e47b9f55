"""What both Weibo crawlers' outputs share: ids, URLs, the flattened repost form, artefacts in the text."""

from __future__ import annotations

import re
from pathlib import Path

from ..collect.weibo_mblog import bid_to_mid

PLATFORM = "weibo"
_REPOST = re.compile(
    r"^(?P<reason>.*?)\n?原始用户[:：]\s*(?P<author>[^\n]*)\n转发内容[:：]\s*(?P<orig>.*)$", re.S
)
_TRAILING = re.compile(r"\s*(原图|\S{1,30}的微博视频)\s*$")


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
    """weiboSpider writes a repost as ``转发理由:…\\n原始用户: X\\n转发内容: 原文``: (own text, author, original)."""
    m = _REPOST.match(content)
    if not m:
        return content, None, None
    reason = re.sub(r"^转发理由[:：]\s*", "", m.group("reason").strip())
    return reason, m.group("author").strip() or None, m.group("orig").strip() or None


def strip_artefacts(text: str) -> str:
    """weiboSpider's trailing ``原图`` / ``xxx的微博视频`` link labels."""
    return _TRAILING.sub("", text).strip()
