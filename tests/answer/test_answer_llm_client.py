"""The OpenAI-compatible client against the real test server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from socialbrain.answer.llm import OpenAICompatLLM, is_loopback, load_llm, normalise_base_url
from socialbrain.config import Settings
from socialbrain.errors import ConfigError, LLMError, LLMUnavailable
from socialbrain.testing.llm_server import Behaviour, start_server

QUESTION = [
    {"role": "system", "content": "只根据帖子回答。"},
    {
        "role": "user",
        "content": "问题：我喜欢跑步吗\n<posts>\n[1] 2016-05-04 (weibo) 今天跑步十公里，很开心\n"
        "[2] 2017-01-01 (weibo) 吃火锅\n</posts>",
    },
]


@pytest.fixture
def server():
    h = start_server()
    yield h
    h.stop()


def test_streaming_yields_several_deltas_that_join_to_the_answer(server):
    llm = OpenAICompatLLM(server.url, "test-model", backoff=0)
    deltas = list(llm.complete(QUESTION, stream=True))
    assert len(deltas) > 2
    text = "".join(deltas)
    assert "跑步" in text and "[1]" in text and "[2]" not in text
    assert llm.last_usage["prompt_tokens"] > 0 and llm.last_usage["estimated"] is False
    sent = server.chat_requests[0].json
    assert sent["stream"] is True and sent["model"] == "test-model"


def test_stream_framing_keepalives_crlf_and_split_data_lines():
    """SSE framing as the spec allows it (comments, CRLF, one event's JSON over two data: lines) gives the same
    answer as plain framing: the parser is httpx-sse's, not a line splitter."""
    with start_server() as plain, start_server(Behaviour(sse_framing=True)) as framed:
        want = "".join(OpenAICompatLLM(plain.url, "test-model").complete(QUESTION, stream=True))
        llm = OpenAICompatLLM(framed.url, "test-model")
        deltas = list(llm.complete(QUESTION, stream=True))
    assert len(deltas) > 2 and "".join(deltas) == want
    assert llm.last_usage["estimated"] is False  # the usage chunk was split too, and still read


def test_error_event_mid_stream_is_one_line_after_the_first_delta():
    with start_server(Behaviour(error_mid_stream="显存不足 (out of memory)")) as h:
        llm = OpenAICompatLLM(h.url, "test-model")
        got = []
        with pytest.raises(LLMError, match=r"failed mid-reply: 显存不足 \(out of memory\)$") as e:
            for d in llm.complete(QUESTION, stream=True):
                got.append(d)
    assert got and "\n" not in str(e.value)


def test_server_that_ignores_stream_true_still_answers():
    with start_server(Behaviour(ignore_stream=True)) as h:
        llm = OpenAICompatLLM(h.url, "test-model")
        out = list(llm.complete(QUESTION, stream=True))
    assert len(out) == 1 and "[1]" in out[0] and llm.last_usage["estimated"] is False


def test_non_stream_yields_once(server):
    llm = OpenAICompatLLM(server.url, "test-model")
    out = list(llm.complete(QUESTION))
    assert len(out) == 1 and "[1]" in out[0]


def test_model_is_taken_from_models_endpoint_when_not_configured(server):
    llm = OpenAICompatLLM(server.url.removesuffix("/v1"))  # bare host: /v1 is added
    assert "".join(llm.complete(QUESTION))
    assert llm.model == "test-model"
    assert [r.path for r in server.requests_log][:2] == ["/v1/models", "/v1/chat/completions"]


def test_unknown_model_is_a_one_line_error(server):
    llm = OpenAICompatLLM(server.url, "no-such-model")
    with pytest.raises(LLMError) as e:
        list(llm.complete(QUESTION))
    assert "HTTP 404" in str(e.value) and "--model" in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_retries_after_transient_errors_then_succeeds(status):
    with start_server(Behaviour(fail_first=2, fail_status=status)) as h:
        llm = OpenAICompatLLM(h.url, "test-model", retries=3, backoff=0)
        text = "".join(llm.complete(QUESTION, stream=True))
        assert "[1]" in text
        assert len(h.chat_requests) == 3


def test_retry_waits_as_long_as_retry_after_says():
    """The one retry loop (socialbrain/retry.py): the server's Retry-After wins over the client's backoff (0)."""
    with start_server(Behaviour(fail_first=1, fail_status=503, retry_after="1")) as h:
        llm = OpenAICompatLLM(h.url, "test-model", retries=1, backoff=0)
        assert "[1]" in "".join(llm.complete(QUESTION, stream=True))
        first, second = (r.arrived for r in h.chat_requests)
    assert second - first >= 0.9


def test_gives_up_after_retries_with_a_clear_message():
    with start_server(Behaviour(fail_first=10, fail_status=429)) as h:
        llm = OpenAICompatLLM(h.url, "test-model", retries=2, backoff=0)
        with pytest.raises(LLMUnavailable, match="HTTP 429"):
            list(llm.complete(QUESTION))
        assert len(h.chat_requests) == 3


def test_timeout_before_the_answer():
    with start_server(Behaviour(hang=3)) as h:
        llm = OpenAICompatLLM(h.url, "test-model", timeout=0.4)
        with pytest.raises(LLMUnavailable, match=r"did not answer within 0.4 s"):
            list(llm.complete(QUESTION, stream=True))


def test_timeout_in_the_middle_of_a_stream():
    with start_server(Behaviour(stall_after_first=3)) as h:
        llm = OpenAICompatLLM(h.url, "test-model", timeout=0.4)
        got = []
        with pytest.raises(LLMUnavailable, match="mid-reply"):
            for d in llm.complete(QUESTION, stream=True):
                got.append(d)
        assert got  # the first delta arrived before the stall


def test_endpoint_down_message_names_the_url_and_the_fix():
    h = start_server(Behaviour(down=True))
    llm = OpenAICompatLLM(h.url, "test-model", retries=1, backoff=0)
    with pytest.raises(LLMUnavailable) as e:
        list(llm.complete(QUESTION))
    msg = str(e.value)
    assert msg.startswith(f"cannot reach the LLM at {h.url}")
    assert "is the server running? (set SOCIALBRAIN_LLM_URL or --llm-url)" in msg


def test_every_request_is_logged_as_sent(server, tmp_path):
    log = tmp_path / "logs" / "llm-requests.jsonl"
    llm = OpenAICompatLLM(server.url, "test-model", log_path=log)
    list(llm.complete(QUESTION))
    list(llm.complete(QUESTION, stream=True))
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(entries) == 2
    assert entries[0]["messages"] == QUESTION and entries[0]["url"].endswith("/chat/completions")
    assert entries[0]["redacted"] is False


def test_load_llm_precedence_and_no_llm_mode(tmp_path, monkeypatch):
    for var in (
        "SOCIALBRAIN_LLM_URL",
        "OPENAI_BASE_URL",
        "OPENAI_API_KEY",
        "SOCIALBRAIN_LLM_KEY",
        "SOCIALBRAIN_LLM_MODEL",
        "SOCIALBRAIN_LLM_TIMEOUT",
    ):
        monkeypatch.delenv(var, raising=False)
    d = tmp_path / "home"
    d.mkdir()
    assert load_llm(Settings.load(d)) is None  # nothing configured: no-LLM mode
    monkeypatch.setenv("OPENAI_API_KEY", "sk-only-a-key")
    assert load_llm(Settings.load(d)) is None  # a key alone never sends posts anywhere
    (d / "config.toml").write_text(
        '[llm]\nurl = "http://127.0.0.1:11434"\nmodel = "qwen2.5:7b"\ntimeout = 30\n', encoding="utf-8"
    )
    llm = load_llm(Settings.load(d))
    assert llm.base_url == "http://127.0.0.1:11434/v1" and llm.model == "qwen2.5:7b" and llm.timeout == 30
    assert llm.key == "sk-only-a-key" and llm.redact is False
    monkeypatch.setenv("SOCIALBRAIN_LLM_URL", "http://localhost:8000/v1")
    monkeypatch.setenv("SOCIALBRAIN_LLM_MODEL", "glm-4")
    llm = load_llm(Settings.load(d))
    assert llm.base_url == "http://localhost:8000/v1" and llm.model == "glm-4"
    llm = load_llm(Settings.load(d), url="http://127.0.0.1:9/v1", model="m", timeout=5)
    assert llm.base_url == "http://127.0.0.1:9/v1" and llm.model == "m" and llm.timeout == 5
    monkeypatch.setenv("SOCIALBRAIN_LLM_URL", "none")
    assert load_llm(Settings.load(d)) is None
    with pytest.raises(ConfigError, match="timeout"):
        load_llm(Settings.load(d), url="http://127.0.0.1:9", timeout="soon")


def test_remote_endpoints_are_redacted_by_default_loopback_not():
    assert is_loopback("http://127.0.0.1:8080/v1") and is_loopback("http://localhost:11434")
    assert is_loopback("http://[::1]:8000/v1")
    assert not is_loopback("https://api.deepseek.com/v1")
    remote = OpenAICompatLLM("https://api.deepseek.com", "deepseek-chat")  # constructed only, nothing is sent
    assert remote.redact is True and remote.base_url == "https://api.deepseek.com/v1"
    assert OpenAICompatLLM("http://127.0.0.1:1/v1", "m").redact is False
    assert OpenAICompatLLM("https://open.bigmodel.cn/api/paas/v4", "glm-4").base_url.endswith("/api/paas/v4")
    assert normalise_base_url("http://h:1/v1/chat/completions") == "http://h:1/v1"
