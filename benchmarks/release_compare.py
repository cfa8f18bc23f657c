"""Dynamic release of held slots against a static hold, on one roster with common random numbers.

    python -m benchmarks.release_compare [--pair city_general|held_near_capacity] [--roster FILE]
                                         [--replications N]
    python -m benchmarks.release_compare --write-scenarios

The two scenarios of a pair differ only in booking settings, so ``python cli.py
compare A B`` already simulates one roster both ways
(:func:`scheduler.commands.same_roster_inputs`). This benchmark does the same on a
given roster (``--roster``, e.g. one shared with other benchmarks; else it solves the
release scenario), and writes the short table of the booking KPIs release acts on
with the paired comparison of :mod:`scheduler.compare` to ``benchmarks/results/``.

Pairs:

``city_general``
    ``scenarios/city_general`` against ``scenarios/city_general_no_release``:
    general clinics open all their slots to booking (nothing to release there)
    and have spare capacity.
``held_near_capacity``
    ``scenarios/release_study/held_near_capacity`` against
    ``scenarios/release_study/held_near_capacity_no_release``, derived from
    ``city_general`` by :func:`held_near_capacity_files` (``--write-scenarios``
    rewrites them): general clinics hold :data:`HELD_GENERAL_SHARE` of their
    slots (follow-up and same-day holds, as expert clinics do), the follow-up
    holds are sized for every follow-up (target follow-up booking rate
    :data:`FOLLOWUP_HOLD_RATE` where a department sets none), and demand is
    :data:`DEMAND_FACTOR` times ``city_general``'s, near the hospital's capacity.
    Follow-ups book held slots first, so holds sized for only part of them (as
    ``city_general``'s 60% target does) are full under a static hold too and
    release has nothing to fill; holds sized for all of them are not full every
    day.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from scheduler.commands import load_roster, roster_scenario, solve_params
from scheduler.compare import compare_simulations, comparison_markdown
from scheduler.scenario import load_scenario
from scheduler.sim import simulate

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
BASE = Path("scenarios") / "city_general"
STUDY = Path("scenarios") / "release_study"
#: (release scenario, static-hold scenario, results file) per pair.
PAIRS = {
    "city_general": (BASE, Path("scenarios") / "city_general_no_release", "release_compare.md"),
    "held_near_capacity": (STUDY / "held_near_capacity", STUDY / "held_near_capacity_no_release",
                           "release_compare_held_near_capacity.md"),
}
#: Share of a general clinic's slots held from advance booking in the derived pair [-]: as expert
#: clinics' default (``expert_booking_open_share: 0.5``).
HELD_GENERAL_SHARE = 0.5
#: Target follow-up booking rate of the derived pair, which sizes the follow-up holds [-].
FOLLOWUP_HOLD_RATE = 1.0
#: Demand of the derived pair against city_general's [-].
DEMAND_FACTOR = 1.1
#: Booking weeks simulated and left out as warm-up in the derived pair. Follow-ups of
#: consultations before the run fill the holds of the first two weeks, so the paired difference
#: of the weekly empty share is steady from the first week (2.2, 2.1, 2.4, 1.9, 2.6, 2.4, 2.8,
#: 1.9, 2.8 and 2.2 points over 10 weeks, 6 replications); 4 warm-up weeks leave a margin.
WEEKS, WARMUP_WEEKS = 8, 4
#: Rows of the short table: the booking KPIs release acts on.
SHOWN = ("weeks_lead_days_mean", "weeks_wait_days_mean", "weeks_within_window_share", "weeks_unserved_patients",
         "third_next_available_days", "empty_slot_share", "unbooked_slot_share", "empty_slot_share_expert",
         "unbooked_slot_share_expert", "empty_slot_share_general", "unbooked_slot_share_general",
         "weeks_no_show_rate", "followup_booking_rate", "released_slots")


def held_near_capacity_files(base: Path, static: bool) -> dict[str, str]:
    """The files of the derived scenario (see the module docstring): ``base``'s, with the
    name, the general open-share and follow-up booking-rate targets, the booking weeks (:data:`WEEKS`,
    :data:`WARMUP_WEEKS`) and (``static``) the static hold changed in ``scenario.yaml``,
    and every demand row's ``patients`` times :data:`DEMAND_FACTOR`, rounded."""
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(base.iterdir()) if p.is_file()}
    yaml = files["scenario.yaml"]
    open_share = round(1.0 - HELD_GENERAL_SHARE, 6)
    hold = "held slots never released" if static else "held slots released 24 h ahead"
    replacements = {
        "# Synthetic hospital written by scheduler.synthetic; edit freely.":
            "# Derived from scenarios/city_general by `python -m benchmarks.release_compare --write-scenarios`.",
        'name: "City General, baseline,':
            f'name: "City General, general clinics hold {HELD_GENERAL_SHARE:.0%}, holds for every follow-up, '
            f'demand x{DEMAND_FACTOR}, {hold},',
        "general_booking_open_share: 1.0": f"general_booking_open_share: {open_share}",
        "followup_booking_rate: 0.6": f"followup_booking_rate: {FOLLOWUP_HOLD_RATE}",
    }
    booking = f"weeks: {WEEKS}, warmup_weeks: {WARMUP_WEEKS}" + (", release_horizon_h: null" if static else "")
    replacements["simulation: {replications: 20, seed: 1}"] = (
        f"simulation: {{replications: 20, seed: 1, booking: {{{booking}}}}}")
    for old, new in replacements.items():
        if yaml.count(old) != 1:
            raise ValueError(f"{base / 'scenario.yaml'}: expected one line starting {old!r}")
        yaml = yaml.replace(old, new)
    files["scenario.yaml"] = yaml
    rows = list(csv.DictReader(io.StringIO(files["demand.csv"])))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        row["patients"] = str(int(round(int(row["patients"]) * DEMAND_FACTOR)))
        writer.writerow(row)
    files["demand.csv"] = out.getvalue()
    return files


