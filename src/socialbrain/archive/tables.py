"""The archive's other tables, read and written only here: knowledge bases (``kbs``, ``kb_posts``, their posts
by source file), collector checkpoints (``collect_state``), map-reduce summaries (``summaries``), and the post
queries reports and answers need (per-year counts, column rows). :class:`~socialbrain.archive.sqlite.SQLiteArchive`
inherits these methods; no module outside ``archive/`` runs SQL on the archive (``tests/test_layers.py`` checks)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, tzinfo
from typing import Any

from .. import localtime
from ..models import Kind, PostFilter
from ..sqlite_tx import NestedTransactions

#: columns iter_columns may return (the posts table's plain columns)
READABLE_COLUMNS = frozenset(
    ["id", "platform", "account", "post_key", "post_id", "created_at", "created_ts", "kind", "text", "ref_text", "ref_author", "url", "media", "location", "likes", "reposts", "comments", "source_tool", "source_file", "conversation", "author", "reply_to", "private", "hidden"]
)


#: what the owner wrote: chat messages by others carry an ``author``
OWN = " AND (author IS NULL OR author = '')"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ArchiveTables(NestedTransactions):
    """Mixin: ``conn``, ``_lock`` and ``transaction()`` come from SQLiteArchive (a NestedTransactions),
    :func:`filter_sql` from its module."""

    def _where(self, flt: PostFilter | None, own_only: bool = False) -> tuple[str, list[Any]]:
        from .sqlite import filter_sql

        where, params = filter_sql(flt)
        return (where + OWN if own_only else where), params

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        with self._lock:
            return self.conn.execute(sql, list(params)).fetchall()

    def _local_year(self, zone: tzinfo | None) -> tuple[str, list[Any]]:
        """A SQL expression for the LOCAL year (socialbrain.localtime, or ``zone``'s) of ``created_ts``, and its
        parameters: a balanced tree of CASEs over the local New Year instants between the archive's oldest and
        newest post (exact across offsets and DST; an indexed MIN/MAX read, then log2(years) comparisons per
        row, however wide a stray date makes the span)."""
        lo, hi = self._rows("SELECT MIN(created_ts), MAX(created_ts) FROM posts")[0]
        if lo is None:
            return "NULL", []
        z = zone or localtime.local_zone()
        years = list(range(localtime.year_of(lo, z), localtime.year_of(hi, z) + 1))
        starts = [localtime.year_start(y, z) for y in years]

        def tree(i: int, j: int) -> tuple[str, list[Any]]:  # the year of a created_ts in [starts[i], starts[j])
            if j - i == 1:
                return "?", [years[i]]
            m = (i + j) // 2
            (left, lp), (right, rp) = tree(i, m), tree(m, j)
            return f"(CASE WHEN created_ts < ? THEN {left} ELSE {right} END)", [starts[m], *lp, *rp]

        return tree(0, len(years))

    # -- posts, as reports and answers read them -----------------------------------------------------
    def iter_columns(
        self,
        flt: PostFilter | None,
        columns: Iterable[str],
        *,
        years: list[int] | None = None,
        own_only: bool = False,
        chunk: int = 5000,
        zone: tzinfo | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of ``columns`` for the posts under ``flt`` (and in ``years``: local years, socialbrain.localtime,
        or ``zone``'s), oldest first, read ``chunk`` at a time; ``own_only`` leaves out what others wrote (chat
        messages with an author)."""
        cols = list(columns)
        bad = [c for c in cols if c not in READABLE_COLUMNS]
        if bad:
            raise ValueError(f"not a posts column: {bad[0]!r}")
        where, params = self._where(flt, own_only)
        if years:
            ranges = localtime.year_ranges(years, zone)
            where += " AND (" + " OR ".join("(created_ts >= ? AND created_ts < ?)" for _ in ranges) + ")"
            params = [*params, *(t for r in ranges for t in r)]
        # keyset paging on (created_ts, id): each chunk is one short read under the lock, never a long cursor
        sql = f"SELECT created_ts, id, {', '.join(cols)} FROM posts WHERE {where} AND (created_ts > ? OR "
        sql += "(created_ts = ? AND id > ?)) ORDER BY created_ts, id LIMIT ?"
        last: tuple[float, int] = (float("-inf"), -1)
        while True:
            rows = self._rows(sql, [*params, last[0], last[0], last[1], chunk])
            for r in rows:
                yield tuple(r[2:])
            if len(rows) < chunk:
                return
            last = (rows[-1][0], rows[-1][1])

    def ids(self, flt: PostFilter | None) -> list[int]:
        """Archive ids of the posts under ``flt``."""
        where, params = self._where(flt)
        return [r[0] for r in self._rows(f"SELECT id FROM posts WHERE {where} ORDER BY id", params)]

    def year_counts(
        self, flt: PostFilter | None = None, *, own_only: bool = False, zone: tzinfo | None = None
    ) -> dict[int, int]:
        """{local year: posts} (``own_only``: what the archive's owner wrote)."""
        where, params = self._where(flt, own_only)
        year, args = self._local_year(zone)
        rows = self._rows(
            f"SELECT {year} AS y, COUNT(*) FROM posts WHERE {where} GROUP BY y ORDER BY y", [*args, *params]
        )
        return {int(y): n for y, n in rows if y is not None}

    def word_year_counts(self, flt: PostFilter | None, word: str, zone: tzinfo | None = None) -> dict[str, int]:
        """{local year: posts mentioning ``word``} (in the text or what it quotes)."""
        where, params = self._where(flt)
        like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where += " AND (text LIKE ? ESCAPE '\\' OR COALESCE(ref_text, '') LIKE ? ESCAPE '\\')"
        params = [*params, like, like]
        year, args = self._local_year(zone)
        rows = self._rows(
            f"SELECT {year} AS y, COUNT(*) FROM posts WHERE {where} GROUP BY y ORDER BY y", [*args, *params]
        )
        return {f"{y:04d}": n for y, n in rows if n and y is not None}

    def accounts(self) -> list[str]:
        """Every account that has posts (the archive owner's own)."""
        return [r[0] for r in self._rows("SELECT DISTINCT account FROM posts ORDER BY account")]

    def chat_ids(self, platform: str, account: str, conversation: str) -> list[int]:
        """Visible chat messages of one conversation (``""``: messages without one)."""
        return [
            r[0]
            for r in self._rows(
                "SELECT id FROM posts WHERE platform=? AND account=? AND COALESCE(conversation, '')=? AND kind=? "
                "AND hidden=0",
                (platform, account, conversation, str(Kind.CHAT)),
            )
        ]

    # -- knowledge bases ---------------------------------------------------------------------------------
    def kb_row(self, name: str) -> tuple[str, str, dict[str, Any]] | None:
        """(name, description, stored filter) of a knowledge base, or None."""
        rows = self._rows("SELECT name, description, filter FROM kbs WHERE name=?", (name,))
        if not rows:
            return None
        n, description, stored = rows[0]
        return n, description or "", json.loads(stored or "{}")

    def kb_names(self, *, exclude: str | None = None) -> list[str]:
        return [r[0] for r in self._rows("SELECT name FROM kbs WHERE name != ? ORDER BY name", (exclude or "",))]

    def kb_create(self, name: str, description: str, stored: dict[str, Any]) -> None:
        now = _now()
        with self.transaction():
            self.conn.execute(
                "INSERT INTO kbs (name, description, filter, created_at, updated_at) VALUES (?,?,?,?,?)",
                (name, description, json.dumps(stored, ensure_ascii=False), now, now),
            )

    def kb_delete(self, name: str) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM kb_posts WHERE kb=?", (name,))
            self.conn.execute("DELETE FROM kbs WHERE name=?", (name,))

    def kb_members(self, name: str) -> list[int]:
        return [r[0] for r in self._rows("SELECT post_id FROM kb_posts WHERE kb=? ORDER BY post_id", (name,))]

    def kb_add_members(self, name: str, ids: Iterable[int]) -> int:
        """Add posts to a knowledge base; its stored filter records the member count, which is returned."""
        with self.transaction():
            self.conn.executemany(
                "INSERT OR IGNORE INTO kb_posts (kb, post_id) VALUES (?, ?)", [(name, i) for i in ids]
            )
            return self._count_members(name)

    def kb_remove_members(self, name: str, ids: Iterable[int]) -> int:
        """Take posts out of a knowledge base (they stay in the archive); returns the members left."""
        with self.transaction():
            self.conn.execute(
                "DELETE FROM kb_posts WHERE kb = ? AND post_id IN (SELECT value FROM json_each(?))",
                (name, json.dumps(list(ids))),
            )
            return self._count_members(name)

    def _count_members(self, name: str) -> int:
        """Record a knowledge base's member count in its stored filter (inside the caller's transaction)."""
        members = self.conn.execute("SELECT COUNT(*) FROM kb_posts WHERE kb=?", (name,)).fetchone()[0]
        row = self.conn.execute("SELECT filter FROM kbs WHERE name=?", (name,)).fetchone()
        stored = json.loads(row[0] or "{}") if row else {}
        stored["members"] = members
        self.conn.execute(
            "UPDATE kbs SET filter=?, updated_at=? WHERE name=?",
            (json.dumps(stored, ensure_ascii=False), _now(), name),
        )
        return int(members)

    # -- posts by the file they were imported from (the knowledge-base page's file table) -------------------
    def files_summary(self, flt: PostFilter | None) -> list[dict[str, Any]]:
        """One row per source file among the posts under ``flt``: ``source_file`` (as stored: a path on the
        server, or ``archive.zip!member``), ``posts``, ``first``/``last`` post dates and ``imported_at`` (the
        latest), most recently imported first."""
        where, params = self._where(flt)
        rows = self._rows(
            "SELECT COALESCE(source_file, ''), COUNT(*), MIN(created_at), MAX(created_at), MAX(updated_at)"
            f" FROM posts WHERE {where} GROUP BY COALESCE(source_file, '') ORDER BY MAX(updated_at) DESC",
            params,
        )
        keys = ("source_file", "posts", "first", "last", "imported_at")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def post_ids_from_file(self, flt: PostFilter | None, source_file: str) -> list[int]:
        """Ids of the posts under ``flt`` imported from ``source_file`` ('' = posts without one)."""
        where, params = self._where(flt)
        sql = f"SELECT id FROM posts WHERE {where} AND COALESCE(source_file, '') = ? ORDER BY created_ts"
        return [r[0] for r in self._rows(sql, [*params, source_file])]

    # -- collector checkpoints -----------------------------------------------------------------------------
    def collect_state(self, platform: str, account: str) -> dict[str, Any]:
        rows = self._rows("SELECT state FROM collect_state WHERE platform=? AND account=?", (platform, account))
        return json.loads(rows[0][0]) if rows else {}

    def save_collect_state(self, platform: str, account: str, state: dict[str, Any]) -> None:
        """Write a checkpoint (joins the caller's transaction when there is one)."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO collect_state (platform, account, state, updated_at) VALUES (?,?,?,?) "
                "ON CONFLICT (platform, account) DO UPDATE SET state=excluded.state, updated_at=excluded.updated_at",
                (platform, account, json.dumps(state, ensure_ascii=False, sort_keys=True), _now()),
            )

    def collect_states(self) -> list[dict[str, Any]]:
        rows = self._rows("SELECT platform, account, state, updated_at FROM collect_state ORDER BY 1, 2")
        return [{"platform": p, "account": a, "state": json.loads(s), "updated_at": u} for p, a, s, u in rows]

    # -- map-reduce summaries ----------------------------------------------------------------------------
    def summary(self, key: str) -> tuple[str, list[int]] | None:
        """A cached period summary: (text, cited post ids)."""
        rows = self._rows("SELECT text, cited FROM summaries WHERE key = ?", (key,))
        return (rows[0][0], json.loads(rows[0][1] or "[]")) if rows else None

    def save_summary(
        self, key: str, *, period: str, scope: str, model: str, text: str, cited: list[int], usage: dict[str, Any]
    ) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO summaries (key, period, scope, model, text, cited, prompt_tokens,"
                " completion_tokens, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (key, period, scope, model, text, json.dumps(cited), usage.get("prompt_tokens"),
                 usage.get("completion_tokens"), _now()),
            )


class BlobCache:
    """A small key → bytes cache in its own SQLite file (derived data, e.g. mood vectors): safe to delete."""

    def __init__(self, path: Any, table: str = "cache") -> None:
        from pathlib import Path

        if not table.isidentifier():
            raise ValueError(f"cache table {table!r}: use a plain name")
        self.path = Path(path)
        self.table = table

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path)
        db.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (h TEXT PRIMARY KEY, v BLOB)")
        return db

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        db = self._connect()
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                q = f"SELECT h, v FROM {self.table} WHERE h IN ({','.join('?' * len(chunk))})"
                found.update(db.execute(q, chunk).fetchall())
        finally:
            db.close()
        return found

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        db = self._connect()
        try:
            with db:
                db.executemany(f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?)", list(items))
        finally:
            db.close()
