"""socialbrain: your own posts, in one private local archive you can search, chat with and learn from.

The package reads as the pipeline it is::

    sources -> archive -> index -> retrieve -> answer -> insights

with the CLI (``socialbrain.cli``), the web app/API (``socialbrain.web``) and the MCP server
(``socialbrain.mcp_server``) as thin faces on the service layer (``socialbrain.services``).

The public API is small and typed::

    import socialbrain

    with socialbrain.open("~/my-archive") as brain:          # or open() for $SOCIALBRAIN_HOME
        brain.import_paths(["weibo-export.zip"])
        for hit in brain.search("跑步 2016年", k=5).hits:
            print(hit.post.created_at.date(), hit.snippet)
        answer = brain.ask("我什么时候开始跑步的？")
        print(answer.text, answer.citations)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .brain import Brain

__version__ = "0.1.0"
__all__ = ["__version__", "open"]


def open(data_dir: Path | str | None = None, **overrides: Any) -> Brain:  # noqa: A001 - socialbrain.open reads best
    """The archive in ``data_dir`` (default ``$SOCIALBRAIN_HOME``, else ``~/.local/share/socialbrain``), created
    if needed. ``overrides`` replace settings for this process (``llm_url="http://127.0.0.1:11434/v1"``,
    ``embedder="none"``…; see docs/settings.md). Use it as a context manager, or call ``close()``."""
    from .brain import Brain

    return Brain.open(Path(data_dir).expanduser() if data_dir else None, **overrides)
