"""Build the 林小雨 sample archive's export files from the hand-written sources.

Stdlib only and deterministic: the same sources always give byte-identical files.

    python samples/lin-xiaoyu/build.py          # write weibo/, twitter/, wechat/
    python samples/lin-xiaoyu/build.py --check  # rebuild in memory, fail if the files on disk differ

Sources (one record per line, ``#`` starts a comment line, ``\\n`` in a text is a line break):
    source/weibo.psv        时间(北京)|赞|地点|类型|正文
    source/tweets.psv       时间(UTC)|喜欢|转推|类型|回复对象|正文
    source/wechat_mama.psv  时间(北京)|发送者|类型|内容

The sources are .psv (pipe-separated) and this script builds its records with dict(...) rather than quoted
keys, so that `socialbrain import samples/lin-xiaoyu` does not take them for exports (importers sniff content).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
CHINA = timezone(timedelta(hours=8))

WEIBO_UID = "1669879400"
WEIBO_FILE = HERE / "weibo" / f"{WEIBO_UID}.json"
TWEETS_FILE = HERE / "twitter" / "data" / "tweets.js"
ACCOUNT_FILE = HERE / "twitter" / "data" / "account.js"
WECHAT_FILE = HERE / "wechat" / "妈妈_utf8.csv"

BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class SourceError(ValueError):
    """A malformed line in one of the source files."""


def digest(*parts: object) -> int:
    """A stable integer from the given parts (never Python's salted hash())."""
    joined = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha1(joined).digest()[:8], "big")


def to_base62(number: int, width: int = 0) -> str:
    chars = ""
    while number:
        number, rest = divmod(number, 62)
        chars = BASE62[rest] + chars
    return chars.rjust(width, "0") or "0"


def source_lines(name: str, fields: int) -> list[tuple[int, list[str]]]:
    """Non-comment lines of a source file split into exactly `fields` fields (the last keeps any '|')."""
    path = SOURCE / name
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("|", fields - 1)
        if len(parts) != fields:
            raise SourceError(f"{path}:{number}: expected {fields} '|'-separated fields, got {len(parts)}")
        rows.append((number, parts))
    return rows


def unescape(text: str) -> str:
    return text.replace("\\n", "\n")


# ---------------------------------------------------------------- Weibo (weiboSpider JSON)


@dataclass(frozen=True)
class WeiboPost:
    when: datetime
    likes: int
    place: str
    kind: str
    text: str
    line: int


def weibo_mid_to_bid(mid: int) -> str:
    """Weibo's own mid → bid encoding: 7-digit groups from the right, each in base62 (4 chars, first unpadded)."""
    digits = str(mid)
    groups = []
    while digits:
        digits, group = digits[:-7], digits[-7:]
        groups.append(to_base62(int(group), 4 if digits else 0))
    return "".join(reversed(groups))


def weibo_device(when: datetime, salt: int) -> str:
    if when.weekday() < 5 and 10 <= when.hour < 18 and salt % 3 == 0:
        return "微博 weibo.com"
    if when.year <= 2016:
        return "iPhone 6"
    if when.year <= 2018:
        return "iPhone 7"
    if when.year <= 2021:
        return "HUAWEI P30"
    return "iPhone 13"


def read_weibo() -> list[WeiboPost]:
    posts = []
    for number, (stamp, likes, place, kind, text) in source_lines("weibo.psv", 5):
        try:
            when = datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=CHINA)
        except ValueError as exc:
            raise SourceError(f"source/weibo.psv:{number}: bad time {stamp!r}: {exc}") from exc
        if not re.fullmatch(r"o\d?|v|r", kind):
            raise SourceError(f"source/weibo.psv:{number}: unknown kind {kind!r} (use o, o2…o9, v or r)")
        if kind == "r" and text.count("‖") != 2:
            raise SourceError(f"source/weibo.psv:{number}: a repost needs 转发理由‖原始用户‖原文")
        posts.append(WeiboPost(when, int(likes), place.strip(), kind, unescape(text), number))
    posts.sort(key=lambda p: (p.when, p.line))
    return posts


