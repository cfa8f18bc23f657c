"""Solve a Curtois & Qu shift-scheduling instance and write the roster as CSV.

Run: ``python -m benchmarks.curtois INSTANCE.txt --time-limit 60 --out SOLUTION.csv``

The CSV has the header ``employee,day,shift`` and one row per worked shift;
check it with ``python -m benchmarks.curtois_eval INSTANCE.txt SOLUTION.csv``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ortools.sat.python import cp_model, cp_model_helper

from benchmarks.curtois_colgen import column_search
from benchmarks.curtois_instance import Instance, read_instance
from benchmarks.curtois_model import CurtoisModel, XKey, build_curtois_model, penalties_of
from scheduler.errors import InputError
from scheduler.output import write_text_safely

_STATUS = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible", cp_model.INFEASIBLE: "infeasible",
           cp_model.UNKNOWN: "unknown", cp_model.MODEL_INVALID: "model_invalid"}


@dataclass(frozen=True)
class CurtoisResult:
    """What a solve found and proved (objective and bound in the instance's penalty units)."""

    status: str  #: optimal, feasible, infeasible or unknown
    objective: int | None  #: penalty of the roster found
    bound: int | None  #: proven lower bound of the penalty
    wall_s: float  #: wall time of the whole solve [s]
    assignments: tuple[XKey, ...] = ()  #: (employee, day, shift) worked
    penalties: dict[str, int] = field(default_factory=dict)  #: weighted penalty per soft rule

    @property
    def gap(self) -> float | None:
        """(objective - bound) / objective; 0 when proven optimal."""
        if self.objective is None or self.bound is None:
            return None
        return (self.objective - self.bound) / max(1, self.objective)


def cp_sat(time_limit_s: float, workers: int, seed: int, log: bool = False,
           deterministic_s: float | None = None) -> cp_model.CpSolver:
    """A CP-SAT solver with a wall-clock limit [s] (and, if given, a deterministic-time
    limit, which makes the result independent of machine load), ``workers`` threads
    and a fixed seed."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
    if deterministic_s is not None:
        solver.parameters.max_deterministic_time = deterministic_s
        solver.parameters.interleave_search = workers > 1  # deterministic parallel search
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    return solver


#: CP-SAT's full-problem subsolver for the project's model: ``max_lp`` (the linear
#: relaxation with every constraint and cut, linearization level 2). With 2 workers
#: CP-SAT runs it on one thread and its LNS subsolvers on the other. The default
#: ``default_lp`` proved lower bounds of 210-311 on instances 2-4; ``max_lp`` proved
#: instance 3 optimal (1001) in 13 s and bounds of 870-1564 on instances 4, 5 and 8.
FULL_SUBSOLVER = "max_lp"


def solve_curtois(cm: CurtoisModel, time_limit_s: float = 60.0, workers: int = 2, seed: int = 1,
                  log: bool = False, deterministic_s: float | None = None) -> CurtoisResult:
    """Solve with CP-SAT within ``time_limit_s`` wall seconds.

    One full search with the strongest linear relaxation (:data:`FULL_SUBSOLVER`)
    proves the bound while CP-SAT's LNS subsolvers improve the roster. With
    ``deterministic_s`` the search also stops on that deterministic budget and
    interleaves its workers deterministically, so the same seed and worker
    count give the same roster on a busy or an idle machine (unless the
    wall-clock limit comes first). On these instances a single solve found
    better rosters than splitting the time into a first roster, a
    fix-and-optimise search over employees and days, and a hinted final solve.
    """
    started = time.perf_counter()
    solver = cp_sat(time_limit_s, workers, seed, log, deterministic_s)
    solver.parameters.subsolvers.append(FULL_SUBSOLVER)
    status = solver.Solve(cm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CurtoisResult(_STATUS.get(status, "unknown"), None, None, time.perf_counter() - started)
    return _result(cm, tuple(solver.ResponseProto().solution), solver.ObjectiveValue(),
                   solver.BestObjectiveBound(), started)


def solve_by_columns(instance: Instance, time_limit_s: float = 60.0, workers: int = 2, seed: int = 1,
                     log: bool = False) -> CurtoisResult:
    """Solve with column generation, a dive, branch and price and CP-SAT
    (:mod:`benchmarks.curtois_colgen`) within ``time_limit_s`` wall seconds; the bound
    is the column-generation bound, CP-SAT's, or the best roster's when the branch and
    price exhausted its tree, whichever is higher."""
    started = time.perf_counter()
    say = (lambda message: print(f"{time.perf_counter() - started:6.1f} s  {message}", flush=True)) if log else (
        lambda _: None)
    roster, bound = column_search(instance, time_limit_s, workers, seed, say)
    if roster is None:
        return CurtoisResult("unknown", None, None, time.perf_counter() - started)
    assignments = tuple(sorted(roster.assignments, key=_roster_order(instance)))
    if bound > roster.objective:  # a bound above a roster's value would be a defect, never a result
        raise RuntimeError(f"proven bound {bound} above the roster's objective {roster.objective}")
    return CurtoisResult(
        status="optimal" if bound >= roster.objective else "feasible",
        objective=roster.objective,
        bound=bound,
        wall_s=time.perf_counter() - started,
        assignments=assignments,
        penalties=penalties_of(instance, assignments),
    )


def _roster_order(instance: Instance):
    """Sort key putting assignments in employee-file, day, shift-file order."""
    employees = {e.employee_id: i for i, e in enumerate(instance.employees)}
    shifts = {s: i for i, s in enumerate(instance.shift_ids)}
    return lambda key: (employees[key[0]], key[1], shifts[key[2]])


def _result(cm: CurtoisModel, values: tuple[int, ...], objective: float, bound: float,
            started: float) -> CurtoisResult:
    """The roster, objective, proven bound and per-rule penalties of a solution vector."""
    def value(expr: cp_model.LinearExprT) -> int:
        if isinstance(expr, int):
            return expr
        flat = cp_model_helper.FlatIntExpr(expr)
        return flat.offset + sum(c * values[v.index] for v, c in zip(flat.vars, flat.coeffs, strict=True))

    total = round(objective)
    proven = min(total, math.ceil(bound - 1e-6))  # the objective is an integer
    penalties: dict[str, int] = {}
    for p in cm.penalties:
        penalties[p.rule] = penalties.get(p.rule, 0) + p.weight * value(p.expr)
    return CurtoisResult(
        status="optimal" if proven >= total else "feasible",
        objective=total,
        bound=proven,
        wall_s=time.perf_counter() - started,
        assignments=tuple(k for k, v in cm.x.items() if values[v.Index()]),
        penalties=penalties,
    )


def solution_csv(assignments: tuple[XKey, ...]) -> str:
    """The ``employee,day,shift`` CSV of a roster, in employee-day order."""
    rows = ["employee,day,shift"] + [f"{e},{d},{s}" for e, d, s in assignments]
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; exit 0 with a roster, 1 without one, 2 on bad input."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--time-limit", type=float, default=60.0, help="wall-clock limit [s]")
    parser.add_argument("--out", type=Path, required=True, help="solution CSV to write")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--method", choices=("columns", "compact"), default="columns",
                        help="columns: column generation, a dive, branch and price and CP-SAT (default); "
                             "compact: CP-SAT on the compact model alone")
    parser.add_argument("--deterministic-time", type=float, default=None,
                        help="compact method: also stop on this CP-SAT deterministic time, for repeatable results")
    parser.add_argument("--log", action="store_true",
                        help="print progress: each stage's roster (columns) or CP-SAT's search log (compact)")
    args = parser.parse_args(argv)
    try:
        instance = read_instance(args.instance)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.method == "columns":
        result = solve_by_columns(instance, args.time_limit, args.workers, args.seed, args.log)
    else:
        result = solve_curtois(build_curtois_model(instance), args.time_limit, args.workers, args.seed, args.log,
                               args.deterministic_time)
    print(f"{instance.name}: status {result.status}, objective {result.objective}, bound {result.bound}, "
          f"wall {result.wall_s:.1f} s")
    if result.objective is None:
        return 1
    print("penalties: " + ", ".join(f"{k} {v}" for k, v in result.penalties.items()))
    write_text_safely(args.out, solution_csv(result.assignments))
    return 0


if __name__ == "__main__":
    sys.exit(main())
