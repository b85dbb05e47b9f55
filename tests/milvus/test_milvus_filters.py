"""Milvus filter expressions: values become literals, never expression syntax (no Milvus needed here)."""

from __future__ import annotations

import pytest

from socialbrain.errors import ConfigError
from socialbrain.index.stores.base import IndexFilter
from socialbrain.index.stores.milvus_filters import build_filter, check_user, string_literal


def test_string_literals_escape_quotes_backslashes_and_controls() -> None:
    assert string_literal('weibo" or user != "') == '"weibo\\" or user != \\""'
    assert string_literal("a\\") == '"a\\\\"'
    assert string_literal("行1\n行2\t") == '"行1\\n行2\\t"'
    assert string_literal("🙂'") == '"🙂\'"'
    with pytest.raises(ConfigError):
        string_literal("nul\x00")


def test_every_expression_starts_with_the_tenant() -> None:
    expr = build_filter("alice", IndexFilter(platforms=['x" or true or "'], accounts=["\x00"], min_likes=3))
    assert expr.startswith('user == "alice" and ')
    assert 'platform in ["x\\" or true or \\""]' in expr
    assert "created_ts != created_ts" in expr  # an unwritable account matches nothing
    assert "likes >= 3" in expr
    assert build_filter("alice", IndexFilter(post_ids=[])).endswith("created_ts != created_ts")
    with pytest.raises(ConfigError):
        build_filter("alice", IndexFilter(since_ts=float("nan")))
    for bad in ('bob" or user != "', "", "a b", "x" * 200):
        with pytest.raises(ConfigError):
            check_user(bad)
    assert check_user("张三.family-1") == "张三.family-1"
