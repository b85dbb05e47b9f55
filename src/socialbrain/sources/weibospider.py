"""weiboSpider (dataabc/weiboSpider, weibo.cn HTML) output: ``<uid>.txt``, ``<uid>.csv``, ``<uid>.json``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ImportFormatError
from ..models import Kind, Post
from .base import ImportOptions, Rejected, register
from .fields import clean, csv_header, date_field, head_text, load_json, read_csv, split_list, to_int
from .files import read_text
from .weibo_common import (
    PLATFORM,
    account_from_name,
    split_flattened_repost,
    strip_artefacts,
    weibo_mid,
    weibo_url,
)

_META = re.compile(r"^(微博位置|发布位置|发布时间|点赞数|发布工具)[:：]\s*(.*)$")
_COUNTS = re.compile(r"点赞数[:：]\s*(\S+)\s+转发数[:：]\s*(\S+)\s+评论数[:：]\s*(\S+)")
_HEADER_UID = re.compile(r"用户id[:：]\s*(\S+)")
_HEADER_NICK = re.compile(r"用户昵称[:：]\s*(.+)")
_SECTION = re.compile(r"^(原创)?微博内容[:：]\s*$")
_HEADER_LINE = re.compile(
    r"^(用户信息|(用户昵称|用户id|微博数|关注数|粉丝数)[:：].*|(原创)?微博内容[:：]\s*)$"
)


def _account(path: Path, options: ImportOptions, uid: Any = None) -> str:
    if options.account:
        return options.account
    if uid not in (None, ""):
        return str(uid)
    return account_from_name(path)


def _post(
    path: Path,
    options: ImportOptions,
    *,
    account: str,
    content: str,
    pid: str | None,
    when: str | None,
    line: int | None,
    field: str,
    place: str | None,
    tool: str | None,
    likes: Any,
    reposts: Any,
    comments: Any,
    original: bool | None,
    pics: list[str],
    raw: Any,
) -> Post | Rejected:
    text, ref_author, ref_text = split_flattened_repost(content.strip())
    text = strip_artefacts(text)
    ref_text = strip_artefacts(ref_text) if ref_text else ref_text
    created = date_field(when, str(path), field=field, line=line, now=options.now, zone=options.zone)
    kind = Kind.REPOST if ref_text is not None or original is False else Kind.ORIGINAL
    if not text and not ref_text and not pics:
        return Rejected("empty post text", line)
    mid = weibo_mid(pid)
    return Post(
        platform=options.platform or PLATFORM,
        account=account,
        post_id=mid,
        created_at=created,
        text=text,
        kind=kind,
        raw=raw,
        ref_text=ref_text,
        ref_author=ref_author,
        url=weibo_url(account, pid, mid) if pid else None,
        media=pics,
        location=clean(place),
        likes=to_int(likes),
        reposts=to_int(reposts),
        comments=to_int(comments),
        source_tool=clean(tool),
    )


class WeiboSpiderTxt:
    name = "weibospider-txt"
    platform = PLATFORM
    description = (
        "weiboSpider .txt (用户信息 header, 微博位置/发布时间/点赞数… lines; no ids: keyed by content+time)"
    )

    def sniff(self, path: Path, head: bytes) -> float:
        t = head_text(head)
        if "发布时间" in t and ("点赞数" in t or "发布工具" in t):
            return 0.9 if path.suffix.lower() in (".txt", "") else 0.6
        return 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        lines = read_text(path).splitlines()
        uid = nick = None
        start = 0
        for i, line in enumerate(lines[:30]):
            if m := _HEADER_UID.search(line):
                uid = m.group(1)
            elif m := _HEADER_NICK.search(line):
                nick = m.group(1).strip()
            if _SECTION.match(line.strip()):
                start = i + 1
                break
        account = _account(path, options, uid or nick)
        content: list[str] = []
        content_line = None
        meta: dict[str, str] = {}
        for n, line in enumerate(lines[start:], start=start + 1):
            s = line.strip()
            m = _META.match(s)
            if m:
                key, val = m.group(1), m.group(2).strip()
                if key == "点赞数" and (c := _COUNTS.search(s)):
                    meta["likes"], meta["reposts"], meta["comments"] = c.groups()
                else:
                    meta[key] = val
                if key == "发布工具":
                    if "发布时间" not in meta:
                        raise ImportFormatError(
                            str(path), "post has no 发布时间 line", line=n, field="发布时间"
                        )
                    yield _post(
                        path,
                        options,
                        account=account,
                        content="\n".join(content),
                        pid=None,
                        when=meta["发布时间"],
                        line=content_line or n,
                        field="发布时间",
                        place=meta.get("微博位置") or meta.get("发布位置"),
                        tool=meta.get("发布工具"),
                        likes=meta.get("likes"),
                        reposts=meta.get("reposts"),
                        comments=meta.get("comments"),
                        original=None,
                        pics=[],
                        raw="\n".join(lines[(content_line or n) - 1 : n]),
                    )
                    content, content_line, meta = [], None, {}
                continue
            if meta:  # a post without 发布工具: the meta block ended at a content line
                raise ImportFormatError(
                    str(path), "post ends without a 发布工具 line", line=n, field="发布工具"
                )
            if _HEADER_LINE.match(s):  # weiboSpider appends a new header block on every run
                content, content_line = [], None
                continue
            if s or content:
                if content_line is None:
                    content_line = n
                content.append(s)
        if meta:
            raise ImportFormatError(
                str(path), "last post is cut short (no 发布工具 line)", line=len(lines), field="发布工具"
            )
        if any(c.strip() for c in content):
            raise ImportFormatError(
                str(path),
                "text after the last post has no 发布时间: is the file cut short?",
                line=content_line,
            )


class WeiboSpiderCsv:
    name = "weibospider-csv"
    platform = PLATFORM
    description = "weiboSpider .csv (微博id, 微博正文, … 发布时间, 点赞数, 转发数, 评论数)"

    def sniff(self, path: Path, head: bytes) -> float:
        cols = csv_header(head)
        return 0.95 if {"微博id", "微博正文"} <= cols else 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        header, rows = read_csv(path, str(path))
        for col in ("微博正文", "发布时间"):
            if col not in header:
                raise ImportFormatError(str(path), f"no {col} column", line=1, field=col)
        account = _account(path, options)
        for n, row in rows:
            original = clean(row.get("是否为原创微博"))
            yield _post(
                path,
                options,
                account=account,
                content=row.get("微博正文") or "",
                pid=clean(row.get("微博id")),
                when=row.get("发布时间"),
                line=n,
                field="发布时间",
                place=row.get("发布位置"),
                tool=row.get("发布工具"),
                likes=row.get("点赞数"),
                reposts=row.get("转发数"),
                comments=row.get("评论数"),
                original=None if original is None else original.lower() == "true",
                pics=split_list(row.get("原始图片url")) + split_list(row.get("微博视频url")),
                raw=row,
            )


class WeiboSpiderJson:
    name = "weibospider-json"
    platform = PLATFORM
    description = 'weiboSpider .json ({"user": {…}, "weibo": [{content, publish_time, up_num, …}]})'

    def sniff(self, path: Path, head: bytes) -> float:
        t = head_text(head)
        return 0.9 if '"weibo"' in t and '"publish_time"' in t and '"content"' in t else 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        data = load_json(path, str(path))
        if not isinstance(data, dict) or not isinstance(data.get("weibo"), list):
            raise ImportFormatError(str(path), 'expected {"user": {…}, "weibo": [...]}', field="weibo")
        user = data.get("user") or {}
        account = _account(path, options, user.get("id") if isinstance(user, dict) else None)
        for i, w in enumerate(data["weibo"]):
            if not isinstance(w, dict):
                raise ImportFormatError(str(path), "each weibo must be an object", field=f"weibo[{i}]")
            yield _post(
                path,
                options,
                account=account,
                content=str(w.get("content") or ""),
                pid=clean(w.get("id")),
                when=w.get("publish_time"),
                line=None,
                field=f"weibo[{i}].publish_time",
                place=w.get("publish_place"),
                tool=w.get("publish_tool"),
                likes=w.get("up_num"),
                reposts=w.get("retweet_num"),
                comments=w.get("comment_num"),
                original=w.get("original") if isinstance(w.get("original"), bool) else None,
                pics=split_list(w.get("original_pictures")) + split_list(w.get("video_url")),
                raw=w,
            )


for _imp in (WeiboSpiderTxt(), WeiboSpiderCsv(), WeiboSpiderJson()):
    register(_imp)
