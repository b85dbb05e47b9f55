"""The Brain wires a data directory: its user dictionary reaches segmentation."""

from __future__ import annotations

from socialbrain.brain import Brain
from socialbrain.index.segment import tokenize


def test_user_dict_in_data_dir_is_loaded_on_open(tmp_path):
    word = "蓝莓山丘站"  # a made-up place name jieba cannot know
    assert word not in tokenize(f"我在{word}下车", bigrams=False)
    (tmp_path / "userdict.txt").write_text(f"{word} 100 ns\n", encoding="utf-8")
    Brain.open(tmp_path)
    assert word in tokenize(f"我在{word}下车", bigrams=False)
