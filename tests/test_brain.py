"""The Brain wires a data directory from explicit parts; its user dictionary reaches segmentation."""

from __future__ import annotations

from socialbrain.brain import Brain
from socialbrain.index.segment import tokenize


def test_user_dict_in_data_dir_is_loaded_on_open(tmp_path):
    word = "蓝莓山丘站"  # a made-up place name jieba cannot know
    assert word not in tokenize(f"我在{word}下车", bigrams=False)
    (tmp_path / "userdict.txt").write_text(f"{word} 100 ns\n", encoding="utf-8")
    Brain.open(tmp_path)
    assert word in tokenize(f"我在{word}下车", bigrams=False)


def test_parts_given_are_used_and_left_open(tmp_path):
    """A Brain is built from explicit parts: given ones are used as they are (never patched in afterwards) and
    closing the Brain closes only what it built itself."""
    from socialbrain.archive import SQLiteArchive
    from socialbrain.brain import Parts

    shared = SQLiteArchive(tmp_path / "shared.db")
    brain = Brain.open(tmp_path / "home", parts=Parts(archive=shared, embedder=None, llm=None))
    assert brain.archive is shared and brain.embedder is None and brain.llm is None
    assert not brain.has("index")
    brain.index.counts()  # built from the settings on first use
    assert brain.has("index")
    brain.close()
    assert shared.count() == 0  # still open: it belongs to the caller
    shared.close()
