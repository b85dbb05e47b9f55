"""Segmentation: jieba tokens for BM25, normalisation, stop words, user dictionaries, keywords."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialbrain.config import Settings
from socialbrain.errors import ConfigError
from socialbrain.index import segment
from socialbrain.index.segment import keywords, load_user_dict, tokenize, tokenize_query


def test_search_mode_gives_long_words_and_their_parts():
    words = tokenize("小明硕士毕业于中国科学院计算所", bigrams=False)
    assert {"中国科学院", "科学院", "中国", "计算所", "硕士"} <= set(words)


def test_stop_words_and_punctuation_are_removed():
    words = tokenize("我的天啊，这个也太好吃了吧！！！", bigrams=False)
    assert "的" not in words and "了" not in words and "，" not in words and "！" not in words
    assert "好吃" in words


def test_traditional_folds_to_simplified_and_fullwidth_to_ascii():
    assert tokenize("臺灣的電腦", bigrams=False) == tokenize("台湾的电脑", bigrams=False)
    assert "iphone" in tokenize("ｉＰｈｏｎｅ　１５", bigrams=False)
    assert "15" in tokenize("ｉＰｈｏｎｅ　１５", bigrams=False)


def test_urls_dropped_emoji_codes_kept_as_words_english_lowercased_numbers_kept():
    words = tokenize("周末爬山 [哈哈] 照片见 http://t.cn/RzX9abc Running 10KM in 2016", bigrams=False)
    assert "哈哈" in words and "爬山" in words
    assert not any("t.cn" in w or "rzx9abc" in w or "http" in w for w in words)
    assert {"running", "10km", "2016"} <= set(words) or {"running", "10", "km", "2016"} <= set(words)
    assert "in" not in words  # English stop word


def test_bigrams_cover_chinese_runs():
    words = tokenize("林志颖公司")
    assert {"林志", "志颖", "颖公", "公司"} <= set(words)
    assert tokenize("hello world") == tokenize("hello world", bigrams=False) == ["hello", "world"]


def test_query_uses_precise_mode_and_survives_all_stop_words():
    assert tokenize_query("中国科学院", bigrams=False) == ["中国科学院"]
    assert tokenize_query("我在想什么")  # only stop words: still something to search
    assert tokenize_query("") == [] and tokenize("") == []


def test_query_tokens_meet_document_tokens():
    doc = set(tokenize("林志颖旗下爱碧丽推销假保健品，引起哗然"))
    query = tokenize_query("林志颖公司疑涉虚假营销")
    assert {"林志颖"} <= doc & set(query)


def test_user_dictionary_keeps_a_new_word_whole(tmp_path):
    before = tokenize("我们去吃了螺蛳粉炸鸡拼盘", bigrams=False)
    assert "螺蛳粉炸鸡拼盘" not in before
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("螺蛳粉炸鸡拼盘 50 n\n", encoding="utf-8")
    signature_before = segment.signature()
    load_user_dict(userdict)
    assert "螺蛳粉炸鸡拼盘" in tokenize("我们去吃了螺蛳粉炸鸡拼盘", bigrams=False)
    assert segment.signature() != signature_before


def test_missing_user_dictionary_is_a_clear_config_error(tmp_path):
    with pytest.raises(ConfigError, match="nope.txt: user dictionary not found"):
        load_user_dict(tmp_path / "nope.txt")


def test_configure_reads_the_config_then_the_data_dir(tmp_path):
    data = tmp_path / "home"
    data.mkdir()
    (data / "userdict.txt").write_text("咕咕咕鸽子会 10\n", encoding="utf-8")
    segment.configure(Settings.load(data))
    assert "咕咕咕鸽子会" in tokenize("周末咕咕咕鸽子会又鸽了", bigrams=False)
    other = tmp_path / "mine.txt"
    other.write_text("蹦迪打卡点 10\n", encoding="utf-8")
    (data / "config.toml").write_text(f'[segment]\nuser_dict = "{other}"\n', encoding="utf-8")
    segment.configure(Settings.load(data))
    assert "蹦迪打卡点" in tokenize("新的蹦迪打卡点", bigrams=False)


def test_keywords_are_the_telling_words():
    text = (
        "日前，方舟子发文直指林志颖旗下爱碧丽推销假保健品，引起哗然。调查发现，爱碧丽没有自己的生产加工厂。"
        "其胶原蛋白饮品无核心研发，全部代工生产。"
    )
    top = keywords(text, 5)
    assert len(top) == 5 and "爱碧丽" in top
    assert not {"的", "没有", "自己"} & set(top)
    assert keywords("", 5) == [] and keywords(text, 0) == []


def test_jieba_loads_quietly_in_a_fresh_process():
    code = "from socialbrain.index.segment import tokenize; print(tokenize('今天天气很好', bigrams=False))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr == "" and "天气" in out.stdout


def test_importing_segment_does_not_load_jieba():
    code = "import sys, socialbrain.index.segment; print('jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_bm25_with_our_tokens_finds_real_posts(datasets):
    """A small known-item check on real lcsts pairs: the summary finds its own post."""
    import json

    import bm25s

    pairs = [
        json.loads(x)
        for x in (datasets / "lcsts/pairs.dev.jsonl").read_text(encoding="utf-8").splitlines()[:300]
    ]
    model = bm25s.BM25()
    model.index([tokenize(p["post"]) for p in pairs], show_progress=False)
    vocab = model.vocab_dict
    found = 0
    for i, p in enumerate(pairs):
        ids = [vocab[w] for w in tokenize_query(p["summary"]) if w in vocab]
        scores = model.get_scores(ids)
        found += int(scores.argsort()[::-1][:5].tolist().count(i))
    assert found / len(pairs) >= 0.9


def test_shipped_idf_table_is_jiebas():
    """data/idf_zh.txt.xz holds exactly jieba's analyse/idf.txt mapping (read as index/idf.py used to read it)."""
    from importlib import resources
    from pathlib import Path

    from socialbrain.index.idf import read_table

    jieba = pytest.importorskip("jieba", reason="jieba (dev extra) holds the reference idf.txt")
    ours = read_table(Path(str(resources.files("socialbrain.data").joinpath("idf_zh.txt.xz"))))
    theirs: dict[str, float] = {}
    for line in (Path(jieba.__file__).parent / "analyse" / "idf.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) == 2:
            theirs[parts[0]] = float(parts[1])
    assert ours == theirs


def test_keywords_and_query_weights_need_no_jieba(tmp_path):
    """The IDF table comes from our own file: a fresh process weighs words without importing jieba."""
    code = (
        "import sys; from socialbrain.index.segment import keywords, _idf_table; "
        "idf, median = _idf_table(); "
        "print(keywords('今天在北京跑了马拉松，马拉松真累', 2), '马拉松' in idf and len(idf) > 200_000, 'jieba' in sys.modules)"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}  # a fresh cache: the table is built from the shipped file
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split("]")[1].split() == ["True", "False"], out.stdout
    assert "马拉松" in out.stdout.split("]")[0]


_TEXTS = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),  # ASCII
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width ASCII
        st.sampled_from("\u3000，。！？「」『』软體臺灣①²ﬁ㎡ｶﾞé\u0301\u0338Å"),  # CJK punctuation, compatibility chars, combining marks
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80),
    ),
    max_size=40,
)


