"""Saved chat conversations (tables ``conversations`` and ``conversation_messages``), read and written only here.

:class:`~socialbrain.archive.sqlite.SQLiteArchive` inherits these methods. A conversation is a titled list of
turns; an assistant turn keeps the posts it cited (``sources``) so an export can quote them later even when the
index has changed.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from ..errors import NotFoundError
from ..sqlite_tx import NestedTransactions

TITLE_MAX = 200


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_conversation_id() -> str:
    return "c_" + secrets.token_hex(8)


class ConversationTables(NestedTransactions):
    """Mixin: ``conn``, ``_lock`` and ``transaction()`` come from SQLiteArchive (a NestedTransactions)."""

    def create_conversation(self, title: str, *, kb: str | None = None) -> dict[str, Any]:
        """A new empty conversation; returns its record (id, title, kb, created_at, updated_at, messages=0)."""
        cid = new_conversation_id()
        now = _now()
        title = _clean_title(title)
        with self.transaction():
            self.conn.execute(
                "INSERT INTO conversations (id, title, kb, created_at, updated_at) VALUES (?,?,?,?,?)",
                (cid, title, kb, now, now),
            )
        return {"id": cid, "title": title, "kb": kb, "created_at": now, "updated_at": now, "messages": 0}

    def list_conversations(self, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        """Conversations, most recently used first, with their number of messages."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT c.id, c.title, c.kb, c.created_at, c.updated_at,"
                " (SELECT COUNT(*) FROM conversation_messages m WHERE m.conversation_id = c.id)"
                " FROM conversations c ORDER BY c.updated_at DESC, c.rowid DESC LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [
            {"id": r[0], "title": r[1], "kb": r[2], "created_at": r[3], "updated_at": r[4], "messages": r[5]}
            for r in rows
        ]

    def get_conversation(self, cid: str) -> dict[str, Any]:
        """One conversation with its messages (oldest first); NotFoundError for an unknown id."""
        with self._lock:
            row = self.conn.execute(
                "SELECT id, title, kb, created_at, updated_at FROM conversations WHERE id = ?", (cid,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no conversation {cid!r} (it may have been deleted)")
            msgs = self.conn.execute(
                "SELECT id, role, content, sources, meta, created_at FROM conversation_messages"
                " WHERE conversation_id = ? ORDER BY id",
                (cid,),
            ).fetchall()
        return {
            "id": row[0],
            "title": row[1],
            "kb": row[2],
            "created_at": row[3],
            "updated_at": row[4],
            "messages": [
                {
                    "id": m[0],
                    "role": m[1],
                    "content": m[2],
                    "sources": json.loads(m[3] or "[]"),
                    "meta": json.loads(m[4] or "{}"),
                    "created_at": m[5],
                }
                for m in msgs
            ],
        }

    def add_conversation_message(
        self,
        cid: str,
        role: str,
        content: str,
        *,
        sources: list[dict[str, Any]] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> int:
        """Append one turn; the conversation moves to the top of the list. Returns the message id."""
        if role not in ("user", "assistant"):
            raise ValueError(f"role must be user or assistant, not {role!r}")
        now = _now()
        with self.transaction():
            cur = self.conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, cid))
            if cur.rowcount == 0:
                raise NotFoundError(f"no conversation {cid!r} (it may have been deleted)")
            cur = self.conn.execute(
                "INSERT INTO conversation_messages (conversation_id, role, content, sources, meta, created_at)"
                " VALUES (?,?,?,?,?,?)",
                (
                    cid,
                    role,
                    content,
                    json.dumps(sources or [], ensure_ascii=False),
                    json.dumps(meta or {}, ensure_ascii=False),
                    now,
                ),
            )
            return int(cur.lastrowid or 0)

    def rename_conversation(self, cid: str, title: str) -> None:
        with self.transaction():
            cur = self.conn.execute(
                "UPDATE conversations SET title = ? WHERE id = ?", (_clean_title(title), cid)
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no conversation {cid!r} (it may have been deleted)")

    def delete_conversation(self, cid: str) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM conversation_messages WHERE conversation_id = ?", (cid,))
            cur = self.conn.execute("DELETE FROM conversations WHERE id = ?", (cid,))
            if cur.rowcount == 0:
                raise NotFoundError(f"no conversation {cid!r} (it may have been deleted)")


def _clean_title(title: str) -> str:
    t = " ".join((title or "").split())[:TITLE_MAX]
    return t or "新对话"
