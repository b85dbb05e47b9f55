"""`socialbrain ask` as a real subprocess against the real test server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from answer_fixtures import fill, open_brain

from socialbrain.testing.llm_server import Behaviour, start_server


def run(data_dir, *args, input_text=None, env=None):
    env = {
        **os.environ,
        "SOCIALBRAIN_HOME": str(data_dir),
        "SOCIALBRAIN_EMBEDDER": "none",
        "COLUMNS": "200",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-c", "from socialbrain.cli.main import app; app()", *args],
        capture_output=True,
        text=True,
        env=env,
        input=input_text,
        timeout=120,
    )


@pytest.fixture
def filled(data_dir):
    b = open_brain(data_dir)
    fill(b)
    b.close()
    return data_dir


def test_ask_streams_the_answer_then_sources_and_logs_the_request(filled):
    with start_server() as h:
        r = run(filled, "ask", "我和阿哲吃过火锅吗", "--llm-url", h.url, "--model", "test-model")
    assert r.returncode == 0, r.stderr
    answer, _, sources = r.stdout.partition("来源 Sources")
    assert "2017 年你写道" in answer and "[1]" in answer
    assert "2017-02-14 weibo" in sources and "https://weibo.com/lin/1005" in sources
    log = filled / "logs" / "llm-requests.jsonl"
    assert json.loads(log.read_text(encoding="utf-8").splitlines()[-1])["model"] == "test-model"


def test_ask_json_and_show_prompt_and_redaction(filled):
    with start_server() as h:
        r = run(
            filled,
            "ask",
            "阿哲 火锅",
            "--llm-url",
            h.url,
            "--model",
            "test-model",
            "--json",
            "--show-prompt",
            "--redact",
        )
        wire = h.chat_requests[-1].body.decode("utf-8")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (
        out["mode"] == "llm"
        and out["citations"]
        and out["sources"][0]["url"].startswith("https://weibo.com/")
    )
    assert "@阿哲" not in wire and "@某人A" in wire
    assert "sent to the LLM" in r.stderr and "@某人A" in r.stderr  # exactly what was sent, redacted


def test_ask_without_llm(filled):
    r = run(filled, "ask", "健身", "--no-llm")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("以下内容直接摘自你的帖子（未经模型生成）")


def test_ask_endpoint_down_answers_from_the_posts_with_a_one_line_notice(filled):
    h = start_server(Behaviour(down=True))
    r = run(filled, "ask", "火锅", "--llm-url", h.url, "--model", "m")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("（模型暂时连不上，下面是直接检索到的帖子。）\n以下内容直接摘自你的帖子")
    assert "火锅" in r.stdout and "Traceback" not in r.stderr
    j = run(filled, "ask", "火锅", "--llm-url", h.url, "--model", "m", "--json")
    assert j.returncode == 0 and json.loads(j.stdout)["llm_error"].startswith(
        f"cannot reach the LLM at {h.url}"
    )


def test_ask_whole_life_shows_cost_first(filled):
    with start_server() as h:
        r = run(filled, "ask", "总结一下这些年我的健身", "--llm-url", h.url, "--model", "test-model")
    assert r.returncode == 0, r.stderr
    assert "将逐期总结范围内全部 7 条帖子" in r.stderr and "次本机模型调用" in r.stderr
    assert "健身" in r.stdout


def test_chat_keeps_history(filled):
    with start_server() as h:
        r = run(
            filled,
            "chat",
            "--llm-url",
            h.url,
            "--model",
            "test-model",
            input_text="我和阿哲吃过火锅吗\n那他后来呢\n/sources\n/exit\n",
        )
        assert len(h.chat_requests) == 3  # answer, rewrite, answer
    assert r.returncode == 0, r.stderr
    assert "理解为" in r.stderr and "来源 Sources" in r.stdout
