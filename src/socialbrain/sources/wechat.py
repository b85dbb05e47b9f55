"""WeChat chat history as MemoTrace / 留痕 (LC044/WeChatMsg) exports it: ``<备注>_utf8.csv``.

Columns: localId, TalkerId, Type, SubType, IsSender, CreateTime (unix), Status, StrContent, StrTime, Remark,
NickName, Sender. ``IsSender=1`` marks the user's own messages (others get ``author``). Text (Type 1) and quotes
(49/57) are kept; pictures, voice, video, stickers, files and system lines carry no text and are rejected with
their type named.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import ImportFormatError
from ..models import Kind, Post
from .base import ImportOptions, Rejected, register
from .fields import clean, csv_header, date_field, read_csv

PLATFORM = "wechat"
NO_TEXT = {
    "3": "图片 image",
    "34": "语音 voice",
    "43": "视频 video",
    "47": "表情 sticker",
    "10000": "系统 system",
    "50": "通话 call",
    "48": "位置 location",
    "42": "名片 contact card",
}
APP_SUBTYPES = {
    "57": "quote",
    "5": "link",
    "6": "file",
    "3": "music",
    "33": "mini program",
    "2000": "transfer",
}


class MemoTraceCsv:
    name = "wechat"
    platform = PLATFORM
    description = "WeChat chat CSV from MemoTrace/留痕 (IsSender, StrContent, CreateTime, TalkerId …)"

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.95 if {"IsSender", "StrContent"} <= csv_header(head) else 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        header, rows = read_csv(path, str(path))
        for col in ("IsSender", "StrContent", "Type"):
            if col not in header:
                raise ImportFormatError(str(path), f"no {col} column", line=1, field=col)
        account = options.account or "me"
        fallback_chat = path.stem.removesuffix("_utf8")
        for n, row in rows:
            if isinstance(row, Rejected):
                yield row
                continue
            typ, sub = (row.get("Type") or "").strip(), (row.get("SubType") or "").strip()
            if typ in NO_TEXT:
                yield Rejected(f"{NO_TEXT[typ]} message has no text", n)
                continue
            text = (row.get("StrContent") or "").strip()
            if typ == "49" and sub != "57":
                yield Rejected(f"app message ({APP_SUBTYPES.get(sub, 'type 49/' + sub)}) has no text", n)
                continue
            if not text:
                yield Rejected("empty message", n)
                continue
            when = clean(row.get("CreateTime")) or row.get("StrTime")
            field = "CreateTime" if clean(row.get("CreateTime")) else "StrTime"
            try:
                created = date_field(when, str(path), field=field, line=n, zone=options.zone)
            except ImportFormatError as e:
                yield Rejected.from_error(e, text, n)
                continue
            chat = clean(row.get("TalkerId")) or fallback_chat
            mine = (row.get("IsSender") or "").strip() == "1"
            local_id = clean(row.get("MsgSvrID")) or clean(row.get("localId"))
            yield Post(
                platform=options.platform or PLATFORM,
                account=account,
                post_id=f"{chat}:{local_id}" if local_id else None,
                created_at=created,
                text=text,
                kind=Kind.CHAT,
                raw=row,
                conversation=chat,
                private=True,
                author=None
                if mine
                else (
                    clean(row.get("Remark")) or clean(row.get("NickName")) or clean(row.get("Sender")) or chat
                ),
            )


register(MemoTraceCsv())
