"""Packaging: optional features fail with one line naming their extra, real ImportErrors are never hidden,
`python -m bench` knows every bench, the runtime does not depend on bench-only packages."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from socialbrain.errors import MissingExtra, require_extra

ROOT = Path(__file__).resolve().parent.parent


def test_a_missing_extra_is_one_line_naming_it() -> None:
    with pytest.raises(MissingExtra) as e:
        require_extra("socialbrain_no_such_package.sub", "png", "PNG share cards")
    assert str(e.value) == "PNG share cards needs the 'png' extra: pip install 'socialbrain[png]'"


def test_an_import_error_inside_an_installed_module_is_not_hidden(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    (tmp_path / "sb_broken_feature.py").write_text("import sb_helper_that_is_not_there\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="sb_helper_that_is_not_there"):
        require_extra("sb_broken_feature", "png", "PNG share cards")
    sys.modules.pop("sb_broken_feature", None)


def test_make_bench_runs_every_bench() -> None:
    from bench.__main__ import BENCHES

    runnable = {  # every bench module that runs as `python -m bench.NAME`
        p.stem
        for p in (ROOT / "bench").glob("*.py")
        if not p.stem.startswith("_") and 'if __name__ == "__main__"' in p.read_text(encoding="utf-8")
    }
    assert set(BENCHES) == runnable


def test_runtime_code_does_not_import_bench_only_packages() -> None:
    for path in (ROOT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
            assert not any(n.split(".")[0] == "psutil" for n in names), f"{path} imports psutil (a dev/bench dependency)"
