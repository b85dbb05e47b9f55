"""Mastodon account archive: ``outbox.json`` (ActivityPub ``Create``/``Note`` and ``Announce`` boosts).

Visibility comes from ``to``/``cc``: public or unlisted posts are public, followers-only and direct ones are
marked private. A boost (``Announce``) carries only the boosted post's URI, kept as its url.
Account is ``username@host`` as the Mastodon collector writes it, post ids the status ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ..errors import ImportFormatError
from ..models import Kind, Post
from .base import ImportOptions, Rejected, register
from .fields import date_field, head_text, load_json
from .text import html_to_text

PLATFORM = "mastodon"
PUBLIC = {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"}


def _account(actor: str | None) -> str | None:
    if not actor:
        return None
    u = urlparse(actor)
    name = u.path.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
    return f"{name}@{u.netloc}" if name and u.netloc else None


def _status_id(uri: str) -> str:
    parts = [p for p in urlparse(uri).path.split("/") if p]
    if parts and parts[-1] == "activity":
        parts = parts[:-1]
    return parts[-1] if parts else uri


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


def _is_private(obj: dict[str, Any]) -> bool:
    return not (PUBLIC & (set(_as_list(obj.get("to"))) | set(_as_list(obj.get("cc")))))


class MastodonOutbox:
    name = "mastodon"
    platform = PLATFORM
    description = "Mastodon archive outbox.json (Create/Note posts, Announce boosts, to/cc visibility)"

    def sniff(self, path: Path, head: bytes) -> float:
        t = head_text(head)
        if '"orderedItems"' not in t:
            return 0.0
        if path.name == "outbox.json":
            return 0.95
        return 0.8 if '"Create"' in t or '"Announce"' in t else 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        data = load_json(path, str(path))
        if not isinstance(data, dict) or not isinstance(data.get("orderedItems"), list):
            raise ImportFormatError(
                str(path), 'expected an OrderedCollection with "orderedItems"', field="orderedItems"
            )
        for i, act in enumerate(data["orderedItems"]):
            where = f"orderedItems[{i}]"
            if not isinstance(act, dict):
                raise ImportFormatError(str(path), "each item must be an object", field=where)
            yield _activity(act, where, str(path), options)


def _activity(act: dict[str, Any], where: str, shown: str, options: ImportOptions) -> Post | Rejected:
    """One outbox item: a boost (``Announce``, which carries only the boosted post's URI) or a post (``Create``)."""
    obj = act.get("object")
    if act.get("type") == "Announce":
        uri = obj if isinstance(obj, str) else (obj or {}).get("id")
        if not uri:
            return Rejected("boost without an object", field=where)
        return _post(
            act,
            act,
            shown,
            options,
            when=act.get("published"),
            when_field=f"{where}.published",
            status_uri=act.get("id") or uri,
            text="",
            kind=Kind.REPOST,
            url=str(uri),
        )
    if act.get("type") != "Create" or not isinstance(obj, dict):
        return Rejected(f"{act.get('type')} activity is not a post", field=where)
    body = html_to_text(obj.get("content"))
    cw = (obj.get("summary") or "").strip()
    text = f"{cw}\n\n{body}".strip() if cw else body
    media = [str(a.get("url")) for a in obj.get("attachment") or [] if isinstance(a, dict) and a.get("url")]
    if not text and not media:
        return Rejected("empty post", field=where)
    reply_to = obj.get("inReplyTo")
    return _post(
        act,
        obj,
        shown,
        options,
        when=obj.get("published") or act.get("published"),
        when_field=f"{where}.object.published",
        status_uri=obj.get("id") or act.get("id"),
        text=text,
        kind=Kind.REPLY if reply_to else Kind.ORIGINAL,
        url=obj.get("url") or obj.get("id"),
        media=media,
        reply_to=str(reply_to) if reply_to else None,
    )


def _post(
    act: dict[str, Any],
    status: dict[str, Any],
    shown: str,
    options: ImportOptions,
    *,
    when: Any,
    when_field: str,
    status_uri: Any,
    text: str,
    kind: Kind,
    url: str | None,
    media: list[str] | None = None,
    reply_to: str | None = None,
) -> Post | Rejected:
    """The Post of an activity, whose visibility and id are ``status``'s (the boost itself, or the posted Note);
    a date that cannot be read rejects the record (shown by its text, or its url when it has none)."""
    try:
        created = date_field(when, shown, field=when_field, zone=options.zone)
    except ImportFormatError as e:
        return Rejected.from_error(e, text or url)
    return Post(
        platform=options.platform or PLATFORM,
        account=options.account or _account(act.get("actor")) or "me",
        post_id=_status_id(str(status_uri)),
        created_at=created,
        text=text,
        kind=kind,
        raw=act,
        url=url,
        media=media or [],
        reply_to=reply_to,
        private=_is_private(status),
    )


register(MastodonOutbox())
