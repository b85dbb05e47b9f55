"""A small forgiving HTML tree on the standard library (weibo.cn pages have stray end tags)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, pred: Callable[[Node], bool]) -> list[Node]:
        return [n for n in self.iter() if pred(n)]

    def elements(self, tag: str | None = None) -> list[Node]:
        """Direct child elements (of one tag)."""
        return [c for c in self.children if isinstance(c, Node) and (tag is None or c.tag == tag)]

    def text(self, skip: Callable[[Node], bool] | None = None) -> str:
        out: list[str] = []
        self._text(out, skip)
        return "".join(out)

    def _text(self, out: list[str], skip: Callable[[Node], bool] | None) -> None:
        for c in self.children:
            if isinstance(c, str):
                out.append(c)
            elif skip is not None and skip(c):
                continue
            elif c.tag == "br":
                out.append("\n")
            elif c.tag == "img":
                alt = c.attrs.get("alt", "")
                if alt.startswith("[") and alt.endswith("]"):
                    out.append(alt)
            else:
                c._text(out, skip)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        # an end tag with no open element: ignored, as browsers do

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    b = _Builder()
    b.feed(html)
    b.close()
    return b.root


def to_html(node: Node | str) -> str:
    """Serialize back (attributes and text escaped): how a post's HTML is kept as its raw record."""
    from html import escape

    if isinstance(node, str):
        return escape(node, quote=False)
    attrs = "".join(f' {k}="{escape(v)}"' for k, v in node.attrs.items())
    if node.tag in _VOID:
        return f"<{node.tag}{attrs}/>"
    inner = "".join(to_html(c) for c in node.children)
    return inner if node.tag == "#root" else f"<{node.tag}{attrs}>{inner}</{node.tag}>"
