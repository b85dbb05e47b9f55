"""Milvus filter expressions built safely from typed values.

Milvus Lite does not accept expression templates (``filter_params``), so values are written as literals, each one
produced here from a typed value and nothing else: numbers through ``int()``/``float()`` (finite only), strings as
double-quoted literals with every quote, backslash and control character escaped (the C escapes Milvus's parser reads:
``\\"``, ``\\\\``, ``\\n``, ``\\t``…; it has no ``\\u``, so values with other control characters match nothing). Field names are our own constants. Every
expression starts with the tenant clause ``user == "<user>"``, so no search, query or delete can reach another
user's rows, whatever the filter values hold.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from ...config import checked_name
from ...errors import ConfigError
from .base import IndexFilter

_USER = re.compile(r"^[\w.@-]{1,128}$")


def check_user(user: str) -> str:
    """A tenant name: letters (any script), digits, '_', '.', '@', '-', up to 128."""
    rule = "SOCIALBRAIN_USER may hold letters, digits, '_', '.', '@' and '-' (up to 128)"
    return checked_name(user, _USER, "user", rule)


_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}
_UNWRITABLE = re.compile(r"[\x00-\x06\x0e-\x1f\x7f]")


def writable(value: Any) -> bool:
    """Whether a string can be written as a Milvus literal (no control characters the parser has no escape for)."""
    return not _UNWRITABLE.search(str(value))


def string_literal(value: Any) -> str:
    """A double-quoted Milvus string literal: backslash, quote and the C control escapes written out."""
    text = str(value)
    if not writable(text):
        raise ConfigError(f"filter value {text!r}: control characters cannot be searched for")
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in text) + '"'


def int_literal(value: Any) -> str:
    return str(int(value))


def float_literal(value: Any) -> str:
    v = float(value)
    if math.isnan(v) or math.isinf(v):
        raise ConfigError(f"filter value {value!r} is not a finite number")
    return repr(v)


def list_literal(values: list[Any], item: Callable[[Any], str] = string_literal) -> str:
    return "[" + ", ".join(item(v) for v in values) + "]"


def tenant_filter(user: str) -> str:
    return "user == " + string_literal(check_user(user))


def build_filter(user: str, flt: IndexFilter | None = None, *, vectors_only: bool = False) -> str:
    """The expression for ``flt`` inside ``user``'s rows."""
    clauses = [tenant_filter(user)]
    if vectors_only:
        clauses.append("has_vector == true")
    if flt is None:
        return " and ".join(clauses)
    if flt.since_ts is not None:
        clauses.append("created_ts >= " + float_literal(flt.since_ts))
    if flt.until_ts is not None:
        clauses.append("created_ts < " + float_literal(flt.until_ts))
    for field, values in (("platform", flt.platforms), ("account", flt.accounts), ("kind", flt.kinds)):
        if values:
            # a value with characters no literal can hold cannot be stored either: it matches nothing
            kept = [v for v in values if writable(v)]
            clauses.append(f"{field} in {list_literal(kept)}" if kept else "created_ts != created_ts")
    if flt.min_likes is not None:
        clauses.append("likes >= " + int_literal(flt.min_likes))
    if flt.post_ids is not None:
        ids = sorted({int(i) for i in flt.post_ids})
        if not ids:
            clauses.append("created_ts != created_ts")  # an empty allow-list matches nothing
        else:
            clauses.append(f"array_contains_any(post_ids, {list_literal(ids, int_literal)})")
    return " and ".join(clauses)
