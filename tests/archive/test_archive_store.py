"""The SQLite archive: upsert keys, change log, forget tombstones, hide, migrations."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from socialbrain.archive import SQLiteArchive
from socialbrain.archive.migrations import MIGRATIONS
from socialbrain.errors import ArchiveError, NotFoundError
from socialbrain.models import Kind, Post, PostFilter

CST = timezone(timedelta(hours=8))


def post(text: str, day: int = 1, pid: str | None = None, **kw) -> Post:
    return Post(platform="weibo", account="1669879400", post_id=pid, text=text,
                created_at=datetime(2016, 5, day, 21, 30, tzinfo=CST), **kw)


@pytest.fixture
def archive(tmp_path):
    a = SQLiteArchive(tmp_path / "archive.db")
    yield a
    a.close()


def test_upsert_by_id_new_unchanged_updated(archive):
    assert archive.upsert(post("第一次跑完十公里", pid="IonM9ryMy", likes=3)) == "new"
    assert archive.upsert(post("第一次跑完十公里", pid="IonM9ryMy", likes=3)) == "unchanged"
    assert archive.upsert(post("第一次跑完十公里", pid="IonM9ryMy", likes=9)) == "updated"
    assert archive.count() == 1
    (p,) = archive.iter_posts()
    assert p.likes == 9 and p.created_at.utcoffset() == timedelta(hours=8)


def test_posts_without_ids_are_keyed_by_content(archive):
    assert archive.upsert(post("无id的微博")) == "new"
    assert archive.upsert(post("无id的微博")) == "unchanged"
    assert archive.upsert(post("无id的微博", day=2)) == "new"
    assert archive.count() == 2


def test_transaction_rolls_back_everything(archive):
    with pytest.raises(RuntimeError), archive.transaction():
        archive.upsert(post("a", pid="1"))
        archive.upsert(post("b", pid="2"))
        raise RuntimeError("boom")
    assert archive.count() == 0
    assert archive.changes_since(0) == []


def test_forget_deletes_and_tombstones(archive):
    archive.upsert(post("留下", pid="1", day=1))
    archive.upsert(post("忘掉", pid="2", day=3))
    seq = archive.last_change_seq()
    n = archive.forget(PostFilter(since=datetime(2016, 5, 2, tzinfo=CST)))
    assert n == 1
    assert [p.text for p in archive.iter_posts()] == ["留下"]
    assert [c.op for c in archive.changes_since(seq)] == ["delete"]
    # re-importing the same post does not bring it back
    assert archive.upsert(post("忘掉", pid="2", day=3)) == "forgotten"
    assert archive.count() == 1


def test_forget_refuses_empty_filter(archive):
    archive.upsert(post("x", pid="1"))
    with pytest.raises(ArchiveError):
        archive.forget(PostFilter())


def test_hidden_posts_are_filtered_unless_asked(archive):
    archive.upsert(post("公开", pid="1"))
    archive.upsert(post("藏起来", pid="2", kind=Kind.REPLY))
    p2 = archive.find_by_key("weibo", "1669879400", "2")
    archive.set_hidden(p2.id, True)
    assert [p.text for p in archive.iter_posts()] == ["公开"]
    assert archive.count(PostFilter(include_hidden=True)) == 2
    with pytest.raises(NotFoundError):
        archive.set_hidden(999, True)


def test_filters(archive):
    archive.upsert(post("a", pid="1", day=1, likes=5))
    archive.upsert(post("b", pid="2", day=2, likes=50, kind=Kind.REPOST))
    assert archive.count(PostFilter(min_likes=10)) == 1
    assert archive.count(PostFilter(kinds=["repost"])) == 1
    assert archive.count(PostFilter(until=datetime(2016, 5, 2, tzinfo=CST))) == 1
    assert archive.count(PostFilter(ids=[])) == 0
    assert archive.count(PostFilter(platforms=["twitter"])) == 0


def test_schema_is_versioned_and_newer_files_refused(tmp_path):
    path = tmp_path / "a.db"
    a = SQLiteArchive(path)
    assert a.schema_version == max(v for v, _, _ in MIGRATIONS)
    a.close()
    c = sqlite3.connect(path)
    c.execute("INSERT INTO schema_migrations VALUES (999, 'm999_future', 'now')")
    c.commit()
    c.close()
    with pytest.raises(ArchiveError, match="newer"):
        SQLiteArchive(path)


def test_archive_is_plain_sqlite_in_wal_mode(archive):
    archive.upsert(post("纯 SQLite", pid="1"))
    c = sqlite3.connect(archive.path)
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("SELECT text FROM posts").fetchone()[0] == "纯 SQLite"
