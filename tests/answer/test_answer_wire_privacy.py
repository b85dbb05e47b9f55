"""What crosses the wire: redaction when on, exactly-as-sent logging, pseudonyms restored locally."""

from __future__ import annotations

import json

from answer_fixtures import private_post

from socialbrain.answer.llm import OpenAICompatLLM
from socialbrain.answer.prompts import NumberedPost, answer_messages
from socialbrain.testing.llm_server import start_server


def test_redaction_removes_pii_from_the_wire_bytes_and_restores_names(tmp_path):
    post = private_post()
    msgs = answer_messages("阿哲的电话是多少", [NumberedPost(1, post, post.text)])
    log = tmp_path / "llm-requests.jsonl"
    with start_server(reply="你和@某人A 约了吃饭[1]。") as h:
        llm = OpenAICompatLLM(h.url, "test-model", redact=True, log_path=log)  # "treat as remote"
        answer = "".join(llm.complete(msgs, stream=True))
        wire = h.chat_requests[0].body.decode("utf-8")
    for secret in ("13812345678", "138-1234-5678", "azhe@example.com", "11010519491231002X", "@阿哲"):
        assert secret not in wire, secret
    assert "[手机号]" in wire and "[邮箱]" in wire and "[身份证号]" in wire and "@某人A" in wire
    # the pseudonym the model used is turned back into the real name for the local reader
    assert answer == "你和@阿哲 约了吃饭[1]。"
    logged = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
    assert logged["redacted"] is True and "13812345678" not in json.dumps(logged, ensure_ascii=False)
    assert ("13812345678", "[手机号]") in llm.redactor.replacements


def test_loopback_sends_the_text_as_is_unless_asked():
    post = private_post()
    msgs = answer_messages("阿哲的电话", [NumberedPost(1, post, post.text)])
    with start_server() as h:
        llm = OpenAICompatLLM(h.url, "test-model")
        list(llm.complete(msgs))
        assert "13812345678" in h.chat_requests[0].body.decode("utf-8")


def test_on_send_sees_exactly_what_is_sent():
    post = private_post()
    msgs = answer_messages("阿哲", [NumberedPost(1, post, post.text)])
    seen = []
    with start_server() as h:
        llm = OpenAICompatLLM(h.url, "test-model", redact=True)
        llm.on_send = seen.append
        list(llm.complete(msgs))
        assert json.loads(h.chat_requests[0].body) == seen[0]


def test_brain_override_redacts_the_whole_ask_pipeline(data_dir):
    from answer_fixtures import open_brain

    from socialbrain.answer.ask import ask
    from socialbrain.index.sync import apply_changes

    with start_server() as h:
        brain = open_brain(data_dir, llm_url=h.url, llm_model="test-model", llm_redact=True)
        brain.archive.upsert(private_post())
        apply_changes(brain)
        a = ask(brain, "阿哲的电话和邮箱")
        wire = b"".join(r.body for r in h.chat_requests).decode("utf-8")
        brain.close()
    assert "13812345678" not in wire and "azhe@example.com" not in wire and "@阿哲" not in wire
    assert (
        a.mode == "llm" and a.sources and "13812345678" in a.sources[0]["text"]
    )  # local view keeps the text
