"""Simulator validation: steady state against Erlang C, transient sessions against ciw.

``python -m benchmarks.sim_validation [--out DIR] [--quick]``

1. Erlang C: M/M/c in textbook mode (Poisson walk-ins, exponential
   consultations, one FIFO queue) over a 23-hour session; the mean wait of
   patients arriving after the first 10% of the session (warm-up), per
   replication, against the steady-state M/M/c mean wait. Passes when the
   relative error is within 2%.
2. ciw: M/M/3 at 90% load over 4-hour and 8-hour sessions (arrivals while
   open, doctors stay until the queue is empty), mean wait per replication
   from both simulators. Passes when the difference of the two means is
   within the sum of their 95% half-widths (the intervals overlap); the
   Welch t-test p-value is reported too.

Writes ``sim_validation.md`` and ``sim_validation.csv`` to ``--out`` (default benchmarks/results).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from benchmarks.sim_cases import ciw_session_waits
from scheduler.reports import markdown_table
from scheduler.sim import simulate
from scheduler.sim.kpis import ci95_half_width
from scheduler.sim.textbook import case_arrival_rate, erlang_c_wait_min, textbook_case

#: (doctors, utilisation, consultation minutes, replications) of the Erlang C cases.
ERLANG_CASES = ((1, 0.7, 0.2, 300), (3, 0.7, 0.2, 120), (2, 0.8, 0.2, 240))
#: Session length of the Erlang C cases [min] and its warm-up share.
LONG_SESSION_MIN = 1380
WARM_UP_SHARE = 0.1
#: Replications run per simulate call (keeps the visit records small).
BATCH = 30


def steady_state_waits(servers: int, utilisation: float, consult_min: float, replications: int,
                       workers: int) -> tuple[np.ndarray, float, int]:
    """Per-replication mean waits after warm-up [min], the simulated arrival rate, and patients."""
    scenario, roster = textbook_case(servers, utilisation, consult_min, LONG_SESSION_MIN)
    warm_up = WARM_UP_SHARE * LONG_SESSION_MIN
    means: list[float] = []
    patients = 0
    for batch, start in enumerate(range(0, replications, BATCH)):
        n = min(BATCH, replications - start)
        visits = simulate(scenario, roster, replications=n, seed=1000 + batch, workers=workers).visits
        steady = visits[visits["arrival_min"] >= warm_up]
        means += steady.groupby("replication")["wait_min"].mean().tolist()
        patients += len(visits)
    return np.asarray(means), case_arrival_rate(scenario), patients


def erlang_rows(workers: int, scale: int) -> list[dict[str, object]]:
    """One row per Erlang C case."""
    rows = []
    for servers, utilisation, consult_min, replications in ERLANG_CASES:
        start = time.perf_counter()
        means, rate, patients = steady_state_waits(servers, utilisation, consult_min,
                                                   max(10, replications // scale), workers)
        theory = erlang_c_wait_min(rate, consult_min, servers)
        mean, half = float(means.mean()), ci95_half_width(means)
        error = (mean - theory) / theory
        rows.append({
            "case": f"M/M/{servers}, load {rate * consult_min / servers:.3f}, {LONG_SESSION_MIN // 60} h",
            "replications": len(means),
            "patients": patients,
            "erlang_c_wait_min": round(theory, 5),
            "simulated_wait_min": round(mean, 5),
            "ci95_half_width": round(half, 5),
            "relative_error": f"{error:+.2%}",
            "relative_ci95": f"±{half / mean:.2%}",
            "within_2pct": abs(error) <= 0.02,
            "wall_s": round(time.perf_counter() - start, 1),
        })
    return rows


def ciw_rows(workers: int, scale: int) -> list[dict[str, object]]:
    """One row per transient session compared with ciw."""
    rows = []
    for session_min in (240, 480):
        replications = max(50, 2000 // scale)
        scenario, roster = textbook_case(3, 0.9, 12.0, session_min)
        ours = simulate(scenario, roster, replications=replications, seed=21, workers=workers).per_replication
        ours = ours.loc[ours["seen_patients"] > 0, "mean_wait_min"].to_numpy()
        theirs = ciw_session_waits(3, case_arrival_rate(scenario), 12.0, session_min, replications, seed=21)
        half_ours, half_ciw = ci95_half_width(ours), ci95_half_width(theirs)
        gap = float(ours.mean() - theirs.mean())
        rows.append({
            "case": f"M/M/3, load 0.9, {session_min // 60} h session",
            "replications": replications,
            "simulator_wait_min": f"{ours.mean():.3f} ± {half_ours:.3f}",
            "ciw_wait_min": f"{theirs.mean():.3f} ± {half_ciw:.3f}",
            "difference_min": round(gap, 3),
            "within_both_cis": abs(gap) <= half_ours + half_ciw,
            "welch_p": round(float(stats.ttest_ind(ours, theirs, equal_var=False).pvalue), 3),
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the validation and write its tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sim_validation",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="a tenth of the replications (smoke run)")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    erlang = pd.DataFrame(erlang_rows(args.workers, scale))
    peer = pd.DataFrame(ciw_rows(args.workers, scale))
    machine = f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores"
    text = "\n".join([
        "# Simulator validation", "", f"Machine: {machine}", "",
        f"## Steady state against Erlang C ({LONG_SESSION_MIN // 60}-hour session, first "
        f"{WARM_UP_SHARE:.0%} left out)", "",
        markdown_table(erlang), "",
        "## Transient sessions against ciw (same parameters, independent random numbers)", "",
        markdown_table(peer), "",
    ])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sim_validation.md").write_text(text, encoding="utf-8")
    pd.concat([erlang.assign(check="erlang_c"), peer.assign(check="ciw")], ignore_index=True).to_csv(
        args.out / "sim_validation.csv", index=False)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
