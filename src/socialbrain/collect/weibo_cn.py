"""weibo.cn (the old mobile site) HTML pages → posts, as dataabc/weiboSpider reads them.

    GET /{uid}?page=N[&filter=1]      <div class="c" id="M_{bid}"> per post
    GET /comment/{bid}                the 全文 of a long post (same markup, id="M_")

A post's first ``div`` holds ``span.ctt`` (the text; for a repost, the reposted text after
``span.cmt`` "转发了 <a>作者</a> 的微博:"); its last ``div`` holds the repost reason, ``赞[n] 转发[n] 评论[n]``
and ``span.ct`` "06月17日 18:12 来自iPhone客户端".
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

from ..errors import CollectError, CookieExpired
from ..models import Kind, Post
from .engine import Page, PageItem
from .html_tree import Node, parse_html, to_html
from .http import PoliteClient
from .weibo_mblog import WeiboPagedSource, bid_to_mid, parse_weibo_date

_FOOTER_HREFS = (
    "/attitude/",
    "/repost/",
    "/comment/",
    "/fav/",
    "/mblog/pic/",
    "/mblog/oripic",
    "/mblog/picAll",
)
_NOISE_LINKS = {"全文", "原图", "收藏", "显示地图"}
_LIKES = re.compile(r"赞\[(\d+)\]")
_REPOSTS = re.compile(r"(?<!原文)转发\[(\d+)\]")
_COMMENTS = re.compile(r"(?<!原文)评论\[(\d+)\]")


def _skip(n: Node) -> bool:
    if n.tag == "span" and n.classes & {"cmt", "ct", "kt"}:
        return True
    if n.tag == "a":
        href = n.attrs.get("href", "")
        return (
            "cc" in n.classes
            or n.text().strip() in _NOISE_LINKS
            or n.text().startswith("组图共")
            or any(h in href for h in _FOOTER_HREFS)
        )
    return False


def _clean(text: str) -> str:
    text = text.replace("\xa0", " ").replace("\u200b", "")
    text = re.sub(r"\[\s*\]", "", text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return text.strip().rstrip(":：").strip()


def _count(rx: re.Pattern[str], text: str) -> int | None:
    m = rx.search(text)
    return int(m.group(1)) if m else None


def _full_text_link(div: Node) -> str | None:
    return next(
        (a.attrs.get("href") for a in div.iter() if a.tag == "a" and a.text().strip() == "全文"), None
    )


def _pictures(node: Node) -> list[str]:
    urls: list[str] = []
    for a in node.find_all(lambda n: n.tag == "a"):
        href = a.attrs.get("href", "")
        if "/mblog/oripic" in href:
            u = parse_qs(urlparse(href).query).get("u")
            if u:
                urls.append(f"https://wx1.sinaimg.cn/large/{u[0]}.jpg")
    if not urls:
        for img in node.find_all(lambda n: n.tag == "img" and "/wap180/" in n.attrs.get("src", "")):
            urls.append(img.attrs["src"].replace("/wap180/", "/large/"))
    return urls


def _location(first: Node) -> str | None:
    if not any(a.tag == "a" and "place.weibo.com" in a.attrs.get("href", "") for a in first.iter()):
        return None
    ctt = [s for s in first.iter() if s.tag == "span" and "ctt" in s.classes]
    links = [a for a in ctt[0].iter() if a.tag == "a"] if ctt else []
    return links[-1].text().strip() or None if links else None


def is_login_page(root: Node, html: str) -> bool:
    titles = [t.text() for t in root.iter() if t.tag == "title"]
    has_posts = any(n.tag == "div" and n.attrs.get("id", "").startswith("M_") for n in root.iter())
    return not has_posts and (
        any("登录" in t or "新浪通行证" in t for t in titles)
        or any(f.tag == "form" and "login" in f.attrs.get("action", "") for f in root.iter())
    )


def parse_weibo_cn_post(div: Node, uid: str, now: datetime | None = None) -> tuple[Post, bool, str | None]:
    """One ``div.c#M_{bid}`` → (post, pinned, the 全文 link still to fetch or None)."""
    bid = div.attrs["id"][2:]
    divs = div.elements("div")
    if not divs:
        raise ValueError(f"post {bid} has no content")
    first, last = divs[0], divs[-1]
    header = next((s for s in first.elements("span") if "cmt" in s.classes and "转发了" in s.text()), None)
    ct = next((s for s in div.iter() if s.tag == "span" and "ct" in s.classes), None)
    if ct is None:
        raise ValueError(f"post {bid} has no time (span.ct)")
    when, _, tool = ct.text().replace("\xa0", " ").partition("来自")
    footer = last.text().replace("\xa0", " ")
    kind, ref_text, ref_author = Kind.ORIGINAL, None, None
    if header is not None:
        kind = Kind.REPOST
        ref_text = _clean(first.text(_skip)) or None
        author = next((a for a in header.iter() if a.tag == "a"), None)
        ref_author = author.text().strip() if author is not None else None
        text = _clean(last.text(_skip)) if len(divs) > 1 else ""
        media: list[str] = []
    else:
        text = _clean(first.text(_skip))
        media = _pictures(div)
    pinned = any(s.tag == "span" and "kt" in s.classes and "置顶" in s.text() for s in div.iter())
    post = Post(
        platform="weibo",
        account=uid,
        post_id=bid_to_mid(bid),
        created_at=parse_weibo_date(when.strip(), now),
        text=text,
        kind=kind,
        raw=to_html(div),
        ref_text=ref_text,
        ref_author=ref_author,
        url=f"https://weibo.com/{uid}/{bid}",
        media=media,
        location=_location(first),
        likes=_count(_LIKES, footer),
        reposts=_count(_REPOSTS, footer),
        comments=_count(_COMMENTS, footer),
        source_tool=tool.strip() or None,
    )
    return post, pinned, _full_text_link(first)