def weibo_record(post: WeiboPost, used_bids: set[str]) -> dict:
    salt = digest("weibo", post.when.isoformat(), post.text)
    start = datetime(2015, 1, 1, tzinfo=CHINA)
    mid = 3_790_000_000_000_000 + int((post.when - start).total_seconds()) * 4_150_000 + salt % 1_000_000
    bid = weibo_mid_to_bid(mid)
    while bid in used_bids:
        mid += 1
        bid = weibo_mid_to_bid(mid)
    used_bids.add(bid)

    if post.kind == "r":
        reason, author, original = post.text.split("‖")
        content = f"{reason}\n原始用户: {author}\n转发内容: {original}"
    else:
        content = post.text
    pictures = "无"
    if post.kind.startswith("o") and len(post.kind) == 2:
        count = int(post.kind[1])
        pictures = ",".join(
            f"https://wx{1 + (salt >> i) % 4}.sinaimg.cn/large/{to_base62(digest(bid, i), 11)}.jpg"
            for i in range(count)
        )
    video = f"https://f.video.weibocdn.com/{to_base62(salt, 11)}.mp4" if post.kind == "v" else "无"
    return dict(
        id=bid,
        user_id=WEIBO_UID,
        content=content,
        article_url="无",
        original_pictures=pictures,
        retweet_pictures="无",
        original=post.kind != "r",
        video_url=video,
        publish_place=post.place if post.place not in ("", "-") else "无",
        publish_time=post.when.strftime("%Y-%m-%d %H:%M"),
        publish_tool=weibo_device(post.when, salt),
        up_num=post.likes,
        retweet_num=post.likes // 12 + salt % 3,
        comment_num=post.likes // 5 + (salt >> 8) % 4,
    )


def build_weibo() -> str:
    posts = read_weibo()
    used: set[str] = set()
    records = [weibo_record(p, used) for p in posts]
    records.reverse()  # weiboSpider writes the newest post first
    user = {
        "id": WEIBO_UID,
        "nickname": "林小雨的雨天",
        "gender": "女",
        "location": "上海 闵行区",
        "birthday": "1992-06-14",
        "description": "写代码，跑步，养猫，捏歪杯子。回声 Echo 的作者。",
        "verified_reason": "无",
        "talent": "无",
        "education": "电子科技大学",
        "work": "无",
        "weibo_num": len(records),
        "following": 213,
        "followers": 1864,
    }
    return json.dumps({"user": user, "weibo": records}, ensure_ascii=False, indent=4) + "\n"


# ---------------------------------------------------------------- Twitter / X archive

TWITTER_EPOCH_MS = 1288834974657
SCREEN_NAME = "linxiaoyu_dev"
ACCOUNT_ID = "1370000000000000001"
DISPLAY_NAMES = {
    "linxiaoyu_dev": "林小雨 Lin Xiaoyu",
    "kiki_tokyo": "Kiki 在东京",
    "indiedevdiary": "Indie Dev Diary",
    "golang": "Go",
    "sh_diary": "Shanghai Diary",
    "tokyo_indie": "Tokyo Indie Devs",
    "echo_user_liang": "Liang",
}
TWEET_SOURCE = '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>'


def snowflake(when: datetime, salt: int) -> int:
    ms = int(when.timestamp() * 1000)
    return ((ms - TWITTER_EPOCH_MS) << 22) | (salt % (1 << 22))


def user_id_for(screen_name: str) -> str:
    if screen_name == SCREEN_NAME:
        return ACCOUNT_ID
    return str(10_000_000 + digest("user", screen_name) % 900_000_000)


def short_link(key: str) -> str:
    return "https://t.co/" + to_base62(digest("tco", key), 10)[-10:]


