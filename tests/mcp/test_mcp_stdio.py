"""`socialbrain mcp` over stdio, driven by the official MCP client as a real subprocess."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from mcp_fixtures import Sample, Transcript, run_stdio_session

from socialbrain.brain import Brain
from socialbrain.mcp_server import TOOL_NAMES

CN = ZoneInfo("Asia/Shanghai")
POST_KEYS = {"id", "date", "platform", "url", "text"}


def _year(post: dict) -> int:
    return datetime.fromisoformat(post["date"]).astimezone(CN).year


def test_tools_are_listed_with_schemas(stdio: Transcript) -> None:
    tools = {t.name: t for t in stdio.tool("tools").tools}
    assert list(tools) == list(TOOL_NAMES)
    search = tools["search_posts"].input_schema
    assert search["required"] == ["query"]
    assert set(search["properties"]) == {"query", "since", "until", "platform", "kb", "k", "own_only"}
    assert search["properties"]["k"]["type"] == "integer"
    assert tools["get_post"].input_schema["properties"]["id"]["type"] == "integer"
    assert set(tools["timeline"].input_schema["required"]) == {"since", "until"}
    assert "cursor" in tools["timeline"].input_schema["properties"]
    for t in tools.values():
        assert t.description, t.name
        assert t.annotations is not None and t.annotations.read_only_hint is True


def test_chinese_query_round_trips(stdio: Transcript) -> None:
    r = stdio.tool("zh")
    assert "跑步" in r.content[0].text  # readable Chinese in the text content, not \\u escapes
    data = stdio.data("zh")
    assert data["posts"], data
    assert all(set(p) >= POST_KEYS for p in data["posts"])
    assert sum("【跑步】" in p["snippet"] for p in data["posts"]) >= len(data["posts"]) // 2


def test_english_query_round_trips(stdio: Transcript) -> None:
    posts = stdio.data("en")["posts"]
    assert posts
    assert any("marathon" in p["text"].lower() for p in posts)


def test_date_arguments_filter(stdio: Transcript, sample: Sample) -> None:
    data = stdio.data("dated")
    assert data["posts"]
    assert {_year(p) for p in data["posts"]} == {2019}
    assert data["since"].startswith("2019-01-01") and data["until"].startswith("2020-01-01")


def test_time_phrase_in_query_filters(stdio: Transcript) -> None:
    data = stdio.data("phrase")
    assert data["time_expression"] == "2016年"
    assert data["posts"] and {_year(p) for p in data["posts"]} == {2016}


def test_platform_and_kb_filters(stdio: Transcript) -> None:
    plat = stdio.data("platform")["posts"]
    assert plat and {p["platform"] for p in plat} == {"twitter"}
    kb = stdio.data("kb")["posts"]
    assert kb and {p["platform"] for p in kb} == {"twitter"}


def test_hidden_posts_never_returned(stdio: Transcript, sample: Sample) -> None:
    brain = Brain.open(sample.home, embedder="none")
    try:
        hidden = brain.archive.get(sample.hidden_id)
    finally:
        brain.close()
    assert hidden.hidden and sample.hidden_word in hidden.text  # search would find it, were it visible
    assert sample.hidden_id not in [p["id"] for p in stdio.data("hidden_search")["posts"]]
    assert "no post with id" in stdio.error_text("hidden_get")
    for page in stdio.tool("pages"):
        assert sample.hidden_id not in [p["id"] for p in page["posts"]]
    assert "resource_hidden" in stdio.errors
    # a hidden chat message leaves its chat window too: neither its id nor its words come back
    chat_hits = stdio.data("hidden_chat_search")["posts"]
    assert sample.hidden_chat_id not in [p["id"] for p in chat_hits]
    for p in chat_hits:
        assert sample.hidden_chat_id not in p.get("context_post_ids", [])
        assert sample.hidden_chat_text not in p["text"] + p["snippet"].replace("【", "").replace("】", "")


def test_timeline_pages_oldest_first(stdio: Transcript, sample: Sample) -> None:
    first = stdio.data("page1")
    assert first["total"] == sample.year_2019 and len(first["posts"]) == 15 and first["next_cursor"]
    pages = stdio.tool("pages")
    posts = [p for page in pages for p in page["posts"]]
    assert len(pages) == -(-sample.year_2019 // 15)
    assert len(posts) == sample.year_2019 == len({p["id"] for p in posts})
    dates = [datetime.fromisoformat(p["date"]) for p in posts]
    assert dates == sorted(dates)
    assert {_year(p) for p in posts} == {2019}
    assert pages[-1]["next_cursor"] is None


def test_get_post_with_thread_context(stdio: Transcript, sample: Sample) -> None:
    reply = stdio.data("reply")
    assert reply["id"] == sample.reply_id and set(reply) >= POST_KEYS
    assert [p["id"] for p in reply["context"]["replies_to"]][-1] == sample.parent_id
    parent = stdio.data("parent")
    assert sample.reply_id in [p["id"] for p in parent["context"]["replies"]]


def test_get_post_chat_neighbours(stdio: Transcript, sample: Sample) -> None:
    chat = stdio.data("chat")
    ctx = chat["context"]
    assert ctx["conversation_before"] and ctx["conversation_after"]
    before = [datetime.fromisoformat(p["date"]) for p in ctx["conversation_before"]]
    after = [datetime.fromisoformat(p["date"]) for p in ctx["conversation_after"]]
    me = datetime.fromisoformat(chat["date"])
    assert all(d <= me for d in before) and all(d >= me for d in after)
    assert sample.hidden_chat_id not in [
        p["id"] for p in ctx["conversation_before"] + ctx["conversation_after"]
    ]


def test_ask_without_llm_returns_posts_and_a_note(stdio: Transcript) -> None:
    data = stdio.data("ask")
    assert data["mode"] == "retrieval"
    assert "No LLM" in data["note"]
    assert data["posts"] and all(set(p) >= POST_KEYS for p in data["posts"])


def test_year_review_has_the_report_keys(stdio: Transcript, sample: Sample) -> None:
    data = stdio.data("year")
    assert data["year"] == 2019 and data["post_count"] == sample.own_2019 < sample.year_2019  # own posts only
    assert len(data["posts_by_month"]) == 12 and sum(data["posts_by_month"]) == sample.own_2019
    for key in ("top_words", "rhythm", "new_topics", "sections", "most_liked", "calendar"):
        assert key in data
    assert data["narrative_by"] == "statistics"


def test_list_knowledge_bases(stdio: Transcript) -> None:
    kbs = {k["name"]: k for k in stdio.data("kbs")["knowledge_bases"]}
    assert set(kbs) == {"all", "推特"}
    assert 0 < kbs["推特"]["posts"] < kbs["all"]["posts"]


def test_bad_arguments_are_tool_errors(stdio: Transcript) -> None:
    assert "no post with id 987654" in stdio.error_text("err_unknown_id")
    assert "since='2019-13'" in stdio.error_text("err_bad_date")
    assert "swap" in stdio.error_text("err_swapped")
    assert "k=0" in stdio.error_text("err_k")
    assert "k" in stdio.error_text("err_type")
    assert "query" in stdio.error_text("err_missing")
    assert "myspace" in stdio.error_text("err_platform") and "weibo" in stdio.error_text("err_platform")
    assert "没有这个" in stdio.error_text("err_kb")
    assert "1990" in stdio.error_text("err_year")
    assert "cursor" in stdio.error_text("err_cursor")
    assert "5,000 characters" in stdio.error_text("err_long_query")  # bounded before any search runs
    assert "max_message_chars" in stdio.error_text("err_long_question")
    # the server is still there after every error
    assert stdio.data("after_errors")["posts"]


def test_post_resource_and_portrait_prompt(stdio: Transcript, sample: Sample) -> None:
    contents = stdio.tool("resource").contents
    post = json.loads(contents[0].text)
    assert post["id"] == sample.pii_id and set(post) >= POST_KEYS
    prompt = stdio.tool("prompt").messages[0].content.text
    for aspect in ("工作", "健身", "个人项目", "学习总结", "兴趣发展", "人际关系"):
        assert aspect in prompt
    assert "search_posts" in prompt and "[#" in prompt


def test_ask_with_the_llm_down_answers_from_the_posts_with_a_notice(sample: Sample) -> None:
    from socialbrain.testing.llm_server import start_server

    with start_server(down=True) as llm:
        calls = [("ask", "tool", ("ask", {"question": "我什么时候开始跑步的？"}))]
        data = run_stdio_session(
            sample.home, [], calls, SOCIALBRAIN_LLM_URL=llm.url, SOCIALBRAIN_LLM_MODEL="m"
        ).data("ask")
    assert data["mode"] == "retrieval" and data["answer"].startswith(
        "（模型暂时连不上，下面是直接检索到的帖子。）"
    )
    assert data["llm_error"].startswith("cannot reach the LLM") and data["posts"]
