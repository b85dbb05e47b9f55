"""weibo-crawler's markdown output, in every layout its writer has produced (tests/fixtures/weibo_layouts/
make_markdown.py runs the writer's own code): every post imports with its weibo id, date and repost; re-import adds
nothing; the account is the crawl's user id when its csv/json is beside the files."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from socialbrain.archive import SQLiteArchive
from socialbrain.models import Kind, Post, PostFilter
from socialbrain.sources.base import ImportOptions, Rejected, detect
from socialbrain.sources.ingest import import_paths

LAYOUTS = Path(__file__).resolve().parent.parent / "fixtures" / "weibo_layouts"
MD = LAYOUTS / "markdown"
ORIGINAL = "第一次跑完十公里，腿已经不是自己的了[哈哈] #跑步打卡#"
MULTI = "今天加班到凌晨，\n楼下的烤红薯还在。"
IDS = ["4458112696568562", "4458113000000002", "4458114000000003", "4458115000000004", "4458116000000006"]
FOLDERS = sorted(p.name for p in MD.iterdir())


def read(folder: Path) -> tuple[list[Post], list[Rejected]]:
    posts: list[Post] = []
    skipped: list[Rejected] = []
    for f in sorted(folder.rglob("*.md")):
        imp = detect(f)
        assert imp.name == "weibo-crawler-md", f
        for item in imp.parse(f, ImportOptions()):
            (posts if isinstance(item, Post) else skipped).append(item)
    return sorted(posts, key=lambda p: p.post_id or ""), skipped


def test_every_writer_layout_is_here():
    assert FOLDERS == [
        "3050125_all_two_runs", "3050125_day_by_month", "3050125_year", "702dd53_day", "dd4002a_all",
        "dd4002a_month",
    ]


@pytest.mark.parametrize("folder", FOLDERS)
def test_markdown_layout_imports_every_post(folder: str):
    posts, skipped = read(MD / folder)
    assert skipped == []
    assert [p.post_id for p in posts] == IDS
    assert all(p.platform == "weibo" and p.account == "林小满" for p in posts)
    assert all(p.created_at.utcoffset() == timedelta(hours=8) for p in posts)
    first, repost, multi, route, quote = posts
    assert first.text == ORIGINAL and first.created_at.isoformat() == "2018-05-04T21:30:00+08:00"
    assert first.media == ["img/2018-05-04_21-30-00_1.jpg", "img/2018-05-04_21-30-00_2.jpg"]
    assert first.url == "https://m.weibo.cn/detail/4458112696568562"
    assert multi.text == MULTI and multi.kind == Kind.ORIGINAL
    assert (repost.kind, repost.text, repost.ref_text) == (Kind.REPOST, "说得太对了 @老王", "【提醒】夏季跑步注意补水")
    # a multi-line reposted text: quoted line by line since 3050125, only its first line before
    assert (quote.kind, quote.text, quote.ref_text) == (Kind.REPOST, "转发微博", "【跑步】第一段\n\n第二段：补水")
    assert quote.media == ["img/2020-01-01_08-00-00.jpg"]
    if folder.startswith("3050125"):  # links and pictures rendered in place, videos linked
        assert route.text == "分享一个夜跑路线\nhttps://www.example.com/route"
        assert route.media == ["img/2019-12-28_23-59-00.jpg", "原创微博视频/20191228T_4458115000000004.mp4"]
    else:
        assert route.text == "分享一个夜跑路线\n网页链接\n查看图片" and route.media == ["img/2019-12-28_23-59-00.jpg"]
    assert not any("weibo_id" in p.text or "###" in p.text or p.text.endswith("---") for p in posts)


@pytest.mark.parametrize("folder", FOLDERS)
def test_markdown_reimport_adds_and_changes_nothing(folder: str, tmp_path: Path):
    a = SQLiteArchive(tmp_path / "a.db")
    first = import_paths(a, [MD / folder])
    assert not first.failed and first.totals()["new"] == 5 and a.count() == 5
    again = import_paths(a, [MD / folder])
    totals = again.totals()
    assert (totals["new"], totals["updated"], totals["failed"]) == (0, 0, 0) and a.count() == 5


def test_detected_by_content_and_dated_by_title(tmp_path: Path):
    # a day file renamed: its headings hold only the time, the title still gives the day
    renamed = tmp_path / "导出数据.dat"
    shutil.copy(MD / "702dd53_day" / "2019-12-28.md", renamed)
    assert detect(renamed).name == "weibo-crawler-md"
    posts = [p for p in detect(renamed).parse(renamed, ImportOptions()) if isinstance(p, Post)]
    assert [p.created_at.isoformat() for p in posts] == ["2019-12-28T23:59:00+08:00"] * 2


def test_a_time_without_any_date_is_skipped_and_named(tmp_path: Path):
    text = (MD / "702dd53_day" / "2019-12-28.md").read_text(encoding="utf-8").split("\n", 2)[2]  # no title
    f = tmp_path / "notes.md"
    f.write_text(text, encoding="utf-8")
    items = list(detect(f).parse(f, ImportOptions()))
    assert all(isinstance(i, Rejected) for i in items) and len(items) == 2
    assert items[0].line == 1 and "a time without a date" in items[0].reason and items[0].snippet == "23:59:00"


def test_account_is_the_crawls_user_id_so_csv_and_md_are_the_same_posts(tmp_path: Path):
    user = tmp_path / "weibo" / "林小满"  # the crawler's folder: <uid>.csv beside the markdown files
    shutil.copytree(MD / "3050125_day_by_month", user)
    shutil.copy(LAYOUTS / "crawler_csv_2020_bf2f291_31col.csv", user / "1669879400.csv")
    posts, _ = read(user)
    assert {p.account for p in posts} == {"1669879400"}
    a = SQLiteArchive(tmp_path / "a.db")
    r = import_paths(a, [user])
    assert not r.failed
    # the csv's 3 posts and the markdown's 5 share ids: 5 posts, each once
    assert a.count() == 5 and a.count(PostFilter(accounts=["1669879400"])) == 5