def write_scenarios(repo: Path = REPO) -> list[Path]:
    """Write the derived pair under ``scenarios/release_study/``; return the two folders."""
    release, static, _ = PAIRS["held_near_capacity"]
    folders = []
    for folder, is_static in ((release, False), (static, True)):
        target = repo / folder
        target.mkdir(parents=True, exist_ok=True)
        for name, text in held_near_capacity_files(repo / BASE, is_static).items():
            (target / name).write_text(text, encoding="utf-8")
        folders.append(target)
    return folders


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.release_compare")
    parser.add_argument("--pair", choices=sorted(PAIRS), default="city_general")
    parser.add_argument("--roster", type=Path, default=None)
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-scenarios", action="store_true",
                        help="rewrite the derived scenarios under scenarios/release_study/ and stop")
    args = parser.parse_args(argv)
    if args.write_scenarios:
        for folder in write_scenarios():
            print(f"Wrote {folder.relative_to(REPO)}")
        return 0
    release_dir, static_dir, result_file = PAIRS[args.pair]
    release, static = load_scenario(REPO / release_dir), load_scenario(REPO / static_dir)
    if args.roster is not None:
        roster = load_roster(release, args.roster)
    else:
        roster = roster_scenario(release, solve_params(release)).roster
    seed = release.simulation.seed
    a = simulate(release, roster, replications=args.replications, seed=seed, workers=args.workers)
    b = simulate(static, roster, replications=args.replications, seed=seed, workers=args.workers)
    comparison = compare_simulations(a, b, release.name, static.name)
    table = comparison.table.set_index("kpi")
    options = f" --pair {args.pair}" if args.pair != "city_general" else ""
    options += f" --roster {args.roster}" if args.roster is not None else ""
    lines = [
        "# Dynamic release (A) against a static hold (B), one roster",
        "",
        f"`python -m benchmarks.release_compare{options} --replications {args.replications}` (2 cores, shared); "
        f"A = `{release_dir}` (release 24 h before the session), B = `{static_dir}` (never released); "
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
    (RESULTS / result_file).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:len(SHOWN) + 7]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
