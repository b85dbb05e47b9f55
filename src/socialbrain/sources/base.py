"""The importer seam: one small class per export format, found by name or by sniffing the file.

An importer has a ``name`` (what ``--format`` takes), the ``platform`` it writes, a one-line ``description``,
``sniff(path, head) -> float`` (0 = not mine … 1 = certainly mine, from the file name and its first bytes) and
``parse(path, options)`` yielding :class:`~socialbrain.models.Post` (or :class:`Rejected` for a record skipped
for a stated reason). A file that cannot be read as the format raises ``ImportFormatError`` naming file, line or
field. Built-ins register themselves exactly as a plugin would: ``register(MyImporter())``, or an entry point in
the ``socialbrain.importers`` group that points at an importer object.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigError, ImportFormatError
from ..models import Post
from ..timeparse import DEFAULT_ZONE

HEAD_BYTES = 64 * 1024


@dataclass
class ImportOptions:
    """What the user told `socialbrain import` beyond the paths."""

    format: str | None = None  # importer name; None = detect per file
    platform: str | None = None  # override / set the platform (generic formats need it)
    account: str | None = None  # override / set the account
    mapping: dict[str, str] = field(default_factory=dict)  # generic CSV/JSONL: field -> column
    tz: str | None = None  # zone for dates without one (default Asia/Shanghai)
    per_file: bool = False  # plain text: one post per file instead of one per paragraph
    now: datetime | None = None  # "now" for relative dates ("3分钟前"); default: the file's mtime
    strict: bool = False  # any skipped record fails its file (nothing of it imported)

    @property
    def zone(self) -> tzinfo:
        if not self.tz:
            return DEFAULT_ZONE
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"--tz {self.tz!r} is not a time zone name: use e.g. Asia/Shanghai or UTC"
            ) from None


@dataclass
class Rejected:
    """A record an importer skipped, and why (counted as `rejected`; the rest of the file still imports).

    ``reason`` is short and the same for every record skipped for the same cause (the summary groups by it);
    ``line``/``field`` say where; ``snippet`` is the record's first characters, so a person can find it.
    """

    reason: str
    line: int | None = None
    field: str | None = None
    snippet: str | None = None

    @classmethod
    def from_error(cls, e: ImportFormatError, snippet: object = None, line: int | None = None) -> Rejected:
        """A record-level ImportFormatError (a bad date, a missing field) as a skipped record."""
        return cls(e.reason, e.line if e.line is not None else line, e.field, _snip(snippet))

    def describe(self, shown: str) -> str:
        """``file:line [field]: reason — «first chars»`` (one line)."""
        where = shown + (f":{self.line}" if self.line else "") + (f" [{self.field}]" if self.field else "")
        tail = f" — «{self.snippet}»" if self.snippet else ""
        return f"{where}: {self.reason}{tail}"


def _snip(value: object, width: int = 40) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        value = next((v for v in value.values() if isinstance(v, str) and v.strip()), "")
    t = " ".join(str(value).split())
    t = t.encode("utf-8", "replace").decode("utf-8")  # lone surrogates must not break printing
    return (t if len(t) <= width else t[: width - 1] + "…") or None


def snippet(value: object) -> str | None:
    """The first characters of a record, one line, for messages."""
    return _snip(value)


@runtime_checkable
class Importer(Protocol):
    name: str
    platform: str
    description: str

    def sniff(self, path: Path, head: bytes) -> float: ...

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]: ...


_REGISTRY: dict[str, Importer] = {}
_BUILTINS = (
    "weibospider",
    "weibocrawler",
    "weibocrawler_md",
    "twitter",
    "mastodon",
    "telegram",
    "wechat",
    "own_jsonl",
    "generic",
    "plaintext",
)
_loaded = False


def register(importer: Importer) -> Importer:
    """Make an importer available to `--format` and to detection (plugins call this too)."""
    _REGISTRY[importer.name] = importer
    return importer


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for mod in _BUILTINS:
        importlib.import_module(f"{__package__}.{mod}")
    for ep in entry_points(group="socialbrain.importers"):
        obj = ep.load()
        register(obj() if isinstance(obj, type) else obj)


def importers() -> list[Importer]:
    """Every registered importer, built-ins first."""
    _load()
    return list(_REGISTRY.values())


def get_importer(name: str) -> Importer:
    _load()
    if name not in _REGISTRY:
        raise ConfigError(f"unknown format {name!r}: use one of {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with open(path, "rb") as f:
        return f.read(size)


def detect(path: Path | str, *, minimum: float = 0.1) -> Importer:
    """The importer most confident it can read ``path``; ImportFormatError when none is."""
    p = Path(path)
    head = read_head(p)
    best: tuple[float, Importer | None] = (0.0, None)
    for imp in importers():
        score = imp.sniff(p, head)
        if score > best[0]:
            best = (score, imp)
    if best[1] is None or best[0] < minimum:
        if not head.strip():
            raise ImportFormatError(str(p), "the file is empty")
        tried = ", ".join(i.name for i in importers())
        raise ImportFormatError(
            str(p),
            f"no importer recognises this file ({looks_like(head)}; tried {tried}): pass --format if you know it",
        )
    return best[1]


def looks_like(head: bytes) -> str:
    """What the first bytes of a file look like, in a few words, for 'not recognised' messages."""
    if head.startswith(b"PK\x03\x04"):
        return "it looks like a zip archive"
    if head[:8] == b"\x89PNG\r\n\x1a\n" or head[:3] == b"\xff\xd8\xff" or head[:4] == b"GIF8":
        return "it looks like an image"
    if head[:5] == b"%PDF-":
        return "it looks like a PDF"
    sample = head[:2048]
    if sample and sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) // 10:
        return "it looks like binary data, not text"
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as e:
        text = sample[: e.start].decode("utf-8", "ignore") if e.start > len(sample) - 4 else ""
        if not text:
            try:
                text = sample.decode("gb18030")
            except UnicodeDecodeError:
                return "it is not UTF-8 or GBK text"
    t = text.lstrip("\ufeff \t\r\n")
    if t[:1] in "{[":
        keys = list(dict.fromkeys(re.findall(r'"([^"\\]{1,40})"\s*:', t)))[:6]
        return "it looks like JSON" + (f" with keys {', '.join(keys)}" if keys else "")
    first = t.split("\n", 1)[0].strip()
    if first.count(",") >= 2:
        return f"it looks like a CSV with columns {first[:80]}"
    first = " ".join(first.split())
    return f"it starts «{first[:40]}{'…' if len(first) > 40 else ''}»"
