"""An OpenAI-compatible face: `/v1/models` (one model per knowledge base) and `/v1/chat/completions`.

Chat clients (Chatbox, Open WebUI, LobeChat, the `openai` package) talk to the archive as if it were a model:
model ``socialbrain-all`` is the whole archive, ``socialbrain-<kb>`` a knowledge base. The last user message is
the question, earlier turns are the history. Citations stay in the text as [n] and a numbered list of sources is
appended, since these clients show nothing but text.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict

from ..errors import ConfigError, SocialbrainError
from ..limits import Limits
from ..services import AnswerCollector, build_filter, conversations
from . import services
from .state import WebState, get_state

router = APIRouter(prefix="/v1")

PREFIX = "socialbrain-"
CREATED = 1_700_000_000


def model_id(kb: str) -> str:
    return PREFIX + kb


def openai_error(status: int, message: str, code: str, type_: str = "invalid_request_error") -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": type_, "param": None, "code": code}}, status_code=status
    )


@router.get("/models")
async def models(request: Request) -> dict[str, Any]:
    st = get_state(request)
    kbs = await st.run(services.list_kbs, st.brain)
    return {
        "object": "list",
        "data": [
            {
                "id": model_id(kb["name"]),
                "object": "model",
                "created": CREATED,
                "owned_by": "socialbrain",
                "description": kb.get("description") or "",
            }
            for kb in kbs
        ],
    }


@router.get("/models/{name}")
async def model(name: str, request: Request) -> Any:
    st = get_state(request)
    names = await st.run(services.kb_names, st.brain)
    if not name.startswith(PREFIX) or name[len(PREFIX) :] not in names:
        return openai_error(404, f"The model '{name}' does not exist", "model_not_found")
    return {"id": name, "object": "model", "created": CREATED, "owned_by": "socialbrain"}


#: request header (or body field ``conversation_id``) naming a stored conversation to continue, or ``new``;
#: the response carries the conversation's id in the same header and in a ``conversation_id`` field
CONVERSATION_HEADER = "X-Socialbrain-Conversation"


def _conversation_id(body: ChatCompletionRequest, request: Request) -> str | None:
    value = request.headers.get(CONVERSATION_HEADER) or (body.model_extra or {}).get("conversation_id")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise ConfigError("conversation_id must be a conversation id or 'new'")
    return value


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[dict[str, Any]]
    stream: bool = False
    max_tokens: int | None = None
    temperature: float | None = None


def _text(content: Any) -> str:
    """Message content as plain text (strings, or the list-of-parts form newer clients send)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def sources_block(sources: list[dict[str, Any]]) -> str:
    if not sources:
        return ""
    lines = ["", "", "---", "来源 / Sources:"]
    for s in sources:
        text = " ".join(str(s.get("text", "")).split())
        if len(text) > 80:
            text = text[:80] + "…"
        line = f"[{s['n']}] {str(s.get('date', ''))[:10]} {s.get('platform', '')}: {text}"
        if s.get("url"):
            line += f" {s['url']}"
        lines.append(line)
    return "\n".join(lines)


@router.post("/chat/completions")
async def chat_completions(body: ChatCompletionRequest, request: Request) -> Any:
    st = get_state(request)
    if not body.model.startswith(PREFIX):
        return openai_error(
            404,
            f"The model '{body.model}' does not exist: use one of GET /v1/models "
            "(socialbrain-all, socialbrain-<knowledge base>)",
            "model_not_found",
        )
    kb = body.model[len(PREFIX) :]
    if kb not in await st.run(services.kb_names, st.brain):
        return openai_error(
            404, f"The model '{body.model}' does not exist (no knowledge base {kb!r})", "model_not_found"
        )
    turns = [{"role": m.get("role", "user"), "content": _text(m.get("content"))} for m in body.messages]
    users = [i for i, m in enumerate(turns) if m["role"] == "user" and m["content"].strip()]
    if not users:
        return openai_error(400, "messages must contain a user message with text", "invalid_messages")
    last = users[-1]
    limits = st.limits or Limits()
    question = limits.check_message(turns[last]["content"], "the last user message")
    history = limits.trim_history([m for m in turns[:last] if m["role"] in ("user", "assistant")])
    flt = build_filter(kb=kb)
    kb_arg = None if kb == "all" else kb

    conv_id = _conversation_id(body, request)
    conv: dict[str, Any] | None = None
    if conv_id:
        conv = await st.run(conversations.open_or_start, st.brain.archive, conv_id, question, kb_arg)
        if not history:  # a client that sends only the new message continues the stored conversation
            history = limits.trim_history(conversations.history(conv))

    def events() -> Iterator[dict[str, Any]]:
        stream = services.ask_stream(
            st.brain, question, kb=kb_arg, flt=flt, history=history or None, mode="auto", k=8
        )
        return stream if conv is None else conversations.record(st.brain.archive, conv["id"], question, stream)

    cid = "chatcmpl-" + uuid.uuid4().hex[:24]
    created = int(time.time())
    extra = {"conversation_id": conv["id"]} if conv else {}
    conv_headers = {CONVERSATION_HEADER: conv["id"]} if conv else {}
    if body.stream:
        return StreamingResponse(
            _stream(st, events, cid, created, body.model, extra),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **conv_headers},
        )
    collected = AnswerCollector()
    try:
        async for ev in st.iterate(events):
            collected.add(ev)
    except SocialbrainError as e:
        return openai_error(502, str(e), "upstream_error", "api_error")
    content = collected.text + sources_block(collected.answer.sources)
    reply = {
        "id": cid,
        "object": "chat.completion",
        "created": created,
        "model": body.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": _usage(collected.answer.usage),
        "system_fingerprint": None,
        **extra,
    }
    return JSONResponse(reply, headers=conv_headers)


def _usage(usage: dict[str, Any]) -> dict[str, int]:
    p = int(usage.get("prompt_tokens") or 0)
    c = int(usage.get("completion_tokens") or 0)
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


def _chunk(
    cid: str,
    created: int,
    model: str,
    delta: dict[str, Any],
    finish: str | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    obj = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "system_fingerprint": None,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        **(extra or {}),
    }
    return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"


async def _stream(
    st: WebState, events: Any, cid: str, created: int, model: str, extra: dict[str, Any] | None = None
) -> AsyncIterator[str]:
    yield _chunk(cid, created, model, {"role": "assistant", "content": ""}, None, extra)
    sources: list[dict[str, Any]] = []
    try:
        async for ev in st.iterate(events):
            if ev["type"] == "delta" and ev["text"]:
                yield _chunk(cid, created, model, {"content": ev["text"]})
            elif ev["type"] == "sources":
                sources = ev["sources"]
        if sources:
            yield _chunk(cid, created, model, {"content": sources_block(sources)})
    except SocialbrainError as e:
        err = {"error": {"message": str(e), "type": "api_error", "param": None, "code": "upstream_error"}}
        yield f"data: {json.dumps(err, ensure_ascii=False)}\n\n"
    yield _chunk(cid, created, model, {}, "stop", extra)
    yield "data: [DONE]\n\n"
