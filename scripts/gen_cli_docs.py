"""Regenerate docs/cli.md from the real `--help` of every command (a test checks it has not drifted).

    .venv/bin/python scripts/gen_cli_docs.py          # rewrite docs/cli.md
    .venv/bin/python scripts/gen_cli_docs.py --check  # exit 1 if docs/cli.md is out of date
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import typer

os.environ["COLUMNS"] = "100"
os.environ["NO_COLOR"] = "1"
os.environ["TERM"] = "dumb"

from typer.testing import CliRunner  # noqa: E402

from socialbrain.cli.main import app  # noqa: E402

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def _walk(cmd: click.Command, path: list[str]) -> list[list[str]]:
    out = [path]
    if isinstance(cmd, click.Group) or hasattr(cmd, "commands"):
        for name in sorted(cmd.commands):
            sub = cmd.commands[name]
            if not sub.hidden:
                out.extend(_walk(sub, [*path, name]))
    return out


def render() -> str:
    runner = CliRunner()
    root = typer.main.get_command(app)
    parts = [
        "# Command-line reference\n",
        "Generated from the real `--help` by `scripts/gen_cli_docs.py`; `tests/test_docs.py` fails when it drifts.\n",
    ]
    for path in _walk(root, []):
        result = runner.invoke(app, [*path, "--help"], terminal_width=100, env={"COLUMNS": "100"})
        title = " ".join(["socialbrain", *path])
        text = "\n".join(line.rstrip() for line in result.output.splitlines())
        parts.append(f"## `{title}`\n\n```text\n{text.strip()}\n```\n")
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print("docs/cli.md is out of date: run .venv/bin/python scripts/gen_cli_docs.py")
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
