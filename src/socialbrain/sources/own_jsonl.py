"""socialbrain's own export (`socialbrain export`): one ``Post.to_json()`` per line; re-imports losslessly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import ImportFormatError
from ..models import Post
from .base import ImportOptions, Rejected, register
from .fields import head_text
from .files import iter_json_lines

OWN_KEYS = {"platform", "account", "created_at", "text", "kind", "raw", "ref_text"}


class SocialbrainJsonl:
    name = "socialbrain-jsonl"
    platform = "*"
    description = "socialbrain export JSONL (one post per line, every field; lossless round trip)"

    def sniff(self, path: Path, head: bytes) -> float:
        first = head_text(head).lstrip().split("\n", 1)[0]
        try:
            d = json.loads(first)
        except ValueError:
            return 0.0
        return 0.97 if isinstance(d, dict) and set(d) >= OWN_KEYS else 0.0

    def parse(self, path: Path, options: ImportOptions) -> Iterator[Post | Rejected]:
        for n, d in iter_json_lines(path):
            d.pop("id", None)
            try:
                post = Post.from_json(d)
            except (KeyError, TypeError, ValueError) as e:
                raise ImportFormatError(str(path), f"not a socialbrain post ({e})", line=n) from None
            if options.platform:
                post.platform = options.platform
            if options.account:
                post.account = options.account
            yield post


register(SocialbrainJsonl())
