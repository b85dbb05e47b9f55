"""One collector of an answer's events (CLI --json, saved conversation turns, /v1 without stream, ask())."""

from __future__ import annotations

from socialbrain.answer.ask import ask, ask_stream
from socialbrain.answer.events import AnswerCollector
from socialbrain.answer.llm import OpenAICompatLLM
from socialbrain.testing.llm_server import start_server


def test_the_collector_follows_the_stream_and_ends_with_the_answer(brain):
    h = start_server()
    try:
        llm = OpenAICompatLLM(h.url, "test-model")
        events = list(ask_stream(brain, "火锅", llm=llm))
    finally:
        h.stop()
    assert [e["type"] for e in events][-2:] == ["sources", "done"]
    c = AnswerCollector()
    deltas = ""
    for ev in events[:-1]:  # a stream cut before done: the text so far, nothing claimed done
        c.add(ev)
        deltas += ev.get("text", "") if ev["type"] == "delta" else ""
    assert not c.done and c.text == deltas and "[1]" in deltas
    c.add(events[-1])
    done = events[-1]
    assert c.done and c.text == done["answer"] and c.answer.citations == done["citations"]
    assert c.answer.mode == "llm" and c.answer.sources == events[-2]["sources"]
    j = c.answer.to_json()
    assert list(j) == [
        "answer", "sources", "mode", "standalone_question", "scope", "citations", "dropped_citations",
        "unsupported_claims", "usage",
    ]  # no llm_error key when the endpoint answered
    assert j["usage"]["llm_calls"] == 1


def test_an_error_event_is_kept_and_a_fallback_answer_says_why(brain):
    c = AnswerCollector()
    c.add({"type": "delta", "text": "半句"})
    c.add({"type": "error", "message": "LLM 出错了"})
    assert c.error == "LLM 出错了" and c.text == "半句" and not c.done
    down = ask(brain, "火锅", llm=OpenAICompatLLM(start_server(down=True).url, "m"))
    assert down.mode == "retrieval" and down.llm_error
    assert down.to_json()["llm_error"] == down.llm_error
