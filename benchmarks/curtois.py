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

from ortools.sat.python import cp_model

from benchmarks.curtois_instance import read_instance
from benchmarks.curtois_model import CurtoisModel, XKey, build_curtois_model
from scheduler.errors import InputError
from scheduler.output import write_text_safely

#: Share of the time limit for the first phase, a search for a good roster
#: (LNS-heavy portfolio) whose best roster hints the second, proving phase.
FIRST_PHASE_SHARE = 0.25

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


def cp_sat(time_limit_s: float, workers: int, seed: int, log: bool = False) -> cp_model.CpSolver:
    """A CP-SAT solver with a wall-clock limit [s], ``workers`` threads and a fixed seed."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    return solver


def solve_curtois(cm: CurtoisModel, time_limit_s: float = 60.0, workers: int = 2, seed: int = 1,
                  log: bool = False) -> CurtoisResult:
    """Solve in two phases: find a good roster fast, then improve it and prove its bound."""
    started = time.perf_counter()
    first = cp_sat(time_limit_s * FIRST_PHASE_SHARE, workers, seed, log)
    status = first.Solve(cm.model)
    if status == cp_model.OPTIMAL:
        return _result(cm, first, status, started)
    if status == cp_model.FEASIBLE:
        for var in cm.x.values():
            cm.model.AddHint(var, first.Value(var))
        best = first.ObjectiveValue()
    remaining = time_limit_s - (time.perf_counter() - started)
    second = cp_sat(remaining, workers, seed, log)
    status2 = second.Solve(cm.model)
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
        status != cp_model.FEASIBLE or second.ObjectiveValue() <= best
    ):
        return _result(cm, second, status2, started)
    if status == cp_model.FEASIBLE:
        return _result(cm, first, status, started, bound=second.BestObjectiveBound())
    return CurtoisResult(_STATUS.get(status2, "unknown"), None, None, time.perf_counter() - started)


def _result(cm: CurtoisModel, solver: cp_model.CpSolver, status: int, started: float,
            bound: float | None = None) -> CurtoisResult:
    """Read the roster, objective, bound and per-rule penalties off a solver."""
    best_bound = max(solver.BestObjectiveBound(), bound if bound is not None else float("-inf"))
    objective = round(solver.ObjectiveValue())
    proven = min(objective, math.ceil(best_bound - 1e-6))  # the objective is an integer
    penalties: dict[str, int] = {}
    for p in cm.penalties:
        penalties[p.rule] = penalties.get(p.rule, 0) + p.weight * round(solver.Value(p.expr))
    return CurtoisResult(
        status="optimal" if proven >= objective else _STATUS[status],
        objective=objective,
        bound=proven,
        wall_s=time.perf_counter() - started,
        assignments=tuple(k for k, v in cm.x.items() if solver.Value(v)),
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
    parser.add_argument("--log", action="store_true", help="print CP-SAT's search log")
    args = parser.parse_args(argv)
    try:
        instance = read_instance(args.instance)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = solve_curtois(build_curtois_model(instance), args.time_limit, args.workers, args.seed, args.log)
    print(f"{instance.name}: status {result.status}, objective {result.objective}, bound {result.bound}, "
          f"wall {result.wall_s:.1f} s")
    if result.objective is None:
        return 1
    print("penalties: " + ", ".join(f"{k} {v}" for k, v in result.penalties.items()))
    write_text_safely(args.out, solution_csv(result.assignments))
    return 0


if __name__ == "__main__":
    sys.exit(main())
