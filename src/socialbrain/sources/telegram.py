"""Telegram Desktop export ``result.json``: one chat, or a full export with ``chats.list``.

Every message is kept as a chat message (kind ``chat``) grouped by chat id (``conversation``); messages written by
someone else carry their name in ``author`` (the owner is known from ``personal_information`` in a full export,
or from ``--account user123``). ``text`` may be a string or a list of strings and entity objects. Times come from
``date_unixtime`` when present (else ``date``, read in ``--tz``), shown in ``--tz`` (Asia/Shanghai by default).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ImportFormatError
from ..models import Kind, Post
from .base import ImportOptions, Rejected, register, snippet
from .fields import date_field, head_text, load_json

PLATFORM = "telegram"


def message_text(value: Any) -> str:
    """``text`` as Telegram writes it: a string, or a list of strings and ``{type, text, href}`` pieces."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        out = []
        for piece in value:
            if isinstance(piece, str):
                out.append(piece)
            elif isinstance(piece, dict):
                t = str(piece.get("text") or "")
                href = piece.get("href")
                out.append(f"{t} ({href})" if piece.get("type") == "text_link" and href and href != t else t)
        return "".join(out)
    return ""


def _chats(data: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(data.get("messages"), list):
        return [data]
    chats = data.get("chats")
    if isinstance(chats, dict) and isinstance(chats.get("list"), list):
        return [c for c in chats["list"] if isinstance(c, dict)]
    return []


class TelegramExport:
    name = "telegram"
    platform = PLATFORM
    description = (
        "Telegram Desktop result.json (one chat or a full export; every message kept, author marked)"
    )

    def sniff(self, path: Path, head: bytes) -> float:
        t = head_text(head)
        if '"messages"' in t and ('"date_unixtime"' in t or '"from_id"' in t or '"type": "message"' in t):
            return 0.95
        if '"chats"' in t and '"personal_information"' in t:
            return 0.9
        return 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        data = load_json(path, str(path))
        chats = _chats(data) if isinstance(data, dict) else []
        if not chats:
            raise ImportFormatError(
                str(path),
                'expected a chat with "messages" or a full export with "chats.list"',
                field="messages",
            )
        me = (data.get("personal_information") or {}) if isinstance(data, dict) else {}
        owner = str(me.get("user_id") or "") or (options.account or "").removeprefix("user")
        account = options.account or (f"user{owner}" if owner else "me")
        for chat in chats:
            chat_id = str(chat.get("id") or chat.get("name") or "chat")
            chat_info = {"id": chat.get("id"), "name": chat.get("name"), "type": chat.get("type")}
            for i, msg in enumerate(chat.get("messages") or []):
                where = f"{chat_info['name'] or chat_id}.messages[{i}]"
                if not isinstance(msg, dict):
                    yield Rejected("not a message object", field=where, snippet=snippet(msg))
                    continue
                if msg.get("type") != "message":
                    yield Rejected(f"{msg.get('type')} message (not a text message)", field=where)
                    continue
                text = message_text(msg.get("text")).strip()
                media = [str(msg[k]) for k in ("photo", "file") if msg.get(k)]
                if not text and not media:
                    yield Rejected("no text", field=where)
                    continue
                when = msg.get("date_unixtime") or msg.get("date")
                try:
                    created = date_field(when, str(path), field=f"{where}.date", zone=options.zone)
                except ImportFormatError as e:
                    yield Rejected.from_error(e, text)
                    continue
                from_id = str(msg.get("from_id") or "")
                mine = bool(owner) and from_id == f"user{owner}" or chat.get("type") == "saved_messages"
                reply = msg.get("reply_to_message_id")
                yield Post(
                    platform=options.platform or PLATFORM,
                    account=account,
                    post_id=f"{chat_id}:{msg.get('id')}",
                    created_at=created,
                    text=text,
                    kind=Kind.CHAT,
                    raw={"chat": chat_info, "message": msg},
                    ref_author=msg.get("forwarded_from") or None,
                    media=media,
                    conversation=chat_id,
                    author=None if mine else (msg.get("from") or from_id or None),
                    reply_to=f"{chat_id}:{reply}" if reply else None,
                    private=True,
                )


register(TelegramExport())
