"""`socialbrain mcp --redact --tools …` over stdio, and MCP over streamable HTTP at /mcp of a running `serve`."""

from __future__ import annotations

import json
import re

import httpx2
from mcp_fixtures import TOKEN, Sample, ServeProcess, Transcript


def _dump(t: Transcript, key: str) -> str:
    return json.dumps(t.data(key), ensure_ascii=False)


# -- redaction and --tools ---------------------------------------------------------------------------
def test_tools_option_limits_what_is_exposed(redacted: Transcript) -> None:
    assert [t.name for t in redacted.tool("tools").tools] == ["search_posts", "get_post", "year_review"]
    assert "timeline" in redacted.error_text("not_exposed")


def test_redact_hides_phone_and_email(redacted: Transcript) -> None:
    text = redacted.data("pii")["text"]
    assert "[手机号]" in text and "[邮箱]" in text
    assert not re.search(r"1[3-9]\d-?\d{4}-?\d{4}", text) and "@example.com" not in text
    resource = json.loads(redacted.tool("resource").contents[0].text)
    assert resource["text"] == text


def test_redact_gives_people_one_pseudonym(redacted: Transcript, sample: Sample) -> None:
    a, b = _dump(redacted, "friend1"), _dump(redacted, "friend2")
    assert sample.friend not in a and sample.friend not in b
    names_a = set(re.findall(r"@(某人[A-Z]+)", a))
    names_b = set(re.findall(r"@(某人[A-Z]+)", b))
    assert names_a and names_a & names_b  # the same friend is the same 某人X across calls


def test_redacted_year_review_is_the_public_edition(redacted: Transcript, sample: Sample) -> None:
    data = redacted.data("year")
    assert data["public"] is True and data["year"] == 2020
    assert sample.friend not in _dump(redacted, "year")


# -- streamable HTTP behind the token -------------------------------------------------------------------
def test_http_needs_the_token(serve: ServeProcess) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    r = httpx2.post(serve.url + "/mcp", json=body, headers=headers, timeout=10)
    assert r.status_code == 401
    r = httpx2.post(
        serve.url + "/mcp", json=body, headers={**headers, "Authorization": "Bearer wrong-token"}, timeout=10
    )
    assert r.status_code == 401


def test_http_tools_and_round_trips(http: Transcript) -> None:
    tools = {t.name: t for t in http.tool("tools").tools}
    assert "search_posts" in tools and tools["search_posts"].input_schema["required"] == ["query"]
    zh = http.data("zh")["posts"]
    assert zh and any("日语" in p["text"] for p in zh)
    en = http.data("en")["posts"]
    assert en and any("pottery" in p["text"].lower() for p in en)


def test_http_date_filter_and_hidden(http: Transcript, sample: Sample) -> None:
    posts = http.data("dated")["posts"]
    assert posts and all(p["date"].startswith("2020-02") for p in posts)
    assert sample.hidden_id not in [p["id"] for p in http.data("hidden_search")["posts"]]
    assert "no post with id" in http.error_text("err_unknown_id")


def test_http_ask_with_llm_cites_given_posts(http: Transcript) -> None:
    data = http.data("ask")
    assert data["mode"] == "llm"
    given = {p["id"] for p in data["posts"]}
    assert data["citations"] and set(data["citations"]) <= given
    assert data["answer"]
    assert TOKEN not in json.dumps(data)
