"""Any CSV or JSONL with a text and a date column: ``--map text=正文,created_at=日期,likes=点赞``.

Without ``--map`` the usual column names are tried (text/content/正文/内容, created_at/date/time/日期/发布时间, …).
JSONL fields may be dotted paths into nested objects (``--map account=user.id``). ``--platform`` and ``--account``
name what the file does not (defaults ``generic`` / ``me``); ``--tz`` is the zone of dates written without one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ConfigError, ImportFormatError
from ..models import Kind, Post
from .base import ImportOptions, Rejected, register
from .fields import CsvTable, clean, date_field, split_list, to_int
from .files import iter_json_lines
from .text import html_to_text

GUESSES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "正文", "内容", "微博正文", "full_text", "body", "message", "StrContent"),
    "created_at": (
        "created_at",
        "date",
        "time",
        "datetime",
        "timestamp",
        "日期",
        "时间",
        "发布时间",
        "published",
        "createdAt",
        "创建时间",
        "StrTime",
        "完整日期",
    ),
    "post_id": ("post_id", "id", "mid", "微博id", "id_str"),
    "platform": ("platform", "平台"),
    "account": ("account", "user_id", "用户id", "uid"),
    "kind": ("kind", "type"),
    "url": ("url", "link", "链接"),
    "likes": ("likes", "attitudes_count", "点赞数", "favorite_count", "up_num"),
    "reposts": ("reposts", "reposts_count", "转发数", "retweet_count"),
    "comments": ("comments", "comments_count", "评论数"),
    "location": ("location", "位置", "发布位置"),
    "source_tool": ("source_tool", "source", "工具", "发布工具"),
    "media": ("media", "pics", "图片"),
    "ref_text": ("ref_text",),
    "ref_author": ("ref_author",),
    "author": ("author", "from", "sender"),
    "conversation": ("conversation", "chat"),
    "reply_to": ("reply_to", "parent"),
}
FIELDS = set(GUESSES)
#: mapped fields that go into the Post as they are (text), and as counts
TEXT_FIELDS = ("post_id", "ref_text", "ref_author", "url", "location", "source_tool", "author", "conversation", "reply_to")
COUNT_FIELDS = ("likes", "reposts", "comments")


def parse_map(value: str | list[str] | None) -> dict[str, str]:
    """``text=正文,created_at=日期`` (or several --map flags) → {"text": "正文", ...}."""
    out: dict[str, str] = {}
    items = value if isinstance(value, list) else [value] if value else []
    for item in items:
        for part in item.split(","):
            if not part.strip():
                continue
            field, sep, column = part.partition("=")
            field = field.strip()
            if not sep or not column.strip():
                raise ConfigError(f"--map {part!r}: write FIELD=COLUMN, e.g. text=正文")
            if field not in FIELDS:
                raise ConfigError(
                    f"--map {part!r}: unknown field {field!r}; fields: {', '.join(sorted(FIELDS))}"
                )
            out[field] = column.strip()
    return out


def _resolve(available: list[str], mapping: dict[str, str], shown: str) -> dict[str, str]:
    cols = {}
    lower = {c.lower(): c for c in available}
    for field, names in GUESSES.items():
        if field in mapping:
            cols[field] = mapping[field]
            continue
        for n in names:
            if n.lower() in lower:
                cols[field] = lower[n.lower()]
                break
    for need in ("text", "created_at"):
        if need not in cols:
            raise ImportFormatError(
                shown, f"no {need} column found: name it with --map {need}=COLUMN", field=need
            )
    return cols


def _dig(record: dict[str, Any], path: str) -> Any:
    if path in record:
        return record[path]
    cur: Any = record
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _to_post(
    record: dict[str, Any],
    cols: dict[str, str],
    get: Callable[[dict[str, Any], str], Any],
    options: ImportOptions,
    shown: str,
    line: int,
) -> Post | Rejected:
    def val(field: str) -> Any:
        return get(record, cols[field]) if field in cols else None

    text = html_to_text(str(val("text") or ""))
    if not text:
        return Rejected("empty text", line)
    try:
        created = date_field(
            val("created_at"), shown, field=cols["created_at"], line=line, now=options.now, zone=options.zone
        )
    except ImportFormatError as e:
        return Rejected.from_error(e, text, line)
    kind_value = (clean(val("kind")) or "original").lower()
    kind = Kind(kind_value) if kind_value in {k.value for k in Kind} else Kind.ORIGINAL
    fields: dict[str, Any] = {f: clean(val(f)) for f in TEXT_FIELDS}
    fields.update({f: to_int(val(f)) for f in COUNT_FIELDS})
    return Post(
        platform=options.platform or clean(val("platform")) or "generic",
        account=options.account or clean(val("account")) or "me",
        created_at=created,
        text=text,
        kind=kind,
        raw=record,
        media=split_list(val("media")),
        **fields,
    )


class GenericCsv:
    name = "csv"
    platform = "generic"
    description = (
        "any CSV with a text and a date column (--map text=COL,created_at=COL,…; --platform, --account)"
    )

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.2 if path.suffix.lower() in (".csv", ".tsv") else 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        csv = CsvTable.read(path)
        cols = _resolve(csv.header, options.mapping, str(path))
        for field, col in cols.items():
            if col not in csv.header:
                raise ImportFormatError(
                    str(path), f"no column {col!r} (from --map {field}={col})", line=1, field=field
                )
        yield from csv.posts(lambda n, row: _to_post(row, cols, lambda r, c: r.get(c), options, str(path), n))


class GenericJsonl:
    name = "jsonl"
    platform = "generic"
    description = "any JSON Lines file, one object per line (--map text=FIELD,created_at=FIELD; dotted paths)"

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.3 if path.suffix.lower() in (".jsonl", ".ndjson") else 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        cols: dict[str, str] | None = None
        for n, record in iter_json_lines(path):
            if cols is None:
                cols = _resolve(list(record), options.mapping, str(path))
            yield _to_post(record, cols, _dig, options, str(path), n)
        if cols is None:
            raise ImportFormatError(str(path), "the file is empty")


register(GenericCsv())
register(GenericJsonl())
