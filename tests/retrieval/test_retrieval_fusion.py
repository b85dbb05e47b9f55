"""Fusion arithmetic, near-duplicate collapse and snippets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from socialbrain.index.stores.base import ScoredUnit
from socialbrain.models import Post, PostFilter
from socialbrain.retrieve.filters import combine
from socialbrain.retrieve.search import FusionParams, collapse_duplicates, fuse, rrf, snippet
from socialbrain.retrieve.types import Hit

CN = timezone(timedelta(hours=8))


def test_rrf_sums_weighted_reciprocal_ranks() -> None:
    fused = dict(rrf([["a", "b", "c"], ["c", "a"]], [1.0, 2.0], k=10))
    assert fused["a"] == pytest.approx(1 / 11 + 2 / 12)
    assert fused["c"] == pytest.approx(1 / 13 + 2 / 11)
    assert fused["b"] == pytest.approx(1 / 12)
    assert [u for u, _ in rrf([["a", "b", "c"], ["c", "a"]], [1.0, 2.0], k=10)] == ["c", "a", "b"]


def test_score_fusion_mixes_normalised_scores() -> None:
    kw = [ScoredUnit("a", 12.0), ScoredUnit("b", 6.0), ScoredUnit("c", 0.0)]
    dn = [ScoredUnit("b", 0.9), ScoredUnit("d", 0.8), ScoredUnit("a", 0.7)]
    fused = dict(fuse(kw, dn, FusionParams(method="score", score_alpha=0.4)))
    assert fused["a"] == pytest.approx(0.4 * 1.0 + 0.6 * 0.0)
    assert fused["b"] == pytest.approx(0.4 * 0.5 + 0.6 * 1.0)
    assert fused["d"] == pytest.approx(0.6 * 0.5)
    # one side empty: the other side's own order
    assert [u for u, _ in fuse(kw, [], FusionParams(method="score"))] == ["a", "b", "c"]


def test_units_without_vectors_are_not_pushed_down() -> None:
    kw = [ScoredUnit("new", 10.0), ScoredUnit("old", 1.0)]
    dn = [ScoredUnit("other", 0.9), ScoredUnit("old", 0.5)]
    for params in (FusionParams(method="score"), FusionParams(method="rrf")):
        plain = [u for u, _ in fuse(kw, dn, params)]
        imputed = [u for u, _ in fuse(kw, dn, params, no_vector={"new"})]
        assert imputed[0] == "new"
        assert plain[0] != "new" or params.method == "rrf"


def _hit(i: int, text: str) -> Hit:
    p = Post(
        platform="weibo", account="me", created_at=datetime(2018, 1, 1, tzinfo=CN), text=text, post_id=str(i)
    )
    p.id = i
    return Hit(post=p, score=1.0 / i, text=text, snippet=text)


def test_near_duplicates_collapse_into_the_best_ranked() -> None:
    original = "北京马拉松报名今天开始，名额有限先到先得，大家快去报名吧"
    hits = [
        _hit(1, "转发微博\n//@bj: " + original),
        _hit(2, "今天天气不错"),
        _hit(3, "转发微博 //@bj: " + original),
        _hit(4, "冲！//@bj: " + original),
        _hit(5, "今天天气不错！"),
    ]
    kept = collapse_duplicates(hits)
    assert [h.post.id for h in kept] == [1, 2]
    assert kept[0].duplicates == [3, 4] and kept[1].duplicates == [5]


def test_snippet_highlights_matches_even_in_traditional_text() -> None:
    assert snippet("我今天去跑步了，跑步真开心", "跑步") == "我今天去【跑步】了，【跑步】真开心"
    assert snippet("參加北京馬拉松", "马拉松") == "參加北京【馬拉松】"
    long = "无关的话。" * 60 + "最后提到了马拉松。"
    s = snippet(long, "马拉松", width=40)
    assert s.startswith("…") and "【马拉松】" in s and len(s) < 60


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        # whole words, adjacent ones merged into the phrase: never 疫【情防】控
        ("疫情防控", "今年疫情防控很严，情防不是词", "今年【疫情防控】很严，情防不是词"),
        ("疫情 防控", "疫情期间加强防控", "【疫情】期间加强【防控】"),
        # question and filler words are not highlighted: not 最【好的】【事】情
        ("迄今为止发生过的最好的事", "这是最好的事情", "这是【最好】的事情"),
        # Japanese: a kana run is one word, not one character at a time
        ("がんばって日本語", "今日も日本語の勉強、がんばって！", "今日も【日本語】の勉強、【がんばって】！"),
        # Latin words whole, case-insensitive: not inside a longer word
        ("对WeChat的看法", "I use WeChat daily, wechatpay too", "I use 【WeChat】 daily, wechatpay too"),
        # a concept is marked by its everyday names too, even where jieba glues one to the next word (微博是)
        ("对社交媒体的看法", "微博是我的树洞，朋友圈是我的简历", "【微博】是我的树洞，【朋友圈】是我的简历"),
        ("social media", "卸载微博三十天", "卸载【微博】三十天"),
    ],
)
def test_highlight_marks_the_query_words_as_whole_words(query: str, text: str, expected: str) -> None:
    assert snippet(text, query) == expected


def test_combined_filters_intersect() -> None:
    a = PostFilter(since=datetime(2015, 1, 1, tzinfo=CN), platforms=["weibo", "twitter"], ids=[1, 2, 3])
    b = PostFilter(
        since=datetime(2016, 1, 1, tzinfo=CN),
        until=datetime(2017, 1, 1, tzinfo=CN),
        platforms=["weibo"],
        ids=[2, 3, 4],
        min_likes=5,
    )
    c = combine(a, b)
    assert c.since.year == 2016 and c.until.year == 2017
    assert c.platforms == ["weibo"] and c.ids == [2, 3] and c.min_likes == 5


def test_a_concept_is_one_term_that_counts_wherever_its_everyday_names_occur() -> None:
    from socialbrain.retrieve.terms import coverage, matched, query_terms

    terms = query_terms("对社交媒体的看法")
    assert [t.word for t in terms] == ["社交媒体", "看法"]  # not 社交 + 媒体
    assert {"微博", "朋友圈", "twitter", "social media"} <= set(terms[0].words)
    assert matched("Hello Twitter, backend dev here", terms) == ["社交媒体"]
    assert matched("宣布：卸载微博和朋友圈三十天", terms) == ["社交媒体"]
    assert coverage("宣布：卸载微博和朋友圈三十天", terms) == pytest.approx(
        terms[0].weight / (terms[0].weight + terms[1].weight)
    )
    assert (
        matched("我妈往我箱子里塞了两罐豆瓣酱", terms) == []
    )  # a name that is also an ordinary word is not one
    assert matched("这家媒体的报道", terms) == []  # 媒体 alone is not the concept
    # a question without the concept is unchanged: 微信 is a word of its own, with no expansion
    assert [(t.word, t.forms) for t in query_terms("对微信的看法")] == [
        ("微信", ()),
        ("看法", ()),
    ]
