"""Parse and parse+store throughput per import format, on the same real posts written in every export shape.

    .venv/bin/python -m bench.ingest_formats [--n 20000]      (also printed at the end of `python -m bench.ingest`)

The posts are the first N of ../shared/datasets/weibo-ced/reposts.jsonl.gz (real Weibo text and times), written
as each format's export (weiboSpider txt/csv/json in their current layouts, weibo-crawler 31-column CSV and JSON,
Twitter tweets.js, Mastodon outbox.json, Telegram result.json, WeChat/MemoTrace CSV, generic CSV/JSONL). Each
format runs in a fresh subprocess: ``parse`` is the importer alone (list(parse)), ``parse+store`` a whole
``import_paths`` into a new archive (detect, parse, one transaction). Figures are posts per CPU-second of that
process (what one idle core gives; the machine may be shared) and wall-clock posts/s.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPOSTS = ROOT.parent / "shared" / "datasets" / "weibo-ced" / "reposts.jsonl.gz"

CHILD = """
import json, sys, time
from pathlib import Path
from socialbrain.archive import SQLiteArchive
from socialbrain.sources.base import ImportOptions, detect
from socialbrain.sources.ingest import import_paths
path = Path(sys.argv[2])
imp = detect(path)
c, t = time.process_time(), time.perf_counter()
items = list(imp.parse(path, ImportOptions()))
pc, pt = time.process_time() - c, time.perf_counter() - t
del items
a = SQLiteArchive(Path(sys.argv[1]))
c, t = time.process_time(), time.perf_counter()
r = import_paths(a, [path])
sc, st = time.process_time() - c, time.perf_counter() - t
print(json.dumps({"importer": imp.name, "posts": r.posts, "skipped": r.totals()["rejected"],
                  "parse_cpu": pc, "parse_wall": pt, "all_cpu": sc, "all_wall": st,
                  "failed": [f.message for f in r.failed]}))
