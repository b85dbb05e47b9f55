"""The post model: one record per thing a person wrote, whatever platform it came from."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


def full_text(text: str, ref_text: str | None, ref_author: str | None) -> str:
    """A post as a reader sees it: its text, then ``//@author: what it reposts or quotes``."""
    if ref_text:
        who = f"@{ref_author}: " if ref_author else ""
        return f"{text}\n//{who}{ref_text}".strip()
    return text

class Kind(StrEnum):
    ORIGINAL = "original"
    REPOST = "repost"
    REPLY = "reply"
    COMMENT = "comment"
    CHAT = "chat"  # a chat message (Telegram, WeChat)


@dataclass
class Post:
    """One post as an importer or collector produces it, and as the archive returns it.

    ``created_at`` is timezone-aware and keeps the zone the platform meant (Weibo: +08:00).
    ``post_id`` is the platform's id; formats without ids leave it ``None`` and the archive keys
    the post by :meth:`content_key` instead. ``id`` is the archive's own integer id, set once stored.
    """

    platform: str
    account: str
    created_at: datetime
    text: str
    post_id: str | None = None
    kind: Kind = Kind.ORIGINAL
    raw: Any = None  # the original record (dict for JSON, str for HTML/text), kept verbatim
    ref_text: str | None = None  # the reposted / quoted / replied-to text
    ref_author: str | None = None
    url: str | None = None
    media: list[str] = field(default_factory=list)
    location: str | None = None
    likes: int | None = None
    reposts: int | None = None
    comments: int | None = None
    source_tool: str | None = None  # e.g. "iPhone客户端" / "Twitter Web App"
    source_file: str | None = None
    conversation: str | None = None  # chat id / thread id, for grouping chat messages
    author: str | None = None  # who wrote it, when not the account owner (chat messages from others)
    reply_to: str | None = None  # platform id of the post this replies to
    private: bool = False  # the source marks it non-public
    id: int | None = None
    hidden: bool = False
    # formats without ids: this is the n-th record with the same time and text in one export (0 = the first). A
    # person can post the same words twice in a minute; the index keeps both, and a re-import numbers them alike.
    occurrence: int = 0

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError("Post.created_at must be timezone-aware")
        self.kind = Kind(self.kind)

    def content_key(self) -> str:
        """A stable key for formats without ids: hash of platform, account, time and text, then ``#n`` for the
        n-th identical record of an export (``occurrence``; the first has no suffix)."""
        import hashlib  # here, not at the top: OpenSSL's start costs every CLI command ~10 ms (imports need it)

        h = hashlib.sha256()
        for part in self.repeat_parts():
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        key = "h:" + h.hexdigest()[:24]
        return f"{key}#{self.occurrence}" if self.occurrence else key

    def key(self) -> str:
        return self.post_id if self.post_id else self.content_key()

    def repeat_parts(self) -> tuple[str, str, str, str, str]:
        """What ``content_key`` hashes (the same parts ⇔ the same key before ``occurrence``), cheap to compare."""
        return (self.platform, self.account, self.created_at.isoformat(), self.text, self.ref_text or "")

    @property
    def is_own(self) -> bool:
        """Written by the archive's owner (chat exports keep others' messages as context, with their ``author``)."""
        return not self.author

    @property
    def full_text(self) -> str:
        """The text as a reader sees it: the post, then what it reposts or quotes."""
        return full_text(self.text, self.ref_text, self.ref_author)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["created_at"] = self.created_at.isoformat()
        d["kind"] = str(self.kind)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Post:
        d = dict(d)
        d["created_at"] = datetime.fromisoformat(d["created_at"])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False)


@dataclass
class PostFilter:
    """Which posts: used by the archive, the index, knowledge bases and reports alike.

    ``since`` is inclusive, ``until`` exclusive; both tz-aware (naive values are taken as UTC by callers
    that build them from user input only after applying the user's zone).
    """

    since: datetime | None = None
    until: datetime | None = None
    platforms: list[str] | None = None
    accounts: list[str] | None = None
    kinds: list[str] | None = None
    min_likes: int | None = None
    kb: str | None = None
    ids: list[int] | None = None
    include_hidden: bool = False
    include_private: bool = True
    own_only: bool = False  # only what the archive's owner wrote: chat messages by others (``author`` set) left out

    def is_empty(self) -> bool:
        return not any(
            (self.since, self.until, self.platforms, self.accounts, self.kinds, self.min_likes, self.kb, self.ids)
        )
