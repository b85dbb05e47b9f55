"""Saved conversations under /api/conversations: list, read, start, rename, delete, export as Markdown.

Thin: the archive stores them and :mod:`socialbrain.services.conversations` knows what they mean; answers are
added through ``POST /api/chat`` with ``conversation`` set (``"new"`` or an id).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ..services import conversations
from .state import get_state

router = APIRouter(prefix="/api/conversations")


class ConversationCreate(BaseModel):
    title: str = Field(default="", max_length=200)
    kb: str | None = Field(default=None, max_length=64)


class ConversationRename(BaseModel):
    title: str = Field(min_length=1, max_length=200)


@router.get("")
async def list_conversations(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """Saved conversations, most recently used first: ``[{id, title, kb, created_at, updated_at, messages}]``."""
    st = get_state(request)
    return await st.run(st.brain.archive.list_conversations, limit, offset)


@router.post("")
async def create_conversation(body: ConversationCreate, request: Request) -> dict[str, Any]:
    st = get_state(request)
    return await st.run(st.brain.archive.create_conversation, body.title, kb=body.kb)


@router.get("/{cid}.md")
async def export_conversation(
    cid: str, request: Request, lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh"
) -> Response:
    """The conversation as Markdown, with the posts each answer cited (a download); headings in ``lang``."""
    st = get_state(request)
    conv = await st.run(st.brain.archive.get_conversation, cid)
    name = f"conversation-{cid}.md"
    return Response(
        conversations.to_markdown(conv, lang),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={name}; filename*=UTF-8''{quote(name)}"},
    )


@router.get("/{cid}")
async def get_conversation(cid: str, request: Request) -> dict[str, Any]:
    """One conversation with its messages (each answer with its cited posts as ``sources``)."""
    st = get_state(request)
    return await st.run(st.brain.archive.get_conversation, cid)


@router.patch("/{cid}")
async def rename_conversation(cid: str, body: ConversationRename, request: Request) -> dict[str, Any]:
    st = get_state(request)
    await st.run(st.brain.archive.rename_conversation, cid, body.title)
    return {"ok": True}


@router.delete("/{cid}")
async def delete_conversation(cid: str, request: Request) -> dict[str, Any]:
    st = get_state(request)
    await st.run(st.brain.archive.delete_conversation, cid)
    return {"ok": True}
