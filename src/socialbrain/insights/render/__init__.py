"""Report outputs: HTML (inline SVG charts), the slide-style story (HTML), Markdown, JSON and PNG share cards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...errors import ConfigError
from .html import render_html
from .markdown import render_markdown

FORMATS = ("html", "md", "json", "png")  # what the web app stores and serves for every report
WRITE_FORMATS = (*FORMATS, "story")  # the story (inline script) is written by the CLI, opened from file://


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(
        {k: v for k, v in report.items() if not str(k).startswith("_")}, ensure_ascii=False, indent=2
    )


def write_report(report: dict[str, Any], fmt: str, out: Path) -> Path:
    """Write ``report`` as ``fmt`` (html, story, md, json, png) to ``out`` (``story``: a yearly review only)."""
    if fmt not in WRITE_FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(WRITE_FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "png":
        from .png import card_html, render_png

        return render_png(card_html(report), out)
    if fmt == "story":
        if report.get("kind") != "year":
            raise ConfigError("--format story is for yearly reviews (socialbrain report year); use html for a portrait")
        from .story import render_story

        out.write_text(render_story(report), encoding="utf-8")
        return out
    text = {"html": render_html, "md": render_markdown, "json": render_json}[fmt](report)
    out.write_text(text, encoding="utf-8")
    return out


__all__ = ["FORMATS", "WRITE_FORMATS", "render_html", "render_json", "render_markdown", "write_report"]
