"""Benchmark: the planner's questions on generated hospitals.

1. **Extended hours** on a 90-doctor, two-site hospital whose daytime rooms are the
   bottleneck (Monday demand 100-110% of daytime room capacity): baseline against
   weekday evenings + Saturday afternoon + Sunday morning, rostered and simulated
   with common random numbers (:func:`scheduler.commands.run_compare`); both
   rosters checked.
2. **Multi-site group**: a 120-doctor, three-site group with travel times and a
   site-change limit; served against the proven bound, hard rules checked
   (credentials, travel, rest, site changes), multi-site practice counted, and the
   same group solved with every doctor confined to the home site as the reference
   for what multi-site practice adds.
3. **Unmeetable partner support**: the group asked for more county sessions than
   its doctors can give; the reasons in words and the CLI's exit code.

Run: ``python -m benchmarks.planner_scenarios --out benchmarks/results``
(about 10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd

from scheduler.check import check_roster
from scheduler.commands import run_compare, solve_params
from scheduler.errors import InfeasibleError
from scheduler.model import PartnerSupport, Roster, Scenario
from scheduler.output import write_text_safely
from scheduler.reports import markdown_table
from scheduler.scenario import load_scenario
from scheduler.solver import build_model, solve
from scheduler.synthetic import PlannerOptions, write_synthetic_hospital

REPO = Path(__file__).resolve().parent.parent


def multi_site_use(scenario: Scenario, roster: Roster) -> dict[str, int]:
    """Doctor-sessions away from the home site, doctors at two or more sites, site changes."""
    away = sum(1 for a in roster.assignments if a.site_id != scenario.doctor(a.doctor_id).home_site)
    sites_per_doctor = Counter()
    changes = 0
    for rows in roster.by_doctor().values():
        sites_per_doctor[len({a.site_id for a in rows})] += 1
        changes += sum(1 for x, y in zip(rows, rows[1:], strict=False) if x.site_id != y.site_id)
    return {
        "sessions_away_from_home": away,
        "doctors_at_2plus_sites": sum(n for k, n in sites_per_doctor.items() if k >= 2),
        "site_changes": changes,
    }


def extended_hours(work: Path, out: Path, seed: int, time_limit_s: float, replications: int) -> dict[str, object]:
    """Part 1: baseline against extended hours, compared with common random numbers."""
    base = write_synthetic_hospital(work / "ext_base", doctors=90, sites=2, departments=6, seed=seed)
    ext = write_synthetic_hospital(work / "ext_b", doctors=90, sites=2, departments=6, seed=seed,
                                   extended_hours=True)
    run_a, run_b, comparison = run_compare(base, ext, work / "ext_cmp", time_limit_s=time_limit_s,
                                           replications=replications)
    table = comparison.table.set_index("kpi")
    result: dict[str, object] = {"headline": comparison.headline, "lead_time": comparison.lead_time}
    for label, run in (("baseline", run_a), ("extended", run_b)):
        result[label] = {
            "served_within_window": run.solve.served,
            "served_bound": run.solve.served_bound,
            "demand": run.solve.demand,
            "status": run.solve.status,
            "wall_s": round(run.solve.wall_s, 1),
            "hard_rule_violations": len(check_roster(run.scenario, run.solve.roster)),
            "doctor_sessions": len(run.solve.roster),
        }
    result["kpis"] = {
        kpi: {col: round(float(table.loc[kpi, col]), 4) for col in
              ("a", "a_ci95", "b", "b_ci95", "b_minus_a", "b_minus_a_ci95")}
        for kpi in ("within_booking_window_share", "booking_lead_days_mean", "booking_lead_days_p90",
                    "unserved_patients", "booked_patients", "no_slot_patients", "walk_ins_turned_away",
                    "mean_wait_min", "doctor_utilisation", "doctor_sessions")
        if kpi in table.index
    }
    write_text_safely(out / "planner_extended_hours_compare.csv",
                      table.reset_index().to_csv(index=False, float_format="%.6g"))
    return result


def multi_site(work: Path, seed: int, time_limit_s: float) -> dict[str, object]:
    """Part 2: the 120-doctor three-site group; the same group confined to home sites
    (reference); and the group with at most 2 site changes per doctor per week."""
    folder = write_synthetic_hospital(work / "group", doctors=120, sites=3, departments=8, seed=seed,
                                      options=PlannerOptions(holidays="CN"))
    scenario = load_scenario(folder)
    params = solve_params(scenario, time_limit_s=time_limit_s)
    solved = solve(build_model(scenario), params)
    violations = check_roster(scenario, solved.roster)
    home_only = dataclasses.replace(
        scenario, doctors=tuple(dataclasses.replace(d, sites=d.sites[:1]) for d in scenario.doctors)
    )
    confined = solve(build_model(home_only), params)
    limited_scenario = dataclasses.replace(scenario, rules=dataclasses.replace(scenario.rules,
                                                                               max_site_changes_per_week=2))
    limited = solve(build_model(limited_scenario), params)
    return {
        "doctors": len(scenario.doctors),
        "sites": len(scenario.sites),
        "travel_min": {f"{a}-{b}": m for (a, b), m in scenario.travel_min.items() if a < b},
        "registered_at_2plus_sites": sum(1 for d in scenario.doctors if len(d.sites) > 1),
        "demand": solved.demand,
        "served_within_window": solved.served,
        "served_bound": solved.served_bound,
        "served_gap": round(solved.served_gap, 5),
        "status": solved.status,
        "coverage_status": solved.coverage_status,
        "wall_s": round(solved.wall_s, 1),
        "hard_rule_violations": len(violations),
        "violated_rules": sorted({v.rule for v in violations}),
        **multi_site_use(scenario, solved.roster),
        "home_site_only_served": confined.served,
        "home_site_only_bound": confined.served_bound,
        "multi_site_gain_patients": solved.served - confined.served,
        "max2_site_changes_served": limited.served,
        "max2_site_changes_bound": limited.served_bound,
        "max2_site_changes_gap": round(limited.served_gap, 5),
        "max2_site_changes_violations": len(check_roster(limited_scenario, limited.roster)),
        **{f"max2_{k}": v for k, v in multi_site_use(limited_scenario, limited.roster).items()},
    }


def unmeetable_partner(work: Path, seed: int, sessions: int) -> dict[str, object]:
    """Part 3: a partner-support rule the group cannot meet, through the library and the CLI."""
    folder = write_synthetic_hospital(
        work / "partner", doctors=120, sites=3, departments=8, seed=seed,
        options=PlannerOptions(partner_sessions=sessions, max_site_changes=2),
    )
    scenario = load_scenario(folder)
    rule: PartnerSupport = scenario.partner_support[0]
    try:
        solve(build_model(scenario), solve_params(scenario, time_limit_s=20))
        reasons: list[str] = []
    except InfeasibleError as error:
        reasons = error.reasons
    cli = subprocess.run(
        [sys.executable, str(REPO / "cli.py"), "roster", str(folder), "--out", str(work / "partner_out"),
         "--time-limit", "20"],
        capture_output=True, text=True, check=False, cwd=REPO,
    )
    return {"rule": rule.describe(), "reasons": reasons, "cli_exit_code": cli.returncode,
            "cli_output": (cli.stdout + cli.stderr).strip()}


def report(results: dict[str, object]) -> str:
    """The results as Markdown."""
    ext, group, partner = results["extended_hours"], results["multi_site"], results["partner_support"]
    lines = [
        "# Planner scenarios benchmark",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, 2 cores, shared. "
        f"Command: `{results['command']}`",
        "",
        "## 1. Extended hours, 90 doctors, two sites (daytime rooms the bottleneck)",
        "",
        markdown_table(pd.DataFrame([{"roster": k, **v} for k, v in ext.items() if k in ("baseline", "extended")])),
        "",
        "Simulated with common random numbers (B = extended hours, A = baseline; mean ± 95% half-width):",
        "",
        markdown_table(pd.DataFrame([{"kpi": k, **v} for k, v in ext["kpis"].items()])),
        "",
        f"> {ext['headline']}",
        f"> {ext['lead_time']}",
        "",
        "## 2. Multi-site group, 120 doctors, three sites with travel times",
        "",
        markdown_table(pd.DataFrame([{k: v for k, v in group.items() if k != "travel_min"}]).T.reset_index()
                       .rename(columns={"index": "measure", 0: "value"})),
        "",
        f"Travel minutes: {group['travel_min']}",
        "",
        "## 3. Unmeetable partner support",
        "",
        f"Rule: {partner['rule']}; `python cli.py roster` exit code {partner['cli_exit_code']}.",
        "",
        "```",
        partner["cli_output"],
        "```",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Run the three parts and write planner_scenarios.md and planner_scenarios.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--time-limit", type=float, default=60.0, help="solver limit per roster [s]")
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1, help="generator seed of the 90-doctor hospital")
    parser.add_argument("--group-seed", type=int, default=3, help="generator seed of the 120-doctor group")
    parser.add_argument("--partner-sessions", type=int, default=80, help="county sessions asked in part 3")
    args = parser.parse_args()
    command = "python -m benchmarks.planner_scenarios " + " ".join(sys.argv[1:])
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results = {
            "command": command.strip(),
            "extended_hours": extended_hours(work, args.out, args.seed, args.time_limit, args.replications),
            "multi_site": multi_site(work, args.group_seed, args.time_limit),
            "partner_support": unmeetable_partner(work, args.group_seed, args.partner_sessions),
        }
    args.out.mkdir(parents=True, exist_ok=True)
    write_text_safely(args.out / "planner_scenarios.json", json.dumps(results, indent=2, default=str) + "\n")
    write_text_safely(args.out / "planner_scenarios.md", report(results))
    print(report(results))


if __name__ == "__main__":
    main()
