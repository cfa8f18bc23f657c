"""Payment and registration modes on the bundled scenario, on one roster.

``python -m benchmarks.sim_compare_flow [--out DIR] [--roster FILE] [--replications N] [--cashiers N]``

Rosters ``scenarios/city_general`` once (or reads ``--roster``), then simulates it
under the baseline settings (pay at each step, desk registration) and under each
variant (``city_general_settle_at_end``, ``city_general_mobile_registration``) with
the same seed, and writes the paired comparison of each (``compare.md`` layout)
to ``DIR/sim_compare_<variant>.md``. ``cli.py compare`` also simulates one roster
both ways for these pairs (:func:`scheduler.commands.same_roster_inputs`); this
benchmark runs every variant on one given roster and can change the cashiers:
``--cashiers`` sets the cashiers per site on both sides (file suffix
``_<N>_cashiers``).
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from scheduler.commands import load_roster, roster_scenario, solve_params
from scheduler.compare import compare_simulations, comparison_markdown
from scheduler.model import Scenario
from scheduler.scenario import load_scenario
from scheduler.sim import simulate

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
VARIANTS = ("city_general_settle_at_end", "city_general_mobile_registration")


def _with_cashiers(scenario: Scenario, cashiers: int | None) -> Scenario:
    """The scenario with ``cashiers`` per site (unchanged when None)."""
    if cashiers is None:
        return scenario
    return dataclasses.replace(scenario, simulation=dataclasses.replace(scenario.simulation, cashiers=cashiers))


def main(argv: list[str] | None = None) -> int:
    """Run both comparisons and write their tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sim_compare_flow",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--roster", type=Path, default=None, help="a roster.csv of city_general (else solved)")
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--cashiers", type=int, default=None, help="cashiers per site on both sides")
    args = parser.parse_args(argv)
    base = _with_cashiers(load_scenario(SCENARIOS / "city_general"), args.cashiers)
    if args.roster is not None:
        roster = load_roster(base, args.roster)
    else:
        roster = roster_scenario(base, solve_params(base)).roster
        if roster is None:
            print("no roster found")
            return 1
    baseline = simulate(base, roster, replications=args.replications)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in VARIANTS:
        variant = _with_cashiers(load_scenario(SCENARIOS / name), args.cashiers)
        result = compare_simulations(baseline, simulate(variant, roster, replications=args.replications),
                                     base.name, variant.name)
        text = f"Same roster ({len(roster)} doctor-sessions) for both.\n\n" + comparison_markdown(result)
        suffix = "" if args.cashiers is None else f"_{args.cashiers}_cashiers"
        path = args.out / f"sim_compare_{name.removeprefix('city_general_')}{suffix}.md"
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