def tweet_record(number: int, fields: list[str], previous_own_id: str | None) -> dict:
    stamp, favs, rts, kind, reply_to, text = fields
    when = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    if kind not in ("t", "t+m", "rt", "re"):
        raise SourceError(f"source/tweets.psv:{number}: unknown kind {kind!r} (use t, t+m, rt or re)")
    salt = digest("tweet", stamp, text)
    tweet_id = str(snowflake(when, salt))
    text = unescape(text)

    reply_id = reply_user = reply_name = None
    if kind == "re":
        if reply_to in ("", "-"):
            raise SourceError(f"source/tweets.psv:{number}: a reply needs the screen name it replies to")
        reply_name = reply_to
        reply_user = user_id_for(reply_to)
        if reply_to == SCREEN_NAME and previous_own_id:
            reply_id = previous_own_id
        else:
            reply_id = str(snowflake(when - timedelta(hours=3), digest("parent", tweet_id)))
            text = f"@{reply_to} {text}"

    urls = []
    for match in re.finditer(r"\[\[(\S+?)\]\]", text):
        urls.append(match.group(1))
    for expanded in urls:
        text = text.replace(f"[[{expanded}]]", short_link(expanded), 1)
    media_link = None
    if kind == "t+m":
        media_link = short_link("media" + tweet_id)
        text = f"{text} {media_link}"

    entities: dict[str, list] = {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []}
    for match in re.finditer(r"#(\w+)", text):
        entities["hashtags"].append(
            {"text": match.group(1), "indices": [str(match.start()), str(match.end())]}
        )
    for match in re.finditer(r"@(\w+)", text):
        name = match.group(1)
        entities["user_mentions"].append(
            {
                "name": DISPLAY_NAMES.get(name, name),
                "screen_name": name,
                "indices": [str(match.start()), str(match.end())],
                "id_str": user_id_for(name),
                "id": user_id_for(name),
            }
        )
    for expanded in urls:
        link = short_link(expanded)
        start = text.index(link)
        entities["urls"].append(
            {
                "url": link,
                "expanded_url": expanded,
                "display_url": re.sub(r"^https?://", "", expanded)[:26] + ("…" if len(expanded) > 34 else ""),
                "indices": [str(start), str(start + len(link))],
            }
        )
    if media_link:
        start = text.index(media_link)
        media_id = str(snowflake(when - timedelta(seconds=20), salt >> 3))
        media = {
            "expanded_url": f"https://twitter.com/{SCREEN_NAME}/status/{tweet_id}/photo/1",
            "indices": [str(start), str(start + len(media_link))],
            "url": media_link,
            "media_url": f"http://pbs.twimg.com/media/{to_base62(digest('m', tweet_id), 15)}.jpg",
            "media_url_https": f"https://pbs.twimg.com/media/{to_base62(digest('m', tweet_id), 15)}.jpg",
            "id_str": media_id,
            "id": media_id,
            "type": "photo",
            "display_url": f"pic.twitter.com/{to_base62(digest('p', tweet_id), 10)}",
        }
        entities["media"] = [media]

    ascii_share = sum(ch.isascii() for ch in text) / max(len(text), 1)
    display_start = len(f"@{reply_name} ") if kind == "re" and reply_name != SCREEN_NAME else 0
    tweet: dict = {
        "edit_info": {
            "initial": {
                "editTweetIds": [tweet_id],
                "editableUntil": "",
                "editsRemaining": "5",
                "isEditEligible": False,
            }
        },
        "retweeted": False,
        "source": TWEET_SOURCE,
        "entities": entities,
        "display_text_range": [str(display_start), str(len(text))],
        "favorite_count": "0" if kind == "rt" else favs,
        "id_str": tweet_id,
        "truncated": False,
        "retweet_count": rts,
        "id": tweet_id,
        "created_at": when.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "favorited": False,
        "full_text": text,
        "lang": "en" if ascii_share > 0.8 else "zh",
    }
    tweet["edit_info"]["initial"]["editableUntil"] = (when + timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )
    if kind == "re":
        tweet["in_reply_to_status_id_str"] = reply_id
        tweet["in_reply_to_status_id"] = reply_id
        tweet["in_reply_to_user_id"] = reply_user
        tweet["in_reply_to_user_id_str"] = reply_user
        tweet["in_reply_to_screen_name"] = reply_name
    if media_link:
        tweet["extended_entities"] = {"media": entities["media"]}
        tweet["possibly_sensitive"] = False
    return {"tweet": tweet}


