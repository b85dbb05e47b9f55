"""Report outputs: HTML (inline SVG charts), Markdown, JSON and PNG share cards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...errors import ConfigError
from .html import render_html
from .markdown import render_markdown

FORMATS = ("html", "md", "json", "png")


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(
        {k: v for k, v in report.items() if not str(k).startswith("_")}, ensure_ascii=False, indent=2
    )


def write_report(report: dict[str, Any], fmt: str, out: Path) -> Path:
    """Write ``report`` as ``fmt`` (html, md, json, png) to ``out``."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "png":
        from .png import card_html, render_png

        return render_png(card_html(report), out)
    text = {"html": render_html, "md": render_markdown, "json": render_json}[fmt](report)
    out.write_text(text, encoding="utf-8")
    return out


__all__ = ["FORMATS", "render_html", "render_json", "render_markdown", "write_report"]
