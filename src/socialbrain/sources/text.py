"""Post HTML (Weibo ``text``, Mastodon ``content``) → the plain text a reader sees.

``<br>`` and paragraphs become line breaks, entities are decoded, emoji images become their ``alt`` (``[哈哈]``),
Weibo's ``<a>`` around ``@name`` and ``#话题#`` keep just that text, other links become their URL when the
visible text is a stub ("网页链接", a shortened URL) and keep their text otherwise.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = {"p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
_STUB_LINK = re.compile(r"^(网页链接|查看图片|查看链接|全文|展开全文|\s*)$|^https?://|^[\w.-]+\.\w{2,}/")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._link: tuple[str, int] | None = None  # (href, index in parts where its text starts)
        self._skip = 0  # inside <script>/<style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "img":
            alt = a.get("alt") or a.get("title") or ""
            if alt:
                self.parts.append(alt if alt.startswith("[") or len(alt) <= 2 else "")
        elif tag == "a":
            self._link = (a.get("href") or "", len(self.parts))
        elif tag in _BLOCK and self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._link:
            href, start = self._link
            self._link = None
            shown = "".join(self.parts[start:]).strip()
            if shown.startswith(("@", "#")) or not href.startswith(("http://", "https://")):
                return
            if _STUB_LINK.match(shown):
                del self.parts[start:]
                self.parts.append(href)
        elif tag in _BLOCK:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(value: str | None) -> str:
    """Plain text of an HTML fragment; text that has no tags only gets its entities decoded."""
    if not value:
        return ""
    if not _TAG.search(value):
        return tidy(html.unescape(value))
    p = _TextParser()
    p.feed(value)
    p.close()
    return tidy("".join(p.parts))


def tidy(text: str) -> str:
    """Trim each line, squeeze runs of spaces and blank lines (keeps single newlines)."""
    lines = [
        _SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