"""


def load(n: int) -> list[dict]:
    out = []
    with gzip.open(REPOSTS, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d.get("text", "").strip():
                out.append(d)
            if len(out) >= n:
                break
    return out


def _t(r: dict) -> datetime:
    return datetime.fromisoformat(r["created_at"])


def write_all(recs: list[dict], d: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    # weiboSpider .txt, current layout (weibo_spider/writer/txt_writer.py)
    p = d / "1669879400.txt"
    with open(p, "w", encoding="utf-8") as f:
        f.write("用户信息：\n用户昵称：bench\n用户id：1669879400\n微博数：1\n关注数：1\n粉丝数：1\n\n微博内容：\n")
        for i, r in enumerate(recs):
            f.write(f"{r['text']}\n微博位置：无\n发布时间：{_t(r).strftime('%Y-%m-%d %H:%M')}\n点赞数：{i % 9}\n"
                    f"转发数：{i % 5}\n评论数：{i % 3}\n发布工具：iPhone客户端\n\n")
    files["weibospider-txt"] = p
    p = d / "1669879400_spider.csv"
    with open(p, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["微博id", "微博正文", "原始图片url", "微博视频url", "发布位置", "发布时间", "发布工具", "点赞数",
                    "转发数", "评论数"])
        for i, r in enumerate(recs):
            w.writerow([f"M{i:08d}", r["text"], "无", "无", "无", _t(r).strftime("%Y-%m-%d %H:%M"), "iPhone", i % 9,
                        i % 5, i % 3])
    files["weibospider-csv"] = p
    p = d / "1669879400_spider.json"
    weibo = [{"id": f"M{i:08d}", "content": r["text"], "publish_time": _t(r).strftime("%Y-%m-%d %H:%M"),
              "publish_place": "无", "publish_tool": "iPhone", "up_num": i % 9, "retweet_num": i % 5,
              "comment_num": i % 3, "original_pictures": "无", "video_url": "无"} for i, r in enumerate(recs)]
    p.write_text(json.dumps({"user": {"id": "1669879400"}, "weibo": weibo}, ensure_ascii=False, indent=4),
                 encoding="utf-8")
    files["weibospider-json"] = p
    base = ["id", "bid", "正文", "头条文章url", "原始图片url", "视频url", "位置", "日期", "工具", "点赞数", "评论数", "转发数",
            "话题", "@用户"]
    p = d / "1669879400_crawler.csv"
    with open(p, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(base + ["是否原创", "源用户id", "源用户昵称"] + ["源微博" + h for h in base])
        for i, r in enumerate(recs):
            w.writerow([f"{4000000000000000 + i}\t", f"B{i}", r["text"], "", "", "", "", _t(r).strftime("%Y-%m-%d"),
                        "iPhone", i % 9, i % 3, i % 5, "", "", True])
    files["weibo-crawler-csv"] = p
    p = d / "1669879400_crawler.json"
    weibo = [{"user_id": 1669879400, "screen_name": "bench", "id": 4000000000000000 + i, "bid": f"B{i}",
              "text": r["text"], "pics": "", "video_url": "", "location": "", "created_at": _t(r).strftime("%Y-%m-%d"),
              "source": "iPhone", "attitudes_count": i % 9, "comments_count": i % 3, "reposts_count": i % 5,
              "full_created_at": _t(r).strftime("%Y-%m-%d %H:%M:%S")} for i, r in enumerate(recs)]
    p.write_text(json.dumps({"user": {"id": "1669879400"}, "weibo": weibo}, ensure_ascii=False), encoding="utf-8")
    files["weibo-crawler-json"] = p
    tw = d / "twitter" / "data"
    tw.mkdir(parents=True)
    tweets = [{"tweet": {"id_str": str(10**18 + i), "full_text": r["text"], "favorite_count": str(i % 9),
                         "retweet_count": str(i % 5), "source": "<a href=\"x\">Twitter Web App</a>",
                         "created_at": _t(r).astimezone(UTC).strftime("%a %b %d %H:%M:%S +0000 %Y"),
                         "entities": {"urls": [], "media": []}}} for i, r in enumerate(recs)]
    (tw / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps(tweets, ensure_ascii=False),
                                  encoding="utf-8")
    files["twitter"] = tw / "tweets.js"
    items = [{"id": f"https://m.example/users/me/statuses/{i}/activity", "type": "Create",
              "actor": "https://m.example/users/me", "published": _t(r).astimezone(UTC).isoformat(),
              "object": {"id": f"https://m.example/users/me/statuses/{i}", "type": "Note",
                         "published": _t(r).astimezone(UTC).isoformat(), "content": f"<p>{r['text']}</p>",
                         "to": ["https://www.w3.org/ns/activitystreams#Public"]}} for i, r in enumerate(recs)]
    p = d / "outbox.json"
    p.write_text(json.dumps({"@context": "https://www.w3.org/ns/activitystreams", "type": "OrderedCollection",
                             "orderedItems": items}, ensure_ascii=False), encoding="utf-8")
    files["mastodon"] = p
    msgs = [{"id": i, "type": "message", "date": _t(r).strftime("%Y-%m-%dT%H:%M:%S"),
             "date_unixtime": str(int(_t(r).timestamp())), "from": "林小满" if i % 3 else "老王",
             "from_id": "user1" if i % 3 else "user2", "text": r["text"]} for i, r in enumerate(recs)]
    p = d / "result.json"
    p.write_text(json.dumps({"name": "跑步群", "type": "private_group", "id": 42, "messages": msgs},
                            ensure_ascii=False), encoding="utf-8")
    files["telegram"] = p
    p = d / "老王_utf8.csv"
    with open(p, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status", "StrContent",
                    "StrTime", "Remark", "NickName", "Sender"])
        for i, r in enumerate(recs):
            w.writerow([i, "wxid_w", 1, 0, i % 2, int(_t(r).timestamp()), 2, r["text"],
                        _t(r).strftime("%Y-%m-%d %H:%M:%S"), "老王", "王", "wxid_w"])
    files["wechat"] = p
    p = d / "posts.jsonl"
    with open(p, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps({"id": r["id"], "created_at": r["created_at"], "text": r["text"]}, ensure_ascii=False)
                    + "\n")
    files["jsonl"] = p
    return files


def run(n: int) -> None:
    if not REPOSTS.exists():
        print(f"per-format ingest: skipped (shared data set absent: {REPOSTS})")
        return
    recs = load(n)
    print(f"per-format ingest — real: weibo-ced reposts ({len(recs):,} posts written in each format); "
          "posts per CPU-second of the import process; wall clock last (the machine may be shared)")
    print(f"{'format':<20} | {'posts':>7} | {'parse /CPU-s':>12} | {'parse+store /CPU-s':>18} | "
          f"{'parse+store /s (wall)':>21} | {'file MB':>7}")
    with tempfile.TemporaryDirectory(prefix="sb-bench-formats-") as tmp:
        files = write_all(recs, Path(tmp))
        for i, (fmt, path) in enumerate(files.items()):
            out = subprocess.run([sys.executable, "-c", CHILD, str(Path(tmp) / f"a{i}.db"), str(path)],
                                 capture_output=True, text=True, cwd=ROOT)
            if out.returncode != 0:
                print(f"{fmt:<20} | failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(out.stdout)
            k = r["posts"]
            mb = path.stat().st_size / 1024**2
            note = f"  (detected as {r['importer']})" if r["importer"] != fmt else ""
            if r["failed"]:
                note += f"  failed: {r['failed'][0]}"
            print(f"{fmt:<20} | {k:>7,} | {k / max(r['parse_cpu'], 1e-9):>12,.0f} | "
                  f"{k / max(r['all_cpu'], 1e-9):>18,.0f} | {k / max(r['all_wall'], 1e-9):>21,.0f} | {mb:>7.1f}{note}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    run(ap.parse_args().n)


if __name__ == "__main__":
    main()
