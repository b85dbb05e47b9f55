"""The embedded archive: a plain SQLite file in WAL mode (see docs/archive.md for the tables)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

import orjson

from .. import localtime
from ..errors import ArchiveError, NotFoundError
from ..models import Kind, Post, PostFilter
from ..processes import pid_alive
from ..sqlite_tx import NestedTransactions
from .base import Change, UpsertResult
from .conversations import ConversationTables
from .migrations import MIGRATIONS, migrate
from .tables import ArchiveTables

POST_COLUMNS = (
    "id", "platform", "account", "post_key", "post_id", "created_at", "created_ts", "kind", "text",
    "ref_text", "ref_author", "url", "media", "location", "likes", "reposts", "comments", "source_tool",
    "source_file", "conversation", "author", "reply_to", "private", "hidden", "raw",
)
_SELECT = "SELECT " + ", ".join(POST_COLUMNS) + " FROM posts"
# the same columns with the raw record left out (NULL): indexing and search never read it, and parsing it is costly
_SELECT_NO_RAW = "SELECT " + ", ".join("NULL" if c == "raw" else c for c in POST_COLUMNS) + " FROM posts"




def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _content_hash(post: Post, raw_json: str | None) -> str:
    # a change detector, not an identity: fields joined once (None as empty) and hashed in one call
    parts = (
        post.created_at.isoformat(), str(post.kind), post.text, post.ref_text, post.ref_author, post.url,
        json.dumps(post.media, ensure_ascii=False) if post.media else "[]", post.location, post.likes,
        post.reposts, post.comments,
        post.source_tool, post.conversation, post.author, post.reply_to, post.private, raw_json,
    )
    joined = "\x1f".join(["" if v is None else v if isinstance(v, str) else str(v) for v in parts])
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


def _raw_to_text(raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw
    try:  # orjson (a runtime dependency): 10x faster for the raw records of large imports
        return orjson.dumps(raw, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode("utf-8")
    except TypeError:  # ints beyond 64 bits and other things orjson refuses: the stdlib writes the same text
        pass
    return json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_REPEAT = re.compile(r"^h:[0-9a-f]{24}#(\d+)$")  # Post.content_key of the n-th identical id-less record


def _row_to_post(row: sqlite3.Row | tuple[Any, ...]) -> Post:
    (pid, platform, account, key, post_id, created_at, _ts, kind, text, ref_text, ref_author, url, media,
     location, likes, reposts, comments, source_tool, source_file, conversation, author, reply_to, private,
     hidden, raw) = row
    raw_val: Any = raw
    if raw and raw[:1] in "{[":
        try:
            raw_val = json.loads(raw)
        except ValueError:
            raw_val = raw
    return Post(
        id=pid, platform=platform, account=account, post_id=post_id,
        created_at=datetime.fromisoformat(created_at), kind=Kind(kind), text=text, ref_text=ref_text,
        ref_author=ref_author, url=url, media=json.loads(media) if media else [], location=location,
        likes=likes, reposts=reposts, comments=comments, source_tool=source_tool, source_file=source_file,
        conversation=conversation, author=author, reply_to=reply_to, private=bool(private),
        hidden=bool(hidden), raw=raw_val,
        occurrence=int(m.group(1)) if not post_id and key and (m := _REPEAT.match(key)) else 0,
    )


def filter_sql(flt: PostFilter | None, alias: str = "posts") -> tuple[str, list[Any]]:
    """A WHERE clause (without the keyword; '1' when empty) and its parameters for a PostFilter."""
    if flt is None:
        flt = PostFilter()
    a = alias + "."
    clauses: list[str] = []
    params: list[Any] = []
    if flt.since is not None:
        clauses.append(f"{a}created_ts >= ?")
        params.append(flt.since.timestamp())
    if flt.until is not None:
        clauses.append(f"{a}created_ts < ?")
        params.append(flt.until.timestamp())
    for col, values in (("platform", flt.platforms), ("account", flt.accounts), ("kind", flt.kinds)):
        if values:
            clauses.append(f"{a}{col} IN ({','.join('?' * len(values))})")
            params.extend(values)
    if flt.min_likes is not None:
        clauses.append(f"COALESCE({a}likes, 0) >= ?")
        params.append(flt.min_likes)
    if flt.ids is not None:
        ids = list(flt.ids)
        if not ids:
            clauses.append("0")
        else:
            clauses.append(f"{a}id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(ids))
    if not flt.include_hidden:
        clauses.append(f"{a}hidden = 0")
    if not flt.include_private:
        clauses.append(f"{a}private = 0")
    if flt.own_only:
        clauses.append(f"({a}author IS NULL OR {a}author = '')")
    if flt.kb and flt.kb != "all":
        clauses.append(f"{a}id IN (SELECT post_id FROM kb_posts WHERE kb = ?)")
        params.append(flt.kb)
    return (" AND ".join(clauses) or "1"), params


class SQLiteArchive(ConversationTables, ArchiveTables, NestedTransactions):
    """The default archive store. One connection per instance; safe to share across threads (a lock guards it)."""

    def __init__(self, path: Path | str, *, readonly: bool = False):
        self.path = Path(path)
        self._lock = threading.RLock()
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise ArchiveError(f"no archive at {self.path} yet: run `socialbrain import PATH` first")
        try:
            self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            migrate(self.conn)
        except sqlite3.DatabaseError as e:
            raise ArchiveError(f"{self.path}: cannot open the archive ({e})") from e
        self._depth = 0

    def execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.conn.execute(sql, tuple(params))

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    # -- writing ------------------------------------------------------------------------------
    def upsert(self, post: Post, *, import_id: int | None = None) -> UpsertResult:
        """Insert or update one post keyed by (platform, account, post id or content hash); sets ``post.id``."""
        return self.upsert_many([post], import_id=import_id)[0]

    def upsert_many(self, posts: list[Post], *, import_id: int | None = None) -> list[UpsertResult]:
        """``upsert`` for a batch (same results, same change log), with one lookup query per batch."""
        if not posts:
            return []
        keys = [(p.platform, p.account, p.key()) for p in posts]
        now = _now()
        results: list[UpsertResult] = []
        with self.transaction():
            c = self.conn
            kj = json.dumps(keys, ensure_ascii=False)
            lookup = (
                "SELECT t.platform, t.account, t.post_key{cols} FROM {table} t JOIN ("
                " SELECT json_extract(value, '$[0]') AS pl, json_extract(value, '$[1]') AS ac,"
                " json_extract(value, '$[2]') AS k FROM json_each(?)) j"
                " ON t.platform = j.pl AND t.account = j.ac AND t.post_key = j.k"
            )
            gone: set[tuple[str, ...]] = set()
            if c.execute("SELECT EXISTS (SELECT 1 FROM forgotten)").fetchone()[0]:
                gone = {tuple(r) for r in c.execute(lookup.format(cols="", table="forgotten"), (kj,))}
            existing: dict[tuple[str, str, str], tuple[int, str]] = {
                (r[0], r[1], r[2]): (r[3], r[4])
                for r in c.execute(lookup.format(cols=", t.id, t.content_hash", table="posts"), (kj,))
            }
            changed: list[tuple[int]] = []
            inserts: dict[tuple[str, str, str], tuple[Any, ...]] = {}  # new keys, in order, last version wins
            pending: list[tuple[int, Post, tuple[str, str, str]]] = []  # results to fill once ids are known
            for post, key in zip(posts, keys, strict=True):
                if key in gone:
                    results.append("forgotten")
                    continue
                raw_json = _raw_to_text(post.raw)
                chash = _content_hash(post, raw_json)
                values = (
                    post.post_id,
                    post.created_at.isoformat(),
                    post.created_at.timestamp(),
                    str(post.kind),
                    post.text,
                    post.ref_text,
                    post.ref_author,
                    post.url,
                    json.dumps(post.media, ensure_ascii=False) if post.media else None,
                    post.location,
                    post.likes,
                    post.reposts,
                    post.comments,
                    post.source_tool,
                    post.source_file,
                    post.conversation,
                    post.author,
                    post.reply_to,
                    int(post.private),
                    raw_json,
                    chash,
                )
                row = existing.get(key)
                if row is None:
                    # the same key twice in one batch: the first is new, a different second one an update
                    results.append(
                        "new"
                        if key not in inserts
                        else ("unchanged" if inserts[key][20] == chash else "updated")
                    )
                    inserts[key] = (*values, post.platform, post.account, key[2], import_id, now, now)
                    pending.append((len(results) - 1, post, key))
                    continue
                post.id = row[0]
                if row[1] == chash:
                    results.append("unchanged")
                    continue
                c.execute(
                    "UPDATE posts SET post_id=?, created_at=?, created_ts=?, kind=?, text=?, ref_text=?,"
                    " ref_author=?, url=?, media=?, location=?, likes=?, reposts=?, comments=?, source_tool=?,"
                    " source_file=?, conversation=?, author=?, reply_to=?, private=?, raw=?, content_hash=?,"
                    " import_id=?, updated_at=? WHERE id=?",
                    (*values, import_id, now, row[0]),
                )
                existing[key] = (row[0], chash)
                changed.append((row[0],))
                results.append("updated")
            if inserts:
                before = c.execute("SELECT COALESCE(MAX(id), 0) FROM posts").fetchone()[0]
                c.executemany(
                    "INSERT INTO posts (post_id, created_at, created_ts, kind, text, ref_text, ref_author,"
                    " url, media, location, likes, reposts, comments, source_tool, source_file, conversation,"
                    " author, reply_to, private, raw, content_hash, platform, account, post_key, import_id,"
                    " imported_at, updated_at) VALUES (" + ",".join("?" * 27) + ")",
                    list(inserts.values()),
                )
                if c.execute("SELECT MAX(id) FROM posts").fetchone()[0] == before + len(inserts):
                    # inside our write transaction SQLite gave consecutive rowids after the old maximum
                    ids = {k: before + 1 + i for i, k in enumerate(inserts)}
                else:
                    new_keys = json.dumps(list(inserts), ensure_ascii=False)
                    ids = {
                        (r[0], r[1], r[2]): r[3]
                        for r in c.execute(lookup.format(cols=", t.id", table="posts"), (new_keys,))
                    }
                for _, post, key in pending:
                    post.id = ids[key]
                changed.extend((ids[k],) for k in inserts)
            c.executemany("INSERT INTO changes (post_id, op) VALUES (?, 'upsert')", changed)
        return results

    def forget(self, flt: PostFilter) -> int:
        """Delete matching posts for good, leave tombstones so a re-import does not bring them back."""
        if flt.is_empty():
            raise ArchiveError("refusing to forget everything without a filter: name a platform, account or dates")
        where, params = filter_sql(PostFilter(**{**flt.__dict__, "include_hidden": True}))
        with self.transaction():
            c = self.conn
            ids = [r[0] for r in c.execute(f"SELECT id FROM posts WHERE {where}", params)]
            if not ids:
                return 0
            idj = json.dumps(ids)
            c.execute(
                "INSERT OR IGNORE INTO forgotten (platform, account, post_key, forgotten_at) "
                "SELECT platform, account, post_key, ? FROM posts WHERE id IN (SELECT value FROM json_each(?))",
                (_now(), idj),
            )
            c.execute("DELETE FROM kb_posts WHERE post_id IN (SELECT value FROM json_each(?))", (idj,))
            c.execute("DELETE FROM posts WHERE id IN (SELECT value FROM json_each(?))", (idj,))
            c.executemany("INSERT INTO changes (post_id, op) VALUES (?, 'delete')", [(i,) for i in ids])
            # derived caches may quote forgotten posts: drop them, they are rebuilt on demand
            c.execute("DELETE FROM summaries")
            return len(ids)

    def set_hidden(self, post_id: int, hidden: bool) -> None:
        with self.transaction():
            cur = self.conn.execute("UPDATE posts SET hidden=? WHERE id=?", (int(hidden), post_id))
            if cur.rowcount == 0:
                raise NotFoundError(f"no post with id {post_id}")
            self.conn.execute("INSERT INTO changes (post_id, op) VALUES (?, 'upsert')", (post_id,))

    # -- reading ------------------------------------------------------------------------------
    def get(self, post_id: int) -> Post:
        with self._lock:
            row = self.conn.execute(_SELECT + " WHERE id=?", (post_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no post with id {post_id} (see `socialbrain timeline` for ids)")
        return _row_to_post(row)

    def get_many(self, ids: Iterable[int], *, raw: bool = True) -> dict[int, Post]:
        """Posts by id; ``raw=False`` leaves ``Post.raw`` None (faster: the index never reads it)."""
        idl = list(ids)
        if not idl:
            return {}
        with self._lock:
            rows = self.conn.execute(
                (_SELECT if raw else _SELECT_NO_RAW) + " WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(idl),),
            ).fetchall()
        return {r[0]: _row_to_post(r) for r in rows}

    def find_by_key(self, platform: str, account: str, key: str) -> Post | None:
        with self._lock:
            row = self.conn.execute(
                _SELECT + " WHERE platform=? AND account=? AND post_key=?", (platform, account, key)
            ).fetchone()
        return _row_to_post(row) if row else None

    def iter_posts(
        self, flt: PostFilter | None = None, *, order: str = "asc", limit: int | None = None, offset: int = 0
    ) -> Iterator[Post]:
        where, params = filter_sql(flt)
        direction = "DESC" if order == "desc" else "ASC"
        sql = f"{_SELECT} WHERE {where} ORDER BY created_ts {direction}, id {direction}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, limit, offset]
        with self._lock:
            rows = self.conn.execute(sql, params).fetchall()
        for r in rows:
            yield _row_to_post(r)

    def count(self, flt: PostFilter | None = None) -> int:
        where, params = filter_sql(flt)
        with self._lock:
            return int(self.conn.execute(f"SELECT COUNT(*) FROM posts WHERE {where}", params).fetchone()[0])

    def stats(self) -> dict[str, Any]:
        """Counts per platform/account and per local year (socialbrain.localtime)."""
        year, year_args = self._local_year(None)
        with self._lock:
            per_platform = self.conn.execute(
                "SELECT platform, account, COUNT(*), MIN(created_at), MAX(created_at) FROM posts "
                "GROUP BY platform, account ORDER BY platform, account"
            ).fetchall()
            per_year = self.conn.execute(
                f"SELECT {year} AS y, platform, COUNT(*) FROM posts GROUP BY y, platform ORDER BY y", year_args
            ).fetchall()
            kinds = self.conn.execute("SELECT kind, COUNT(*) FROM posts GROUP BY kind").fetchall()
            total = self.conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
            own = self.conn.execute("SELECT COUNT(*) FROM posts WHERE author IS NULL OR author = ''").fetchone()[0]
        return {
            "total": total,
            "own": own,  # written by the owner; the rest are others' chat messages kept as context
            "others": total - own,
            "platforms": [
                {"platform": p, "account": a, "posts": n, "first": f, "last": last}
                for p, a, n, f, last in per_platform
            ],
            "years": [{"year": f"{y:04d}", "platform": p, "posts": n} for y, p, n in per_year],
            "kinds": dict(kinds),
        }

    def platforms(self) -> list[str]:
        """The platforms that have posts, sorted."""
        with self._lock:
            return [r[0] for r in self.conn.execute("SELECT DISTINCT platform FROM posts ORDER BY platform")]

    def month_counts(self, flt: PostFilter | None = None, zone: tzinfo | None = None) -> list[tuple[int, int, int]]:
        """``(year, month, posts)`` in the local zone (socialbrain.localtime): years newest first, months in order."""
        where, params = filter_sql(flt)
        with self._lock:
            ts = [r[0] for r in self.conn.execute(f"SELECT created_ts FROM posts WHERE {where}", params)]
        counts = localtime.month_counts(ts, zone)
        return [(y, m, counts[(y, m)]) for y, m in sorted(counts, key=lambda k: (-k[0], k[1]))]

    # -- threads and chats ---------------------------------------------------------------------
    def parent_id(self, post: Post) -> int | None:
        """The visible post ``post`` replies to (the same account's copy first), or None when not archived."""
        if not post.reply_to:
            return None
        with self._lock:
            row = self.conn.execute(
                "SELECT id FROM posts WHERE platform=? AND post_id=? AND hidden=0 ORDER BY account=? DESC LIMIT 1",
                (post.platform, post.reply_to, post.account),
            ).fetchone()
        return row[0] if row else None

    def reply_ids(self, post: Post, limit: int) -> list[int]:
        """Visible replies to ``post``, oldest first."""
        if not post.post_id:
            return []
        with self._lock:
            rows = self.conn.execute(
                "SELECT id FROM posts WHERE platform=? AND reply_to=? AND hidden=0 ORDER BY created_ts, id LIMIT ?",
                (post.platform, post.post_id, limit),
            ).fetchall()
        return [r[0] for r in rows]

    def conversation_ids(self, post: Post, span: int) -> tuple[list[int], list[int]]:
        """Up to ``span`` visible messages before and after ``post`` in its chat, each list in time order."""
        if not post.conversation:
            return [], []
        ts = post.created_at.timestamp()
        base = "SELECT id FROM posts WHERE platform=? AND conversation=? AND hidden=0 AND id != ? AND "
        args = (post.platform, post.conversation, post.id, ts, ts, post.id, span)
        with self._lock:
            before = self.conn.execute(
                base + "(created_ts < ? OR (created_ts = ? AND id < ?)) ORDER BY created_ts DESC, id DESC LIMIT ?",
                args,
            ).fetchall()
            after = self.conn.execute(
                base + "(created_ts > ? OR (created_ts = ? AND id > ?)) ORDER BY created_ts, id LIMIT ?", args
            ).fetchall()
        return [r[0] for r in reversed(before)], [r[0] for r in after]

    def changes_since(self, seq: int) -> list[Change]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT seq, post_id, op FROM changes WHERE seq > ? ORDER BY seq", (seq,)
            ).fetchall()
        return [Change(*r) for r in rows]

    def last_change_seq(self) -> int:
        with self._lock:
            return int(self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0])

    # -- import runs ----------------------------------------------------------------------------
    def start_import(self, path: str, sha256: str, importer: str) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO imports (path, sha256, importer, started_at, status, pid, host)"
                " VALUES (?,?,?,?, 'running', ?, ?)",
                (path, sha256, importer, _now(), os.getpid(), socket.gethostname()),
            )
            return int(cur.lastrowid or 0)

    def close_stale_imports(self) -> int:
        """Mark ``running`` import rows whose process is gone (killed, crashed) as ``interrupted``."""
        host = socket.gethostname()
        with self.transaction():
            rows = self.conn.execute("SELECT id, pid, host FROM imports WHERE status = 'running'").fetchall()
            stale = [r[0] for r in rows if r[2] in (None, host) and not pid_alive(r[1])]
            self.conn.executemany(
                "UPDATE imports SET status='interrupted', finished_at=?,"
                " message=COALESCE(message, 'the import process stopped before it finished; nothing of it was"
                " stored') WHERE id=?",
                [(_now(), i) for i in stale],
            )
        return len(stale)

    def finish_import(self, import_id: int, counts: dict[str, int], status: str = "done",
                      message: str | None = None) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE imports SET finished_at=?, new=?, updated=?, unchanged=?, rejected=?, forgotten=?,"
                " status=?, message=? WHERE id=?",
                (_now(), counts.get("new", 0), counts.get("updated", 0), counts.get("unchanged", 0),
                 counts.get("rejected", 0), counts.get("forgotten", 0), status, message, import_id),
            )

    def imports(self, limit: int = 50) -> list[dict[str, Any]]:
        with self._lock:
            cur = self.conn.execute("SELECT * FROM imports ORDER BY id DESC LIMIT ?", (limit,))
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self.conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0])


def open_archive(path: Path | str, *, readonly: bool = False) -> SQLiteArchive:
    return SQLiteArchive(path, readonly=readonly)


__all__ = ["MIGRATIONS", "SQLiteArchive", "filter_sql", "open_archive"]
