"""The official `openai` client against the server's OpenAI-compatible /v1 face."""

from __future__ import annotations

import httpx
import openai
import pytest
from web_fixtures import LiveServer


def oa(live: LiveServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=live.url + "/v1", api_key="anything-on-loopback", max_retries=0, timeout=60)


def test_models_list_each_knowledge_base(live: LiveServer) -> None:
    ids = [m.id for m in oa(live).models.list()]
    assert "socialbrain-all" in ids
    assert oa(live).models.retrieve("socialbrain-all").id == "socialbrain-all"


def test_chat_completion_not_streamed_has_citations_and_sources(live: LiveServer) -> None:
    r = oa(live).chat.completions.create(
        model="socialbrain-all", messages=[{"role": "user", "content": "我什么时候跑了半程马拉松？"}]
    )
    content = r.choices[0].message.content or ""
    assert r.object == "chat.completion" and r.choices[0].finish_reason == "stop"
    assert "[1]" in content or "[2]" in content
    sources = content.split("来源 / Sources:")[1]
    assert "2016-05-04" in sources and "https://weibo.com/1234567890/Abcdefg" in sources
    assert r.usage is not None and r.usage.total_tokens >= r.usage.prompt_tokens


def test_chat_completion_streamed_in_openai_chunks(live: LiveServer) -> None:
    stream = oa(live).chat.completions.create(
        model="socialbrain-all",
        stream=True,
        messages=[
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "跑步"},
            {"role": "assistant", "content": "你跑过步。"},
            {"role": "user", "content": "When did I run a half marathon?"},
        ],
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert (
        len([c for c in chunks if c.choices[0].delta.content]) >= 2
    )  # the answer's claims, then the sources
    assert "Sources:" in text and "\n[1] 2016-05-" in text
    assert len({c.id for c in chunks}) == 1 and all(c.object == "chat.completion.chunk" for c in chunks)


def test_raw_stream_ends_with_done(live: LiveServer) -> None:
    with httpx.stream(
        "POST",
        live.url + "/v1/chat/completions",
        timeout=60,
        headers={"Authorization": "Bearer x"},
        json={"model": "socialbrain-all", "stream": True, "messages": [{"role": "user", "content": "桂花"}]},
    ) as r:
        lines = [line for line in r.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"


def test_unknown_model_is_an_openai_error(live: LiveServer) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        oa(live).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert "socialbrain-all" in str(e.value)
    with pytest.raises(openai.BadRequestError):
        oa(live).chat.completions.create(
            model="socialbrain-all", messages=[{"role": "system", "content": "x"}]
        )
