"""Run the Curtois & Qu command on several instances, one at a time, and check each roster.

Run: ``python -m benchmarks.curtois_suite --instances 1 2 3 4 5 6 7 8 --time-limit 60
--lock /path/to/cpu.lock --out benchmarks/results``

Each instance is solved by the command line of :mod:`benchmarks.curtois` in a fresh
process (under ``flock LOCK`` when ``--lock`` is given, so timed runs do not overlap
other jobs), its CSV is judged by :mod:`benchmarks.curtois_eval`, and one row per
instance goes to ``NAME.md`` and ``NAME.csv`` in ``--out`` (``--name``, by default
``performance_curtois_suite``).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.curtois_eval import evaluate
from scheduler.output import write_text_safely
from scheduler.reports import markdown_table

REPO = Path(__file__).resolve().parents[1]
CURTOIS_DIR = REPO.parent / "shared" / "data" / "curtois"
#: Best-known objectives of instances 1-8 (``FORMAT.md`` / the instances' README).
BEST_KNOWN = {1: 607, 2: 828, 3: 1001, 4: 1716, 5: 1143, 6: 1950, 7: 1056, 8: 1300}
_SUMMARY = re.compile(r"status (\w+), objective (\S+), bound (\S+), wall ([\d.]+) s")


def run_instance(number: int, time_limit_s: float, workers: int, seed: int, lock: Path | None,
                 folder: Path = CURTOIS_DIR) -> dict:
    """Solve Instance<number> with the command line, evaluate its CSV; one result row."""
    path = folder / f"Instance{number}.txt"
    with tempfile.TemporaryDirectory() as tmp:
        solution = Path(tmp) / "solution.csv"
        command = [sys.executable, "-m", "benchmarks.curtois", str(path), "--time-limit", str(time_limit_s),
                   "--out", str(solution), "--workers", str(workers), "--seed", str(seed)]
        if lock is not None:
            command = ["flock", str(lock), *command]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
        process_s = time.perf_counter() - started  # includes any wait for the lock
        found = _SUMMARY.search(done.stdout)
        row: dict = {"instance": number, "best_known": BEST_KNOWN.get(number)}
        if found is None or not solution.exists():
            return row | {"status": "no roster", "error": (done.stderr or done.stdout).strip()[-200:]}
        status, objective, bound, wall = found.groups()
        evaluation = evaluate(path, solution)
    objective_value = None if objective == "None" else int(objective)
    return row | {
        "objective": objective_value,
        "bound": None if bound == "None" else int(bound),
        "status": status,
        "wall_s": float(wall),
        "process_s": round(process_s, 1),
        "evaluator_feasible": evaluation.feasible,
        "evaluator_objective": evaluation.objective,
        "reached_best_known": objective_value is not None and objective_value <= row["best_known"]
        if row["best_known"] is not None else None,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; exit 0 when every roster is feasible and agrees with the evaluator."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, nargs="+", default=sorted(BEST_KNOWN))
    parser.add_argument("--time-limit", type=float, default=60.0, help="wall-clock limit per instance [s]")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lock", type=Path, default=None, help="run each solve under 'flock LOCK'")
    parser.add_argument("--folder", type=Path, default=CURTOIS_DIR, help="folder of InstanceN.txt")
    parser.add_argument("--out", type=Path, default=None, help="folder for the report (NAME.md and NAME.csv)")
    parser.add_argument("--name", default="performance_curtois_suite", help="file name of the report, no suffix")
    args = parser.parse_args(argv)
    load_start = os.getloadavg()[0]
    rows = []
    for number in args.instances:
        rows.append(run_instance(number, args.time_limit, args.workers, args.seed, args.lock, args.folder))
        print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    ok = all(r.get("evaluator_feasible") and r.get("evaluator_objective") == r.get("objective") for r in rows)
    if args.out is not None:
        shown = [arg if arg != str(args.lock) else "LOCKFILE" for arg in (argv if argv is not None else sys.argv[1:])]
        command = "python -m benchmarks.curtois_suite " + " ".join(shown)
        text = "\n".join([
            f"Command: `{command}`", "",
            f"Machine: {platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores; "
            f"load average {load_start:.1f} at start, {os.getloadavg()[0]:.1f} at end", "",
            markdown_table(table), "",
        ])
        write_text_safely(args.out / f"{args.name}.md", text)
        write_text_safely(args.out / f"{args.name}.csv", table.to_csv(index=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