@given(_TEXTS)
@settings(max_examples=400, deadline=None)
def test_fast_nfkc_is_nfkc(text):
    """The shortcut (quick check, full-width map) gives exactly unicodedata's NFKC."""
    import unicodedata

    assert segment._nfkc(text) == unicodedata.normalize("NFKC", text)


@given(st.lists(st.sampled_from(["的", "我们", "北京", " ", "，", "10.5", "c++", "_", "...", "a b", "ok", "了", "！", "x"])))
@settings(max_examples=300, deadline=None)
def test_stop_word_filter_keeps_what_the_plain_rule_keeps(tokens):
    """One set lookup (stop words + remembered punctuation) keeps exactly: word-like and not a stop word."""
    stop = segment.stopwords()
    plain = [w for w in tokens if (w.isalnum() or segment._odd_word(w)) and w not in stop]
    assert segment._keep(tokens) == plain
    assert segment._keep(tokens) == plain  # again, with the punctuation now remembered


def test_idf_cache_is_keyed_by_content_and_replaces_older_tables(tmp_path):
    """A rewritten (same) table file reuses the cached SQLite copy; building one deletes earlier copies."""
    import shutil
    from importlib import resources
    from pathlib import Path

    from socialbrain.index.idf import IdfTable

    src = tmp_path / "idf_zh.txt.xz"
    shutil.copyfile(Path(str(resources.files("socialbrain.data").joinpath("idf_zh.txt.xz"))), src)
    cache = tmp_path / "cache"
    cache.mkdir()
    old = cache / "idf-6200957-1795936019.db"  # a table cached from jieba's idf.txt by an earlier version
    old.write_bytes(b"x")
    first = IdfTable(src, cache)
    assert first.path.exists() and not old.exists()
    built = first.path.stat().st_mtime_ns
    os.utime(src, (1, 1))  # a reinstall / checkout: same bytes, new mtime
    again = IdfTable(src, cache)
    assert again.path == first.path and again.path.stat().st_mtime_ns == built
    assert again["马拉松"] == first["马拉松"] and sorted(p.name for p in cache.iterdir()) == [first.path.name]
