"""Build ``src/socialbrain/data/idf_zh.txt.xz``, the IDF table of query-term weights and report keywords, from
jieba's ``analyse/idf.txt`` (jieba 0.42.1, MIT licence: ``src/socialbrain/data/idf_zh.LICENSE``).

    .venv/bin/python scripts/make_idf_table.py [path/to/idf.txt]     (default: the installed jieba's, dev extra)

The table is the same word → value mapping ``index/idf.py`` used to read from jieba (lines ``word value``, a later
line for the same word wins), written compactly: one line per distinct value, ``value<TAB>word word …`` (3,328
values, words sorted), xz-compressed — 1.0 MB instead of jieba's 6.2 MB file (and its 42 MB package). The value is
written with ``repr`` so it reads back as the identical float.
"""

from __future__ import annotations

import importlib.util
import lzma
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "socialbrain" / "data" / "idf_zh.txt.xz"


def read_jieba(path: Path) -> dict[str, float]:
    table: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) == 2:
            table[parts[0]] = float(parts[1])
    return table


def encode(table: dict[str, float]) -> bytes:
    by_value: dict[float, list[str]] = {}
    for word, value in table.items():
        by_value.setdefault(value, []).append(word)
    text = "".join(f"{v!r}\t{' '.join(sorted(words))}\n" for v, words in sorted(by_value.items()))
    return lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)


def main() -> None:
    if len(sys.argv) > 1:
        src = Path(sys.argv[1])
    else:
        spec = importlib.util.find_spec("jieba")
        if spec is None or spec.origin is None:
            sys.exit("jieba is not installed: pip install 'socialbrain[dev]' or give the path to idf.txt")
        src = Path(spec.origin).parent / "analyse" / "idf.txt"
    table = read_jieba(src)
    data = encode(table)
    OUT.write_bytes(data)
    print(f"{OUT}: {len(table):,} words, {len(data) / 1e6:.2f} MB (from {src})")


if __name__ == "__main__":
    main()