def build_tweets() -> str:
    rows = source_lines("tweets.psv", 6)
    rows.sort(key=lambda row: row[1][0])
    records = []
    previous_own_id = None
    for number, fields in rows:
        record = tweet_record(number, fields, previous_own_id)
        records.append(record)
        if fields[3] != "rt":
            previous_own_id = record["tweet"]["id_str"]
    records.reverse()  # archives list the newest tweet first
    return "window.YTD.tweets.part0 = " + json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def build_account() -> str:
    account = {
        "account": {
            "email": "linxiaoyu.dev@example.com",
            "createdVia": "web",
            "username": SCREEN_NAME,
            "accountId": ACCOUNT_ID,
            "createdAt": "2018-03-04T23:05:12.000Z",
            "accountDisplayName": DISPLAY_NAMES[SCREEN_NAME],
        }
    }
    return "window.YTD.account.part0 = " + json.dumps([account], ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- WeChat (MemoTrace CSV)

WECHAT_COLUMNS = [
    "localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime",
    "Status", "StrContent", "StrTime", "Remark", "NickName", "Sender",
]  # fmt: skip
TALKER_ID = 17
ME = ("林小雨", "雨天", "wxid_lxy1992q")
MAMA = ("妈妈", "平安是福", "wxid_zsf1966a")


def wechat_placeholder(kind: str, salt: int) -> str:
    """What MemoTrace leaves in StrContent for non-text messages (XML; importers should not show it as text)."""
    if kind == "3":
        return f'<?xml version="1.0"?><msg><img length="{180000 + salt % 90000}" md5="{salt:016x}" /></msg>'
    if kind == "34":
        return f'<msg><voicemsg voicelength="{3000 + salt % 20000}" length="{9000 + salt % 9000}" /></msg>'
    if kind == "47":
        return f'<msg><emoji fromusername="{MAMA[2]}" md5="{salt:016x}" type="2" /></msg>'
    raise SourceError(f"no placeholder for message type {kind}")


def build_wechat() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(WECHAT_COLUMNS)
    rows = source_lines("wechat_mama.psv", 4)
    rows.sort(key=lambda row: row[1][0])
    for local_id, (number, (stamp, who, kind, content)) in enumerate(rows, start=1):
        when = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
        if who not in ("我", "妈"):
            raise SourceError(f"source/wechat_mama.psv:{number}: sender must be 我 or 妈, got {who!r}")
        msg_type, _, sub_type = kind.partition(":")
        salt = digest("wechat", stamp, content)
        if msg_type == "1":
            text = unescape(content)
        elif msg_type == "49":
            text = (
                '<msg><appmsg appid="" sdkver=""><title>微信转账</title>'
                f"<des>{content}</des><type>{sub_type}</type></appmsg></msg>"
            )
        else:
            text = wechat_placeholder(msg_type, salt)
        person = ME if who == "我" else MAMA
        writer.writerow(
            [
                local_id,
                TALKER_ID,
                msg_type,
                sub_type or "0",
                1 if who == "我" else 0,
                int(when.timestamp()),
                2,
                text,
                when.strftime("%Y-%m-%d %H:%M:%S"),
                *person,
            ]
        )
    return "\ufeff" + out.getvalue()  # MemoTrace writes utf-8-sig


# ---------------------------------------------------------------- questions and expected statistics

QUESTIONS_SOURCE = SOURCE / "questions.json"
QUESTIONS_FILE = HERE / "questions.json"
STATS_FILE = HERE / "expected_stats.json"
MENTION = re.compile(r"(?<![A-Za-z0-9_.])@([\w\u4e00-\u9fff-]+)")  # not the @ inside an e-mail address
TOPIC = re.compile(r"#([^#\s]+)#")


@dataclass(frozen=True)
class Item:
    """One post or message from the built files, as an evaluator sees it."""

    source: str
    id: str
    when: datetime
    text: str
    likes: int
    own_text: str  # the part she wrote herself (a repost's reason)


def items_from(files: dict[Path, str]) -> list[Item]:
    items = []
    for post in json.loads(files[WEIBO_FILE])["weibo"]:
        when = datetime.strptime(post["publish_" + "time"], "%Y-%m-%d %H:%M").replace(tzinfo=CHINA)
        own = post["content"] if post["original"] else post["content"].split("\n原始用户: ")[0]
        items.append(Item("weibo", post["id"], when, post["content"], post["up_num"], own))
    for record in json.loads(files[TWEETS_FILE].split("=", 1)[1]):
        tweet = record["tweet"]
        when = datetime.strptime(tweet["created_at"], "%a %b %d %H:%M:%S %z %Y")
        own = "" if tweet["full_text"].startswith("RT @") else tweet["full_text"]
        items.append(
            Item("twitter", tweet["id_str"], when, tweet["full_text"], int(tweet["favorite_count"]), own)
        )
    for row in csv.DictReader(io.StringIO(files[WECHAT_FILE].lstrip("\ufeff"))):
        when = datetime.fromtimestamp(int(row["CreateTime"]), CHINA)
        own = row["StrContent"] if row["IsSender"] == "1" and row["Type"] == "1" else ""
        items.append(Item("wechat", row["localId"], when, row["StrContent"], 0, own))
    return items


def resolve_evidence(spec: str, items: list[Item]) -> dict:
    """'weibo 2021-05-20 22:40 不快乐的原因' → the post it names, or a SourceError saying what is wrong."""
    try:
        source, day, clock, phrase = spec.split(" ", 3)
    except ValueError as exc:
        raise SourceError(
            f"source/questions.json: evidence {spec!r} is not '<来源> <日期> <时间> <短语>'"
        ) from exc
    stamp = f"{day} {clock}"
    matches = [
        item
        for item in items
        if item.source == source
        and item.when.strftime("%Y-%m-%d %H:%M:%S" if clock.count(":") == 2 else "%Y-%m-%d %H:%M") == stamp
        and phrase in item.text
    ]
    if len(matches) != 1:
        raise SourceError(
            f"source/questions.json: evidence {spec!r} matches {len(matches)} posts, expected 1"
        )
    item = matches[0]
    return {"source": source, "id": item.id, "date": item.when.isoformat(), "phrase": phrase}


def build_questions(items: list[Item]) -> str:
    data = json.loads(QUESTIONS_SOURCE.read_text(encoding="utf-8"))
    for question in data["questions"]:
        for theme in question["themes"]:
            theme["evidence"] = [resolve_evidence(spec, items) for spec in theme["evidence"]]
    for aspect in data["portrait_aspects"]:
        aspect["evidence"] = [resolve_evidence(spec, items) for spec in aspect["evidence"]]
    voices = data["forgotten_voices"]
    voices["evidence"] = [resolve_evidence(spec, items) for spec in voices["evidence"]]
    data["about"] = data["about"].replace(
        "build.py 校验每一项并在 ../questions.json 里补上帖子的原始 id。",
        "本文件由 build.py 从 source/questions.json 生成：每项证据已校验，并补上了帖子在导出文件里的原始 id 和带时区的时间。",
    )
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def year_stats(items: list[Item]) -> dict:
    """The statistics a yearly report must reproduce exactly, in China time (+08:00)."""
    by_month = [0] * 12
    for item in items:
        by_month[item.when.month - 1] += 1
    top = max(items, key=lambda i: (i.likes, -i.when.timestamp()))
    night = [i for i in items if i.when.hour < 5]
    latest = max(night, key=lambda i: (i.when.time(), i.when)) if night else None
    mentions: dict[str, int] = {}
    topics: dict[str, int] = {}
    for item in items:
        for name in MENTION.findall(item.own_text):
            mentions[name] = mentions.get(name, 0) + 1
        for topic in TOPIC.findall(item.text):
            topics[topic] = topics.get(topic, 0) + 1
    ranked = lambda counts: sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))  # noqa: E731
    return {
        "post_count": len(items),
        "posts_by_month": by_month,
        "most_liked": {
            "source": top.source,
            "id": top.id,
            "date": top.when.isoformat(),
            "likes": top.likes,
            "text": top.text,
        },
        "latest_night": (
            {"source": latest.source, "id": latest.id, "date": latest.when.isoformat(), "text": latest.text}
            if latest
            else None
        ),
        "mentions": ranked(mentions),
        "topics": ranked(topics),
    }


