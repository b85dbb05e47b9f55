"""weiboSpider (dataabc/weiboSpider, weibo.cn HTML) output: ``<uid>.txt``, ``<uid>.csv``, ``<uid>.json``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ImportFormatError, NotThisFormat
from ..models import Post
from .base import ImportOptions, Rejected, register, snippet
from .fields import CsvTable, clean, csv_header, date_field, head_text, load_json, split_list
from .files import read_text
from .weibo_common import (
    PLATFORM,
    account_from_name,
    split_flattened_repost,
    strip_artefacts,
    weibo_mid,
    weibo_post,
)

# a field line: one of weiboSpider's labels, ASCII or full-width colon (several may share a line: the counts)
_FIELD = re.compile(
    r"^(微博发布位置|微博位置|发布位置|发布发布时间|发布时间|点赞数|转发数|评论数|发布发布工具|发布工具|url|微博链接)"
    r"[ \t]*[:：][ \t\u00a0]*(.*)$"
)
_COUNT_PART = re.compile(r"(点赞数|转发数|评论数)[ \t]*[:：][ \t]*([^\s]*)")
_USER_HEAD = re.compile(r"^用户信息[ \t]*[:：]?[ \t]*$")
_USER_FIELD = re.compile(r"^(用户昵称|用户id|微博数|关注数|粉丝数)[ \t]*[:：][ \t]*(.*)$")
_SECTION = re.compile(r"^(原创)?微博内容[ \t]*[:：][ \t]*$")
_NUMBERED = re.compile(r"^(\d{1,6}):")
_COMMENT_URL = re.compile(r"/comment/([A-Za-z0-9]+)")
_FIELD_NAMES = {
    "微博发布位置": "place", "微博位置": "place", "发布位置": "place", "发布时间": "time", "点赞数": "likes",
    "转发数": "reposts", "评论数": "comments", "发布工具": "tool", "url": "url", "微博链接": "url",
    "发布发布时间": "time", "发布发布工具": "tool",  # Weibo.__str__ / print_one_weibo 2019-08 .. 2020-06 wrote these
}
_RULE = re.compile(r"^[-=*+]{20,}$")  # the console's line between posts


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
    """One post from any weiboSpider output; a record without a readable date or text is a Rejected."""
    try:
        created = date_field(when, str(path), field=field, line=line, now=options.now, zone=options.zone)
    except ImportFormatError as e:
        return Rejected.from_error(e, content or raw, line)
    text, ref_author, ref_text = split_flattened_repost(content.strip())
    text = strip_artefacts(text)
    ref_text = strip_artefacts(ref_text) if ref_text is not None else None
    if not text and not ref_text and not pics:
        return Rejected("empty post text", line, field="微博内容", snippet=snippet(raw))
    return weibo_post(
        options,
        raw,
        account=account,
        mid=weibo_mid(pid),
        bid=pid,
        created=created,
        text=text,
        repost=ref_text is not None or original is False,
        ref_text=ref_text,
        ref_author=ref_author,
        media=pics,
        location=clean(place),
        likes=likes,
        reposts=reposts,
        comments=comments,
        tool=tool,
    )


class _Record:
    """One post of a weiboSpider .txt: its content lines, then its field lines."""

    __slots__ = ("content", "fields", "first", "last", "run")

    def __init__(self, run: int = 0) -> None:
        self.content: list[str] = []
        self.fields: dict[str, str] = {}
        self.first = 0  # line number of the first content (or field) line
        self.last = 0
        self.run = run  # which crawl wrote it: each run appends its own 用户信息 header block


def _txt_records(lines: list[str]) -> tuple[dict[str, str], list[_Record]]:
    """Split a weiboSpider .txt into header values and records, by recognising field and header lines.

    Works for every layout weiboSpider has written (see tests/fixtures/weibospider_layouts/make_layouts.py):
    numbered ``N:`` or not, counts on one line or one per line, with or without 位置/工具/url lines, header
    blocks repeated by appended runs.
    """
    header: dict[str, str] = {}
    records: list[_Record] = []
    cur = _Record()
    in_header = False
    run = 0

    def close() -> None:
        nonlocal cur
        while cur.content and not cur.content[-1].strip():
            cur.content.pop()
        if cur.content or cur.fields:
            records.append(cur)
        cur = _Record(run)

    for n, raw_line in enumerate(lines, start=1):
        s = raw_line.strip().lstrip("\ufeff")
        if _USER_HEAD.match(s):
            close()
            if records:  # a header after posts: the next crawl appended to the file
                run += 1
                cur = _Record(run)
            in_header = True
            continue
        if in_header:
            if m := _USER_FIELD.match(s):
                header.setdefault(m.group(1), m.group(2).strip())
                continue
            if not s:
                continue
            in_header = False
        if _SECTION.match(s) or _RULE.match(s):
            close()
            continue
        m = _FIELD.match(s)
        if m:
            label, value = m.group(1), m.group(2).strip()
            counts = label in ("点赞数", "转发数", "评论数")
            parts = _COUNT_PART.findall(s) if counts else [(label, value)]
            for lab, val in parts:
                cur.fields[_FIELD_NAMES[lab]] = val.strip()
            if not cur.first:
                cur.first = n
            cur.last = n
            continue
        if cur.fields:  # the field block ended: this line starts the next post
            close()
        if not s and not cur.content:
            continue
        if not cur.first:
            cur.first = n
        cur.content.append(raw_line.strip(" \t\r\ufeff"))
        cur.last = n
    close()
    return header, records


class WeiboSpiderTxt:
    name = "weibospider-txt"
    platform = PLATFORM
    description = (
        "weiboSpider .txt (用户信息 header, 微博位置/发布时间/点赞数… lines; no ids: keyed by content+time)"
    )

    # a file may hold several crawls (each appends a 用户信息 header and every post again): the same text at the
    # same time twice in one crawl is two posts, in two crawls the same post (ingest.number_repeats)
    numbers_repeats = True

    def sniff(self, path: Path, head: bytes) -> float:
        t = head_text(head)
        txt = path.suffix.lower() in (".txt", "")
        if "发布时间" in t and ("点赞数" in t or "发布工具" in t):
            return 0.9 if txt else 0.6
        if "用户信息" in t and "微博内容" in t and ("点赞数" in t or "发布时间" in t or "用户id" in t):
            # the header block alone: 2016–17 (no 发布时间), 2c45df4, a first post too long for the head
            return 0.8 if txt else 0.5
        return 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        text = read_text(path)
        if not text.strip():
            raise ImportFormatError(str(path), "the file is empty")
        lines = text.splitlines()
        header, records = _txt_records(lines)
        with_fields = [r for r in records if r.fields]
        if not with_fields:
            raise NotThisFormat(
                str(path), "no post has a 发布时间/点赞数 line: this is not a weiboSpider .txt", line=1
            )
        if not any("time" in r.fields for r in with_fields):
            raise ImportFormatError(
                str(path),
                "this early weiboSpider layout (2016–2017, before 发布时间 was written) has no dates:"
                " its posts cannot be placed in time. Crawl again with a newer weiboSpider",
                field="发布时间",
            )
        account = _account(path, options, header.get("用户id") or header.get("用户昵称"))
        firsts = [r.content[0] if r.content else "" for r in records]
        numbered = sum(bool(_NUMBERED.match(f)) for f in firsts) * 2 > len(records)
        # which fields this file writes for every post: a last post lacking them was cut short
        usual = set.intersection(*(set(r.fields) for r in with_fields[:-1])) if len(with_fields) > 1 else set()
        seen: dict[tuple[Any, ...], int] = {}  # (crawl, time, text, reposted text) → records so far
        for i, r in enumerate(records):
            content = list(r.content)
            if numbered and content:
                content[0] = _NUMBERED.sub("", content[0], count=1)
            body = "\n".join(content).strip()
            raw = "\n".join(lines[r.first - 1 : r.last])
            if not r.fields:
                yield Rejected(
                    "text without 发布时间 or count lines (not part of a post)", r.first, "发布时间", snippet(body)
                )
                continue
            missing = usual - set(r.fields)
            if i == len(records) - 1 and missing and "time" in r.fields:
                label = {v: k for k, v in _FIELD_NAMES.items()}
                need = "/".join(sorted(label.get(m, m) for m in missing))
                yield Rejected(
                    f"the last post is cut short (no {need} line): is the file complete?",
                    r.last, need, snippet(body),
                )
                continue
            if "time" not in r.fields:
                yield Rejected("post has no 发布时间 line", r.first, "发布时间", snippet(body))
                continue
            url = r.fields.get("url")
            bid = m.group(1) if url and (m := _COMMENT_URL.search(url)) else None
            post = _post(
                path,
                options,
                account=account,
                content=body,
                pid=bid,
                when=r.fields["time"],
                line=r.first,
                field="发布时间",
                place=r.fields.get("place"),
                tool=r.fields.get("tool"),
                likes=r.fields.get("likes"),
                reposts=r.fields.get("reposts"),
                comments=r.fields.get("comments"),
                original=None,
                pics=[],
                raw=raw,
            )
            if isinstance(post, Post) and not post.post_id:
                # the time as written stands for created_at (one account, one way of writing times per file)
                k = (r.run, r.fields["time"], post.text, post.ref_text)
                post.occurrence = seen.get(k, 0)
                seen[k] = post.occurrence + 1
            yield post


class WeiboSpiderCsv:
    name = "weibospider-csv"
    platform = PLATFORM
    description = (
        "weiboSpider .csv (微博id, 微博正文, … 发布时间, 点赞数, 转发数, 评论数; also the 2019 form without"
        " 微博id and PR #10's 微博内容/转发内容/发布设备)"
    )

    def sniff(self, path: Path, head: bytes) -> float:
        cols = csv_header(head)
        if {"微博id", "微博正文"} <= cols or {"微博正文", "发布时间", "点赞数"} <= cols:
            return 0.95
        if {"微博内容", "转发内容", "发布时间", "发布设备"} <= cols:
            return 0.9
        return 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        csv = CsvTable.read(path)
        text_col = "微博正文" if "微博正文" in csv.header else "微博内容"
        csv.require(text_col, "发布时间")
        yield from csv.posts(lambda n, row: _csv_post(path, options, n, row, text_col))


def _csv_post(path: Path, options: ImportOptions, n: int, row: dict[str, str], text_col: str) -> Post | Rejected:
    original = clean(row.get("是否为原创微博"))
    content = row.get(text_col) or ""
    ref = clean(row.get("转发内容"))
    if ref and ref != "Original Weibo":  # PR #10: the reposted text in its own column
        author = clean(row.get("微博来源"))
        content = f"转发理由:{content}\n" + (f"原始用户: {author}\n" if author else "") + f"转发内容: {ref}"
    return _post(
        path,
        options,
        account=_account(path, options, clean(row.get("用户id"))),  # no 用户id column: from --account or the name
        content=content.replace("<br>", "\n"),
        pid=clean(row.get("微博id")),
        when=row.get("发布时间"),
        line=n,
        field="发布时间",
        place=row.get("发布位置"),
        tool=row.get("发布工具") or row.get("发布设备"),
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
                yield Rejected("not a weibo object", field=f"weibo[{i}]", snippet=snippet(w))
                continue
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
