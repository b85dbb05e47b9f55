"""Input files: walking the PATH arguments (files, folders, .zip), safe zip extraction, text decoding."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ImportFormatError

MAX_ZIP_TOTAL = 4 * 1024**3  # bytes unpacked from one zip
MAX_ZIP_RATIO = 200  # unpacked / packed, per entry larger than 1 MB
_SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
# inside a folder, a README/LICENSE or a script describes the export, it is not part of it
# (name such a file explicitly to import it anyway)
_SKIP_PREFIXES = ("readme", "license", "licence", "changelog")
_SKIP_SUFFIXES = {".py", ".pyc", ".sh", ".bat", ".exe"}


@dataclass
class InputFile:
    path: Path  # where to read it (inside a temp dir for zip members)
    shown: str  # what to call it in messages: the user's path, or archive.zip!member
    explicit: bool  # named on the command line (unknown format is an error) vs found in a folder (skipped)
    error: str | None = None  # why it cannot be read at all (a damaged zip inside a folder), reported as failed


def decode_text(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK/GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise ImportFormatError(path, f"bad UTF-16 text at byte {e.start}") from None
    if b"\x00" in data[:4096]:
        data = _without_nuls(data, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        first_error = e.start
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        line = data[:first_error].count(b"\n") + 1
        raise ImportFormatError(
            path, "not UTF-8 or GBK/GB18030 text: re-save it as UTF-8", line=line
        ) from None


def _without_nuls(data: bytes, path: str) -> bytes:
    """UTF-16 saved without a BOM (every other byte NUL) is decoded as such; stray NUL bytes are not text."""
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 4:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                return data.decode(enc).encode("utf-8")
            except UnicodeDecodeError:
                continue
    return data.replace(b"\x00", b"")


def read_text(path: Path, shown: str | None = None) -> str:
    return decode_text(path.read_bytes(), shown or str(path))


def iter_json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSON-lines file; one clear error for a bad line."""
    for n, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise ImportFormatError(
                str(path), f"not valid JSON ({e.msg}); is the file cut short?", line=n
            ) from None
        if not isinstance(record, dict):
            raise ImportFormatError(str(path), "each line must be a JSON object", line=n)
        yield n, record


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _safe_member(name: str, zip_shown: str) -> PurePosixPath:
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise ImportFormatError(zip_shown, f"refusing unsafe path {name!r} inside the zip (nothing imported)")
    return p


def extract_zip(zip_path: Path, dest: Path, shown: str | None = None) -> Path:
    """Unpack ``zip_path`` under ``dest``; refuse ``../``/absolute entries and zip bombs before writing anything."""
    shown = shown or str(zip_path)
    try:
        zf = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as e:
        raise ImportFormatError(shown, f"not a readable zip file ({e})") from None
    with zf:
        infos = zf.infolist()
        total = 0
        for info in infos:
            _safe_member(info.filename, shown)
            total += info.file_size
            if info.file_size > 1024**2 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                raise ImportFormatError(
                    shown, f"entry {info.filename!r} expands {MAX_ZIP_RATIO}x+: refusing a zip bomb"
                )
        if total > MAX_ZIP_TOTAL:
            raise ImportFormatError(
                shown, f"unpacks to {total / 1024**3:.1f} GB, over the 4 GB limit: unzip it yourself"
            )
        written = 0
        for info in infos:
            target = dest.joinpath(*_safe_member(info.filename, shown).parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    # count real bytes: the sizes in the header can lie
                    while block := src.read(1 << 20):
                        written += len(block)
                        if written > MAX_ZIP_TOTAL or written > total + 1024:
                            raise ImportFormatError(
                                shown, "the zip unpacks to more than its header says: refusing it"
                            )
                        out.write(block)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:
                raise ImportFormatError(
                    shown, f"a damaged zip: entry {info.filename!r} cannot be read ({e}); nothing imported"
                ) from None
    return dest


def _walk(folder: Path) -> Iterator[Path]:
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if (
            any(part.startswith(".") for part in rel.parts)
            or p.name in _SKIP_NAMES
            or p.name.startswith("~$")
            or p.name.lower().startswith(_SKIP_PREFIXES)
            or p.suffix.lower() in _SKIP_SUFFIXES
        ):
            continue
        if p.is_file() or not p.is_dir():  # specials and broken links too: the importer names and refuses them
            yield p


def iter_input_files(paths: list[Path], workdir: Path) -> Iterator[InputFile]:
    """Every file to consider, in a stable order; zips (given or found in folders) are unpacked under workdir."""
    counter = 0

    def expand_zip(z: Path, shown: str) -> Iterator[InputFile]:
        nonlocal counter
        counter += 1
        dest = workdir / f"zip{counter}"
        dest.mkdir(parents=True)
        try:
            extract_zip(z, dest, shown)
        except ImportFormatError:
            shutil.rmtree(dest, ignore_errors=True)
            raise
        for f in _walk(dest):
            yield InputFile(f, f"{shown}!{f.relative_to(dest).as_posix()}", explicit=False)

    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists():
            if p.is_symlink():
                raise ImportFormatError(str(p), "is a symbolic link that leads nowhere (broken or a loop)")
            raise ImportFormatError(str(p), "no such file or folder")
        if not p.is_dir() and not p.is_file():  # FIFO, device, socket: never opened (it could block forever)
            yield InputFile(p, str(p), explicit=True)
            continue
        if p.is_dir():
            for f in _walk(p):
                if f.suffix.lower() == ".zip" and f.is_file():
                    try:  # a damaged zip in a folder fails alone: the rest of the folder still imports
                        yield from expand_zip(f, str(f))
                    except ImportFormatError as e:
                        yield InputFile(f, str(f), explicit=True, error=str(e))
                else:
                    yield InputFile(f, str(f), explicit=False)
        elif (
            p.suffix.lower() == ".zip" or zipfile.is_zipfile(p) and p.suffix.lower() not in (".xlsx", ".docx")
        ):
            yield from expand_zip(p, str(p))
        else:
            yield InputFile(p, str(p), explicit=True)
