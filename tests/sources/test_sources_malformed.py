"""The malformed corpus (tests/sources/malformed_corpus.py): no traceback, nothing half-imported, one line each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from malformed_corpus import make_corpus
from typer.testing import CliRunner

from socialbrain.archive import SQLiteArchive
from socialbrain.cli.main import app
from socialbrain.sources.ingest import import_paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path]]:
    files = make_corpus(tmp_path_factory.mktemp("malformed"))
    yield files
    for _, p in files:
        if p.exists() and not p.is_symlink():
            p.chmod(0o644)


def test_the_corpus_is_large_and_varied(corpus):
    assert len(corpus) >= 50
    exts = {Path(n).suffix for n, _ in corpus}
    assert {".txt", ".csv", ".json", ".jsonl", ".js", ".md", ".zip"} <= exts


def test_every_malformed_file_gives_one_line_and_nothing_partial(corpus, tmp_path):
    a = SQLiteArchive(tmp_path / "a.db")
    outcomes: dict[str, str] = {}
    for name, path in corpus:
        before = a.count()
        report = import_paths(a, [path])  # must not raise, whatever the input
        for f in report.files:
            if f.status == "failed":
                assert f.message and "\n" not in f.message and "Traceback" not in f.message, name
                assert len(f.message) < 600, (name, f.message)
                assert f.new == f.updated == 0, name
            for line in f.rejections:
                assert "\n" not in line, (name, line)
        if all(f.status != "imported" for f in report.files):
            assert a.count() == before, f"{name}: a failed file stored posts"
        outcomes[name] = ",".join(f.status for f in report.files) or "nothing"
    runs = a.imports(1000)
    assert not [r for r in runs if r["status"] == "running"], "an import row was left running"
    # the inputs that must be refused whole
    for name in (
        "deep_weibo.json", "deep_plain.json", "unclosed_quote.csv", "swallowing_quote.csv", "traversal.zip",
        "absolute.zip", "bad_crc.zip", "corrupt_deflate.zip", "bomb.zip", "symlink_loop.json", "pipe.txt",
        "weibospider_no_dates_2016.txt", "empty.json", "random_binary.json",
    ):
        assert outcomes[name].startswith("failed"), (name, outcomes[name])
    # ... and those whose readable records import while the bad one is skipped
    for name in ("lone_surrogate_weibospider.json", "huge_count_crawler.json", "weibospider_truncated_half.txt"):
        assert outcomes[name] == "imported", (name, outcomes[name])


def test_a_folder_of_malformed_files_runs_to_the_end_and_prints_the_summary(corpus, data_dir, monkeypatch):
    monkeypatch.setenv("SOCIALBRAIN_EMBEDDER", "none")
    monkeypatch.setenv("COLUMNS", "200")
    folder = corpus[0][1].parent
    good = folder / "zz_good.txt"  # sorts last: the run must reach it
    good.write_text(
        "用户信息：\n用户id：42\n\n微博内容：\n最后一个文件也要导入\n发布时间：2020-01-01 10:00\n点赞数：1\n\n",
        encoding="utf-8",
    )
    try:
        r = CliRunner().invoke(app, ["import", str(folder), "--no-index"])
    finally:
        good.unlink()
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert r.exit_code == 2  # some files failed
    assert "zz_good.txt" in r.output and "import summary" in r.output
    errors = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert len(errors) >= 20


@pytest.mark.parametrize("name", ["pipe.txt", "bad_crc.zip", "deep_plain.json", "empty.csv", "unreadable.txt"])
def test_cli_names_the_file_in_one_line(corpus, data_dir, monkeypatch, name):
    if name == "unreadable.txt" and os.geteuid() == 0:
        pytest.skip("root reads any file")
    monkeypatch.setenv("SOCIALBRAIN_EMBEDDER", "none")
    path = dict(corpus)[name]
    r = CliRunner().invoke(app, ["import", str(path), "--no-index"])
    assert r.exit_code != 0 and "Traceback" not in r.output
    errors = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and path.name in errors[0], r.output


def test_an_unrecognised_file_says_what_was_tried_and_what_it_looks_like(tmp_path):
    from socialbrain.errors import ImportFormatError
    from socialbrain.sources.base import detect, importers

    cases = {
        "a.json": ('{"items": [{"msg": "你好"}]}', "JSON with keys items, msg"),
        "b.dat": (b"\x89PNG\r\n\x1a\n" + bytes(200), "an image"),
        "c.bin": (bytes(range(32)) * 20, "binary data"),
    }
    for name, (data, looks) in cases.items():
        p = tmp_path / name
        p.write_bytes(data.encode() if isinstance(data, str) else data)
        with pytest.raises(ImportFormatError) as e:
            detect(p)
        msg = str(e.value)
        assert looks in msg and all(i.name in msg for i in importers()), msg


def test_a_10mb_post_is_stored_whole_but_indexed_by_a_bounded_prefix(tmp_path):
    from datetime import UTC, datetime

    from socialbrain.index.units import MAX_INDEXED_CHARS, post_units
    from socialbrain.models import Post

    a = SQLiteArchive(tmp_path / "a.db")
    text = "很长的一条微博。" * (10 * 1024 * 1024 // 24)
    p = Post(platform="weibo", account="1", created_at=datetime(2020, 1, 1, tzinfo=UTC), text=text)
    a.upsert(p)
    assert a.get(p.id).text == text  # stored whole
    units = post_units(p)
    assert sum(len(u.text) for u in units) <= MAX_INDEXED_CHARS < len(text)
