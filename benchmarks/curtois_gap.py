"""Where a roster's distance from the column-generation bound lies, employee by employee.

Run: ``python -m benchmarks.curtois_gap INSTANCE.txt [--roster SOLUTION.csv] [--within 0 0.5 1]``

Converges the root LP of :mod:`benchmarks.curtois_colgen` and prints, for each
employee, the reduced cost under the root duals of the roster's schedule (with
``--roster``) and how many of the employee's schedules have a reduced cost of at
most each ``--within`` value (:mod:`benchmarks.curtois_enumerate`). A roster's
penalty is the LP's dual objective plus the reduced costs of its schedules plus
those of its cover slacks, so the table shows which employees carry a roster's gap
to the bound, and among how many schedules a better roster would have to choose:
one below ``T`` takes, for every employee, a schedule within ``T`` minus the bound.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.curtois_colgen import ColumnSearch, initial_columns
from benchmarks.curtois_enumerate import schedules_within
from benchmarks.curtois_eval import evaluate
from benchmarks.curtois_instance import read_instance
from benchmarks.curtois_model import XKey
from scheduler.errors import InputError

#: Most seconds the root LP may take to converge.
ROOT_LIMIT_S = 600.0


@dataclass(frozen=True)
class EmployeeGap:
    """One employee's row of the table."""

    employee_id: str
    roster_reduced_cost: float | None  #: of the roster's schedule [penalty units]; None without a roster
    #: per ``within`` value: schedules found, and False when the listing stopped at its most
    within: tuple[tuple[int, bool], ...]


@dataclass(frozen=True)
class GapReport:
    """The root LP and each employee's share of a roster's gap."""

    lp_value: float  #: root LP value [penalty units]
    bound: float  #: proven lower bound: dual objective plus each employee's least reduced cost
    dual_objective: float
    rows: tuple[EmployeeGap, ...]
    roster_objective: int | None  #: the roster's penalty, None without a roster

    @property
    def slack_share(self) -> float | None:
        """What the roster's cover slacks add beyond the dual objective and its schedules."""
        if self.roster_objective is None:
            return None
        return self.roster_objective - self.dual_objective - sum(r.roster_reduced_cost for r in self.rows)


def read_roster(instance_path: Path, roster_path: Path) -> tuple[frozenset[XKey], int]:
    """The (employee, day, shift) of a solution CSV that keeps every hard rule, and its penalty."""
    checked = evaluate(instance_path, roster_path)
    if not checked.feasible:
        raise InputError(roster_path, f"not a feasible roster: {checked.violations[0]}")
    with roster_path.open(newline="", encoding="utf-8") as handle:
        worked = frozenset((row["employee"].strip(), int(row["day"]), row["shift"].strip())
                           for row in csv.DictReader(handle))
    return worked, checked.objective


def gap_report(instance_path: Path, roster_path: Path | None, within: list[float], most: int,
               workers: int = 2) -> GapReport:
    """The table of the module docstring; each listing stops at ``most`` schedules."""
    instance = read_instance(instance_path)
    roster, objective = read_roster(instance_path, roster_path) if roster_path is not None else (None, None)
    search = ColumnSearch(instance, time.perf_counter() + ROOT_LIMIT_S, workers)
    try:
        initial_columns(search)
        search.generate(search.deadline)
        if not search.converged:
            raise RuntimeError(f"the root LP did not converge within {ROOT_LIMIT_S:.0f} s")
        lp_value, duals, convexity = search.master.solve()
    finally:
        search.close()
    rows = []
    for employee_id, pricer in search.pricers.items():
        reduced = None
        if roster is not None:
            column = tuple(k for k in pricer.keys if k in roster)
            reduced = (pricer.column_cost(column) - convexity[employee_id]
                       - sum(duals[(day, shift_id)] for _, day, shift_id in column))
        cost = pricer.day_costs(pricer.coefficients(duals))
        counts = []
        for room in within:
            listing = schedules_within(pricer.dp, cost, convexity[employee_id] - pricer.base_cost + room, most)
            counts.append((len(listing.schedules), listing.complete))
        rows.append(EmployeeGap(employee_id, reduced, tuple(counts)))
    return GapReport(lp_value, search.lower_bound, search.master.dual_value(duals, convexity), tuple(rows),
                     objective)


def markdown(report: GapReport, within: list[float]) -> str:
    """The report as a Markdown table with a summary line above it."""
    lines = [f"Root LP {report.lp_value:.2f}, bound {report.bound:.2f} (rounded up {math.ceil(report.bound - 1e-6)}), "
             f"dual objective {report.dual_objective:.2f}"]
    if report.roster_objective is not None:
        schedules = sum(r.roster_reduced_cost for r in report.rows)
        lines.append(f"Roster {report.roster_objective}: its schedules' reduced costs sum to {schedules:.2f}, "
                     f"its cover slacks' to {report.slack_share:.2f}")
    lines.append("")
    header = ["employee"] + (["roster reduced cost"] if report.roster_objective is not None else [])
    header += [f"schedules within {room:g}" for room in within]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in report.rows:
        cells = [row.employee_id]
        if row.roster_reduced_cost is not None:
            cells.append(f"{round(row.roster_reduced_cost, 3) + 0.0:.3f}")  # no "-0.000"
        cells += [f"{count:,}" + ("" if complete else "+") for count, complete in row.within]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--roster", type=Path, help="solution CSV (employee,day,shift) to break down")
    parser.add_argument("--within", type=float, nargs="+", default=[0.0, 0.5, 1.0],
                        help="reduced costs [penalty units] to count schedules within")
    parser.add_argument("--most", type=int, default=1_000_000,
                        help="most schedules listed per employee and value (a count that stopped is marked +)")
    args = parser.parse_args(argv)
    if args.most < 1 or any(room < 0 for room in args.within):
        parser.error("--most must be positive and --within values at least 0")
    try:
        report = gap_report(args.instance, args.roster, args.within, args.most)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(markdown(report, args.within))
    return 0


if __name__ == "__main__":
    sys.exit(main())
