"""Regenerate docs/settings.md from the typed settings model in src/socialbrain/config.py (a test checks it).

    .venv/bin/python scripts/gen_settings_docs.py          # rewrite docs/settings.md
    .venv/bin/python scripts/gen_settings_docs.py --check  # exit 1 if docs/settings.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from socialbrain.config import settings_reference

DOC = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def main() -> int:
    text = settings_reference()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run python scripts/gen_settings_docs.py")
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
