"""Performance report: the public Curtois & Qu instances, the bundled scenarios and
generated hospitals of growing size, each against a baseline run in the same command.

Run: ``python -m benchmarks.performance --out benchmarks/results``

Every run is a fresh process, so its peak memory (``ru_maxrss``) is its own;
``cpu_s`` is the process's user + system CPU time, which tells how much of the
machine a run actually got when others share it. Writes ``performance.md``
(both tables, the machine and the command) and each part's table alone as
``performance_curtois.md``/``.csv`` and ``performance_hospitals.md``/``.csv``.

* Curtois & Qu: the project's method (:func:`benchmarks.curtois.solve_by_columns`:
  column generation, a dive and CP-SAT on the project's model) against the
  plain CP-SAT model (:mod:`benchmarks.curtois_plain`), same time limit and
  workers; every solution is checked by :mod:`benchmarks.curtois_eval`.
* Hospitals: the department decomposition (:mod:`scheduler.solver.decompose`)
  against the monolithic two-phase solve of the same model
  (:func:`scheduler.solver.solve`), same time limit and workers, and on the
  bundled scenarios the monolithic solve warm-started from last week's roster
  (:mod:`scheduler.solver.warm_start`); every roster is checked by
  :mod:`scheduler.check`.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from benchmarks.curtois import solution_csv, solve_by_columns
from benchmarks.curtois_eval import evaluate
from benchmarks.curtois_instance import read_instance
from benchmarks.curtois_plain import solve_plain
from scheduler.check import check_roster
from scheduler.model import Roster
from scheduler.output import write_text_safely
from scheduler.reports import markdown_table
from scheduler.scenario import load_scenario
from scheduler.solver import SolveParams, build_model, solve
from scheduler.solver.decompose import solve_decomposed
from scheduler.solver.warm_start import previous_week_hint
from scheduler.synthetic import write_synthetic_hospital

REPO = Path(__file__).resolve().parent.parent
CURTOIS_DIR = REPO.parent / "shared" / "data" / "curtois"
SCENARIOS = REPO / "scenarios"
BUNDLED = ("city_general", "city_general_extended", "county_group_partner")
BEST_KNOWN = {1: 607, 2: 828, 3: 1001, 4: 1716, 5: 1143, 6: 1950, 7: 1056, 8: 1300}
HOSPITAL_NOTE = (
    "`gap` = (objective - bound) / objective, with `bound` a proven lower bound of the same full "
    "objective over every valid roster; `served_gap` = (served_bound - served) / served_bound. "
    "`wall_s` counts model building and solving (not loading or checking); `decomposed` keeps the "
    "whole call within the time limit, `monolithic` only its deterministic budget (its wall-clock "
    "cap is twice the limit plus 5 s per phase).\n"
)
#: Departments of a generated hospital of ``n`` doctors: about one per 20 doctors, 6 to 20.
DEPARTMENTS_PER_DOCTOR = 1 / 20


def _measured(function: Callable[..., dict], *args: object) -> dict:
    """Call ``function(*args)`` in this (fresh) process; add its peak memory and CPU time."""
    row = function(*args)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    row["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    row["peak_mb"] = round(usage.ru_maxrss / 1024)  # Linux reports kilobytes
    return row


def in_fresh_process(function: Callable[..., dict], *args: object) -> dict:
    """Run one measurement in its own spawned process (own peak memory)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_measured, function, *args).result()


def curtois_run(number: int, formulation: str, time_limit_s: float, workers: int) -> dict:
    """Solve Instance<number> with the project's method or the plain model; evaluate the CSV."""
    path = CURTOIS_DIR / f"Instance{number}.txt"
    instance = read_instance(path)
    if formulation == "project":
        result = solve_by_columns(instance, time_limit_s, workers)
    else:
        result = solve_plain(instance, time_limit_s, workers)
    feasible = None
    if result.objective is not None:
        with tempfile.TemporaryDirectory() as tmp:
            solution = Path(tmp) / "solution.csv"
            solution.write_text(solution_csv(result.assignments))
            evaluation = evaluate(path, solution)
        feasible = evaluation.feasible and evaluation.objective == result.objective
    return {"objective": result.objective, "bound": result.bound,
            "gap": None if result.gap is None else round(result.gap, 4), "status": result.status,
            "wall_s": round(result.wall_s, 1), "evaluator_ok": feasible}


