"""One segmenter, and its signature stored in the index: a changed user dictionary is noticed on the next search
and in `index status`, and a rebuild clears it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from socialbrain.brain import Brain
from socialbrain.index import segment
from socialbrain.index.status import index_status
from socialbrain.index.sync import rebuild_index, sync_index
from socialbrain.insights.common import cutter
from socialbrain.models import Post
from socialbrain.retrieve.search import search


@pytest.fixture
def fresh_segmenter():
    saved = list(segment._user_dicts)
    yield
    segment._user_dicts[:] = saved
    segment._tokenizer = None  # the next use loads only the dictionaries that were there before


def test_a_changed_user_dictionary_asks_for_a_rebuild(tmp_path: Path, fresh_segmenter: None) -> None:
    home = tmp_path / "home"
    brain = Brain.open(home, embedder="none")
    brain.archive.upsert(
        Post(platform="weibo", account="me", created_at=datetime(2020, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
             text="周末去青柠檬湾站看海", post_id="1")
    )
    sync_index(brain)
    assert brain.index.segmenter == segment.signature()
    assert not any("index rebuild" in n for n in search(brain, "看海").notes)

    (home / "userdict.txt").write_text("青柠檬湾站 100 ns\n", encoding="utf-8")
    brain.close()
    brain = Brain.open(home, embedder="none")  # loads the new dictionary: another segmentation
    assert "青柠檬湾站" in cutter()("我在青柠檬湾站下车")  # reports and search cut with the same segmenter
    assert any("socialbrain index rebuild" in n for n in search(brain, "看海").notes)
    assert index_status(brain).segmenter_stale

    rebuild_index(brain, embed=False)
    assert brain.index.segmenter == segment.signature() and not index_status(brain).segmenter_stale
    assert not any("index rebuild" in n for n in search(brain, "看海").notes)
    brain.close()
