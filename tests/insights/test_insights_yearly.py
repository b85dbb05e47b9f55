"""The yearly review's statistics on a small archive counted by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from insights_fixtures import CN, EXPECTED_2015, NY_EVE_TEXT, PII, build_archive

from socialbrain.errors import NotFoundError
from socialbrain.insights.yearly import year_review


@pytest.fixture
def brain(data_dir: Path):
    b = build_archive(data_dir)
    yield b
    b.close()


def test_counts_months_and_calendar(brain) -> None:
    r = year_review(brain, 2015, use_llm=False)
    assert r["year"] == 2015
    assert r["post_count"] == EXPECTED_2015["post_count"]
    assert r["posts_by_month"] == EXPECTED_2015["posts_by_month"]
    cells = dict(r["calendar"])
    assert (
        len(r["calendar"]) == 365
        and r["calendar"][0][0] == "2015-01-01"
        and r["calendar"][-1][0] == "2015-12-31"
    )
    assert cells["2015-03-15"] == 1 and cells["2015-03-16"] == 1 and cells["2015-03-17"] == 0
    assert cells["2015-06-01"] == 1  # the hidden post of that day is not counted
    # Dec 31 20:00 in New York is 2016-01-01 09:00 for a reader in Beijing (the suite's zone): next year's post
    assert cells["2015-12-31"] == 0
    assert sum(n for _, n in r["calendar"]) == r["post_count"]
    r16 = year_review(brain, 2016, use_llm=False)
    assert r16["post_count"] == 3 and dict(r16["calendar"])["2016-01-01"] == 2 and r16["by_hour"][9] == 1
    eve = next(p for p in r16["top_posts"] if p["text"] == NY_EVE_TEXT)
    assert eve["date"] == "2016-01-01T09:00:00+08:00"  # shown in the user's zone too


def test_records(brain) -> None:
    r = year_review(brain, 2015, use_llm=False)
    assert r["latest_night"]["text"] == EXPECTED_2015["latest_night_text"]
    assert r["latest_night"]["date"] == datetime(2015, 3, 15, 4, 12, tzinfo=CN).isoformat()
    assert r["most_liked"]["text"] == EXPECTED_2015["most_liked_text"]
    assert r["most_liked"]["likes"] == 500
    assert set(r["most_liked"]) >= {"id", "date", "text", "likes"}
    assert r["first_post"]["text"] == EXPECTED_2015["first_text"]
    assert r["last_post"]["text"] == EXPECTED_2015["last_text"]
    assert PII["hidden"] not in str(r)


def test_rhythm_is_in_the_users_zone(brain) -> None:
    r = year_review(brain, 2015, use_llm=False)
    # the Twitter post at 02:30 UTC was written at 10:30 Beijing time: a morning post, not a 2 o'clock one
    assert r["by_hour"][2] == 1  # only 02:47 +08:00
    assert r["by_hour"][10] == 2  # 10:30 (the tweet) and the 10:00 Weibo post of Oct 1
    assert r["by_hour"][20] == 0  # the New York post (20:00 -05:00) is 09:00 on 2016-01-01 in Beijing
    assert r["by_hour"][4] == 1 and r["by_hour"][5] == 1
    assert sum(r["by_hour"]) == sum(r["by_weekday"]) == r["post_count"]
    assert r["rhythm"][6][4] == 1  # 2015-03-15 was a Sunday, 04:12
    assert r["rhythm"][0][10] == 1  # 2015-08-10 was a Monday
    assert r["platforms"] == {"weibo": 10, "twitter": 1}


def test_words_people_topics(brain) -> None:
    r = year_review(brain, 2015, use_llm=False)
    words = dict(r["top_words"])
    assert words["马拉松"] >= 5
    assert r["top_words"][0][0] == "马拉松"
    assert ["林小雨", 2] in r["people"]
    assert ["马拉松", 1] in r["hashtags"]
    assert ["上海·徐家汇", 1] in r["places"]
    new = [t["word"] for t in r["new_topics"]]
    faded = [t["word"] for t in r["faded_topics"]]
    assert "马拉松" in new and "吉他" not in new
    assert "吉他" in faded
    guitar = next(t for t in r["faded_topics"] if t["word"] == "吉他")
    assert guitar["post"]["text"] == "周末去琴行换了吉他弦"  # the last time it was mentioned
    marathon = next(t for t in r["new_topics"] if t["word"] == "马拉松")
    assert marathon["post"]["text"] == "新年第一跑，报名了马拉松"  # the first time this year


def test_phrases_are_multi_word(brain) -> None:
    r = year_review(brain, 2015, use_llm=False)
    assert all(len(p) >= 3 for p, _ in r["top_phrases"])
    assert all(c >= 2 for _, c in r["top_phrases"])


def test_sections_cite_real_posts(brain) -> None:
    r = year_review(brain, 2015, use_llm=False)
    assert r["narrative_by"] == "statistics"
    ids = {s["id"] for s in r["sections"]}
    assert {"overview", "highlights", "topics"} <= ids
    cited = {i for s in r["sections"] for i in s["cited_ids"]}
    assert cited == {p["id"] for p in r["cited_posts"]}
    assert r["most_liked"]["id"] in cited


def test_default_year_all_and_missing(brain) -> None:
    assert year_review(brain, None, use_llm=False, now=datetime(2016, 6, 1, tzinfo=CN))["year"] == 2015
    assert year_review(brain, None, use_llm=False, now=datetime(2017, 6, 1, tzinfo=CN))["year"] == 2016
    everything = year_review(brain, "all", use_llm=False)
    assert everything["years"] == [2014, 2015, 2016]
    assert [c["post_count"] for c in everything["chapters"]] == [5, 11, 3]
    assert everything["post_count"] == 19
    with pytest.raises(NotFoundError, match="2013"):
        year_review(brain, 2013, use_llm=False)


def test_cancellation(brain) -> None:
    from socialbrain.insights.common import ReportCancelled

    seen: list[str] = []
    with pytest.raises(ReportCancelled):
        year_review(
            brain, 2015, use_llm=False, progress=lambda s, d, t: seen.append(s), should_stop=lambda: True
        )
