"""WeChat chat history as MemoTrace / 留痕 (LC044/WeChatMsg) exports it: ``<备注>_utf8.csv``.

Columns: localId, TalkerId, Type, SubType, IsSender, CreateTime (unix), Status, StrContent, StrTime, Remark,
NickName, Sender. ``IsSender=1`` marks the user's own messages (others get ``author``). Text (Type 1) and quotes
(49/57) are kept; pictures, voice, video, stickers, files and system lines carry no text and are rejected with
their type named.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from ..errors import ImportFormatError
from ..models import Kind, Post
from .base import ImportOptions, Rejected, register
from .fields import CsvTable, clean, csv_header, date_field

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
        csv = CsvTable.read(path)
        csv.require("IsSender", "StrContent", "Type")
        yield from csv.posts(
            partial(_message, path=path, options=options, file_chat=path.stem.removesuffix("_utf8"))
        )


def _message(
    n: int, row: dict[str, str], *, path: Path, options: ImportOptions, file_chat: str
) -> Post | Rejected:
    """One row as a chat message; ``file_chat``: the conversation when the row names none (from the file's name)."""
    typ, sub = (row.get("Type") or "").strip(), (row.get("SubType") or "").strip()
    if typ in NO_TEXT:
        return Rejected(f"{NO_TEXT[typ]} message has no text", n)
    text = (row.get("StrContent") or "").strip()
    if typ == "49" and sub != "57":
        return Rejected(f"app message ({APP_SUBTYPES.get(sub, 'type 49/' + sub)}) has no text", n)
    if not text:
        return Rejected("empty message", n)
    when = clean(row.get("CreateTime")) or row.get("StrTime")
    field = "CreateTime" if clean(row.get("CreateTime")) else "StrTime"
    try:
        created = date_field(when, str(path), field=field, line=n, zone=options.zone)
    except ImportFormatError as e:
        return Rejected.from_error(e, text, n)
    chat = clean(row.get("TalkerId")) or file_chat
    mine = (row.get("IsSender") or "").strip() == "1"
    local_id = clean(row.get("MsgSvrID")) or clean(row.get("localId"))
    return Post(
        platform=options.platform or PLATFORM,
        account=options.account or "me",
        post_id=f"{chat}:{local_id}" if local_id else None,
        created_at=created,
        text=text,
        kind=Kind.CHAT,
        raw=row,
        conversation=chat,
        private=True,
        author=None
        if mine
        else (clean(row.get("Remark")) or clean(row.get("NickName")) or clean(row.get("Sender")) or chat),
    )


register(MemoTraceCsv())