def hospital_run(label: str, folder: str | None, doctors: int, method: str, time_limit_s: float,
                 workers: int, seed: int) -> dict:
    """Solve a bundled scenario (``folder``) or a generated hospital of ``doctors`` doctors."""
    with tempfile.TemporaryDirectory() as tmp:
        if folder is None:
            departments = max(6, min(20, round(doctors * DEPARTMENTS_PER_DOCTOR)))
            path = write_synthetic_hospital(Path(tmp) / "h", doctors=doctors, sites=3, departments=departments,
                                            seed=seed)
        else:
            path = Path(folder)
        scenario = load_scenario(path)
    params = SolveParams(time_limit_s=time_limit_s, seed=1, workers=workers)
    warm_start = None
    if method == "warm_start":  # last week: the same week solved with another seed, moved back 7 days
        previous = solve(build_model(scenario), dataclasses.replace(params, seed=2)).roster
        warm_start = previous_week_hint(scenario, Roster(tuple(
            dataclasses.replace(a, date=a.date - dt.timedelta(days=7)) for a in previous.assignments)))
    started = time.perf_counter()
    if method == "decomposed":
        result = solve_decomposed(scenario, params)
    else:
        result = solve(build_model(scenario), params, warm_start=warm_start)
    wall = time.perf_counter() - started
    violations = None if result.roster is None else len(check_roster(scenario, result.roster))
    return {"scenario": label, "doctors": len(scenario.doctors), "departments": len(scenario.departments),
            "sites": len(scenario.sites), "method": method, "status": result.status,
            "served": result.served, "served_bound": result.served_bound,
            "served_gap": None if result.served_gap is None else round(result.served_gap, 4),
            "objective": None if result.objective is None else round(result.objective),
            "bound": None if result.best_bound is None else round(result.best_bound),
            "gap": None if result.gap is None else round(result.gap, 4),
            "wall_s": round(wall, 1), "violations": violations,
            "reproducible": result.reproducible}  # False: a wall-clock cap, not the budget, stopped a phase


def curtois_table(numbers: list[int], time_limit_s: float, workers: int) -> pd.DataFrame:
    """One row per instance: the project's method, the plain baseline, the best-known value."""
    rows = []
    for number in numbers:
        ours = in_fresh_process(curtois_run, number, "project", time_limit_s, workers)
        plain = in_fresh_process(curtois_run, number, "plain", time_limit_s, workers)
        best = BEST_KNOWN.get(number)
        rows.append({
            "instance": number, "best_known": best, **ours,
            "reached_best_known": None if best is None or ours["objective"] is None else ours["objective"] <= best,
            **{f"plain_{k}": v for k, v in plain.items()},
            "objective_over_plain": None if not (ours["objective"] and plain["objective"])
            else round(ours["objective"] / plain["objective"], 3),
        })
        print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def hospital_table(sizes: list[int], bundled: bool, time_limit_s: float, workers: int, seed: int,
                   methods: list[str]) -> pd.DataFrame:
    """One row per scenario and method."""
    cases: list[tuple[str, str | None, int]] = []
    if bundled:
        cases += [(f"{name} (bundled)", str(SCENARIOS / name), 0) for name in BUNDLED]
    cases += [(f"generated {n} doctors, 3 sites, seed {seed}", None, n) for n in sizes]
    rows = []
    for label, folder, doctors in cases:
        # The bundled scenarios have 60 doctors: one block, so 'decomposed' is the monolithic solve
        # there; warm starts are measured on them only (they need a solve of 'last week' first).
        skip = "decomposed" if folder is not None else "warm_start"
        for method in [m for m in methods if m != skip]:
            rows.append(in_fresh_process(hospital_run, label, folder, doctors, method, time_limit_s, workers, seed))
            print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen parts of the report and write its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--time-limit", type=float, default=60.0, help="per run, both methods [s]")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--instances", type=int, nargs="*", default=list(range(1, 9)))
    parser.add_argument("--doctors", type=int, nargs="*", default=[50, 100, 200, 400, 600])
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated hospitals")
    parser.add_argument("--methods", nargs="*", default=["decomposed", "monolithic", "warm_start"],
                        help="decomposed, monolithic (the two-phase solve of the whole model) and warm_start "
                             "(monolithic from last week's roster; bundled scenarios only)")
    parser.add_argument("--no-bundled", action="store_true", help="skip the bundled scenarios")
    args = parser.parse_args(argv)
    command = "python -m benchmarks.performance " + " ".join(argv if argv is not None else sys.argv[1:])
    machine = f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores (shared)"
    parts = [f"Command: `{command.strip()}`\n\nMachine: {machine}; load average at start "
             f"{os.getloadavg()[0]:.1f}\n"]
    if args.instances and CURTOIS_DIR.exists():
        table = curtois_table(args.instances, args.time_limit, args.workers)
        write_text_safely(args.out / "performance_curtois.csv", table.to_csv(index=False))
        parts.append("## Curtois & Qu instances\n\n" + markdown_table(table) + "\n")
        write_text_safely(args.out / "performance_curtois.md", "\n".join([parts[0], parts[-1]]))
    elif args.instances:
        parts.append(f"## Curtois & Qu instances\n\nskipped: {CURTOIS_DIR} not found\n")
    if args.doctors or not args.no_bundled:
        table = hospital_table(args.doctors, not args.no_bundled, args.time_limit, args.workers, args.seed,
                               args.methods)
        write_text_safely(args.out / "performance_hospitals.csv", table.to_csv(index=False))
        parts.append("## Hospitals, one week\n\n" + HOSPITAL_NOTE + "\n" + markdown_table(table) + "\n")
        write_text_safely(args.out / "performance_hospitals.md", "\n".join([parts[0], parts[-1]]))
    parts.append(f"Load average at end {os.getloadavg()[0]:.1f}\n")
    markdown = "\n".join(parts)
    write_text_safely(args.out / "performance.md", markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
