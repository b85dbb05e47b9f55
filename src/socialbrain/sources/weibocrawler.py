"""dataabc/weibo-crawler (m.weibo.cn API) output: ``<uid>.csv`` and ``<uid>.json``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import ImportFormatError
from ..models import Post
from .base import ImportOptions, Rejected, register, snippet
from .fields import CsvTable, clean, csv_header, date_field, head_text, load_json, split_list
from .text import html_to_text
from .weibo_common import PLATFORM, account_from_name, weibo_mid, weibo_post


def _location(value: Any) -> str | None:
    v = clean(value)
    return v.removeprefix("发布于").strip() or None if v else None


# where each format keeps: bid, picture urls, video urls, location, likes, reposts, comments, tool
_CSV_KEYS = ("bid", "原始图片url", "视频url", "位置", "点赞数", "转发数", "评论数", "工具")
_JSON_KEYS = (
    "bid",
    "pics",
    "video_url",
    "location",
    "attitudes_count",
    "reposts_count",
    "comments_count",
    "source",
)


def _post(
    record: dict[str, Any],
    keys: tuple[str, ...],
    options: ImportOptions,
    *,
    account: str,
    mid: str,
    created: datetime,
    text: str,
    repost: bool,
    ref_text: str | None,
    ref_author: str | None,
) -> Post:
    """The Post both formats make, reading the fields they share under their own ``keys``."""
    bid, pics, video, location, likes, reposts, comments, tool = keys
    return weibo_post(
        options,
        record,
        account=account,
        mid=mid,
        bid=clean(record.get(bid)),
        created=created,
        text=text,
        repost=repost,
        ref_text=ref_text,
        ref_author=ref_author,
        media=split_list(record.get(pics)) + split_list(record.get(video)),
        location=_location(record.get(location)),
        likes=record.get(likes),
        reposts=record.get(reposts),
        comments=record.get(comments),
        tool=record.get(tool),
    )


def _prefixed(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The reposted post's columns (``源微博正文`` …) as a record of their own (``正文`` …)."""
    return {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}


class WeiboCrawlerCsv:
    name = "weibo-crawler-csv"
    platform = PLATFORM
    description = (
        "weibo-crawler .csv (id, bid, 正文, … 日期, 工具, 点赞数, 评论数, 转发数; 11–18 columns, reposts add"
        " 是否原创, 源用户…, 源微博… columns — 原始微博… in 2019)"
    )

    def sniff(self, path: Path, head: bytes) -> float:
        cols = csv_header(head)
        if {"id", "正文"} <= cols and ({"bid", "日期"} & cols):
            return 0.95
        return 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        csv = CsvTable.read(path)
        csv.require("正文", "id")
        # 2019-06 (c312f74) named the reposted columns 原始微博…/原始用户…; later versions 源微博…/源用户…
        src = "源微博" if any(h.startswith("源微博") for h in csv.header) else "原始微博"
        yield from csv.posts(
            partial(
                _csv_post,
                path=path,
                options=options,
                account=options.account or account_from_name(path),
                date_col="完整日期" if "完整日期" in csv.header else "日期",
                src=src,
                src_user="源用户" if src == "源微博" else "原始用户",
            )
        )


def _csv_post(
    n: int,
    row: dict[str, str],
    *,
    path: Path,
    options: ImportOptions,
    account: str,
    date_col: str,
    src: str,
    src_user: str,
) -> Post | Rejected:
    """One CSV row; ``src``/``src_user``: the prefix of the reposted post's / its author's columns."""
    mid = weibo_mid(clean(row.get("id")))
    if not mid or not mid.isdigit():
        return Rejected("no numeric id (not a weibo row)", n, "id", snippet(row.get("id") or row))
    when = clean(row.get("完整日期")) or row.get("日期")
    try:
        created = date_field(when, str(path), field=date_col, line=n, now=options.now, zone=options.zone)
    except ImportFormatError as e:
        return Rejected.from_error(e, row.get("正文"), n)
    text = html_to_text(row.get("正文"))
    is_original = (clean(row.get("是否原创")) or "true").lower() != "false"
    ref = _prefixed(row, src)
    ref_text = html_to_text(ref.get("正文")) or None
    if not text and not ref_text:
        return Rejected("empty post text", n, "正文", snippet(row.get("id")))
    ref_mid = weibo_mid(clean(ref.get("id")))
    raw: dict[str, Any] = dict(row)
    if ref_mid:  # the reposted post, findable by its own id
        raw["_source"] = {"id": ref_mid, "bid": clean(ref.get("bid"))}
    return _post(
        raw,
        _CSV_KEYS,
        options,
        account=account,
        mid=mid,
        created=created,
        text=text,
        repost=not is_original or ref_text is not None,
        ref_text=ref_text,
        ref_author=clean(row.get(f"{src_user}昵称")),
    )


class WeiboCrawlerJson:
    name = "weibo-crawler-json"
    platform = PLATFORM
    description = (
        'weibo-crawler .json ({"user": {…, screen_name}, "weibo": [{id, bid, text, created_at, …, retweet}]})'
    )

    def sniff(self, path: Path, head: bytes) -> float:
        t = head_text(head)
        if '"weibo"' in t and '"created_at"' in t and ('"bid"' in t or '"attitudes_count"' in t):
            return 0.9
        return 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        data = load_json(path, str(path))
        if not isinstance(data, dict) or not isinstance(data.get("weibo"), list):
            raise ImportFormatError(str(path), 'expected {"user": {…}, "weibo": [...]}', field="weibo")
        user: dict[str, Any] = data["user"] if isinstance(data.get("user"), dict) else {}
        for i, w in enumerate(data["weibo"]):
            if not isinstance(w, dict):
                yield Rejected("not a weibo object", field=f"weibo[{i}]", snippet=snippet(w))
                continue
            account = options.account or str(w.get("user_id") or user.get("id") or account_from_name(path))
            mid = weibo_mid(str(w.get("id") or "")) or None
            if not mid:
                yield Rejected("no id", field=f"weibo[{i}].id", snippet=snippet(w.get("text")))
                continue
            when = w.get("full_created_at") or w.get("created_at")
            field = f"weibo[{i}].{'full_created_at' if w.get('full_created_at') else 'created_at'}"
            try:
                created = date_field(when, str(path), field=field, now=options.now, zone=options.zone)
            except ImportFormatError as e:
                yield Rejected.from_error(e, w.get("text"))
                continue
            text = html_to_text(str(w.get("text") or ""))
            rt = w.get("retweet") if isinstance(w.get("retweet"), dict) else None
            ref_text = html_to_text(str(rt.get("text") or "")) if rt else None
            if not text and not ref_text:
                yield Rejected("empty post text", field=f"weibo[{i}].text", snippet=snippet(mid))
                continue
            yield _post(
                w,
                _JSON_KEYS,
                options,
                account=account,
                mid=mid,
                created=created,
                text=text,
                repost=rt is not None,
                ref_text=ref_text,
                ref_author=clean(rt.get("screen_name")) if rt else None,
            )


for _imp in (WeiboCrawlerCsv(), WeiboCrawlerJson()):
    register(_imp)
