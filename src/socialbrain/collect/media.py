"""Optional media download: ``<data_dir>/media/<platform>/<account>/<YYYYMMDD>_<post id>_<n><ext>``."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

from ..models import Post
from .http import PoliteClient, Politeness

MEDIA_MAX_BYTES = 256 * 1024 * 1024  # one picture or video; larger ones count as failed


def media_politeness(p: Politeness) -> Politeness:
    """The page client's politeness with room for videos (pages stay at ``max_bytes``)."""
    return replace(p, max_bytes=max(p.max_bytes, MEDIA_MAX_BYTES))


_EXT = re.compile(r"\.(jpe?g|png|gif|webp|mp4|mov|m4a|mp3|webm)$", re.I)


def media_path(data_dir: Path, post: Post, index: int, url: str) -> Path:
    m = _EXT.search(urlparse(url).path)
    ext = m.group(0).lower() if m else ".bin"
    safe_account = re.sub(r"[^\w.@-]", "_", post.account)
    name = f"{post.created_at:%Y%m%d}_{post.post_id or post.key()}_{index + 1}{ext}"
    return data_dir / "media" / post.platform / safe_account / name


def download_media(client: PoliteClient, data_dir: Path, posts: list[Post]) -> tuple[int, int]:
    """Fetch every media URL of ``posts`` not already on disk; returns (downloaded, failed). Never raises for
    one bad file: the post is stored already, a later run fills the gaps."""
    ok = failed = 0
    for post in posts:
        for i, url in enumerate(post.media):
            if not url.startswith(("http://", "https://")):
                continue
            target = media_path(data_dir, post, i, url)
            if target.exists():
                continue
            try:
                r = client.get(url, what="media file")
            except Exception:  # noqa: BLE001 - a failed picture must not stop the collection
                failed += 1
                continue
            if r.status_code != 200 or not r.content:
                failed += 1
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + ".part")
            tmp.write_bytes(r.content)
            os.replace(tmp, target)
            ok += 1
    return ok, failed
