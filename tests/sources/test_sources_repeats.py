"""Exports without post ids: two records with the same time and text.

Within one export they are two posts (people do post the same words twice in a minute: a double tap, a "早安" bot,
a repost of the same thing): each is kept, numbered in file order (``Post.occurrence``) so a re-import of the
same file finds the same keys and adds nothing. weiboSpider .txt files can also hold several crawls appended to
each other (each with its own 用户信息 header and every post again): across crawls a repeat is the same post.
"""

from __future__ import annotations

from pathlib import Path

from socialbrain.archive import SQLiteArchive
from socialbrain.models import PostFilter
from socialbrain.sources.ingest import import_paths

HEADER = "用户信息：\n用户昵称：林小满\n用户id：1669879400\n微博数：3\n关注数：1\n粉丝数：2\n\n微博内容：\n"
TWICE = "早安，打卡第一百天"


def post(text: str, when: str) -> str:
    return f"{text}\n微博位置：无\n发布时间：{when}\n点赞数：0\n转发数：0\n评论数：0\n发布工具：iPhone客户端\n\n"


CRAWL = HEADER + post(TWICE, "2021-03-01 07:00") + post(TWICE, "2021-03-01 07:00") + post("晚安", "2021-03-01 23:00")


def load(a: SQLiteArchive, path: Path) -> dict[str, int]:
    r = import_paths(a, [path])
    assert not r.failed
    return r.totals()


def test_the_same_words_twice_in_a_minute_are_two_posts_and_reimport_adds_nothing(tmp_path: Path):
    f = tmp_path / "1669879400.txt"
    f.write_text(CRAWL, encoding="utf-8")
    a = SQLiteArchive(tmp_path / "a.db")
    first = load(a, f)
    assert (first["new"], first["rejected"]) == (3, 0)
    assert [p.text for p in a.iter_posts(order="asc")] == [TWICE, TWICE, "晚安"]
    again = load(a, f)
    assert (again["new"], again["updated"], again["unchanged"]) == (0, 0, 3) and a.count() == 3


def test_a_later_crawl_appended_to_the_file_repeats_the_same_posts(tmp_path: Path):
    f = tmp_path / "1669879400.txt"
    f.write_text(CRAWL + CRAWL.replace(post("晚安", "2021-03-01 23:00"), ""), encoding="utf-8")
    a = SQLiteArchive(tmp_path / "a.db")
    r = import_paths(a, [f])
    t = r.totals()
    # the second crawl's two 早安 are the first crawl's two: 3 posts, 2 records named as repeats
    assert (t["new"], t["rejected"]) == (3, 2) and a.count() == 3
    assert "the same post again in a later crawl appended to the file" in "\n".join(r.files[0].rejections)
    assert load(a, f)["new"] == 0


def test_ids_less_csv_and_plain_rows_are_numbered_too(tmp_path: Path):
    csv = tmp_path / "weibo.csv"  # weiboSpider 2019-05 (7413646): no 微博id column
    row = f"{TWICE},无,2021-03-01 07:00,iPhone客户端,0,0,0\n"
    csv.write_text("\ufeff微博正文,发布位置,发布时间,发布工具,点赞数,转发数,评论数\n" + row + row, encoding="utf-8")
    a = SQLiteArchive(tmp_path / "a.db")
    assert load(a, csv)["new"] == 2 and load(a, csv)["new"] == 0 and a.count() == 2


def test_numbered_posts_keep_their_keys_through_the_archive_and_an_export(tmp_path: Path):
    f = tmp_path / "1669879400.txt"
    f.write_text(CRAWL, encoding="utf-8")
    a = SQLiteArchive(tmp_path / "a.db")
    load(a, f)
    posts = [p for p in a.iter_posts(order="asc") if p.text == TWICE]
    assert sorted(p.occurrence for p in posts) == [0, 1]
    for p in posts:  # read back from the archive, each post still has the key it was stored under
        found = a.find_by_key(p.platform, p.account, p.key())
        assert found is not None and found.id == p.id
    export = tmp_path / "export.jsonl"
    export.write_text("".join(p.dumps() + "\n" for p in a.iter_posts(order="asc")), encoding="utf-8")
    b = SQLiteArchive(tmp_path / "b.db")
    assert load(b, export)["new"] == 3 and b.count(PostFilter()) == 3
    assert load(b, f)["new"] == 0  # the export and the original file are the same three posts
