"""CLI commands for this area (not written yet)."""

import typer


def register(app: typer.Typer) -> None:
    pass
