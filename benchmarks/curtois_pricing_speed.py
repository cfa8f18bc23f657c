"""Pricing speed: the schedule programme against the one-employee CP-SAT model.

Run: ``python -m benchmarks.curtois_pricing_speed INSTANCE.txt [--vectors N] [--seed S]``

Draws ``N`` random cover-dual vectors (uniform 0-60 per day and shift, the range of
the master's duals with under-cover at 100), prices every employee under each with
both pricers of :class:`~benchmarks.curtois_columns.EmployeePricer`, checks that the
least reduced costs agree (within CP-SAT's rounding slack), and prints the mean
time per pricing solve of each on one core and their ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from benchmarks.curtois_columns import EmployeePricer
from benchmarks.curtois_instance import read_instance
from scheduler.errors import InputError


def compare(path: Path, vectors: int, seed: int) -> dict[str, float]:
    """Mean seconds per pricing solve of each pricer and the largest disagreement."""
    instance = read_instance(path)
    pricers = [EmployeePricer(instance, e) for e in instance.employees]
    pricers[0].price({}, 0.0)  # compile the programme before timing it
    rng = random.Random(seed)
    dp_s = cp_s = worst = 0.0
    solves = 0
    for _ in range(vectors):
        duals = {(d, s): rng.uniform(0, 60) for d in range(instance.horizon_days) for s in instance.shift_ids}
        for pricer in pricers:
            started = time.perf_counter()
            by_dp = pricer.price(duals, 0.0)
            dp_s += time.perf_counter() - started
            started = time.perf_counter()
            by_cp = pricer.price_by_cp_sat(pricer.coefficients(duals), 0.0, 60.0)
            cp_s += time.perf_counter() - started
            solves += 1
            if by_dp.least_reduced_cost is not None and by_cp.least_reduced_cost is not None:
                gap = by_dp.least_reduced_cost - by_cp.least_reduced_cost
                worst = max(worst, gap - 2 * pricer.rounding_slack, -gap)
    return {"programme_ms": 1000 * dp_s / solves, "cp_sat_ms": 1000 * cp_s / solves,
            "disagreement": worst, "solves": solves}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--vectors", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        found = compare(args.instance, args.vectors, args.seed)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{args.instance.name}: {found['solves']} pricing solves per pricer; programme "
          f"{found['programme_ms']:.1f} ms, CP-SAT {found['cp_sat_ms']:.1f} ms a solve "
          f"(ratio {found['cp_sat_ms'] / found['programme_ms']:.1f}); largest disagreement "
          f"beyond CP-SAT's rounding {found['disagreement']:.4f}")
    return 0 if found["disagreement"] <= 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
