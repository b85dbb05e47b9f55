"""import_paths: one transaction per file, idempotent re-import, tombstones, lossless own export, crash safety."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialbrain.archive import SQLiteArchive
from socialbrain.models import Post, PostFilter
from socialbrain.sources.base import ImportOptions
from socialbrain.sources.ingest import import_paths

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
CST = timezone(timedelta(hours=8))


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_reimport_adds_nothing_and_counts_unchanged(tmp_path):
    a = SQLiteArchive(tmp_path / "a.db")
    first = import_paths(a, [FIX / "weibospider_1669879400.txt", FIX / "mastodon-archive" / "outbox.json"])
    assert first.totals()["new"] == 7
    seq = a.last_change_seq()
    again = import_paths(a, [FIX / "weibospider_1669879400.txt", FIX / "mastodon-archive" / "outbox.json"])
    assert again.totals() | {"files": 0} == {
        "new": 0,
        "updated": 0,
        "unchanged": 7,
        "rejected": 0,
        "forgotten": 0,
        "files": 0,
        "failed": 0,
        "skipped": 0,
    }
    assert a.count() == 7 and a.last_change_seq() == seq  # nothing for the index to redo
    runs = a.imports()
    assert len(runs) == 4 and all(r["status"] == "done" and len(r["sha256"]) == 64 for r in runs)


def test_a_bad_last_record_is_skipped_and_named_and_the_rest_imports(tmp_path):
    rows = [{"id": str(i), "created_at": f"2020-01-{i + 1:02d} 10:00", "text": f"第{i}条"} for i in range(20)]
    good = _jsonl(tmp_path / "good.jsonl", rows)
    bad = _jsonl(tmp_path / "bad.jsonl", [*rows[:10], {"id": "x", "created_at": "不是日期", "text": "坏记录"}])
    a = SQLiteArchive(tmp_path / "a.db")
    report = import_paths(a, [bad, good], options=ImportOptions(platform="p", account="me"))
    bad_r, good_r = report.files
    assert bad_r.status == "imported" and (bad_r.new, bad_r.rejected) == (10, 1)
    assert bad_r.rejections == [
        f"{bad}:11 [created_at]: cannot read date '不是日期' (unknown date format '不是日期') — «坏记录»"
    ]
    assert report.reasons() == {"cannot read date '不是日期' (unknown date format '不是日期')": 1}
    assert good_r.new == 10 and a.count() == 20  # good.jsonl's first 10 are the same posts
    assert [r["status"] for r in a.imports()] == ["done", "done"]


def test_strict_fails_a_file_with_a_skipped_record_and_stores_none_of_it(tmp_path):
    rows = [{"id": str(i), "created_at": f"2020-01-{i + 1:02d} 10:00", "text": f"第{i}条"} for i in range(20)]
    good = _jsonl(tmp_path / "good.jsonl", rows[10:])
    bad = _jsonl(tmp_path / "bad.jsonl", [*rows[:10], {"id": "x", "created_at": "不是日期", "text": "坏"}])
    a = SQLiteArchive(tmp_path / "a.db")
    report = import_paths(a, [bad, good], options=ImportOptions(platform="p", account="me", strict=True))
    bad_r, good_r = report.files
    assert bad_r.status == "failed" and bad_r.new == 0 and bad_r.posts == 0
    assert bad_r.message == (
        f"{bad}: 1 record(s) could not be read (--strict imports nothing): {bad}:11 [created_at]: cannot read"
        " date '不是日期' (unknown date format '不是日期') — «坏»"
    )
    assert good_r.new == 10 and a.count() == 10
    assert [r["status"] for r in a.imports()] == ["done", "failed"]


def test_forgotten_posts_stay_forgotten(tmp_path):
    a = SQLiteArchive(tmp_path / "a.db")
    import_paths(a, [FIX / "weibocrawler_1669879400.json"])
    assert a.forget(PostFilter(since=datetime(2016, 5, 5, tzinfo=CST))) == 1
    r = import_paths(a, [FIX / "weibocrawler_1669879400.json"])
    assert (r.files[0].forgotten, r.files[0].unchanged, a.count()) == (1, 1, 1)


def test_own_export_reimports_losslessly(tmp_path):
    a = SQLiteArchive(tmp_path / "a.db")
    import_paths(a, [FIX])
    some = next(a.iter_posts())
    a.set_hidden(some.id, True)
    before = [p.to_json() for p in a.iter_posts(PostFilter(include_hidden=True))]
    export = tmp_path / "export.jsonl"
    export.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in before), encoding="utf-8")
    b = SQLiteArchive(tmp_path / "b.db")
    r = import_paths(b, [export])
    assert r.files[0].importer == "socialbrain-jsonl" and r.files[0].new == len(before)
    after = [p.to_json() for p in b.iter_posts(PostFilter(include_hidden=True))]

    def strip(d: dict) -> dict:
        return {k: v for k, v in d.items() if k != "id"}

    assert [strip(d) for d in after] == [strip(d) for d in before]
    assert import_paths(b, [export]).files[0].unchanged == len(before)


texts = st.text(alphabet=st.sampled_from("跑步读书工作家人朋友咖啡 abc，。!\n"), min_size=1, max_size=40)
records = st.lists(
    st.fixed_dictionaries(
        {
            "id": st.one_of(st.none(), st.integers(0, 50).map(str)),
            "created_at": st.datetimes(min_value=datetime(2009, 1, 1), max_value=datetime(2030, 1, 1)).map(
                lambda d: d.replace(microsecond=0).isoformat(sep=" ")
            ),
            "text": texts.filter(lambda t: t.strip()),
            "likes": st.one_of(st.none(), st.integers(0, 10**6)),
        }
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_reimport_is_idempotent_for_any_records(rows):
    with tempfile.TemporaryDirectory() as tmp:
        path = _jsonl(Path(tmp) / "posts.jsonl", rows)
        a = SQLiteArchive(Path(tmp) / "a.db")
        first = import_paths(a, [path]).files[0]
        assert first.status == "imported"
        count, seq = a.count(), a.last_change_seq()
        again = import_paths(a, [path]).files[0]
        assert (again.new, again.updated) == (0, 0)
        assert again.unchanged == count and again.unchanged + again.rejected == len(rows)
        assert (a.count(), a.last_change_seq()) == (count, seq)
        a.close()


# -- crash safety: a real process killed with SIGKILL in the middle of an import ------------------------------
FILES, PER_FILE = 3, 6000


def _big_files(folder: Path) -> list[Path]:
    start = datetime(2015, 1, 1, tzinfo=CST)
    out = []
    for f in range(FILES):
        rows = [
            {
                "id": f"{f}-{i}",
                "created_at": (start + timedelta(minutes=f * PER_FILE + i)).isoformat(),
                "text": f"第{f}个文件的第{i}条微博：今天跑步五公里，天气很好。",
            }
            for i in range(PER_FILE)
        ]
        out.append(_jsonl(folder / f"part{f}.jsonl", rows))
    return out


@pytest.mark.slow
def test_sigkill_mid_import_keeps_whole_files_and_a_rerun_completes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _big_files(src)
    home = tmp_path / "home"
    env = {**os.environ, "SOCIALBRAIN_HOME": str(home), "SOCIALBRAIN_EMBEDDER": "none"}
    cmd = [
        str(Path(sys.executable).parent / "socialbrain"),
        "import",
        str(src),
        "--no-index",
        "--account",
        "me",
        "--platform",
        "weibo",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = home / "archive.db"
    deadline = time.monotonic() + 120
    killed_after_done = False
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as c:
                    if c.execute("SELECT COUNT(*) FROM imports WHERE status='done'").fetchone()[0] >= 1:
                        proc.send_signal(signal.SIGKILL)
                        killed_after_done = True
                        break
            except sqlite3.OperationalError:
                pass
        time.sleep(0.02)
    proc.wait(timeout=30)
    assert killed_after_done, "the import finished before it could be killed"

    a = SQLiteArchive(db)
    assert a.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    per_file = dict(a.conn.execute("SELECT source_file, COUNT(*) FROM posts GROUP BY source_file").fetchall())
    assert per_file and all(n == PER_FILE for n in per_file.values())  # whole files only
    assert len(per_file) < FILES
    a.close()

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    a = SQLiteArchive(db)
    assert a.count() == FILES * PER_FILE
    done = a.conn.execute("SELECT new, unchanged FROM imports WHERE status='done' ORDER BY id").fetchall()
    assert sum(n for n, _ in done) == FILES * PER_FILE  # each post stored exactly once over both runs


def test_chat_exports_keep_others_messages_but_own_only_selects_the_owners(tmp_path):
    a = SQLiteArchive(tmp_path / "a.db")
    import_paths(a, [FIX / "telegram_full_export.json", FIX / "老王_utf8.csv"])
    everyone = list(a.iter_posts(PostFilter()))
    own = list(a.iter_posts(PostFilter(own_only=True)))
    others = [p for p in everyone if not p.is_own]
    assert others and own and all(p.author for p in others) and all(p.is_own for p in own)
    assert len(own) + len(others) == len(everyone) == a.count()
    assert a.count(PostFilter(own_only=True)) == len(own)
    s = a.stats()
    assert (s["own"], s["others"]) == (len(own), len(others))


def test_rows_left_running_by_a_killed_process_are_marked_interrupted_by_the_next_run(tmp_path):
    import subprocess
    import sys

    a = SQLiteArchive(tmp_path / "a.db")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid that no longer runs, as after kill -9
    stale = a.start_import("killed.json", "0" * 64, "telegram")
    mine = a.start_import("running-here.json", "1" * 64, "telegram")  # this process: still alive
    a.execute("UPDATE imports SET pid=? WHERE id=?", (gone.pid, stale))
    a.conn.commit()
    import_paths(a, [FIX / "telegram_result.json"])
    status = {r["id"]: r["status"] for r in a.imports()}
    assert status[stale] == "interrupted" and status[mine] == "running"
    assert sum(s == "done" for s in status.values()) == 1


def test_an_interrupt_while_parsing_closes_the_import_row_and_stores_nothing(tmp_path):
    from socialbrain.sources.base import register

    class Interrupted:
        name, platform, description = "test-interrupt", "test", "raises KeyboardInterrupt half-way"

        def sniff(self, path, head):
            return 0.0

        def parse(self, path, options):
            yield Post(platform="test", account="me", created_at=datetime(2020, 1, 1, tzinfo=CST), text="一")
            raise KeyboardInterrupt

    register(Interrupted())
    a = SQLiteArchive(tmp_path / "a.db")
    with pytest.raises(KeyboardInterrupt):
        import_paths(a, [FIX / "telegram_result.json"], options=ImportOptions(format="test-interrupt"))
    (row,) = a.imports()
    assert row["status"] == "interrupted" and a.count() == 0