def build_stats(items: list[Item]) -> str:
    local = [Item(i.source, i.id, i.when.astimezone(CHINA), i.text, i.likes, i.own_text) for i in items]
    editions = {
        "weibo": [i for i in local if i.source == "weibo"],
        "weibo+twitter": [i for i in local if i.source in ("weibo", "twitter")],
    }
    out: dict = {
        "about": "由 build.py 从导出文件算出的精确统计，供年度报告测试对照。时间一律换算到北京时间 +08:00；"
        "latest_night 是 00:00–05:00 之间钟点最晚的一条；mentions 只数她自己写的部分（转发只数转发理由），"
        "topics 数 #话题#；微信聊天不算帖子。",
        "editions": {},
    }
    for name, chosen in editions.items():
        years = sorted({i.when.year for i in chosen})
        out["editions"][name] = {
            "post_count": len(chosen),
            "years": {str(y): year_stats([i for i in chosen if i.when.year == y]) for y in years},
        }
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- main


def outputs() -> dict[Path, str]:
    files = {
        WEIBO_FILE: build_weibo(),
        TWEETS_FILE: build_tweets(),
        ACCOUNT_FILE: build_account(),
        WECHAT_FILE: build_wechat(),
    }
    items = items_from(files)
    files[QUESTIONS_FILE] = build_questions(items)
    files[STATS_FILE] = build_stats(items)
    return files


