"""dataabc/weibo-crawler (m.weibo.cn API) output: ``<uid>.csv`` and ``<uid>.json``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import ImportFormatError
from ..models import Kind, Post
from .base import ImportOptions, Rejected, register
from .fields import clean, csv_header, date_field, head_text, load_json, read_csv, split_list, to_int
from .text import html_to_text
from .weibo_common import PLATFORM, account_from_name, weibo_mid, weibo_url


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
    return Post(
        platform=options.platform or PLATFORM,
        account=account,
        post_id=mid,
        created_at=created,
        text=text,
        kind=Kind.REPOST if repost else Kind.ORIGINAL,
        raw=record,
        ref_text=ref_text or None,
        ref_author=ref_author,
        url=weibo_url(account, clean(record.get(bid)), mid),
        media=split_list(record.get(pics)) + split_list(record.get(video)),
        location=_location(record.get(location)),
        likes=to_int(record.get(likes)),
        reposts=to_int(record.get(reposts)),
        comments=to_int(record.get(comments)),
        source_tool=clean(record.get(tool)),
    )


class WeiboCrawlerCsv:
    name = "weibo-crawler-csv"
    platform = PLATFORM
    description = "weibo-crawler .csv (id, bid, 正文, … 日期, 工具, 点赞数, 评论数, 转发数; reposts add 源微博… columns)"

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.95 if {"id", "bid", "正文"} <= csv_header(head) else 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        header, rows = read_csv(path, str(path))
        for col in ("正文", "id"):
            if col not in header:
                raise ImportFormatError(str(path), f"no {col} column", line=1, field=col)
        date_col = "完整日期" if "完整日期" in header else "日期"
        account = options.account or account_from_name(path)
        for n, row in rows:
            mid = weibo_mid(clean(row.get("id")))
            if not mid:
                yield Rejected("no id", n)
                continue
            when = clean(row.get("完整日期")) or row.get("日期")
            created = date_field(when, str(path), field=date_col, line=n, now=options.now, zone=options.zone)
            text = html_to_text(row.get("正文"))
            is_original = (clean(row.get("是否原创")) or "true").lower() != "false"
            ref_text = html_to_text(row.get("源微博正文")) or None
            if not text and not ref_text:
                yield Rejected("empty post text", n)
                continue
            yield _post(
                row,
                _CSV_KEYS,
                options,
                account=account,
                mid=mid,
                created=created,
                text=text,
                repost=not is_original,
                ref_text=ref_text,
                ref_author=clean(row.get("源用户昵称")),
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
        user = data.get("user") if isinstance(data.get("user"), dict) else {}
        for i, w in enumerate(data["weibo"]):
            if not isinstance(w, dict):
                raise ImportFormatError(str(path), "each weibo must be an object", field=f"weibo[{i}]")
            account = options.account or str(w.get("user_id") or user.get("id") or account_from_name(path))
            mid = weibo_mid(str(w.get("id") or "")) or None
            if not mid:
                yield Rejected(f"weibo[{i}] has no id")
                continue
            when = w.get("full_created_at") or w.get("created_at")
            field = f"weibo[{i}].{'full_created_at' if w.get('full_created_at') else 'created_at'}"
            created = date_field(when, str(path), field=field, now=options.now, zone=options.zone)
            text = html_to_text(w.get("text"))
            rt = w.get("retweet") if isinstance(w.get("retweet"), dict) else None
            ref_text = html_to_text(rt.get("text")) if rt else None
            if not text and not ref_text:
                yield Rejected(f"weibo[{i}] has empty text")
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
