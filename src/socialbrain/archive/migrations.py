"""Schema migrations: an ordered list of small functions, each recorded in ``schema_migrations`` once applied.

Add a new function at the end with the next number; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from ..errors import ArchiveError

# A migration returns the SQL script that moves the schema one step; it runs in one transaction
# together with its row in schema_migrations.
Migration = Callable[[], str]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def migration(version: int) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((version, fn.__name__, fn))
        return fn

    return register


@migration(1)
def m001_initial() -> str:
    return """
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            importer TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            new INTEGER, updated INTEGER, unchanged INTEGER, rejected INTEGER, forgotten INTEGER,
            status TEXT NOT NULL,
            message TEXT
        );
        CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            account TEXT NOT NULL,
            post_key TEXT NOT NULL,
            post_id TEXT,
            created_at TEXT NOT NULL,
            created_ts REAL NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            ref_text TEXT,
            ref_author TEXT,
            url TEXT,
            media TEXT,
            location TEXT,
            likes INTEGER,
            reposts INTEGER,
            comments INTEGER,
            source_tool TEXT,
            source_file TEXT,
            conversation TEXT,
            author TEXT,
            reply_to TEXT,
            private INTEGER NOT NULL DEFAULT 0,
            hidden INTEGER NOT NULL DEFAULT 0,
            raw TEXT,
            content_hash TEXT NOT NULL,
            import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
            imported_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (platform, account, post_key)
        );
        CREATE INDEX posts_created_ts ON posts(created_ts);
        CREATE INDEX posts_conversation ON posts(conversation, created_ts);
        CREATE TABLE forgotten (
            platform TEXT NOT NULL,
            account TEXT NOT NULL,
            post_key TEXT NOT NULL,
            forgotten_at TEXT NOT NULL,
            PRIMARY KEY (platform, account, post_key)
        );
        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            post_id INTEGER NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('upsert', 'delete'))
        );
        CREATE TABLE kbs (
            name TEXT PRIMARY KEY,
            description TEXT,
            filter TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE kb_posts (
            kb TEXT NOT NULL REFERENCES kbs(name) ON DELETE CASCADE,
            post_id INTEGER NOT NULL,
            PRIMARY KEY (kb, post_id)
        );
        CREATE TABLE summaries (
            key TEXT PRIMARY KEY,
            period TEXT NOT NULL,
            scope TEXT NOT NULL,
            model TEXT NOT NULL,
            text TEXT NOT NULL,
            cited TEXT NOT NULL DEFAULT '[]',
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            created_at TEXT NOT NULL
        );
        """


@migration(2)
def m002_collect_state() -> str:
    # collectors' checkpoints: one row per (platform, account); state is JSON (see socialbrain.collect.state)
    return """
        CREATE TABLE collect_state (
            platform TEXT NOT NULL,
            account TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT '{}',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (platform, account)
        );
        """

@migration(3)
def m003_import_owner() -> str:
    # which process runs an import: a `running` row whose process is gone was killed, and the next run says so
    return """
        ALTER TABLE imports ADD COLUMN pid INTEGER;
        ALTER TABLE imports ADD COLUMN host TEXT;
        """


@migration(4)
def m004_conversations() -> str:
    # saved chat conversations (the web app's sidebar, /api/conversations, /v1 with a conversation id);
    # sources are the cited posts as JSON ([{n, id, date, platform, text, url}]), meta the answer's mode etc.
    return """
        CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            kb TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE conversation_messages (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            content TEXT NOT NULL,
            sources TEXT NOT NULL DEFAULT '[]',
            meta TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE INDEX conversation_messages_conv ON conversation_messages(conversation_id, id);
        CREATE INDEX conversations_updated ON conversations(updated_at);
        """


def migrate(c: sqlite3.Connection) -> None:
    """Bring the schema up to date; refuse a file written by a newer socialbrain."""
    c.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    applied = {r[0] for r in c.execute("SELECT version FROM schema_migrations")}
    latest = max(v for v, _, _ in MIGRATIONS)
    if applied and max(applied) > latest:
        raise ArchiveError(
            f"this archive has schema version {max(applied)}, newer than this socialbrain knows ({latest}): upgrade"
        )
    for version, name, fn in sorted(MIGRATIONS):
        if version in applied:
            continue
        now = datetime.now(UTC).isoformat(timespec="seconds")
        script = (
            "BEGIN IMMEDIATE;\n" + fn() + f"\nINSERT INTO schema_migrations VALUES ({version}, '{name}', '{now}');"
            "\nCOMMIT;"
        )
        try:
            c.executescript(script)
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise
