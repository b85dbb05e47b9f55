"""Every layout weiboSpider and weibo-crawler have written, produced by their own writer code
(tests/fixtures/weibo_layouts/make_layouts.py), imports whole: every dated post, reposts with their source."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from socialbrain.archive import SQLiteArchive
from socialbrain.errors import ImportFormatError
from socialbrain.models import Kind, Post
from socialbrain.sources.base import ImportOptions, Rejected, detect
from socialbrain.sources.ingest import import_paths

LAYOUTS = Path(__file__).resolve().parent.parent / "fixtures" / "weibo_layouts"
CST = timezone(timedelta(hours=8))
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=CST)
ORIGINAL = "第一次跑完十公里，腿已经不是自己的了[哈哈] #跑步打卡#"
MULTI = "今天加班到凌晨，\n楼下的烤红薯还在。"
LONG = "周末读完了《活着》，福贵的一生让人说不出话。写下几句读后感：人是为活着本身而活着，而不是为了活着之外的任何事物所活着。"

# file → (importer, posts, skipped records, reposts that keep their source)
CASES = {
    "spider_txt_2017_ff809b1.txt": ("weibospider-txt", 4, 0, 0),  # master kept no repost info before 2018-11
    "spider_txt_2017_ff809b1_cp936.txt": ("weibospider-txt", 4, 0, 0),
    "spider_txt_2018_pr9_a3f1323.txt": ("weibospider-txt", 4, 0, 1),
    "spider_txt_2018_2dad3bd.txt": ("weibospider-txt", 4, 0, 0),
    "spider_txt_2018_96fa81a.txt": ("weibospider-txt", 4, 0, 0),
    "spider_txt_2018_b7205a7.txt": ("weibospider-txt", 4, 0, 1),
    "spider_txt_2018_7a7b033.txt": ("weibospider-txt", 4, 0, 1),
    "spider_txt_2019_343a1c4_two_runs.txt": ("weibospider-txt", 10, 0, 4),
    "spider_txt_2019_343a1c4_gb18030.txt": ("weibospider-txt", 5, 0, 2),
    "spider_txt_2020_26683b5.txt": ("weibospider-txt", 5, 0, 2),
    "spider_txt_2020_d6a4c9f.txt": ("weibospider-txt", 5, 0, 2),
    "spider_txt_2020_d6a4c9f_gbk.txt": ("weibospider-txt", 5, 0, 2),
    "spider_txt_2020_d6a4c9f_bom.txt": ("weibospider-txt", 5, 0, 2),
    "spider_txt_2020_d6a4c9f_original_only.txt": ("weibospider-txt", 3, 0, 0),
    "spider_txt_2022_2c45df4_time_only.txt": ("weibospider-txt", 5, 0, 2),
    "spider_console_2020_598b973.txt": ("weibospider-txt", 5, 0, 2),
    "spider_console_2020_c9a4f4f.txt": ("weibospider-txt", 5, 0, 2),
    "spider_csv_7413646.csv": ("weibospider-csv", 5, 0, 2),
    "spider_csv_2281aef.csv": ("weibospider-csv", 5, 0, 2),
    "spider_csv_f237bd6-filter.csv": ("weibospider-csv", 3, 0, 0),
    "spider_csv_2018_pr10_cf6f36c.csv": ("weibospider-csv", 4, 0, 1),
    "spider_json_2020_json_writer.json": ("weibospider-json", 5, 0, 2),
    "crawler_csv_2019_c312f74_25col.csv": ("weibo-crawler-csv", 3, 0, 1),
    "crawler_csv_2020_bf2f291_31col.csv": ("weibo-crawler-csv", 3, 0, 1),
    "crawler_csv_2022_bf2f291_31col_tab_stray.csv": ("weibo-crawler-csv", 3, 1, 1),
    "crawler_csv_2022_bf2f291_14col_original_only.csv": ("weibo-crawler-csv", 3, 0, 0),
    "crawler_csv_2025_75e6c77_39col.csv": ("weibo-crawler-csv", 3, 0, 1),
    "crawler_json_html.json": ("weibo-crawler-json", 3, 0, 1),
}


def parse(path: Path) -> tuple[str, list[Post], list[Rejected]]:
    imp = detect(path)
    items = list(imp.parse(path, ImportOptions(now=NOW)))
    return imp.name, [i for i in items if isinstance(i, Post)], [i for i in items if isinstance(i, Rejected)]


def test_every_generated_layout_is_covered():
    made = {p.name for p in LAYOUTS.iterdir() if p.suffix in (".txt", ".csv", ".json")}
    assert made - {"spider_txt_2016_d0d2f00_gbk.txt"} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_layout_imports_every_post(name: str, tmp_path: Path):
    importer, n_posts, n_skipped, n_sourced = CASES[name]
    renamed = tmp_path / "导出数据.dat"  # detection is by content: the name says nothing
    shutil.copy(LAYOUTS / name, renamed)
    for path in (LAYOUTS / name, renamed):
        got, posts, skipped = parse(path)
        assert got == importer
        assert (len(posts), len(skipped)) == (n_posts, n_skipped), [s.describe(name) for s in skipped]
    texts = {p.text for p in posts}
    assert ORIGINAL in texts and MULTI in texts
    assert all(p.platform == "weibo" and p.created_at.utcoffset() == timedelta(hours=8) for p in posts)
    first = next(p for p in posts if p.text == ORIGINAL)
    assert first.created_at.date().isoformat() == "2018-05-04"
    if "crawler" not in name and "time_only" not in name:
        assert (first.likes, first.reposts, first.comments) == (12, 1, 5)
    sourced = [p for p in posts if p.kind == Kind.REPOST and p.ref_text]
    assert len(sourced) == n_sourced
    for p in sourced:
        assert p.ref_text in ("【提醒】夏季跑步注意补水", "抱歉，此微博已被作者删除。")
        if p.ref_text.startswith("【提醒】"):
            assert p.ref_author == "人民日报" and p.text == "说得太对了 @老王"
    assert not any("用户" in p.text or "发布时间" in p.text or "\u00a0" in p.text for p in posts)


@pytest.mark.parametrize(
    "name", [n for n in CASES if n.startswith("spider_txt") or n.startswith("spider_console")]
)
def test_weibospider_truncated_posts_are_marked(name: str):
    _, posts, _ = parse(LAYOUTS / name)
    longs = [p for p in posts if p.text.startswith("周末读完了《活着》")]
    assert longs
    for long in longs:
        assert isinstance(long.raw, dict) and long.raw["truncated"] is True, long.raw
        assert long.text == LONG[:40]


def test_console_layout_keeps_the_weibo_id_from_its_url():
    _, posts, _ = parse(LAYOUTS / "spider_console_2020_c9a4f4f.txt")
    assert posts[0].post_id == "4458112696568562", posts[0].url


def test_crawler_repost_keeps_its_source_id_and_tab_ids_are_clean():
    _, posts, skipped = parse(LAYOUTS / "crawler_csv_2022_bf2f291_31col_tab_stray.csv")
    repost = next(p for p in posts if p.kind == Kind.REPOST)
    assert repost.post_id == "4458113000000002" and repost.raw["_source"]["id"] == "4458100000000001"
    assert repost.ref_author == "人民日报"
    (stray,) = skipped
    assert stray.line == 2 and "not a record" in stray.reason and stray.snippet == "2022-05-01 10:00:00"


def test_crawler_json_br_becomes_a_line_break():
    _, posts, _ = parse(LAYOUTS / "crawler_json_html.json")
    assert MULTI in {p.text for p in posts}


def test_the_2016_layout_without_dates_is_refused_in_one_line():
    path = LAYOUTS / "spider_txt_2016_d0d2f00_gbk.txt"
    imp = detect(path)
    assert imp.name == "weibospider-txt"
    with pytest.raises(ImportFormatError, match="has no dates"):
        list(imp.parse(path, ImportOptions()))


@pytest.mark.parametrize("name", sorted(CASES))
def test_layout_reimport_adds_and_changes_nothing(name: str, tmp_path: Path):
    a = SQLiteArchive(tmp_path / "a.db")
    first = import_paths(a, [LAYOUTS / name], options=ImportOptions(now=NOW))
    assert not first.failed and first.totals()["new"] > 0
    again = import_paths(a, [LAYOUTS / name], options=ImportOptions(now=NOW))
    totals = again.totals()
    assert (totals["new"], totals["updated"], totals["failed"]) == (0, 0, 0)
    assert again.posts == first.posts == a.count()


def test_crawler_post_whose_long_text_was_not_fetched_is_marked(tmp_path):
    import json

    data = json.loads((LAYOUTS / "crawler_json_html.json").read_text(encoding="utf-8"))
    data["weibo"][0]["text"] = '周末读完了《活着》，福贵的一生让人说不出话...<a href="/status/4458112696568562">全文</a>'
    p = tmp_path / "1669879400.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    _, posts, _ = parse(p)
    assert posts[0].text == "周末读完了《活着》，福贵的一生让人说不出话" and posts[0].raw["truncated"] is True
    assert "truncated" not in posts[1].raw
