"""A corpus of malformed import inputs across every format, generated from the good fixtures.

``make_corpus(dest)`` writes the files and returns ``[(name, path)]``; tests import each one and check: no
traceback, nothing half-imported, one clear line. Kinds: truncations, NUL bytes, wrong encodings, empty and
blank files, binary junk, JSON nested 100k deep / lone surrogates / 1e309 counts / wrong shapes, 10 MB lines,
ragged CSV, unclosed and swallowing quotes, zip traversal, bad-CRC and corrupt-deflate zips, zip bombs, symlink
loops, FIFOs, folders named like files, unreadable files.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
from pathlib import Path

FORMATS = Path(__file__).resolve().parent.parent / "fixtures" / "formats"
LAYOUTS = Path(__file__).resolve().parent.parent / "fixtures" / "weibo_layouts"

# one good file per importer: each is cut, poisoned and mis-encoded below
GOOD = {
    "weibospider.txt": LAYOUTS / "spider_txt_2020_d6a4c9f.txt",
    "weibospider_old.txt": LAYOUTS / "spider_txt_2018_b7205a7.txt",
    "weibospider.csv": LAYOUTS / "spider_csv_2281aef.csv",
    "weibospider.json": LAYOUTS / "spider_json_2020_json_writer.json",
    "crawler.csv": LAYOUTS / "crawler_csv_2020_bf2f291_31col.csv",
    "crawler.json": LAYOUTS / "crawler_json_html.json",
    "tweets.js": FORMATS / "twitter-archive" / "data" / "tweets.js",
    "outbox.json": FORMATS / "mastodon-archive" / "outbox.json",
    "telegram.json": FORMATS / "telegram_result.json",
    "wechat.csv": FORMATS / "老王_utf8.csv",
    "generic.jsonl": FORMATS / "generic_posts.jsonl",
    "notes.md": FORMATS / "notes_2019.md",
}


def _zip_with(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _corrupt_crc(zdata: bytes) -> bytes:
    """Flip the CRC-32 in the first local header and the central directory: the data reads, the check fails."""
    b = bytearray(zdata)
    crc_local = struct.unpack_from("<I", b, 14)[0]
    wrong = struct.pack("<I", crc_local ^ 0xDEADBEEF)
    b[14:18] = wrong
    cd = b.rfind(b"PK\x01\x02")
    b[cd + 16 : cd + 20] = wrong
    return bytes(b)


def _corrupt_deflate(zdata: bytes) -> bytes:
    b = bytearray(zdata)
    start = 30 + struct.unpack_from("<H", b, 26)[0] + struct.unpack_from("<H", b, 28)[0]
    for i in range(start + 2, min(start + 40, len(b))):
        b[i] ^= 0x5A
    return bytes(b)


def make_corpus(dest: Path) -> list[tuple[str, Path]]:
    dest.mkdir(parents=True, exist_ok=True)
    out: list[tuple[str, Path]] = []

    def put(name: str, data: bytes | str) -> Path:
        p = dest / name
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        out.append((name, p))
        return p

    for key, src in GOOD.items():
        data = src.read_bytes()
        stem, dot, ext = key.rpartition(".")
        put(f"{stem}_truncated_half.{ext}", data[: len(data) // 2])
        put(f"{stem}_truncated_3_bytes.{ext}", data[:3])
        put(f"{stem}_nul_bytes.{ext}", data[:200] + b"\x00" * 64 + data[200:])
        put(f"{stem}_utf16_no_bom.{ext}", data.decode("utf-8-sig", "replace").encode("utf-16-le"))
        put(f"{stem}_latin1_junk.{ext}", bytes(range(0x80, 0x100)) * 40)
    put("blank.txt", "   \n\n\t\n")
    put("empty.json", b"")
    put("empty.csv", b"")
    put("random_binary.json", os.urandom(4096))
    put("png_named.csv", b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    put("deep_weibo.json", '{"weibo": [{"content": "x", "publish_time": "2020-01-01 10:00", "up_num": '
        + "[" * 100_000 + "]" * 100_000 + "}]}")
    put("deep_plain.json", "[" * 200_000 + "]" * 200_000)
    put("deep_jsonl.jsonl", '{"text": "a", "created_at": "2020-01-01", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    spider = json.loads(GOOD["weibospider.json"].read_text(encoding="utf-8"))
    bad = json.loads(json.dumps(spider))
    bad["weibo"][0]["content"] = "坏\ud800字"
    put("lone_surrogate_weibospider.json", json.dumps(bad, ensure_ascii=True))
    inf = GOOD["crawler.json"].read_text(encoding="utf-8").replace('"attitudes_count": 12', '"attitudes_count": 1e309')
    put("huge_count_crawler.json", inf)
    put("wrong_shape_weibo.json", '{"weibo": {"content": "不是列表", "publish_time": "2020-01-01"}}')
    put("weibo_items_not_objects.json", '{"weibo": [1, "two", null], "user": {}}')
    put("huge_line.txt", "很长的一行" * (10 * 1024 * 1024 // 15) + "\n")
    put("huge_line_weibospider.txt", "用户信息：\n用户id：1\n\n微博内容：\n" + "长" * (10 * 1024 * 1024 // 3)
        + "\n发布时间：2020-01-01 10:00\n点赞数：1\n\n")
    crawler_csv = GOOD["crawler.csv"].read_bytes().decode("utf-8-sig")
    header, *rows = crawler_csv.split("\r\n")
    put("unclosed_quote.csv", header + "\r\n" + rows[0] + '\r\n4458119999999999\t,bid,"没有结束的引号,,,,,,2020-01-01\r\n'
        + "\r\n".join(rows[1:]))
    many = "\r\n".join(f"44581{i:011d}\t,b{i},第{i}条,,,,,2020-01-{i % 28 + 1:02d},网页,1,1,1,,," for i in range(20))
    put("swallowing_quote.csv", header + "\r\n" + '4458110000000099\t,bx,"开始的引号\r\n' + many + '\r\n结束",,,,,2020-02-01,x,1,1,1,,,\r\n')
    put("ragged.csv", header + "\r\n" + "1,2\r\n" + "x" * 5 + "\r\n" + ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\r\n")
    put("header_only.csv", header + "\r\n")
    put("weibospider_no_dates_2016.txt", (LAYOUTS / "spider_txt_2016_d0d2f00_gbk.txt").read_bytes())
    put("weibospider_bad_dates.txt", "用户信息：\n用户id：1\n\n微博内容：\n一条\n发布时间：昨天的昨天\n点赞数：1\n\n")
    put("traversal.zip", _zip_with({"../../evil.json": b"{}", "ok.txt": "正常的一行\n".encode()}))
    put("absolute.zip", _zip_with({"/etc/evil.txt": b"x"}))
    good_zip = _zip_with({"1669879400.txt": GOOD["weibospider.txt"].read_bytes()})
    put("bad_crc.zip", _corrupt_crc(good_zip))
    put("corrupt_deflate.zip", _corrupt_deflate(good_zip))
    put("truncated.zip", good_zip[: len(good_zip) // 2])
    put("bomb.zip", _zip_with({"a.txt": b"\x00" * (20 * 1024 * 1024)}))
    put("not_a_zip.zip", b"PK\x03\x04 definitely not a zip")
    loop = dest / "symlink_loop.json"
    loop.symlink_to(dest / "symlink_loop_b.json")
    (dest / "symlink_loop_b.json").symlink_to(loop)
    out.append(("symlink_loop.json", loop))
    dangling = dest / "dangling.csv"
    dangling.symlink_to(dest / "does_not_exist.csv")
    out.append(("dangling.csv", dangling))
    fifo = dest / "pipe.txt"
    os.mkfifo(fifo)
    out.append(("pipe.txt", fifo))
    folder = dest / "folder_named.json"
    folder.mkdir()
    (folder / "inner.bin").write_bytes(b"\x00\x01")
    out.append(("folder_named.json", folder))
    locked = put("unreadable.txt", "2020-01-01 不能读的文件\n")
    locked.chmod(0)
    return out