def check_parses(files: dict[Path, str]) -> list[str]:
    """Parse every output with the stdlib, the way an importer would, and describe what was found."""
    weibo = json.loads(files[WEIBO_FILE])
    tweets = json.loads(files[TWEETS_FILE].split("=", 1)[1])
    json.loads(files[ACCOUNT_FILE].split("=", 1)[1])
    wechat = list(csv.DictReader(io.StringIO(files[WECHAT_FILE].lstrip("\ufeff"))))
    assert all(len(row) == len(WECHAT_COLUMNS) and None not in row for row in wechat), "ragged CSV row"
    ids = [post["id"] for post in weibo["weibo"]]
    assert len(ids) == len(set(ids)), "duplicate weibo id"
    years = sorted({post["publish_" + "time"][:4] for post in weibo["weibo"]})
    return [
        f"weibo: {len(ids)} posts {years[0]}–{years[-1]}",
        f"twitter: {len(tweets)} tweets",
        f"wechat: {len(wechat)} messages",
    ]


def main(argv: list[str]) -> int:
    files = outputs()
    summary = check_parses(files)
    if "--check" in argv:
        stale = [
            str(p.relative_to(HERE))
            for p, text in files.items()
            if not p.exists() or p.read_bytes() != text.encode("utf-8")
        ]
        if stale:
            print("out of date, run build.py: " + ", ".join(stale), file=sys.stderr)
            return 1
    else:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
    print("; ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
