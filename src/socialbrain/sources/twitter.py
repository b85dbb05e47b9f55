"""Twitter/X account archive: ``data/tweets.js`` (and ``tweets-part1.js`` …, older ``tweet.js``).

Each file is ``window.YTD.tweets.partN = [ {"tweet": {...}} … ]``. Long posts (over 280 characters) are cut in
``tweets.js`` and whole in ``note-tweet.js`` beside it; the account name comes from ``account.js`` beside it.
t.co links are expanded from ``entities.urls``; ``RT @user: …`` is a repost; replies keep the id they answer.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ImportFormatError
from ..models import Kind, Post
from .base import ImportOptions, Rejected, register
from .fields import date_field, head_text, to_int
from .files import read_text
from .text import html_to_text

PLATFORM = "twitter"
_NAME = re.compile(r"^tweets?(-part\d+)?\.js$", re.I)
_PREFIX = re.compile(r"^\s*window\.YTD\.[\w.]+\s*=\s*", re.S)
_RT = re.compile(r"^RT @(\w+):\s?(.*)$", re.S)
_TCO = re.compile(r"\s*https://t\.co/\w+\s*$")


def load_ytd(path: Path, shown: str | None = None) -> list[Any]:
    """The JSON array inside a ``window.YTD.x.partN = [...]`` file."""
    shown = shown or str(path)
    text = read_text(path, shown)
    if not text.strip():
        raise ImportFormatError(shown, "the file is empty")
    m = _PREFIX.match(text)
    body = text[m.end() :] if m else text
    try:
        data = json.loads(body)
    except json.JSONDecodeError as e:
        raise ImportFormatError(
            shown, f"not valid JSON after the window.YTD prefix ({e.msg}); is it cut short?", line=e.lineno
        ) from None
    if not isinstance(data, list):
        raise ImportFormatError(shown, "expected a [...] list of tweets")
    return data


_MANIFEST = re.compile(r"^\s*window\.__THAR_CONFIG\s*=\s*", re.S)


def _account(folder: Path) -> str | None:
    """The archive owner's user name: data/account.js, else data/manifest.js (``userInfo.userName``)."""
    acc = folder / "account.js"
    if acc.is_file():
        try:
            items = load_ytd(acc)
            return str(items[0]["account"]["username"])
        except (ImportFormatError, LookupError, TypeError):
            pass
    for manifest in (folder / "manifest.js", folder.parent / "manifest.js"):
        if not manifest.is_file():
            continue
        try:
            text = read_text(manifest)
            info = json.loads(_MANIFEST.sub("", text, count=1).rstrip().rstrip(";"))["userInfo"]
            return str(info.get("userName") or info["accountId"])
        except (ImportFormatError, ValueError, LookupError, TypeError, RecursionError):
            continue
    return None


def _notes(folder: Path, options: ImportOptions) -> dict[str, str]:
    """note-tweet.js: full texts of long posts, keyed by note id and by creation second."""
    f = folder / "note-tweet.js"
    out: dict[str, str] = {}
    if not f.exists():
        return out
    for item in load_ytd(f):
        note = item.get("noteTweet", item) if isinstance(item, dict) else None
        if not isinstance(note, dict):
            continue
        text = (note.get("core") or {}).get("text")
        if not text:
            continue
        if note.get("noteTweetId"):
            out[str(note["noteTweetId"])] = text
        if note.get("createdAt"):
            with contextlib.suppress(ImportFormatError):
                out[
                    "t:"
                    + str(
                        int(
                            date_field(
                                note["createdAt"], str(f), field="createdAt", zone=options.zone
                            ).timestamp()
                        )
                    )
                ] = text
    return out


def _expand(text: str, entities: dict[str, Any]) -> tuple[str, list[str]]:
    for u in entities.get("urls") or []:
        if u.get("url") and u.get("expanded_url"):
            text = text.replace(u["url"], u["expanded_url"])
    media: list[str] = []
    for m in entities.get("media") or []:
        if m.get("url"):
            text = text.replace(m["url"], "")
        if m.get("media_url_https") or m.get("media_url"):
            media.append(m.get("media_url_https") or m.get("media_url"))
    return text.strip(), media


class TwitterArchive:
    name = "twitter"
    platform = PLATFORM
    description = "Twitter/X archive data/tweets.js (tweets-partN.js, old tweet.js; note-tweet.js long posts)"

    def sniff(self, path: Path, head: bytes) -> float:
        t = head_text(head[:200])
        if re.match(r"\s*window\.YTD\.tweets?\.part\d+\s*=", t):
            return 0.97
        return 0.3 if _NAME.match(path.name) and t.lstrip().startswith("[") else 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        items = load_ytd(path)
        account = options.account or _account(path.parent) or "me"
        notes = _notes(path.parent, options)
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise ImportFormatError(str(path), "each item must be an object", field=f"[{i}]")
            t = item.get("tweet", item)
            tid = str(t.get("id_str") or t.get("id") or "")
            if not tid:
                yield Rejected("no id_str", field=f"[{i}]")
                continue
            try:
                created = date_field(
                    t.get("created_at"), str(path), field=f"[{i}].created_at", zone=options.zone
                )
            except ImportFormatError as e:
                yield Rejected.from_error(e, t.get("full_text") or t.get("text"))
                continue
            full = html.unescape(t.get("full_text") or t.get("text") or "")
            entities = t.get("extended_entities") or {}
            text, media = _expand(
                full,
                {
                    **(t.get("entities") or {}),
                    **({"media": entities["media"]} if entities.get("media") else {}),
                },
            )
            note = notes.get(tid) or notes.get(f"t:{int(created.timestamp())}")
            if note and (text.endswith("…") or _TCO.search(full) or len(note) > len(text)):
                text = note.strip()
            kind, ref_text, ref_author = Kind.ORIGINAL, None, None
            if m := _RT.match(text):
                kind, ref_author, ref_text, text = Kind.REPOST, m.group(1), m.group(2), ""
            elif t.get("in_reply_to_status_id_str"):
                kind, ref_author = Kind.REPLY, t.get("in_reply_to_screen_name")
            if not text and not ref_text and not media:
                yield Rejected("no text", field=f"[{i}]")
                continue
            yield Post(
                platform=options.platform or PLATFORM,
                account=account,
                post_id=tid,
                created_at=created,
                text=text,
                kind=kind,
                raw=t,
                ref_text=ref_text,
                ref_author=ref_author,
                url=f"https://x.com/{account}/status/{tid}",
                media=media,
                likes=to_int(t.get("favorite_count")),
                reposts=to_int(t.get("retweet_count")),
                source_tool=html_to_text(t.get("source")) or None,
                reply_to=t.get("in_reply_to_status_id_str") or None,
            )


register(TwitterArchive())
