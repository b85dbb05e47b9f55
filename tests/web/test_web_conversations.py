"""Saved conversations: the REST API, /api/chat with a conversation, /v1 with a conversation id, the export.

Against a real uvicorn server on 127.0.0.1 over the seeded archive and the deterministic test LLM server."""

from __future__ import annotations

import httpx
import openai
from test_web_api import H, client, sse_events
from web_fixtures import LiveServer

from socialbrain.archive.sqlite import SQLiteArchive


def test_chat_saves_a_conversation_that_continues_with_its_history(live: LiveServer) -> None:
    with client(live) as c:
        first = sse_events(
            c.post("/api/chat", json={"question": "我什么时候跑了半程马拉松？", "conversation": "new"}, headers=H)
        )
        meta = first[0]
        assert meta["type"] == "meta"
        cid = meta["conversation"]["id"]
        assert meta["conversation"]["title"] == "我什么时候跑了半程马拉松？"
        assert first[-1]["type"] == "done" and first[-1]["conversation"]["id"] == cid
        listed = c.get("/api/conversations").json()
        assert listed[0]["id"] == cid and listed[0]["messages"] == 2

        second = sse_events(c.post("/api/chat", json={"question": "那一年还做了什么？", "conversation": cid}, headers=H))
        assert second[0]["conversation"]["id"] == cid
        conv = c.get(f"/api/conversations/{cid}").json()
        assert [m["role"] for m in conv["messages"]] == ["user", "assistant", "user", "assistant"]
        answer = conv["messages"][1]
        assert answer["content"] == first[-1]["answer"]
        sources = next(e for e in first if e["type"] == "sources")["sources"]
        assert answer["sources"] == sources and sources  # the cited posts are kept with the answer
        assert answer["meta"]["mode"] == "llm"
        # a chat without `conversation` saves nothing
        before = len(c.get("/api/conversations").json())
        sse_events(c.post("/api/chat", json={"question": "跑步"}, headers=H))
        assert len(c.get("/api/conversations").json()) == before


def test_rename_export_delete(live: LiveServer) -> None:
    with client(live) as c:
        ev = sse_events(c.post("/api/chat", json={"question": "半程马拉松", "conversation": "new"}, headers=H))
        cid = ev[0]["conversation"]["id"]
        sources = next(e for e in ev if e["type"] == "sources")["sources"]
        assert c.patch(f"/api/conversations/{cid}", json={"title": "  跑步  回忆 "}, headers=H).json() == {"ok": True}
        assert c.get(f"/api/conversations/{cid}").json()["title"] == "跑步 回忆"
        md = c.get(f"/api/conversations/{cid}.md")
        assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
        assert "attachment" in md.headers["content-disposition"]
        text = md.text
        assert text.startswith("# 跑步 回忆\n") and "> 半程马拉松" in text and "## 问 (" in text and "来源:" in text
        en = c.get(f"/api/conversations/{cid}.md", params={"lang": "en"}).text
        assert "## Q (" in en and "Sources:" in en and "来源" not in en  # one language per heading
        first_source = " ".join(sources[0]["text"].split())
        assert f"(#{sources[0]['id']}): {first_source}" in text  # the cited post, quoted in full
        assert c.delete(f"/api/conversations/{cid}", headers=H).json() == {"ok": True}
        gone = c.get(f"/api/conversations/{cid}")
        assert gone.status_code == 404 and "no conversation" in gone.json()["detail"]
        assert c.delete(f"/api/conversations/{cid}", headers=H).status_code == 404
        assert c.patch(f"/api/conversations/{cid}", json={"title": "x"}, headers=H).status_code == 404
        assert c.post("/api/chat", json={"question": "x", "conversation": cid}, headers=H).status_code == 404
        # state-changing calls need the CSRF header like every other
        assert httpx.delete(f"{live.url}/api/conversations/{cid}").status_code == 403


def test_openai_face_continues_a_conversation_by_id(live: LiveServer) -> None:
    oa = openai.OpenAI(base_url=live.url + "/v1", api_key="x")
    raw = oa.chat.completions.with_raw_response.create(
        model="socialbrain-all",
        messages=[{"role": "user", "content": "我什么时候跑了半程马拉松？"}],
        extra_body={"conversation_id": "new"},
    )
    cid = raw.headers["x-socialbrain-conversation"]
    done = raw.parse()
    assert getattr(done, "conversation_id", None) == cid or done.model_extra["conversation_id"] == cid
    # streamed, continuing by header: only the new message is sent, the stored turns are the history
    stream = oa.chat.completions.create(
        model="socialbrain-all",
        messages=[{"role": "user", "content": "那一年呢？"}],
        stream=True,
        extra_headers={"X-Socialbrain-Conversation": cid},
    )
    text = "".join(ch.choices[0].delta.content or "" for ch in stream if ch.choices)
    assert text
    with client(live) as c:
        conv = c.get(f"/api/conversations/{cid}").json()
    assert [m["content"] for m in conv["messages"] if m["role"] == "user"] == ["我什么时候跑了半程马拉松？", "那一年呢？"]
    assert conv["messages"][1]["content"] in done.choices[0].message.content  # stored without the sources block
    # without an id nothing is stored
    with client(live) as c:
        n = len(c.get("/api/conversations").json())
        oa.chat.completions.create(model="socialbrain-all", messages=[{"role": "user", "content": "跑步"}])
        assert len(c.get("/api/conversations").json()) == n
    bad = httpx.post(
        live.url + "/v1/chat/completions",
        json={"model": "socialbrain-all", "messages": [{"role": "user", "content": "x"}], "conversation_id": "c_nope"},
        headers={"Authorization": "Bearer x"},
    )
    assert bad.status_code == 404 and bad.json()["error"]["message"].startswith("no conversation")


def test_conversations_survive_reopening_the_archive(tmp_path) -> None:  # type: ignore[no-untyped-def]
    a = SQLiteArchive(tmp_path / "archive.db")
    conv = a.create_conversation("去年夏天", kb="running")
    a.add_conversation_message(conv["id"], "user", "去年夏天我在干嘛？")
    a.add_conversation_message(conv["id"], "assistant", "跑步 [1]", sources=[{"n": 1, "id": 7}], meta={"mode": "llm"})
    a.close()
    b = SQLiteArchive(tmp_path / "archive.db")
    got = b.get_conversation(conv["id"])
    assert got["kb"] == "running" and got["messages"][1]["sources"] == [{"n": 1, "id": 7}]
    b.delete_conversation(conv["id"])
    assert b.list_conversations() == []
    b.close()
