"""Small readers shared by importers: counts like "100万+", "无" as missing, JSON/CSV files with clear errors."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from ..errors import ImportFormatError
from ..models import Post
from .base import Rejected, snippet
from .dates import parse_date
from .files import read_text

_MISSING = {"", "无", "none", "null", "nan", "n/a", "-"}
_COUNT = re.compile(r"^([\d.]+)\s*(万|亿|k|m)?\+?$", re.IGNORECASE)
_SCALE = {"万": 10_000, "亿": 100_000_000, "k": 1_000, "m": 1_000_000}

csv.field_size_limit(64 * 1024 * 1024)


def clean(value: Any) -> str | None:
    """A text field, or None when the export wrote nothing / ``无``."""
    if value is None:
        return None
    s = str(value).strip().strip("\t")
    return None if s.lower() in _MISSING else s


def to_int(value: Any) -> int | None:
    """Counts as exports write them: 12, "12", "1.2万", "100万+", "无" → int or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and abs(value) < 1e18 else None
    s = clean(value)
    if s is None:
        return None
    m = _COUNT.match(s.replace(",", ""))
    if not m:
        return None
    try:
        n = float(m.group(1)) * _SCALE.get((m.group(2) or "").lower(), 1)
    except ValueError:  # "1.2.3"
        return None
    return int(n) if math.isfinite(n) and n < 1e18 else None


def split_list(value: Any) -> list[str]:
    """ "a,b" / ["a", "b"] / "无" → list of non-empty strings."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if clean(v)]
    s = clean(value)
    return [p.strip() for p in re.split(r"[,，\s]+", s) if p.strip()] if s else []


def load_json(path: Path, shown: str) -> Any:
    text = read_text(path, shown)
    if not text.strip():
        raise ImportFormatError(shown, "the file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ImportFormatError(
            shown, f"not valid JSON ({e.msg}, column {e.colno}); is the file cut short?", line=e.lineno
        ) from None


def read_csv(path: Path, shown: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str] | Rejected]]]:
    """Header and (first line number, row dict) pairs; ragged rows are padded/trimmed to the header.

    A line that is not a record (one lone value where the header has several columns: a timestamp, a second
    BOM, a note) comes as a :class:`Rejected`. A quote that never closes, or one that swallows following
    records into a field, is an ImportFormatError naming the lines: importing it would turn rows into text.
    """
    text = read_text(path, shown)
    if not text.strip():
        raise ImportFormatError(shown, "the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except (csv.Error, StopIteration) as e:
        raise ImportFormatError(shown, f"not a readable CSV header ({e})", line=1) from None
    unbalanced = text.count('"') % 2 == 1
    width = len(header)

    def rows() -> Iterator[tuple[int, dict[str, str] | Rejected]]:
        start = reader.line_num + 1
        multi = (0, 0)  # the last record that spanned lines
        try:
            for row in reader:
                first, start = start, reader.line_num + 1
                if not any(c.strip() for c in row):
                    continue
                if reader.line_num > first:  # a quoted field spans lines: legitimate, unless it ate records
                    multi = (first, reader.line_num)
                    _check_swallow(row, first, reader.line_num, width, shown)
                filled = [c for c in row if c.strip().strip("\ufeff")]
                if width >= 4 and len(filled) <= 1 and len(row) < width // 2:
                    yield first, Rejected(
                        f"not a record (1 value where the header has {width} columns)",
                        first,
                        snippet=snippet(row[0] if row else ""),
                    )
                    continue
                if len(row) < width:
                    row = row + [""] * (width - len(row))
                yield first, dict(zip(header, row, strict=False))
        except csv.Error as e:
            raise ImportFormatError(shown, f"broken CSV ({e})", line=reader.line_num) from None
        if unbalanced and multi[1] == reader.line_num and multi[1] > multi[0]:
            raise ImportFormatError(
                shown,
                f"a quote opened on line {multi[0]} never closes: lines {multi[0]}–{multi[1]} would run into"
                " one field (fix the quote, or re-export the file)",
                line=multi[0],
            )

    return header, rows()


@dataclass
class CsvTable:
    """A CSV export as :func:`read_csv` reads it: the header, and the rows not read yet."""

    path: Path
    header: list[str]
    rows: Iterator[tuple[int, dict[str, str] | Rejected]]

    @classmethod
    def read(cls, path: Path) -> CsvTable:
        return cls(path, *read_csv(path, str(path)))

    def require(self, *columns: str) -> None:
        """ImportFormatError naming the first of ``columns`` the header lacks."""
        for col in columns:
            if col not in self.header:
                raise ImportFormatError(str(self.path), f"no {col} column", line=1, field=col)

    def posts(self, to_post: Callable[[int, dict[str, str]], Post | Rejected]) -> Iterator[Post | Rejected]:
        """Each row through ``to_post(first line number, row)``; a line that is not a record comes as the
        Rejected :func:`read_csv` made of it."""
        for n, row in self.rows:
            yield row if isinstance(row, Rejected) else to_post(n, row)


def _check_swallow(row: list[str], first: int, last: int, width: int, shown: str) -> None:
    if any("\n" in c and _looks_like_records(c, width) for c in row):
        raise ImportFormatError(
            shown,
            f"the quoted field starting on line {first} swallows the records on lines up to {last}"
            " (a stray quote): fix the quote, or re-export the file",
            line=first,
        )


def _looks_like_records(cell: str, width: int) -> bool:
    """Does a multi-line field hold lines that are themselves CSV records of this file's width?"""
    if width < 4:
        return False
    for line in cell.split("\n")[1:]:
        try:
            fields = next(csv.reader([line]))
        except (csv.Error, StopIteration):
            continue
        # a crawler row for an original post fills about half of a header with repost columns
        if len(fields) >= max(4, min(width - 1, width // 3 + 4)):
            return True
    return False


def date_field(
    value: Any, shown: str, *, field: str, line: int | None = None, now: datetime | None = None, zone: tzinfo
) -> datetime:
    """A required date, or ImportFormatError naming the field and line."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ImportFormatError(shown, "missing date", line=line, field=field)
    try:
        return parse_date(value if isinstance(value, int | float) else str(value).strip(), now=now, zone=zone)
    except (ValueError, OverflowError) as e:
        raise ImportFormatError(shown, f"cannot read date {value!r} ({e})", line=line, field=field) from None


def head_text(head: bytes) -> str:
    """The first bytes of a file as text for sniffing (decode errors at the cut are ignored)."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start > len(head) - 4:
            return head[: e.start].decode("utf-8", "ignore")
        return head.decode("gb18030", "ignore")


def csv_header(head: bytes) -> set[str]:
    """The column names in the first line of a CSV, for sniffing."""
    first = head_text(head).split("\n", 1)[0]
    try:
        return {c.strip() for c in next(csv.reader([first]))}
    except (csv.Error, StopIteration):
        return set()
