"""What every CLI command shares: the console, the Brain for --data-dir, date options, error rendering."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import typer
from rich.console import Console

from ..brain import Brain
from ..errors import SocialbrainError
from ..timeparse import parse_user_date

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])

_state: dict[str, Any] = {"data_dir": None, "brain": None, "overrides": {}}


def set_data_dir(path: str | None) -> None:
    _state["data_dir"] = path
    _state["brain"] = None


def set_overrides(**overrides: Any) -> None:
    """Global options that replace settings for this invocation (e.g. ``index_uri`` from --index-uri)."""
    _state["overrides"] = {k: v for k, v in overrides.items() if v is not None}
    _state["brain"] = None


def get_brain() -> Brain:
    """The Brain for this invocation (opened once, on first use)."""
    if _state["brain"] is None:
        _state["brain"] = Brain.open(_state["data_dir"], **_state.get("overrides", {}))
    return _state["brain"]


def fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", markup=True, soft_wrap=True)
    return typer.Exit(code)


def user_errors(fn: F) -> F:
    """Turn SocialbrainError into one red line and exit status 2: no tracebacks for user mistakes."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SocialbrainError as e:
            raise fail(str(e)) from None
        except KeyboardInterrupt:
            err_console.print("interrupted: everything committed so far is kept; run the same command to resume")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def date_option(value: str | None, *, end: bool = False) -> datetime | None:
    """Parse --since/--until: 2016, 2016-05, 2016-05-04, ISO datetimes; --until of a day/month/year is its end."""
    if value is None:
        return None
    try:
        return parse_user_date(value, end=end)
    except ValueError as e:
        raise fail(f"bad date {value!r}: {e}") from None
