"""Every importer on hand-written files in the real shapes (tests/fixtures/formats)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from socialbrain.errors import ConfigError, ImportFormatError
from socialbrain.models import Kind, Post
from socialbrain.sources.base import ImportOptions, Rejected, detect, get_importer

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
CST = timezone(timedelta(hours=8))
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=CST)


def parse(name: str, **opts) -> tuple[str, list[Post], list[Rejected]]:
    path = FIX / name
    imp = get_importer(opts.pop("format")) if "format" in opts else detect(path)
    items = list(imp.parse(path, ImportOptions(now=NOW, **opts)))
    return imp.name, [i for i in items if isinstance(i, Post)], [i for i in items if isinstance(i, Rejected)]


def test_weibospider_txt_posts_reposts_and_counts():
    name, posts, _ = parse("weibospider_1669879400.txt")
    assert name == "weibospider-txt"
    assert len(posts) == 3
    first, repost, multiline = posts
    assert first.account == "1669879400" and first.post_id is None
    assert first.created_at == datetime(2016, 5, 4, 21, 30, tzinfo=CST)
    assert first.text == "第一次跑完十公里，腿已经不是自己的了[哈哈] #跑步打卡#"
    assert (first.likes, first.reposts, first.comments) == (12, 1, 5)
    assert first.location == "北京·奥林匹克森林公园" and first.source_tool == "iPhone 6s"
    assert repost.kind == Kind.REPOST and repost.text == "说得太对了 @老王"
    assert (
        repost.ref_author == "人民日报" and repost.ref_text == "【提醒】夏季跑步注意补水"
    )  # 原图 artefact gone
    assert repost.location is None  # 无
    assert multiline.text == "今天加班到凌晨，\n楼下的烤红薯还在。"


def test_weibospider_txt_in_gbk_decodes():
    name, posts, _ = parse("weibospider_gbk.txt")
    assert name == "weibospider-txt"
    assert posts[0].text == "用 GBK 保存的旧文件，中文也要读对。"


def test_weibospider_csv_with_bom_and_repost_columns():
    name, posts, _ = parse("weibospider_1669879400.csv")
    assert name == "weibospider-csv"
    a, b = posts
    assert a.post_id == "4458112696568562"  # bid IonM9ryMy converted to the numeric mid the collector uses
    assert a.url == "https://weibo.com/1669879400/IonM9ryMy"
    assert a.media == ["https://wx1.sinaimg.cn/large/a.jpg", "https://wx1.sinaimg.cn/large/b.jpg"]
    assert b.kind == Kind.REPOST and b.ref_author == "人民日报" and b.text == "说得太对了"


def test_weibospider_json_counts_like_wan():
    name, posts, _ = parse("weibospider_1669879400.json")
    assert name == "weibospider-json"
    assert [p.kind for p in posts] == [Kind.ORIGINAL, Kind.REPOST, Kind.ORIGINAL]
    assert posts[2].likes == 12000 and posts[2].reposts == 1_000_000
    assert "🎉" in posts[2].text


def test_weibo_crawler_csv_tab_ids_ragged_rows_and_reposts():
    name, posts, _ = parse("weibocrawler_1669879400.csv")
    assert name == "weibo-crawler-csv"
    a, b = posts
    assert a.post_id == "4458112696568562"  # trailing tab stripped
    assert a.created_at == datetime(2016, 5, 4, 21, 30, tzinfo=CST)  # 完整日期 preferred over 日期
    assert a.location == "北京"  # "发布于 北京"
    assert b.kind == Kind.REPOST and b.ref_author == "人民日报" and b.ref_text == "【提醒】夏季跑步注意补水"


def test_weibo_crawler_json_html_emoji_topics_links_and_empty_rejected():
    name, posts, rejected = parse("weibocrawler_1669879400.json")
    assert name == "weibo-crawler-json"
    a, b = posts
    assert a.text == "第一次跑完十公里，腿已经不是自己的了[哈哈] #跑步打卡#"
    assert b.text == "说得太对了 @老王\n收藏 & 转发"
    assert b.ref_text == "【提醒】夏季跑步注意补水 https://t.cn/A6abcd"
    assert len(rejected) == 1 and "empty" in rejected[0].reason


def test_same_weibo_from_both_crawlers_has_the_same_key():
    _, spider, _ = parse("weibospider_1669879400.json")
    _, crawler, _ = parse("weibocrawler_1669879400.json")
    assert spider[0].key() == crawler[0].key() and spider[0].account == crawler[0].account


def test_twitter_archive_tco_rt_reply_and_note_tweet():
    name, posts, _ = parse("twitter-archive/data/tweets.js")
    assert name == "twitter"
    first, rt, reply, long = posts
    assert first.account == "xiaoman_lin"  # from account.js beside it
    assert first.text == "周末跑了十公里 #跑步 记录在这里 https://example.com/10k-run & more"
    assert first.created_at == datetime(2023, 2, 18, 12, 33, 11, tzinfo=UTC)
    assert first.likes == 7 and first.source_tool == "Twitter Web App"
    assert rt.kind == Kind.REPOST and rt.ref_author == "oldwang" and rt.text == ""
    assert rt.ref_text.startswith("Running is cheaper")
    assert reply.kind == Kind.REPLY and reply.reply_to == "1626999999999999999"
    assert reply.media == ["https://pbs.twimg.com/media/FpAbc.jpg"] and "t.co" not in reply.text
    assert long.text.endswith("不赶路，也能走很远。")  # whole text from note-tweet.js


def test_mastodon_outbox_visibility_boosts_and_replies():
    name, posts, _ = parse("mastodon-archive/outbox.json")
    assert name == "mastodon"
    public, private, boost, reply = posts
    assert public.account == "xiaoman@mastodon.social" and public.post_id == "109876543210000001"
    assert (
        public.text == "搬到长毛象了！Hello fediverse & 你好 #跑步\n\n第二段 https://example.com/blog/post-1"
    )
    assert public.media and not public.private
    assert private.private and private.text.startswith("家事\n\n")  # content warning kept first
    assert (
        boost.kind == Kind.REPOST
        and boost.url == "https://fosstodon.org/users/bob/statuses/110000000000000042"
    )
    assert reply.kind == Kind.REPLY and reply.text == "@bob thanks, 很有用！"


def test_mastodon_likes_json_is_not_an_outbox():
    p = FIX / "mastodon-archive" / "likes.json"
    assert get_importer("mastodon").sniff(p, p.read_bytes()) == 0


def test_telegram_single_chat_entities_authors_and_service_rejected():
    name, posts, rejected = parse("telegram_result.json", account="user1183304502")
    assert name == "telegram"
    assert len(rejected) == 1 and "service" in rejected[0].reason
    mine, theirs, photo, fwd = posts
    assert all(p.kind == Kind.CHAT and p.conversation == "4001234567" for p in posts)
    assert mine.author is None and theirs.author == "老王"
    assert theirs.text == "收到 一定到，路线看这个 地图 (https://example.com/route)"
    assert theirs.reply_to == "4001234567:102"
    assert theirs.created_at == datetime(2023, 10, 15, 12, 31, 5, tzinfo=CST)  # from date_unixtime
    assert photo.media and photo.text == ""
    assert fwd.ref_author == "跑步研究所"


def test_telegram_full_export_knows_the_owner():
    _, posts, _ = parse("telegram_full_export.json")
    assert {p.conversation for p in posts} == {"1183304502", "2222"}
    assert [p.author for p in posts] == [None, "老王", None]
    assert posts[0].account == "user1183304502"


def test_wechat_memotrace_own_messages_and_types():
    name, posts, rejected = parse("老王_utf8.csv")
    assert name == "wechat"
    assert [p.text for p in posts] == ["新年快乐！", "新年快乐，今年一起跑\n全马见！", "哈哈这个好"]
    assert [p.author for p in posts] == ["老王", None, None]
    assert posts[0].created_at == datetime(2022, 1, 1, 9, 0, tzinfo=CST)
    assert {r.reason.split()[0] for r in rejected} == {"图片", "系统"}


def test_generic_csv_guesses_chinese_columns():
    name, posts, rejected = parse("generic_douban.csv", platform="douban", account="xiaoman")
    assert name == "csv"
    assert [p.text for p in posts] == [
        "看完《海边的曼彻斯特》，后劲很大。",
        "周末去了趟植物园，绣球开得正好。",
    ]
    assert posts[0].platform == "douban" and posts[0].url.endswith("/status/1/")
    assert len(rejected) == 1


def test_generic_jsonl_with_map_and_dotted_paths():
    name, posts, _ = parse(
        "generic_posts.jsonl",
        mapping={"text": "body", "created_at": "time", "account": "user.name", "likes": "stats.likes"},
    )
    assert name == "jsonl"
    assert posts[0].account == "xiaoman" and posts[0].likes == 4 and posts[0].post_id == "a1"


def test_generic_map_to_a_missing_column_names_it():
    with pytest.raises(ImportFormatError, match=r"\[text\].*正文"):
        parse("generic_douban.csv", format="csv", mapping={"text": "正文"})


def test_bad_map_and_tz_are_config_errors():
    from socialbrain.sources.generic import parse_map

    with pytest.raises(ConfigError, match="FIELD=COLUMN"):
        parse_map("text")
    with pytest.raises(ConfigError, match="unknown field"):
        parse_map("body=正文")
    with pytest.raises(ConfigError, match="--tz"):
        _ = ImportOptions(tz="Mars/Olympus").zone


def test_plain_markdown_per_paragraph_with_date_headings():
    name, posts, _ = parse("notes_2019.md")
    assert name == "text"
    assert [(p.created_at.date().isoformat(), p.text) for p in posts] == [
        ("2019-03-08", "今天收到了第一份 offer，在公司楼下的咖啡馆坐了很久。"),
        ("2019-08-12", "和爸妈视频，他们说家里的桂花快开了。"),
        ("2019-08-12", "想家。"),
    ]


def test_plain_text_per_file_takes_the_date_from_the_name():
    _, posts, _ = parse("2020-02-02-备份.txt", per_file=True, platform="diary")
    assert len(posts) == 1 and posts[0].platform == "diary"
    assert posts[0].created_at == datetime(2020, 2, 2, tzinfo=CST) and "\n\n" in posts[0].text


def test_bom_csv_header_is_clean():
    _, posts, _ = parse("bom_generic.csv")
    assert posts[0].text == "带BOM的文件也能读"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("truncated_weibospider.json", r"truncated_weibospider.json:1: not valid JSON .*cut short"),
        ("wrongshape_weibospider.json", r"\[weibo\]: expected"),
    ],
)
def test_malformed_files_fail_with_one_clear_line(name, message):
    with pytest.raises(ImportFormatError, match=message) as e:
        parse(name, format="weibospider-json")
    assert "\n" not in str(e.value)


def test_empty_file_is_named_as_empty():
    with pytest.raises(ImportFormatError, match="empty"):
        detect(FIX / "empty.json")
    with pytest.raises(ImportFormatError, match="empty"):
        parse("empty.json", format="telegram")


def test_cut_short_weibospider_txt_skips_the_cut_post_and_names_it(tmp_path):
    src = (FIX / "weibospider_1669879400.txt").read_text(encoding="utf-8")
    cut = src[: src.index("点赞数: 3")]
    p = tmp_path / "1669879400.txt"
    p.write_text(cut, encoding="utf-8")
    items = list(get_importer("weibospider-txt").parse(p, ImportOptions()))
    posts = [x for x in items if isinstance(x, Post)]
    (rej,) = [x for x in items if isinstance(x, Rejected)]
    assert len(posts) == 2  # the two whole posts import
    assert "cut short" in rej.reason and "发布工具" in (rej.field or "") and rej.line
    assert rej.describe(str(p)).startswith(f"{p}:{rej.line} [") and "今天加班" in rej.describe(str(p))


def test_unknown_format_name_lists_the_known_ones():
    with pytest.raises(ConfigError, match="weibospider-txt"):
        get_importer("myspace")


def test_weibospider_txt_appended_runs_repeat_the_header(tmp_path):
    src = (FIX / "weibospider_1669879400.txt").read_text(encoding="utf-8")
    p = tmp_path / "1669879400.txt"
    p.write_text(src + src, encoding="utf-8")  # weiboSpider appends a header + posts on every run
    posts = [x for x in get_importer("weibospider-txt").parse(p, ImportOptions()) if isinstance(x, Post)]
    assert len(posts) == 6 and posts[3].text == posts[0].text
    assert not any("用户" in x.text for x in posts)


def test_twitter_account_comes_from_manifest_when_account_js_is_missing(tmp_path):
    data = tmp_path / "twitter-2024" / "data"
    data.mkdir(parents=True)
    src = FIX / "twitter-archive" / "data" / "tweets.js"
    (data / "tweets.js").write_bytes(src.read_bytes())
    p = data / "tweets.js"
    alone = [x for x in get_importer("twitter").parse(p, ImportOptions()) if isinstance(x, Post)]
    assert {x.account for x in alone} == {"me"}  # nothing says whose it is
    (data / "manifest.js").write_text(
        'window.__THAR_CONFIG = {\n  "userInfo" : {\n    "accountId" : "1183304502",\n'
        '    "userName" : "xiaoman_lin",\n    "displayName" : "林小满"\n  }\n}', encoding="utf-8"
    )
    known = [x for x in get_importer("twitter").parse(p, ImportOptions()) if isinstance(x, Post)]
    assert {x.account for x in known} == {"xiaoman_lin"} and len(known) == len(alone)


def test_a_note_that_quotes_weibospider_fields_is_skipped_in_a_folder_but_named_when_given(tmp_path):
    from socialbrain.archive import SQLiteArchive
    from socialbrain.sources.ingest import import_paths

    note = tmp_path / "exports" / "格式说明.md"
    note.parent.mkdir()
    note.write_text("# 用户信息\n\n| 字段 | 含义 |\n| 发布时间 | 何时 |\n| 点赞数 | 赞 |\n| 微博内容 | 正文 |\n", encoding="utf-8")
    a = SQLiteArchive(tmp_path / "a.db")
    (in_folder,) = import_paths(a, [note.parent]).files
    assert in_folder.status == "skipped"
    (named,) = import_paths(a, [note]).files
    assert named.status == "failed" and "not a weiboSpider .txt" in (named.message or "")
    assert not [r for r in a.imports() if r["status"] == "running"]
