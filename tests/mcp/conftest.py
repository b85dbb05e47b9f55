"""Fixtures for the MCP tests: the sample archive and one recorded session per server (see mcp_fixtures.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mcp_fixtures import SAMPLE, TOKEN, Sample, ServeProcess, Transcript, build_sample, run_stdio_session

from socialbrain.testing.llm_server import start_server


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    if not (SAMPLE / "weibo").is_dir():
        pytest.skip(f"sample archive not found at {SAMPLE}")
    return build_sample(tmp_path_factory.mktemp("mcp") / "home")


@pytest.fixture(scope="session")
def stdio(sample: Sample) -> Transcript:
    """`socialbrain mcp` (all tools, no LLM) driven over stdio."""
    s = sample
    calls = [
        ("tools", "list_tools", None),
        ("zh", "tool", ("search_posts", {"query": "跑步", "k": 8})),
        ("en", "tool", ("search_posts", {"query": "marathon training", "k": 5})),
        ("dated", "tool", ("search_posts", {"query": "跑步", "since": "2019", "until": "2019", "k": 20})),
        ("phrase", "tool", ("search_posts", {"query": "2016年 日语", "k": 20})),
        ("platform", "tool", ("search_posts", {"query": "Tokyo", "platform": "twitter", "k": 10})),
        ("kb", "tool", ("search_posts", {"query": "marathon", "kb": "推特", "k": 10})),
        ("hidden_search", "tool", ("search_posts", {"query": s.hidden_word, "k": 50})),
        ("hidden_get", "tool", ("get_post", {"id": s.hidden_id})),
        ("hidden_chat_search", "tool", ("search_posts", {"query": s.hidden_chat_text, "k": 50})),
        ("page1", "tool", ("timeline", {"since": "2019-01", "until": "2019-12", "limit": 15})),
        ("reply", "tool", ("get_post", {"id": s.reply_id})),
        ("parent", "tool", ("get_post", {"id": s.parent_id})),
        ("chat", "tool", ("get_post", {"id": s.chat_id})),
        ("ask", "tool", ("ask", {"question": "我什么时候开始跑步的？"})),
        ("year", "tool", ("year_review", {"year": 2019})),
        ("kbs", "tool", ("list_knowledge_bases", {})),
        ("err_unknown_id", "tool", ("get_post", {"id": 987654})),
        ("err_bad_date", "tool", ("timeline", {"since": "2019-13", "until": "2020"})),
        ("err_swapped", "tool", ("timeline", {"since": "2020", "until": "2019"})),
        ("err_k", "tool", ("search_posts", {"query": "跑步", "k": 0})),
        ("err_type", "tool", ("search_posts", {"query": "跑步", "k": "many"})),
        ("err_missing", "tool", ("search_posts", {})),
        ("err_platform", "tool", ("search_posts", {"query": "跑步", "platform": "myspace"})),
        ("err_kb", "tool", ("search_posts", {"query": "跑步", "kb": "没有这个"})),
        ("err_year", "tool", ("year_review", {"year": 1990})),
        ("err_cursor", "tool", ("timeline", {"since": "2019", "until": "2019", "cursor": "bogus"})),
        ("err_long_query", "tool", ("search_posts", {"query": "跑步" * 2500})),  # [serve] max_message_chars
        ("err_long_question", "tool", ("ask", {"question": "为什么" * 2000})),
        ("after_errors", "tool", ("search_posts", {"query": "marathon", "k": 1})),
        ("resource", "resource", f"post://{s.pii_id}"),
        ("resource_hidden", "resource", f"post://{s.hidden_id}"),
        ("prompt", "prompt", ("portrait", {})),
    ]
    calls.append(("pages", "timeline_pages", {"since": "2019-01", "until": "2019-12", "limit": 15}))
    return run_stdio_session(s.home, [], calls)


@pytest.fixture(scope="session")
def redacted(sample: Sample) -> Transcript:
    """`socialbrain mcp --redact --tools ...` driven over stdio."""
    calls = [
        ("tools", "list_tools", None),
        ("pii", "tool", ("get_post", {"id": sample.pii_id})),
        ("friend1", "tool", ("get_post", {"id": sample.friend_post_id})),
        ("friend2", "tool", ("search_posts", {"query": sample.friend, "k": 10})),
        ("year", "tool", ("year_review", {"year": 2020})),
        ("not_exposed", "tool", ("timeline", {"since": "2019", "until": "2019"})),
        ("resource", "resource", f"post://{sample.pii_id}"),
    ]
    return run_stdio_session(sample.home, ["--redact", "--tools", "get_post,search_posts,year_review"], calls)


@pytest.fixture(scope="session")
def llm_url() -> Iterator[str]:
    with start_server() as handle:
        yield handle.url


@pytest.fixture(scope="session")
def serve(sample: Sample, llm_url: str) -> Iterator[ServeProcess]:
    """`socialbrain serve --token` with the deterministic test LLM."""
    with ServeProcess(sample.home, "--token", TOKEN, "--llm-url", llm_url, "--model", "test-model") as server:
        yield server


@pytest.fixture(scope="session")
def http(serve: ServeProcess, sample: Sample) -> Transcript:
    calls = [
        ("tools", "list_tools", None),
        ("zh", "tool", ("search_posts", {"query": "日语 学习", "k": 5})),
        ("en", "tool", ("search_posts", {"query": "pottery class", "k": 5})),
        ("dated", "tool", ("timeline", {"since": "2020-02-01", "until": "2020-02-29", "limit": 50})),
        ("hidden_search", "tool", ("search_posts", {"query": sample.hidden_word, "k": 50})),
        ("ask", "tool", ("ask", {"question": "我学日语的经历是怎样的？"})),
        ("err_unknown_id", "tool", ("get_post", {"id": 987654})),
    ]
    return serve.session(calls, TOKEN)
