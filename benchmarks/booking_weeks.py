"""Rolling booking simulation on a bundled scenario: no-show by lead time against the real log, and targets.

    python -m benchmarks.booking_weeks [--scenario DIR] [--roster FILE] [--replications N] [DATA_DIR]

Rosters the scenario (unless ``--roster`` is given), runs the booking
simulation over weeks (``simulation.booking``), and writes
``benchmarks/results/booking_weeks.md``: simulated no-show rate by lead-time
bucket beside the real log's (recomputed from ``appointments/`` when the shared
data is present, else the stored calibration), with the visits in each
bucket, then the booking KPIs with 95% intervals.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.calibrate import APPOINTMENTS_CSV, DEFAULT_DATA_DIR, no_show_by_lead_time
from scheduler.commands import DEFAULT_SCENARIO, load_roster, roster_scenario, solve_params
from scheduler.scenario import load_scenario
from scheduler.sim import calibration
from scheduler.sim.booking_kpis import booking_weeks_kpis, lead_bucket_labels
from scheduler.sim.kpis import summarise

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parent.parent
KPIS = ("weeks_lead_days_mean", "weeks_lead_days_p90", "weeks_within_window_share", "third_next_available_days",
        "followup_booking_rate", "empty_slot_share", "unbooked_slot_share", "empty_slot_share_expert",
        "unbooked_slot_share_expert", "weeks_no_show_rate", "general_open_share",
        "expert_open_share")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.booking_weeks")
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--roster", type=Path, default=None)
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    scenario = load_scenario(args.scenario)
    if args.roster is not None:
        roster = load_roster(scenario, args.roster)
    else:
        roster = roster_scenario(scenario, solve_params(scenario)).roster
    per_rep = booking_weeks_kpis(scenario, roster, scenario.simulation.seed, args.replications, args.workers)
    summary = summarise(per_rep)
    log_path = args.data_dir / APPOINTMENTS_CSV
    if log_path.exists():
        real = no_show_by_lead_time(log_path)
        source = f"recomputed from {APPOINTMENTS_CSV}"
        real_rates, real_counts = real.rates, real.counts
    else:
        source = "stored calibration (shared data absent)"
        real_rates, real_counts = calibration.NO_SHOW_RATES, (None,) * len(calibration.NO_SHOW_RATES)
    booking = scenario.simulation.booking
    shown = args.scenario.resolve()
    shown = shown.relative_to(REPO) if shown.is_relative_to(REPO) else shown
    roster_note = f" --roster {args.roster}" if args.roster is not None else ""
    lines = [
        f"# Booking over weeks: {scenario.name}",
        "",
        f"`python -m benchmarks.booking_weeks --scenario {shown}{roster_note} --replications {args.replications}` "
        f"(2 cores, shared); {booking.weeks} weeks, first {booking.warmup_weeks} not measured; real log: {source}.",
        "",
        "## No-show rate by booking lead time",
        "",
        "| lead time | real log | log appointments | simulated (95% interval) | simulated visits per replication "
        "| difference [points] |",
        "|---|---|---|---|---|---|",
    ]
    for label, rate, count in zip(lead_bucket_labels(), real_rates, real_counts, strict=True):
        visits = summary[f"weeks_visits_lead_{label}"]
        sim = summary[f"weeks_no_show_rate_lead_{label}"]
        half = summary[f"weeks_no_show_rate_lead_{label}_ci95"]
        if visits <= 0:
            lines.append(f"| {label} | {rate:.1%} | {count or ''} | none (bookings open "
                         f"{scenario.simulation.booked_days_ahead_max} days ahead) | 0 | |")
            continue
        lines.append(f"| {label} | {rate:.1%} | {count or ''} | {sim:.1%} ± {half:.1%} | {visits:.0f} "
                     f"| {100 * (sim - rate):+.1f} |")
    lines += ["", "## Booking KPIs (mean ± 95% half-width over replications)", "", "| KPI | value |", "|---|---|"]
    for key in KPIS:
        lines.append(f"| {key} | {summary[key]:.3f} ± {summary[key + '_ci95']:.3f} |")
    for dept in sorted(scenario.departments):
        rate, tna = f"followup_booking_rate_{dept}", f"third_next_available_days_{dept}"
        lines.append(f"| {rate} (target {scenario.followup_booking_rate(dept):.0%}) "
                     f"| {summary[rate]:.3f} ± {summary[rate + '_ci95']:.3f} |")
        lines.append(f"| {tna} | {summary[tna]:.2f} ± {summary[tna + '_ci95']:.2f} |")
        within = f"weeks_within_window_share_{dept}"
        lines.append(f"| {within} | {summary[within]:.3f} ± {summary[within + '_ci95']:.3f} |")
    RESULTS.mkdir(exist_ok=True)
    name = f"booking_weeks_{args.scenario.name}.md"
    (RESULTS / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
