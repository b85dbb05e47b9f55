"""The 林小雨 sample archive: outputs are up to date with their sources and parse with the stdlib."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "lin-xiaoyu"


def test_build_check_passes_so_outputs_match_sources_and_every_evidence_resolves() -> None:
    done = subprocess.run(
        [sys.executable, str(SAMPLE / "build.py"), "--check"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "weibo: 311 posts 2015–2025" in done.stdout


def test_weibo_export_spans_ten_uneven_years_with_reposts_and_pii() -> None:
    data = json.loads((SAMPLE / "weibo" / "1669879400.json").read_text(encoding="utf-8"))
    posts = data["weibo"]
    per_year = Counter(p["publish_time"][:4] for p in posts)
    assert len(posts) >= 300 and sorted(per_year) == [str(y) for y in range(2015, 2026)]
    assert max(per_year.values()) >= 2 * min(per_year.values())  # uneven, like a real person
    reposts = [p for p in posts if not p["original"]]
    assert reposts and all("\n原始用户: " in p["content"] and "\n转发内容: " in p["content"] for p in reposts)
    assert any(0 <= int(p["publish_time"][11:13]) < 5 for p in posts)
    text = "\n".join(p["content"] for p in posts)
    for pii in (
        "13800138000",
        "159-0000-1234",
        "linxiaoyu.dev@example.com",
        "310115198803127715",
        "021-58881234",
    ):
        assert pii in text


def test_twitter_and_wechat_exports_parse_with_the_stdlib() -> None:
    js = (SAMPLE / "twitter" / "data" / "tweets.js").read_text(encoding="utf-8")
    assert js.startswith("window.YTD.tweets.part0 = ")
    tweets = [t["tweet"] for t in json.loads(js.split("=", 1)[1])]
    assert len(tweets) >= 40
    assert any(t["full_text"].startswith("RT @") for t in tweets)
    assert any(t.get("in_reply_to_screen_name") for t in tweets)
    with (SAMPLE / "wechat" / "妈妈_utf8.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 40 and {r["IsSender"] for r in rows} == {"0", "1"}
    assert any("我爱你" in r["StrContent"] and r["IsSender"] == "1" for r in rows)
