"""The small typed public API: socialbrain.open(...) and Brain.import_paths / search / ask, as the package
docstring's example uses them (a real archive, a real import, no LLM)."""

from __future__ import annotations

from pathlib import Path

import socialbrain
from socialbrain.answer.ask import Answer
from socialbrain.retrieve.types import SearchResult


def test_open_import_search_ask(tmp_path: Path) -> None:
    export = tmp_path / "notes.txt"
    export.write_text(
        "2016-05-04 07:00\n今天跑完了第一个半程马拉松！\n\n2018-03-01 12:00\n读完了一本关于时间的书。\n",
        encoding="utf-8",
    )
    with socialbrain.open(tmp_path / "home", embedder="none", llm_url="none") as brain:
        outcome = brain.import_paths([export])
        assert outcome.report.totals()["new"] == 2 and outcome.index_error is None
        result = brain.search("马拉松", k=5)
        assert isinstance(result, SearchResult)
        assert [h.post.created_at.year for h in result.hits] == [2016] and "【马拉松】" in result.hits[0].snippet
        assert brain.search("马拉松", since="2017").hits == []
        answer = brain.ask("我什么时候跑了半程马拉松？")
        assert isinstance(answer, Answer) and answer.mode == "retrieval"
        assert [s["id"] for s in answer.sources] == [result.hits[0].post.id]


def test_the_public_names_are_exported() -> None:
    assert socialbrain.__all__ == ["__version__", "open"]
    assert callable(socialbrain.open)
