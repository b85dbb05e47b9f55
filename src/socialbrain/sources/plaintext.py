"""Plain ``.txt`` / ``.md`` notes: a post per paragraph (blank-line separated), or per file with ``--per-file``.

Dates: a heading or a paragraph's first line that is a date (``## 2019-08-12``, ``2019-08-12 21:30``,
``2019年8月12日``) dates what follows; a file name starting with a date (``2019-08-12-跑步.md``) dates the file;
otherwise the file's modification time. Platform ``notes`` and account ``me`` unless --platform/--account say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ..models import Post
from .base import ImportOptions, Rejected, register
from .dates import parse_date
from .files import read_text

_DATE_LINE = re.compile(
    r"^#{0,6}\s*(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?)\s*$"
)
_FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_HEADING = re.compile(r"^#{1,6}\s")


def _file_time(path: Path, options: ImportOptions) -> datetime:
    m = _FILE_DATE.match(path.name)
    if m:
        return parse_date(m.group(1), zone=options.zone)
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).astimezone(options.zone).replace(microsecond=0)


class PlainText:
    name = "text"
    platform = "notes"
    description = (
        "plain .txt/.md notes: a post per paragraph (or per file with --per-file); dates from date lines"
    )

    def sniff(self, path: Path, head: bytes) -> float:
        return 0.15 if path.suffix.lower() in (".txt", ".md", ".markdown") else 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        text = read_text(path).replace("\r\n", "\n")
        platform, account = options.platform or "notes", options.account or "me"
        when = _file_time(path, options)
        if options.per_file:
            body = text.strip()
            if not body:
                yield Rejected("empty file")
                return
            lines = body.split("\n")
            if m := _DATE_LINE.match(lines[0].strip()):
                when = parse_date(m.group(1), zone=options.zone)
                body = "\n".join(lines[1:]).strip()
            yield Post(platform=platform, account=account, created_at=when, text=body, raw=text)
            return
        for block in re.split(r"\n\s*\n", text):
            lines = block.strip().split("\n")
            if m := _DATE_LINE.match(lines[0].strip()):
                when = parse_date(m.group(1), zone=options.zone)
                lines = lines[1:]
            body = "\n".join(ln for ln in lines if not _HEADING.match(ln)).strip()
            if not body:
                continue
            yield Post(platform=platform, account=account, created_at=when, text=body, raw=block.strip())


register(PlainText())
