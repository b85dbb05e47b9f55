"""CLI start-up and search latency on the sample archive: what a person waits for at the prompt.

    .venv/bin/python -m bench.cli [--repeat 5] [--home DIR]

Imports samples/lin-xiaoyu into a temp data directory (with its vectors: the first run embeds ~370 units), then
times fresh `socialbrain` processes: --help, stats, index status, keyword search, hybrid search of a question asked
before (query-vector cache hit: no encoder load), hybrid search of a new question (the encoder loads). Best of
--repeat for wall and CPU (the machine is shared: CPU time is the comparable figure), and each as a multiple of a
bare `python -c pass` start. Targets (idle machine): --help ≤ 0.3 s, search ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "lin-xiaoyu"
SB = [sys.executable, "-m", "socialbrain.cli.main"]


def timed(cmd: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    """Best wall and best CPU (user + sys of the child) over ``repeat`` runs."""
    best_wall, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {r.stderr[-500:]}")
        best_wall = min(best_wall, wall)
        best_cpu = min(best_cpu, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return best_wall, best_cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--home", type=Path, default=None, help="reuse this data directory (sample imported there)")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="sb-bench-cli-")
    home = args.home or Path(tmp.name) / "home"
    env = {**os.environ, "SOCIALBRAIN_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    env.pop("SOCIALBRAIN_LLM_URL", None)
    if not (home / "archive.db").exists():
        t = time.perf_counter()
        subprocess.run([*SB, "import", str(SAMPLE)], env=env, capture_output=True, check=True, cwd=ROOT)
        print(f"(sample imported and embedded in {time.perf_counter() - t:.0f} s)")
    question = "迄今为止发生过的最好的事"
    subprocess.run([*SB, "search", question], env=env, capture_output=True, check=True, cwd=ROOT)  # cache it
    rows = [
        ("python -c pass (floor)", [sys.executable, "-c", "pass"], args.repeat),
        ("socialbrain --help", [*SB, "--help"], args.repeat),
        ("socialbrain stats", [*SB, "stats"], args.repeat),
        ("socialbrain index status", [*SB, "index", "status"], args.repeat),
        ("search --mode keyword", [*SB, "search", "跑步 马拉松", "--mode", "keyword", "-k", "5"], args.repeat),
        ("search (hybrid, asked before)", [*SB, "search", question, "-k", "5"], args.repeat),
    ]
    print(f"CLI latency — sample archive, best of {args.repeat}; shared 2-core machine (load {os.getloadavg()[0]:.1f})")
    head = f"{'command':<34} | {'wall s':>7} | {'CPU s':>6} | {'× bare python (CPU)':>19}"
    print(head)
    print("-" * len(head))
    floor = None
    for name, cmd, n in rows:
        wall, cpu = timed(cmd, env, n)
        floor = floor or cpu
        print(f"{name:<34} | {wall:>7.2f} | {cpu:>6.2f} | {cpu / floor:>18.0f}×")
    # a new question each time: the encoder loads (mmap) and embeds it once
    walls, cpus = [], []
    for _ in range(max(1, args.repeat // 2)):
        w, c = timed([*SB, "search", f"新的问题 {uuid.uuid4().hex[:6]}", "-k", "5"], env, 1)
        walls.append(w)
        cpus.append(c)
    print(f"{'search (hybrid, new question)':<34} | {min(walls):>7.2f} | {min(cpus):>6.2f} | "
          f"{min(cpus) / (floor or 1):>18.0f}×")
    tmp.cleanup()


if __name__ == "__main__":
    main()
