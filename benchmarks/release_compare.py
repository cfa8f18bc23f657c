"""Dynamic release of held slots against a static hold, on one roster with common random numbers.

    python -m benchmarks.release_compare [--roster FILE] [--replications N]

``python cli.py compare scenarios/city_general scenarios/city_general_no_release``
rosters each scenario; the two scenarios differ only in
``simulation.booking.release_horizon_h``, so their rosters are the same when the
solver is. This benchmark removes that condition: it solves
``scenarios/city_general`` once (or reads ``--roster``), simulates that roster
under both scenarios with the same seed and replications, and writes the
paired comparison of :mod:`scheduler.compare` to
``benchmarks/results/release_compare.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scheduler.commands import load_roster, roster_scenario, solve_params
from scheduler.compare import compare_simulations, comparison_markdown
from scheduler.scenario import load_scenario
from scheduler.sim import simulate

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
RELEASE = Path("scenarios") / "city_general"
STATIC = Path("scenarios") / "city_general_no_release"
#: Rows of the short table: the booking KPIs release acts on.
SHOWN = ("weeks_lead_days_mean", "weeks_wait_days_mean", "weeks_within_window_share", "weeks_unserved_patients",
         "third_next_available_days", "empty_slot_share", "unbooked_slot_share", "empty_slot_share_expert",
         "unbooked_slot_share_expert", "empty_slot_share_general", "unbooked_slot_share_general",
         "followup_booking_rate", "released_slots")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.release_compare")
    parser.add_argument("--roster", type=Path, default=None)
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    release, static = load_scenario(REPO / RELEASE), load_scenario(REPO / STATIC)
    if args.roster is not None:
        roster = load_roster(release, args.roster)
    else:
        roster = roster_scenario(release, solve_params(release)).roster
    seed = release.simulation.seed
    a = simulate(release, roster, replications=args.replications, seed=seed, workers=args.workers)
    b = simulate(static, roster, replications=args.replications, seed=seed, workers=args.workers)
    comparison = compare_simulations(a, b, release.name, static.name)
    table = comparison.table.set_index("kpi")
    roster_note = f" --roster {args.roster}" if args.roster is not None else ""
    lines = [
        "# Dynamic release (A) against a static hold (B), one roster",
        "",
        f"`python -m benchmarks.release_compare{roster_note} --replications {args.replications}` (2 cores, shared); "
        f"A = `{RELEASE}` (release 24 h before the session), B = `{STATIC}` (never released); "
        f"{len(roster)} doctor-sessions, seed {seed}, paired replications.",
        "",
        "| KPI | A: release | B: static hold | B - A (95% interval) |",
        "|---|---|---|---|",
    ]
    for kpi in SHOWN:
        if kpi in table.index:
            r = table.loc[kpi]
            lines.append(f"| {kpi} | {r.a:.3f} ± {r.a_ci95:.3f} | {r.b:.3f} ± {r.b_ci95:.3f} "
                         f"| {r.b_minus_a:+.3f} ± {r.b_minus_a_ci95:.3f} |")
    lines += ["", "## Every KPI", "", comparison_markdown(comparison)]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "release_compare.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:len(SHOWN) + 7]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
