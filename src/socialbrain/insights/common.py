"""What the report builders share: light post rows read straight from the archive, words, progress and cancellation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from ..errors import SocialbrainError
from ..localtime import local_zone, to_local
from ..models import PostFilter, full_text

if TYPE_CHECKING:
    from ..brain import Brain

Progress = Callable[[str, int, int], None] | None
ShouldStop = Callable[[], bool] | None


class ReportCancelled(SocialbrainError):
    """The caller asked the report to stop (web page closed, Ctrl-C)."""


def check_stop(should_stop: ShouldStop) -> None:
    if should_stop is not None and should_stop():
        raise ReportCancelled("report cancelled: nothing was written")


def tick(progress: Progress, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


@dataclass(slots=True)
class Row:
    """The columns a report needs from one post (no raw record, no Post object: 100k of these must be cheap)."""

    id: int
    created_at: datetime
    platform: str
    account: str
    kind: str
    text: str
    ref_text: str | None
    ref_author: str | None
    url: str | None
    location: str | None
    likes: int | None
    reposts: int | None
    comments: int | None
    private: bool

    @property
    def full_text(self) -> str:
        return full_text(self.text, self.ref_text, self.ref_author)


_COLUMNS = (
    "id", "created_at", "platform", "account", "kind", "text", "ref_text", "ref_author", "url", "location", "likes",
    "reposts", "comments", "private",
)


def report_filter(
    kb: str | None = None, *, public: bool = False, flt: PostFilter | None = None
) -> PostFilter:
    """Which posts a report may use: never hidden ones; in a public edition never private ones either."""
    f = PostFilter(**vars(flt)) if flt else PostFilter()
    f.kb = kb or f.kb
    f.include_hidden = False
    if public:
        f.include_private = False
    return f


# Reports count only what the user wrote: chat messages by others carry an ``author`` (see models.Post.author),
# so rows are read with ``own_only=True``.


# Reports count in ONE zone, the user's (socialbrain.localtime: the ``timezone`` setting, by default this
# machine's): a row's ``created_at`` is already local wall-clock time, so its .year/.month/.hour/.date() are the
# user's, and "2015" means the user's 2015. A tweet stored at 03:20 UTC is an 11:20 post for a reader in Beijing.


def iter_rows(
    brain: Brain, flt: PostFilter, *, years: list[int] | None = None, zone: tzinfo | None = None
) -> Iterator[Row]:
    """Posts under ``flt`` (and in local ``years``), oldest first, their times in the local zone (or ``zone``)."""
    z = zone or local_zone()
    for r in brain.archive.iter_columns(flt, _COLUMNS, years=years, own_only=True, zone=z):
        yield Row(
            r[0], to_local(datetime.fromisoformat(r[1]), z), r[2], r[3], r[4], r[5] or "", r[6], r[7], r[8], r[9],
            r[10], r[11], r[12], bool(r[13]),
        )


def years_with_posts(brain: Brain, flt: PostFilter) -> dict[int, int]:
    """{local year: posts}."""
    return brain.archive.year_counts(flt, own_only=True)


def post_ref(row: Row, *, chars: int | None = 280, **extra: Any) -> dict[str, Any]:
    """The JSON form of a quoted post: {id, date, platform, url, text, ...extra}."""
    text = row.text or row.full_text
    if chars is not None and len(text) > chars:
        text = text[: chars - 1] + "…"
    return {
        "id": row.id,
        "date": row.created_at.isoformat(),
        "platform": row.platform,
        "url": row.url,
        "text": text,
        **extra,
    }


_MENTION = re.compile(r"(?<![A-Za-z0-9_@/.])@([\w\-]{1,30})")
_HASHTAG = re.compile(r"#([^#\s][^#\n]{0,30}?)#|(?<![\w&])#([A-Za-z0-9_\u4e00-\u9fff]{2,30})")


# Weibo's own stubs and the reposted chain (others' words after the first //@name:) are not the user's words
_STUBS = re.compile(
    r"展开全文\s*[cC]?|收起全文\s*[dD]?|[Oo]?网页链接|转发微博|查看图片|Repost|L[^\s，。]{1,20}?的微博视频"
)
_CHAIN = re.compile(r"\s*//\s*@[^:：\s]{1,30}[:：].*", re.DOTALL)
_PSEUDONYM = re.compile(r"某人[A-Z]+")


def own_text(text: str) -> str:
    """The user's own words of a post: Weibo stubs (展开全文, 网页链接, 转发微博…) and the ``//@name:`` chain cut."""
    return _STUBS.sub(" ", _CHAIN.sub("", text or ""))


def mentions(text: str) -> list[str]:
    return _MENTION.findall(text or "")


def hashtags(text: str) -> list[str]:
    return [(a or b).strip() for a, b in _HASHTAG.findall(text or "") if (a or b).strip()]


_ASCII_WORD = re.compile(r"^[a-z0-9][a-z0-9'\-]*$")
_DROP_MARKUP = re.compile(
    r"#[^#\n]{1,30}#|(?<![A-Za-z0-9_@/.])@[\w\-]{1,30}|\[[^\[\]]{1,8}\]|(?:https?://|www\.)[!-~]+",
    re.IGNORECASE,
)
_HAS_WORD = re.compile(r"\w")
def cutter() -> Callable[[str], list[str]]:
    """jieba precise mode through the one segmenter (socialbrain.index.segment: rjieba, the same user
    dictionaries as search)."""
    from ..index import segment

    return segment.cut


def words(text: str, cut: Callable[[str], list[str]] | None = None) -> list[str | None]:
    """Words for counting in reports: jieba precise mode, stop words, numbers, URLs, @names, #topics#, [emoji] and
    one-character words left out, lowercased. None marks where a stop word or punctuation was, so phrase n-grams
    never join words across it. (No traditional→simplified folding here: reports show words as written.)"""
    from ..index import segment

    if not text:
        return []
    clean = unicodedata.normalize("NFKC", _DROP_MARKUP.sub(" ", _PSEUDONYM.sub(" ", own_text(text)))).lower()
    kinds = _kinds()
    out: list[str | None] = []
    for w in (cut or cutter())(clean):
        k = kinds.get(w)
        if k is None:
            k = kinds[w] = _kind(w, segment.stopwords())
        if k == _WORD:
            out.append(w.strip())
        elif k == _BREAK and out and out[-1] is not None:
            out.append(None)
    return out


_WORD, _BREAK, _SKIP = 1, 2, 3
_kind_cache: dict[str, int] = {}


def _kinds() -> dict[str, int]:
    if len(_kind_cache) > 500_000:
        _kind_cache.clear()
    return _kind_cache


def _kind(w: str, stop: frozenset[str]) -> int:
    """What a segment is for counting: a word, a phrase break (stop word, punctuation, number), or nothing."""
    if w.isspace():
        return _SKIP  # spaces between English words do not break a phrase
    w = w.strip()
    if not w or w in stop or len(w) < 2 or w.isdigit() or not _HAS_WORD.search(w):
        return _BREAK
    if w.isascii() and not _ASCII_WORD.match(w):
        return _SKIP
    return _WORD
