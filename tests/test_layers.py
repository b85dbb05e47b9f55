"""The layers hold: no module outside archive/ runs SQL on the archive (the embedded index store and the index
writer keep their own files' tables), and the faces reach the pipeline through the service layer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "socialbrain"

#: modules that own a SQLite file of their own (not the archive)
OWN_DATABASES = {
    "index/stores/embedded.py",  # the embedded index store's own tables
    "index/writer.py",  # the index writer's lock file
    "index/embedders/query_cache.py",  # the query-vector cache file
    "index/embedders/static.py",  # the static embedder's token table, cached as SQLite in the user cache
    "index/idf.py",  # the shipped IDF table (from jieba), cached as SQLite in the user cache
    "sqlite_tx.py",  # BEGIN/COMMIT for the archive and the embedded index alike
}
SQL = re.compile(
    r"^\s*(SELECT\s.+\sFROM\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s"
    r"|CREATE\s+(TABLE|INDEX|VIRTUAL|TRIGGER)\s|DROP\s+(TABLE|INDEX)\s|PRAGMA\s)",
    re.S,
)
SQL_CALLS = {"execute", "executemany", "executescript"}


def _sql_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            found.append(f"line {node.lineno}: .{node.func.attr}(…)")
        elif isinstance(node, ast.Attribute) and node.attr == "conn":
            found.append(f"line {node.lineno}: .conn")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
            found.append(f"line {node.lineno}: SQL text {node.value[:40]!r}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("sqlite") and any(
            a.name == "filter_sql" for a in node.names
        ):
            found.append(f"line {node.lineno}: imports filter_sql")
    return found


def test_no_sql_outside_the_archive() -> None:
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("archive/") or rel in OWN_DATABASES:
            continue
        if uses := _sql_uses(path):
            offenders[rel] = uses
    assert not offenders, f"SQL outside archive/ (make it an archive method): {offenders}"


def test_the_check_finds_sql(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('def f(brain):\n    return brain.archive.execute("SELECT id FROM posts").fetchall()\n')
    assert len(_sql_uses(bad)) == 2


def _hidden_own_import_errors(path: Path) -> list[str]:
    """``try: from ..x import y`` / ``except ImportError:`` around our own modules: a bug in them becomes a
    silently missing feature (a map-reduce bug once dropped every report narrative without a word)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Try):
            continue
        caught = {
            n.id
            for h in node.handlers
            for n in ast.walk(h.type)
            if h.type is not None
            if isinstance(n, ast.Name)
        }
        if not caught & {"ImportError", "ModuleNotFoundError"}:
            continue
        for stmt in node.body:
            for sub in ast.walk(stmt):
                own = (
                    isinstance(sub, ast.ImportFrom)
                    and (sub.level > 0 or (sub.module or "").startswith("socialbrain"))
                ) or (
                    isinstance(sub, ast.Import) and any(a.name.startswith("socialbrain") for a in sub.names)
                )
                if own:
                    found.append(f"line {sub.lineno}")
    return found


def test_our_own_modules_are_imported_plainly() -> None:
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        if found := _hidden_own_import_errors(path):
            offenders[path.relative_to(SRC).as_posix()] = found
    assert not offenders, f"an ImportError of our own module is swallowed (import it plainly): {offenders}"


def test_the_check_finds_a_swallowed_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f():\n    try:\n        from ..answer import mapreduce\n    except ImportError:\n        return None\n"
    )
    fine = tmp_path / "fine.py"
    fine.write_text(
        "def f():\n    try:\n        import rjieba\n    except ImportError:\n        return None\n"
    )
    assert _hidden_own_import_errors(bad) == ["line 3"] and _hidden_own_import_errors(fine) == []
