"""Run every bench (or the ones named), each in its own process, then print one summary table.

    python -m bench                 # every bench, in the order below (what `make bench` runs)
    python -m bench retrieval mcp   # only these
    python -m bench --list

Each bench prints its own table; the summary says which ran, how long each took and which failed. Benches that
need the shared data sets (../shared/datasets) say so and are skipped by themselves.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: every bench module with a main(), cheapest first
BENCHES = (
    "segmentation",
    "cli",
    "embed_cache",
    "ingest",
    "ingest_formats",
    "ingest_index",
    "retrieval",
    "retrieval_product",
    "retrieval_ceiling",
    "answer",
    "mcp",
    "serve",
    "report",
    "mood",
    "collect_replay",
    "embedders",
    "static_embedder",
    "scale",
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help=f"benches to run (default: all): {', '.join(BENCHES)}")
    ap.add_argument("--list", action="store_true", help="list the benches and exit")
    args = ap.parse_args(argv)
    missing = sorted(set(BENCHES) - {p.stem for p in HERE.glob("*.py")})
    if missing:
        raise SystemExit(f"bench/__main__.py lists benches that do not exist: {', '.join(missing)}")
    if args.list:
        print("\n".join(BENCHES))
        return 0
    unknown = [n for n in args.names if n not in BENCHES]
    if unknown:
        raise SystemExit(f"unknown bench {unknown[0]!r}: choose from {', '.join(BENCHES)}")
    rows: list[tuple[str, str, float]] = []
    for name in args.names or BENCHES:
        print(f"\n== bench.{name} ==", flush=True)
        started = time.perf_counter()
        rc = subprocess.call([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent)
        rows.append((name, "ok" if rc == 0 else f"failed ({rc})", time.perf_counter() - started))
    width = max(len(n) for n, _, _ in rows)
    print(f"\n{'bench':<{width}}  status       wall s")
    for name, status, seconds in rows:
        print(f"{name:<{width}}  {status:<11}  {seconds:7.1f}")
    return 0 if all(s == "ok" for _, s, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
