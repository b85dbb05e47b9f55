"""Input files: encodings, folders, safe zip extraction (../ entries, absolute paths, zip bombs)."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from socialbrain.archive import SQLiteArchive
from socialbrain.errors import ImportFormatError
from socialbrain.sources.dates import parse_date
from socialbrain.sources.files import decode_text, extract_zip, iter_input_files
from socialbrain.sources.ingest import import_paths

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "formats"


def test_decodes_utf8_bom_gbk_gb18030_utf16():
    s = "林小满的微博：跑步🏃"
    assert decode_text(s.encode("utf-8"), "f") == s
    assert decode_text(b"\xef\xbb\xbf" + s.encode("utf-8"), "f") == s
    assert decode_text("简体中文，GBK 编码".encode("gbk"), "f") == "简体中文，GBK 编码"
    assert decode_text(s.encode("gb18030"), "f") == s
    assert decode_text(s.encode("utf-16"), "f") == s


def test_china_zone_keeps_its_history():
    # China observed summer time 1986-1991: Asia/Shanghai knows, a fixed +08:00 would not
    assert parse_date("1991-04-15 00:00", zone=ZoneInfo("Asia/Shanghai")).utcoffset() == timedelta(hours=9)


def test_undecodable_bytes_name_the_line():
    data = "第一行\n第二行\n".encode() + b"\xff\xfe\xfd\x80\x80"
    with pytest.raises(ImportFormatError, match=r"^x.txt:3: not UTF-8 or GBK"):
        decode_text(data, "x.txt")


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "evil", ["../escape.txt", "data/../../escape.txt", "/etc/escape.txt", "C:/escape.txt"]
)
def test_zip_with_unsafe_paths_is_refused_before_writing(tmp_path, evil):
    z = _zip(tmp_path / "evil.zip", {"data/ok.txt": b"ok", evil: b"pwned"})
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(ImportFormatError, match="unsafe path"):
        extract_zip(z, dest)
    assert list(dest.rglob("*")) == []
    assert not (tmp_path / "escape.txt").exists()


def test_zip_bomb_is_refused(tmp_path):
    z = _zip(tmp_path / "bomb.zip", {"big.txt": b"0" * (8 * 1024 * 1024)})
    with pytest.raises(ImportFormatError, match="zip bomb"):
        extract_zip(z, tmp_path / "out")


def test_import_of_evil_zip_imports_nothing(tmp_path):
    tweets = (FIX / "twitter-archive" / "data" / "tweets.js").read_bytes()
    z = _zip(tmp_path / "twitter.zip", {"data/tweets.js": tweets, "../../x.js": b"x"})
    a = SQLiteArchive(tmp_path / "a.db")
    report = import_paths(a, [z])
    assert [f.status for f in report.files] == ["failed"]
    assert "unsafe path" in (report.files[0].message or "")
    assert a.count() == 0


def test_twitter_archive_zip_imports_tweets_and_skips_the_rest(tmp_path):
    folder = FIX / "twitter-archive"
    z = _zip(
        tmp_path / "twitter-2023.zip",
        {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()},
    )
    a = SQLiteArchive(tmp_path / "a.db")
    report = import_paths(a, [z])
    done = [f for f in report.files if f.status == "imported"]
    assert [f.path for f in done] == [f"{z}!data/tweets.js"]
    assert done[0].new == 4 and a.count() == 4
    assert {f.status for f in report.files} == {"imported", "skipped"}
    assert all(p.source_file == f"{z}!data/tweets.js" for p in a.iter_posts())


def test_folder_walk_skips_hidden_files(tmp_path):
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "a.md").write_text("hello", encoding="utf-8")
    files = list(iter_input_files([tmp_path], tmp_path / "work"))
    assert [f.path.name for f in files] == ["a.md"]


def test_missing_path_is_a_clear_error(tmp_path):
    a = SQLiteArchive(tmp_path / "a.db")
    report = import_paths(a, [tmp_path / "nope.json"])
    assert report.files[0].status == "failed" and "no such file" in (report.files[0].message or "")


def test_folder_walk_skips_readme_and_scripts(tmp_path):
    from socialbrain.sources.files import iter_input_files

    (tmp_path / "README.md").write_text("# 这是说明，不是帖子\n", encoding="utf-8")
    (tmp_path / "build.py").write_text("print('weibo')\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("今天跑了五公里。\n", encoding="utf-8")
    found = [f.path.name for f in iter_input_files([tmp_path], tmp_path / "work")]
    assert found == ["notes.md"]
    # named explicitly, a README is imported like any other file
    assert [f.path.name for f in iter_input_files([tmp_path / "README.md"], tmp_path / "w2")] == ["README.md"]
