"""Benchmark: patients servable inside the booking window against the proven bound.

Solves the bundled scenarios and generated 60-doctor, two-site hospitals and
writes a Markdown and CSV table: served, the most any roster could serve
(CP-SAT's bound of the coverage phase), their ratio, the full objective's gap,
wall time, and whether the roster passes the independent checker.

Run: ``python -m benchmarks.solver_coverage --out benchmarks/results``
"""

from __future__ import annotations

import argparse
import platform
import tempfile
from pathlib import Path

import pandas as pd

from scheduler.check import check_roster
from scheduler.commands import solve_params
from scheduler.output import write_text_safely
from scheduler.reports import markdown_table
from scheduler.scenario import load_scenario
from scheduler.solver import build_model, solve
from scheduler.synthetic import write_synthetic_hospital

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def run_one(label: str, folder: Path, time_limit_s: float | None) -> dict[str, object]:
    """Solve one scenario folder and measure it."""
    scenario = load_scenario(folder)
    result = solve(build_model(scenario), solve_params(scenario, time_limit_s=time_limit_s))
    violations = check_roster(scenario, result.roster) if result.roster is not None else None
    return {
        "scenario": label,
        "doctors": len(scenario.doctors),
        "sites": len(scenario.sites),
        "demand": result.demand,
        "served": result.served,
        "served_bound": result.served_bound,
        "served_over_bound": round(result.served / result.served_bound, 4) if result.served_bound else None,
        "coverage_status": result.coverage_status,
        "status": result.status,
        "objective_gap": round(result.gap, 4) if result.gap is not None else None,
        "wall_s": round(result.wall_s, 1),
        "hard_rule_violations": None if violations is None else len(violations),
    }


def main() -> None:
    """Run the benchmark and write its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--time-limit", type=float, default=None, help="override every scenario's limit [s]")
    parser.add_argument("--seeds", type=int, nargs="*", default=[2, 3], help="generated 60-doctor hospitals")
    args = parser.parse_args()
    rows = [
        run_one("city_general (bundled)", SCENARIOS / "city_general", args.time_limit),
        run_one("city_general_extended (bundled)", SCENARIOS / "city_general_extended", args.time_limit),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            folder = write_synthetic_hospital(Path(tmp) / f"h{seed}", doctors=60, sites=2, departments=6, seed=seed)
            rows.append(run_one(f"generated 60 doctors, seed {seed}", folder, args.time_limit))
    table = pd.DataFrame(rows)
    machine = f"{platform.machine()}, {platform.python_version()}, {__import__('os').cpu_count()} cores"
    markdown = f"Machine: {machine}\n\n" + markdown_table(table) + "\n"
    write_text_safely(args.out / "solver_coverage.md", markdown)
    write_text_safely(args.out / "solver_coverage.csv", table.to_csv(index=False))
    print(markdown)


if __name__ == "__main__":
    main()
