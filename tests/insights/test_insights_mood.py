"""Mood scoring: the lexicon on hand-made sentences, and its accuracy on labelled real Weibo posts."""

from __future__ import annotations

import json
from pathlib import Path

from socialbrain.insights import mood


def test_lexicon_polarity_and_negation() -> None:
    assert mood.lexicon_score("今天好开心，谢谢大家！") > 0.5
    assert mood.lexicon_score("太难过了，想哭[泪]") < 0.5
    assert mood.lexicon_score("一点也不开心") < 0.5
    assert mood.lexicon_score("I love this, great day") > 0.5
    assert mood.lexicon_score("下午三点开会") == 0.5


def test_lexicon_beats_majority_class_on_weibo_emotion(datasets: Path) -> None:
    rows = [
        (d["text"], d["label"]) for d in map(json.loads, (datasets / "weibo-emotion" / "dev.jsonl").open())
    ]
    m = mood.evaluate(rows, "lexicon")
    assert m["n"] > 3000
    assert m["decided_accuracy"] > m["baseline"] + 0.15  # where it finds a mood it is right far more often
    assert m["undecided_as_majority"] > m["baseline"]
    assert m["coverage"] > 0.4
