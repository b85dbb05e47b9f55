"""Posts → units, the things that are searched.

    one post                 one unit ``p{id}`` (a repost's unit holds the reposted text too: ``Post.full_text``)
    a long post (> 500 chars) pieces ``p{id}.0``, ``p{id}.1``… cut at sentence ends (。！？…!?.), no overlap
    chat messages            conversation windows ``c{first id}``: same conversation, gaps < 30 min, ≤ 12 messages

Tokens for BM25 come from :func:`socialbrain.index.segment.tokenize` (the only place jieba is called).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypedDict

from ..models import Kind, Post
from .segment import tokenize
from .stores.base import Unit

LONG_POST_CHARS = 500
PIECE_CHARS = 400  # target size of a piece of a long post
CHAT_GAP_SECONDS = 30 * 60
CHAT_WINDOW_MESSAGES = 12
# a post is stored whole, but only its first 100k characters are indexed: one 10 MB "post" (a pasted book, a log)
# would otherwise become ~25k units and hundreds of MB of tokens in the import that stores it
MAX_INDEXED_CHARS = 100_000

# a sentence ends after 。！？… (runs of them, plus closing quotes/brackets), or after . ! ? followed by a space
_SENTENCE_END = re.compile(r"(?<=[。！？!?…；;\n])[”’」』）)\"']*|(?<=[.!?])[”’\"')]*(?=\s)")


def split_sentences(text: str) -> list[str]:
    """Cut text after sentence-ending punctuation; the pieces joined give back the text exactly."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end > start:
            out.append(text[start:end])
            start = end
    if start < len(text):
        out.append(text[start:])
    return [s for s in out if s]


def split_long(text: str, *, limit: int = LONG_POST_CHARS, target: int = PIECE_CHARS) -> list[str]:
    """A text over ``limit`` characters as pieces of about ``target`` characters, cut at sentence ends."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        while len(sentence) > limit:  # one sentence longer than a piece: hard cut
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:target])
            sentence = sentence[target:]
        if current and len(current) + len(sentence) > target:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        if pieces and len(current) < target // 4:
            pieces[-1] += current  # no tiny tail piece
        else:
            pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


def _unsegmented(text: str) -> list[str]:
    return []


def _likes(post: Post) -> int:
    return int(post.likes or 0)


class _Shared(TypedDict):
    """The fields every unit of one post carries."""

    post_ids: list[int]
    created_ts: float
    platform: str
    account: str
    kind: str
    likes: int


def post_units(post: Post, *, segmented: bool = True) -> list[Unit]:
    """The units of one (non-chat) post; ``segmented=False`` leaves ``tokens`` empty (a worker fills them in)."""
    assert post.id is not None, "post must be stored in the archive first"
    text = post.full_text[:MAX_INDEXED_CHARS]
    pieces = split_long(text)
    common = _Shared(
        post_ids=[post.id],
        created_ts=post.created_at.timestamp(),
        platform=post.platform,
        account=post.account,
        kind=str(post.kind),
        likes=_likes(post),
    )
    cut = tokenize if segmented else _unsegmented
    if len(pieces) == 1:
        return [Unit(unit_id=f"p{post.id}", text=text, tokens=cut(text), **common)]
    return [
        Unit(unit_id=f"p{post.id}.{n}", text=piece, tokens=cut(piece), **common)
        for n, piece in enumerate(pieces)
    ]


def _chat_line(post: Post) -> str:
    who = post.author or "我"
    return f"{who}: {post.full_text[:MAX_INDEXED_CHARS]}"


def chat_windows(posts: Iterable[Post]) -> list[list[Post]]:
    """Chat messages of one conversation (any order) grouped into windows: gap < 30 min, ≤ 12 messages."""
    ordered = sorted(posts, key=lambda p: (p.created_at.timestamp(), p.id or 0))
    windows: list[list[Post]] = []
    for post in ordered:
        if windows:
            last = windows[-1]
            gap = post.created_at.timestamp() - last[-1].created_at.timestamp()
            if gap < CHAT_GAP_SECONDS and len(last) < CHAT_WINDOW_MESSAGES:
                last.append(post)
                continue
        windows.append([post])
    return windows


def window_unit(window: list[Post]) -> Unit:
    first = window[0]
    text = "\n".join(_chat_line(p) for p in window)
    return Unit(
        unit_id=f"c{first.id}",
        post_ids=[p.id for p in window if p.id is not None],
        text=text,
        tokens=tokenize(text),
        created_ts=first.created_at.timestamp(),
        platform=first.platform,
        account=first.account,
        kind=str(Kind.CHAT),
        likes=max(_likes(p) for p in window),
    )


def is_chat(post: Post) -> bool:
    return post.kind == Kind.CHAT


def conversation_key(post: Post) -> tuple[str, str, str]:
    return (post.platform, post.account, post.conversation or "")


def units_for_posts(posts: Iterable[Post]) -> list[Unit]:
    """Units for a batch of posts: non-chat posts one by one, chat messages windowed per conversation.

    Give all the messages of a conversation at once, or its windows come out split."""
    units: list[Unit] = []
    convs: dict[tuple[str, str, str], list[Post]] = {}
    for post in posts:
        if is_chat(post):
            convs.setdefault(conversation_key(post), []).append(post)
        else:
            units.extend(post_units(post))
    for messages in convs.values():
        units.extend(window_unit(w) for w in chat_windows(messages))
    return units
