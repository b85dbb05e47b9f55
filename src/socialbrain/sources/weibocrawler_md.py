"""dataabc/weibo-crawler's markdown output (``write_mode: ["markdown"]``, since 2026-01).

Its writer (``generate_markdown_file`` in weibo.py; fixtures made by that code: tests/fixtures/weibo_layouts/
make_markdown.py) writes one file per day, month, year or for everything (``markdown_split_by``)::

    ## 2018-05-04 [林小满] 微博存档          (or 2018-05, 2018, 全量)

    ### 21:30:00                            (### 2018-05-04 21:30:00 outside day files)
    <!-- weibo_id: 4458112696568562 -->
    the text, with [网页链接](url) and ![查看图片](img/…) in place of those words (2026-04 on)

    ![img](img/2018-05-04_21-30-00_1.jpg)   (![image](…) before 2026-04; [视频](原创微博视频/…) …)

    > 转发: the reposted text               (before 2026-04 only its first line is quoted)

    ---

A later crawl appends below. Posts are found by their ``### time`` + ``<!-- weibo_id -->`` lines; the date of a
time-only heading comes from the title (or a ``YYYY-MM-DD.md`` file name). The file names no account: it is the
user id of the same crawl's ``<uid>.csv``/``<uid>.json`` beside it (so its posts are the ones those files hold),
else a numeric folder name (``user_id_as_folder_name``), else the screen name in the title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import ImportFormatError
from ..models import Post
from .base import ImportOptions, Rejected, register, snippet
from .fields import date_field, head_text
from .files import read_text
from .weibo_common import PLATFORM, weibo_mid, weibo_post

_TITLE = re.compile(r"^## (?P<when>\S+) \[(?P<user>.*)\] 微博存档[ \t]*$", re.M)
_POST = re.compile(r"^### (?P<when>[^\n]*?)[ \t]*\n<!-- weibo_id: (?P<id>[^\n]*?) -->[ \t]*$", re.M)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}:\d{2}")
_UID = re.compile(r"\d{5,}")
# lines the writer adds for media: pictures (img/…), videos and Live Photos (relative paths), quoted or not
_MEDIA = re.compile(
    r"^(?:> ?)?(?:!\[[^\]\n]*\]\((?P<img>img/[^)\n]+)\)"
    r"|\[(?:转发)?(?:视频|Live Photo)(?: \d+)?\]\((?P<video>[^)\n]+)\))[ \t]*$"
)
_LINK = re.compile(r"\[网页链接\]\((?P<url>[^)\s]+)\)")
_REPOST = "> 转发: "


def _account(path: Path, title_user: str | None) -> str:
    """The crawl's user id (a ``<uid>.csv``/``.json`` beside the file or one folder up, or a numeric folder),
    else the screen name of the title, else the folder's name."""
    # day_by_month files sit in YYYY-MM folders under the user's folder
    folders = [path.parent, path.parent.parent] if _MONTH.fullmatch(path.parent.name) else [path.parent]
    for d in folders:
        try:
            uids = {f.stem for f in d.iterdir() if f.suffix in (".csv", ".json") and _UID.fullmatch(f.stem)}
        except OSError:
            uids = set()
        if len(uids) == 1:
            return uids.pop()
        if _UID.fullmatch(d.name):
            return d.name
    return title_user or folders[-1].name or "weibo"


def _text_and_media(lines: list[str]) -> tuple[str, list[str]]:
    """Text without the media lines the writer added; ``[网页链接](url)`` → the url."""
    kept: list[str] = []
    media: list[str] = []
    for line in lines:
        m = _MEDIA.match(line)
        if m:
            media.append(m.group("img") or m.group("video"))
            continue
        kept.append(_LINK.sub(lambda lm: lm.group("url"), line))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return text, media


def _split(body: str) -> tuple[list[str], list[str] | None]:
    """(the post's own lines, the reposted post's lines or None) of one post's body."""
    lines = body.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(_REPOST)), None)
    if start is None:
        return lines, None
    quoted = [lines[start][len(_REPOST) :]]
    for line in lines[start + 1 :]:
        # 2026-04 on: every reposted line quoted ("> …", ">" for an empty one); before, only the first
        quoted.append(line[2:] if line.startswith("> ") else "" if line == ">" else line)
    return lines[:start], quoted


class WeiboCrawlerMarkdown:
    name = "weibo-crawler-md"
    platform = PLATFORM
    description = (
        "weibo-crawler .md (## 日期 [昵称] 微博存档, then ### 时间 + <!-- weibo_id: N --> per post; split by day,"
        " month, year or all)"
    )

    def sniff(self, path: Path, head: bytes) -> float:
        t = head_text(head)
        if "<!-- weibo_id: " in t and _POST.search(t):
            return 0.95
        return 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        shown = str(path)
        text = read_text(path, shown).replace("\r\n", "\n")
        heads = list(_POST.finditer(text))
        if not heads:
            raise ImportFormatError(shown, "no '### time' + '<!-- weibo_id: N -->' post headings", line=1)
        title = _TITLE.search(text[: heads[0].start()])
        day = title.group("when") if title and _DAY.fullmatch(title.group("when")) else None
        day = day or (path.stem if _DAY.fullmatch(path.stem) else None)
        account = options.account or _account(path, title.group("user").strip() if title else None)
        for i, m in enumerate(heads):
            line = text.count("\n", 0, m.start()) + 1
            lines = text[m.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)].strip().split("\n")
            if lines[-1].strip() == "---":  # the writer's separator after each post
                lines.pop()
            body = "\n".join(lines).strip("\n")
            when = m.group("when").strip()
            if _TIME.fullmatch(when):
                if day is None:
                    yield Rejected("a time without a date (no YYYY-MM-DD title or file name)", line, "###", when)
                    continue
                when = f"{day} {when}"
            try:
                created = date_field(when, shown, field="###", line=line, now=options.now, zone=options.zone)
            except ImportFormatError as e:
                yield Rejected.from_error(e, body, line)
                continue
            own, quoted = _split(body)
            own_text, media = _text_and_media(own)
            ref_text, ref_media = _text_and_media(quoted) if quoted is not None else (None, [])
            if not own_text and not ref_text:
                yield Rejected("empty post text", line, "text", snippet(m.group("id")))
                continue
            raw = {"heading": m.group("when"), "weibo_id": m.group("id"), "body": body}
            yield weibo_post(
                options,
                raw,
                account=account,
                mid=weibo_mid(m.group("id").strip()) or None,
                created=created,
                text=own_text,
                repost=quoted is not None,
                ref_text=ref_text,
                media=media + ref_media,
            )

register(WeiboCrawlerMarkdown())