def parse_weibo_cn_page(
    html: str, uid: str, now: datetime | None = None
) -> list[tuple[Post, bool, str | None]]:
    root = parse_html(html)
    if is_login_page(root, html):
        raise CookieExpired("weibo.cn")
    return [
        parse_weibo_cn_post(n, uid, now)
        for n in root.iter()
        if n.tag == "div"
        and "c" in n.classes
        and n.attrs.get("id", "").startswith("M_")
        and len(n.attrs["id"]) > 2
    ]


class WeiboCnSource(WeiboPagedSource):
    """weibo.cn pages; ``{"page": N}`` cursors like the API source."""

    client: PoliteClient

    def _html(self, url: str, params: dict[str, Any] | None, what: str) -> str:
        from .weibo import COOKIE_HELP, raise_if_login_page

        r = self.client.get(url, params, what=what)
        raise_if_login_page(r, self.site)
        if r.status_code != 200:
            raise CollectError(
                f"{self.site}: {what} answered HTTP {r.status_code}: try again later (it resumes)"
            )
        text = r.text
        root = parse_html(text)
        if is_login_page(root, text):
            raise CookieExpired(f"{self.site} answered {what} with the login page: {COOKIE_HELP}")
        return text

    def fetch(self, cursor: dict[str, Any]) -> Page:
        page = int(cursor["page"])
        params: dict[str, Any] = {"page": page}
        if self.opts.originals_only:
            params["filter"] = 1
        what = f"page {page}"
        html = self._html(f"{self.opts.api_base}/{self.opts.uid}", params, what)
        try:
            parsed = parse_weibo_cn_page(html, self.opts.uid, self.now)
        except ValueError as e:
            raise CollectError(
                f"{self.site}: {what}: {e}: the page layout changed; try the default --via api"
            ) from None
        if not parsed:
            return Page([], None)
        items = []
        for post, pinned, full_link in parsed:
            if full_link:
                self._expand(post, full_link)
            items.append(PageItem(post, pinned))
        return Page(items, {"page": page + 1})

    def _expand(self, post: Post, link: str) -> None:
        path = urlparse(link).path or ""
        if not path.startswith("/comment/"):
            self.truncated += 1
            return
        try:
            html = self._html(f"{self.opts.api_base}{path}", None, f"全文 of {path.rsplit('/', 1)[1]}")
        except CookieExpired:
            raise
        except CollectError:
            html = ""
        root = parse_html(html)
        full = next((n for n in root.iter() if n.tag == "div" and n.attrs.get("id") == "M_"), None)
        if full is None:  # weiboSpider reads the second div.c
            cs = [n for n in root.iter() if n.tag == "div" and n.attrs.get("class") == "c"]
            full = cs[1] if len(cs) > 1 else None
        if full is None:
            self.truncated += 1
            return
        body = (full.elements("div") or [full])[0]
        first = next((c for c in body.children if isinstance(c, Node) or c.strip()), None)
        author = first if isinstance(first, Node) and first.tag == "a" else None
        text = _clean(body.text(lambda n: n is author or _skip(n))).lstrip(":：").strip()
        if not text:
            self.truncated += 1
        elif post.kind == Kind.REPOST:
            post.ref_text = text
        else:
            post.text = text
