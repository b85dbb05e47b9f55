"""Public editions: PII and other people's names gone from every output format, private and hidden posts left out,
sections chosen, and the dry run lists what would be published."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from insights_fixtures import EXPECTED_2015, PII, build_archive

from socialbrain.insights.portrait import portrait
from socialbrain.insights.publish import publication_items
from socialbrain.insights.render import write_report
from socialbrain.insights.yearly import year_review

LEAKS = [
    PII["phone"],
    PII["friend"],
    PII["friend_en"],
    PII["email"],
    PII["id_card"],
    PII["address"],
    "漕溪北路",
    PII["private"],
    PII["hidden"],
]


@pytest.fixture
def brain(data_dir: Path):
    b = build_archive(data_dir)
    yield b
    b.close()


def _assert_no_leaks(blob: bytes, where: str) -> None:
    for secret in LEAKS:
        assert secret.encode("utf-8") not in blob, f"{secret!r} leaked into {where}"


@pytest.mark.parametrize("year", [2015, "all"])
def test_year_review_public_has_no_pii_in_any_format(brain, tmp_path: Path, year) -> None:
    private = year_review(brain, year, use_llm=False)
    assert PII["friend"] in json.dumps(private, ensure_ascii=False)  # the private edition does show them
    r = year_review(brain, year, use_llm=False, public=True)
    assert r["public"] is True and r["redactions"] > 0
    for fmt in ("json", "md", "html"):
        out = write_report(r, fmt, tmp_path / f"r.{fmt}")
        _assert_no_leaks(out.read_bytes(), fmt)
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "某人A" in text and "[手机号]" in text
    assert "<svg" in text


def test_public_png_card_has_no_pii(brain, tmp_path: Path) -> None:
    from socialbrain.insights.render.png import card_html

    r = year_review(brain, 2015, use_llm=False, public=True)
    _assert_no_leaks(card_html(r).encode(), "card html")
    png = write_report(r, "png", tmp_path / "card.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    _assert_no_leaks(png, "png")
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert (width, height) == (780, 1688)  # 390×844 phone viewport at 2×


def test_public_leaves_out_private_posts(brain) -> None:
    private = year_review(brain, 2015, use_llm=False)
    public = year_review(brain, 2015, use_llm=False, public=True)
    n = EXPECTED_2015["post_count"]  # Beijing time: the New York post of Dec 31 is 2016's
    assert private["post_count"] == n and public["post_count"] == n - 1
    assert public["most_liked"]["likes"] == 120
    assert public["most_liked"]["text"].startswith("和@某人A 吃饭")


def test_pseudonyms_are_consistent_across_the_report(brain) -> None:
    r = year_review(brain, 2015, use_llm=False, public=True)
    assert ["某人A", 2] in r["people"]
    blob = json.dumps(r, ensure_ascii=False)
    assert "@某人A" in blob and "@某人B" in blob
    assert r["most_liked"]["text"].count("某人A") == 1


def test_sections_choose_what_is_published(brain) -> None:
    r = year_review(brain, 2015, use_llm=False, public=True, sections=["overview", "rhythm"])
    assert "posts_by_month" in r and "rhythm" in r
    for gone in ("most_liked", "top_words", "people", "latest_night", "calendar", "mood_by_month"):
        assert gone not in r
    assert {s["id"] for s in r["sections"]} <= {"overview"}


def test_portrait_public_has_no_pii(brain, tmp_path: Path) -> None:
    r = portrait(brain, use_llm=False, public=True)
    for fmt in ("json", "md", "html"):
        _assert_no_leaks(write_report(r, fmt, tmp_path / f"p.{fmt}").read_bytes(), fmt)


def test_dry_run_lists_posts_and_strings(brain) -> None:
    r = year_review(brain, 2015, use_llm=False, public=True)
    items = publication_items(r)
    assert r["most_liked"]["id"] in items["posts"]
    assert any("某人A" in s for s in items["strings"])
    assert (f"@{PII['friend']}", "@某人A") in [tuple(x) for x in items["replacements"]]
    _assert_no_leaks("\n".join(items["strings"]).encode(), "dry-run strings")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "socialbrain"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, timeout=240)


def test_cli_report_year_dry_run_and_write(brain, tmp_path: Path) -> None:
    brain.close()
    dry = _cli("report", "year", "2015", "--public", "--dry-run", "--no-llm", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "would be published" in dry.stdout and "nothing written" in dry.stdout
    assert "某人A" in dry.stdout and PII["phone"] in dry.stdout  # the replacements list shows what was hidden
    assert not list(tmp_path.glob("report-*"))
    out = tmp_path / "y.md"
    done = _cli(
        "report", "year", "2015", "--public", "--format", "md", "-o", str(out), "--no-llm", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    _assert_no_leaks(out.read_bytes(), "cli md")
    bad = _cli("report", "year", "1999", "--no-llm", cwd=tmp_path)
    assert bad.returncode == 2 and "error: year: no posts in 1999; years with posts: " in bad.stderr
    # the one year checker the web's POST /api/reports uses too: the same line, before anything is computed
    not_a_year = _cli("report", "year", "last", "--no-llm", cwd=tmp_path)
    assert not_a_year.returncode == 2
    assert "error: year: use a year like 2016 or 'all', not 'last'" in not_a_year.stderr
    bad_section = _cli("report", "year", "--sections", "secrets", "--no-llm", cwd=tmp_path)
    assert bad_section.returncode == 2 and "secrets" in bad_section.stderr


def test_cli_hide_then_report_with_llm(brain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from socialbrain.testing.llm_server import start_server

    liked = year_review(brain, 2015, use_llm=False)["most_liked"]
    brain.close()
    hid = _cli("hide", str(liked["id"]), cwd=tmp_path)
    assert hid.returncode == 0, hid.stderr
    server = start_server()
    try:
        monkeypatch.setenv("SOCIALBRAIN_LLM_URL", server.url)
        monkeypatch.setenv("SOCIALBRAIN_LLM_MODEL", "test-model")
        out = tmp_path / "y.json"
        done = _cli("report", "year", "2015", "--format", "json", "-o", str(out), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    finally:
        server.stop()
    r = json.loads(out.read_text(encoding="utf-8"))
    assert r["post_count"] == EXPECTED_2015["post_count"] - 1 and r["most_liked"]["id"] != liked["id"]
    assert r["narrative_by"] == "llm:test-model@" + server.url.split("//")[1].split("/")[0]
    assert PII["private"] not in json.dumps(r, ensure_ascii=False)  # hidden now: gone from every part
    assert server.chat_requests and all(PII["private"] not in q.body.decode() for q in server.chat_requests)


def test_cli_asks_before_sending_posts_to_a_remote_llm(brain, tmp_path: Path, monkeypatch) -> None:
    brain.close()
    # a non-loopback address (TEST-NET-1, never routed): nothing may be sent before the user says yes
    monkeypatch.setenv("SOCIALBRAIN_LLM_URL", "http://192.0.2.1:9/v1")
    monkeypatch.setenv("SOCIALBRAIN_LLM_MODEL", "remote-model")
    out = tmp_path / "y.json"
    exe = Path(sys.executable).parent / "socialbrain"
    r = subprocess.run(
        [str(exe), "report", "year", "2015", "--format", "json", "-o", str(out)],
        input="n\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=240,
    )
    assert r.returncode == 0, r.stderr
    sent = f"about to send {EXPECTED_2015['post_count']} posts"
    assert sent in r.stderr and "prompt tokens" in r.stderr and "192.0.2.1" in r.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["narrative_by"] == "statistics"
