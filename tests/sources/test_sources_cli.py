"""The archive commands through the real CLI app (typer's CliRunner, in a fresh data directory)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialbrain.archive import SQLiteArchive
from socialbrain.cli.main import app

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "formats"


@pytest.fixture
def cli(data_dir, monkeypatch):
    monkeypatch.setenv("SOCIALBRAIN_EMBEDDER", "none")
    monkeypatch.setenv("COLUMNS", "160")
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return run


def _archive(data_dir: Path) -> SQLiteArchive:
    return SQLiteArchive(data_dir / "archive.db")


def test_import_prints_a_summary_and_reimport_is_unchanged(cli, data_dir):
    r = cli("import", str(FIX / "weibospider_1669879400.txt"), str(FIX / "老王_utf8.csv"), "--no-index")
    assert r.exit_code == 0, r.output
    assert "weibospider-txt" in r.output and "wechat" in r.output
    assert "图片 image message has no text" in r.output  # rejected, with the reason
    r = cli("import", str(FIX / "weibospider_1669879400.txt"), "--no-index")
    row = next(line for line in r.output.splitlines() if "weibospider_1669879400.txt" in line)
    assert [c.strip() for c in row.split("│")[3:8]] == ["0", "0", "3", "0", "0"]
    assert _archive(data_dir).count() == 6


def test_import_failure_is_one_line_and_exit_2(cli, data_dir):
    r = cli("import", str(FIX / "truncated_weibospider.json"), "--no-index")
    assert r.exit_code == 2
    assert "truncated_weibospider.json:1: not valid JSON" in r.output
    assert _archive(data_dir).count() == 0


def test_generic_import_with_map_platform_account_tz(cli, data_dir):
    r = cli(
        "import",
        str(FIX / "generic_posts.jsonl"),
        "--map",
        "text=body,created_at=time",
        "--platform",
        "diary",
        "--account",
        "xm",
        "--tz",
        "Europe/Berlin",
        "--no-index",
    )
    assert r.exit_code == 0, r.output
    (p, _) = list(_archive(data_dir).iter_posts())
    assert (p.platform, p.account, p.created_at.isoformat()) == ("diary", "xm", "2021-07-01T08:00:00+02:00")
    r = cli("import", str(FIX / "generic_posts.jsonl"), "--map", "body", "--no-index")
    assert r.exit_code == 2 and "FIELD=COLUMN" in r.output


def test_import_hide_and_forget_keep_the_index_current(cli, data_dir):
    from socialbrain.brain import Brain

    def in_step() -> bool:
        brain = Brain.open(data_dir)
        try:
            return (
                brain.index.applied_seq() == brain.archive.last_change_seq()
                and brain.index.counts()["units"] > 0
            )
        finally:
            brain.close()

    r = cli("import", str(FIX / "notes_2019.md"))
    assert r.exit_code == 0, r.output
    assert "warning" not in r.output and _archive(data_dir).count() == 3
    assert in_step()
    pid = next(_archive(data_dir).iter_posts()).id
    assert cli("hide", str(pid)).exit_code == 0 and in_step()
    assert cli("forget", "--id", str(pid), "--yes").exit_code == 0 and in_step()


def test_stats_timeline_show_export(cli, data_dir, tmp_path):
    assert cli("import", str(FIX), "--no-index").exit_code == 2  # the folder holds deliberately broken files
    r = cli("stats")
    assert r.exit_code == 0 and "1669879400" in r.output and "2016" in r.output
    r = cli("timeline", "--platform", "weibo", "--since", "2016-05", "--until", "2016-05", "--limit", "3")
    assert r.exit_code == 0 and "跑完十公里" in r.output and "3 of 4 posts" in r.output
    r = cli("timeline", "--kind", "chat", "--desc", "-n", "1")
    assert "配速不是越快越好" in r.output
    assert cli("timeline", "--kind", "tweet").exit_code == 2
    pid = _archive(data_dir).iter_posts().__next__().id
    r = cli("show", str(pid), "--raw")
    assert r.exit_code == 0 and "GBK" in r.output and "发布工具" in r.output
    assert cli("show", "99999").exit_code == 2
    out = tmp_path / "all.jsonl"
    r = cli("export", "-o", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == _archive(data_dir).count()
    assert json.loads(lines[0])["text"] == "用 GBK 保存的旧文件，中文也要读对。"
    r = cli("export", "--platform", "twitter")
    assert [json.loads(x)["platform"] for x in r.stdout.splitlines()] == ["twitter"] * 4


def test_forget_asks_then_deletes_for_good(cli, data_dir):
    cli("import", str(FIX / "twitter-archive" / "data" / "tweets.js"), "--no-index")
    assert cli("forget").exit_code == 2  # refuses without a filter
    r = cli("forget", "--platform", "twitter", "--since", "2023-02-19", input="n\n")
    assert r.exit_code == 1 and "forget 3 posts" in r.output  # 2023-02-19 starts at 16:00 UTC the day before
    assert _archive(data_dir).count() == 4
    r = cli("forget", "--platform", "twitter", "--since", "2023-02-19", "--yes")
    assert r.exit_code == 0 and "forgot 3 posts" in r.output
    r = cli("import", str(FIX / "twitter-archive" / "data" / "tweets.js"), "--no-index")
    assert _archive(data_dir).count() == 1  # tombstones keep them out


def test_hide_unhide_and_imports_history(cli, data_dir):
    cli("import", str(FIX / "mastodon-archive" / "outbox.json"), "--no-index")
    a = _archive(data_dir)
    pid = next(a.iter_posts()).id
    assert cli("hide", str(pid)).exit_code == 0
    assert a.count() == 3
    assert "搬到长毛象" not in cli("timeline").output
    assert cli("unhide", str(pid)).exit_code == 0 and a.count() == 4
    assert cli("hide", "424242").exit_code == 2
    r = cli("imports")
    assert r.exit_code == 0 and "mastodon" in r.output and "done" in r.output


def test_import_help_lists_every_format_name():
    from socialbrain.sources.base import importers

    r = CliRunner().invoke(app, ["import", "--help"], env={"COLUMNS": "300"})
    flat = " ".join(r.output.split())
    missing = [i.name for i in importers() if i.name not in flat]
    assert not missing, f"import --help does not name: {missing}"


def test_a_run_with_no_posts_says_so_and_fails(cli, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "notes.bin").write_bytes(bytes(range(32)) * 10)
    r = cli("import", str(folder), "--no-index")
    assert r.exit_code == 1 and "no posts found: none of the 1 file(s) looked at is a known export format" in r.output
    header_only = tmp_path / "1669879400.csv"
    header_only.write_text("id,bid,正文,日期\n", encoding="utf-8")
    r = cli("import", str(header_only), "--no-index")
    assert r.exit_code == 1 and "no posts found in the file" in r.output
    r = cli("import", str(FIX / "weibospider_1669879400.txt"), "--no-index")
    assert r.exit_code == 0
    r = cli("import", str(FIX / "weibospider_1669879400.txt"), "--no-index")  # all unchanged: still a success
    assert r.exit_code == 0 and "error" not in r.output


def test_stats_tells_own_posts_from_others_chat_messages(cli):
    cli("import", str(FIX / "telegram_full_export.json"), "--no-index")
    r = cli("stats")
    flat = " ".join(r.output.split())
    assert "自己的 2 条 own" in flat and "他人的聊天消息 1 条" in flat
    s = json.loads(cli("stats", "--json").output)
    assert s["own"] + s["others"] == s["total"] and s["own"] and s["others"]
