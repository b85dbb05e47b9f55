"""Whole-life questions: map-reduce over every post, summaries cached in the archive, citations verified."""

from __future__ import annotations

import pytest
from answer_fixtures import fill, make_post, open_brain

from socialbrain.answer.ask import ask
from socialbrain.answer.llm import OpenAICompatLLM
from socialbrain.answer.mapreduce import is_whole_history_question, period_summaries, plan_map
from socialbrain.models import PostFilter
from socialbrain.testing.llm_server import Behaviour, start_server


@pytest.fixture
def server():
    h = start_server()
    yield h
    h.stop()


def test_whole_history_classifier():
    for q in (
        "从微博中看，人生不快乐的原因有哪些？",
        "迄今为止发生过的最好的事",
        "如果让你总结她的性格，会是什么？",
        "这些年我对工作的态度有什么变化",
        "What did I think about work over the years?",
        "summarize my personality",
    ):
        assert is_whole_history_question(q), q
    for q in ("2016年5月4日我做了什么", "我在哪里吃的火锅", "what did I eat in Hangzhou?"):
        assert not is_whole_history_question(q), q


def test_map_reduce_reads_every_post_and_the_second_run_uses_the_cache(data_dir, server):
    brain = open_brain(data_dir)
    posts = fill(brain)
    llm = OpenAICompatLLM(server.url, "test-model")
    q = "人生不快乐的原因有哪些？"
    first = ask(brain, q, llm=llm, scope="auto")
    assert first.mode == "llm" and first.scope["scope"] == "all"
    years = {p.created_at.year for p in posts}
    assert first.usage["map_calls"] == len(years)  # one map call per year (small years fit one chunk)
    assert first.usage["llm_calls"] == len(years) + 1
    # every year's posts were sent (not a top-k): each post text reached the server once in a map prompt
    map_bodies = [r.body.decode("utf-8") for r in server.chat_requests[: len(years)]]
    for p in posts:
        assert sum(p.text[:12] in b for b in map_bodies) == 1, p.text
    unhappy = next(p for p in posts if "不快乐" in p.text)
    assert unhappy.id in first.citations and first.dropped_citations == []
    assert "[1]" in first.text and first.sources[0]["id"] in first.citations
    n_calls = len(server.chat_requests)
    second = ask(brain, q, llm=llm)
    assert second.usage["map_calls"] == 0 and second.usage["cached_map_calls"] == len(years)
    assert len(server.chat_requests) == n_calls + 1  # only the reduce step
    assert second.citations == first.citations
    rows = brain.archive.execute("SELECT period, scope, model FROM summaries ORDER BY period").fetchall()
    assert [r[0] for r in rows] == sorted(str(y) for y in years)
    assert rows[0][2] == "test-model@" + server.url.split("//")[1].removesuffix("/v1")


def test_a_new_post_reruns_only_its_period(data_dir, server):
    brain = open_brain(data_dir)
    fill(brain)
    llm = OpenAICompatLLM(server.url, "test-model")
    flt = PostFilter()
    period_summaries(brain, flt, llm=llm, theme="健身")
    brain.archive.upsert(make_post("2016-12-31 10:00", "年底又去健身了", 50))
    est = plan_map(brain, flt, theme="健身", llm=llm).estimate()
    assert est.calls == 2 and est.cached_calls == 4  # 2016 again + the reduce call; 4 other years cached
    before = len(server.chat_requests)
    summaries = period_summaries(brain, flt, llm=llm, theme="健身")
    assert len(server.chat_requests) == before + 1
    by = {s.period: s for s in summaries}
    assert set(by) == {"2014", "2016"}  # years that say nothing about the theme are left out
    assert "[#" in by["2016"].text and by["2016"].cited_ids


def test_reduce_citing_a_post_it_was_not_given_is_caught(data_dir):
    brain = open_brain(data_dir)
    fill(brain)
    with start_server(Behaviour(cite_unknown=True)) as h:
        llm = OpenAICompatLLM(h.url, "test-model")
        a = ask(brain, "这些年我对健身的坚持", llm=llm)
    assert a.dropped_citations and all(n > len(a.sources) for n in a.dropped_citations)
    assert all(f"[{n}]" not in a.text for n in a.dropped_citations)
    assert set(a.citations) <= {s["id"] for s in a.sources}


def test_no_evidence_means_no_reduce_call_and_a_plain_answer(data_dir, server):
    brain = open_brain(data_dir)
    fill(brain)
    llm = OpenAICompatLLM(server.url, "test-model")
    a = ask(brain, "这些年我养过几只恐龙", llm=llm)
    assert "没有找到" in a.text and a.citations == [] and a.sources == []
    assert a.usage["llm_calls"] == a.usage["map_calls"]  # no reduce step


def test_time_phrase_limits_the_range_and_month_granularity(data_dir, server):
    brain = open_brain(data_dir)
    fill(brain)
    with brain.archive.transaction():
        for i, day in enumerate(("2016-01-03", "2016-03-09", "2016-03-21")):
            brain.archive.upsert(make_post(f"{day} 09:00", f"健身第{i}次，一直坚持", 60 + i))
    llm = OpenAICompatLLM(server.url, "test-model")
    a = ask(brain, "2016年我一直坚持健身吗", llm=llm, scope="all")
    assert a.scope["granularity"] == "month" and a.scope["time_expression"] == "2016年"
    assert a.scope["posts"] == 5
    months = brain.archive.execute("SELECT period FROM summaries ORDER BY period").fetchall()
    assert [m[0] for m in months] == ["2016-01", "2016-03", "2016-05", "2016-11"]


def test_cost_is_shown_before_running_and_can_be_refused(data_dir, server):
    brain = open_brain(data_dir)
    fill(brain)
    llm = OpenAICompatLLM(server.url, "test-model")
    seen = []

    def refuse(est):
        seen.append(est)
        return False

    a = ask(brain, "总结一下我这些年的生活", llm=llm, confirm=refuse)
    assert a.text == "已取消。" and server.chat_requests == []
    est = seen[0]
    assert est.posts == 7 and est.calls == 5 + 1 and est.prompt_tokens > 200
