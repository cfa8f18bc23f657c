"""Simulator speed: against ciw on the same textbook network, and a large hospital week.

``python -m benchmarks.sim_speed [--out DIR] [--quick]``

1. Textbook M/M/c sessions (Poisson walk-ins while open, exponential
   consultations, the doctors stay until the queue is empty) run by this
   simulator (``simulate``, one process, including its KPIs, per-visit
   records and queue series) with each day engine (``simulation.engine``:
   ``fast``, the default, and ``simpy``, the SimPy reference) and by ciw (one
   network, a ``Simulation`` per replication, mean wait from its records), same
   parameters and replications, in the same process: the ratios of CPU times
   are the result (best of 3 each), one row per engine.
2. A hospital group week of about 5,000 visits a day (:func:`~benchmarks.sim_cases.hospital_week`,
   full visit flow), 20 replications on 2 worker processes, with each engine:
   wall time, and CPU time of all processes (what the run costs on idle cores).

Writes ``sim_speed.md`` and ``sim_speed.csv`` to ``--out`` (default benchmarks/results).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import resource
import time
from pathlib import Path

import pandas as pd

from benchmarks.sim_cases import ciw_session_waits, hospital_week
from scheduler.model import Scenario
from scheduler.reports import markdown_table
from scheduler.sim import simulate
from scheduler.sim.textbook import case_arrival_rate, textbook_case

#: Day engines measured (``simulation.engine``); the first is the default the others are compared with.
ENGINES = ("fast", "simpy")
#: (doctors, utilisation, consultation minutes, session minutes, replications)
TEXTBOOK_CASES = (
    (3, 0.9, 12.0, 240, 300), (3, 0.9, 12.0, 480, 300), (10, 0.9, 12.0, 480, 100), (3, 0.9, 0.2, 1380, 3),
)


def with_engine(scenario: Scenario, engine: str) -> Scenario:
    """``scenario`` run on day engine ``engine`` (``simulation.engine``)."""
    return dataclasses.replace(scenario, simulation=dataclasses.replace(scenario.simulation, engine=engine))


def textbook_speed(servers: int, utilisation: float, consult_min: float, session_min: int,
                   replications: int, repeats: int = 3) -> list[dict[str, object]]:
    """CPU times of this simulator on each engine and of ciw on one textbook network [s], and their ratios.

    Each is timed ``repeats`` times, alternating, and the fastest run counts (the
    least disturbed by other load on the machine); CPU time of this process.
    One row per engine.
    """
    scenario, roster = textbook_case(servers, utilisation, consult_min, session_min)
    rate = case_arrival_rate(scenario)
    ours_s = dict.fromkeys(ENGINES, float("inf"))
    ours = {}
    ciw_s = float("inf")
    for _ in range(repeats):
        for engine in ENGINES:
            start = time.process_time()
            ours[engine] = simulate(with_engine(scenario, engine), roster, replications=replications, seed=1,
                                    workers=1)
            ours_s[engine] = min(ours_s[engine], time.process_time() - start)
        start = time.process_time()
        theirs = ciw_session_waits(servers, rate, consult_min, session_min, replications, 1)
        ciw_s = min(ciw_s, time.process_time() - start)
    return [{
        "case": f"M/M/{servers}, load {utilisation:g}, {consult_min:g}-min consultations, {session_min // 60} h",
        "engine": engine,
        "replications": replications,
        "visits": int(ours[engine].kpis["seen_patients"] * replications),
        "simulator_cpu_s": round(ours_s[engine], 3),
        "ciw_cpu_s": round(ciw_s, 3),
        "ciw_over_simulator": round(ciw_s / ours_s[engine], 2),
        "engine_over_fast": round(ours_s[engine] / ours_s[ENGINES[0]], 2),
        "mean_wait_simulator": round(ours[engine].kpis["mean_wait_min"], 2),
        "mean_wait_ciw": round(float(theirs.mean()), 2),
    } for engine in ENGINES]


def week_speed(visits_per_day: int, replications: int, workers: int, engine: str = "fast") -> dict[str, object]:
    """Wall time, and CPU time of all processes, of a hospital week with the full visit flow on ``engine``."""
    scenario, roster = hospital_week(visits_per_day)
    scenario = with_engine(scenario, engine)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start, cpu = time.perf_counter(), time.process_time()
    result = simulate(scenario, roster, replications=replications, seed=1, workers=workers)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    return {
        "case": f"hospital week, {visits_per_day} visits/day target, full flow",
        "engine": engine,
        "replications": replications,
        "workers": workers,
        "doctor_sessions": len(roster),
        "visits_per_day": round(result.kpis["seen_patients"] / scenario.days),
        "visits_total": int(result.kpis["seen_patients"] * replications),
        "wall_s": round(wall, 1),
        "cpu_s_all_processes": round(time.process_time() - cpu + worker_cpu, 1),
        "cpu_s_per_core": round((time.process_time() - cpu + worker_cpu) / workers, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write its tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sim_speed", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--quick", action="store_true", help="a tenth of the replications (smoke run)")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    rows = [row for c, u, m, s, r in TEXTBOOK_CASES for row in textbook_speed(c, u, m, s, max(10, r // scale))]
    textbook = pd.DataFrame(rows)
    week = pd.DataFrame([week_speed(5000, max(2, 20 // scale), 2, engine) for engine in ENGINES])
    week["engine_over_fast_cpu"] = (week["cpu_s_all_processes"] / week["cpu_s_all_processes"].iloc[0]).round(2)
    machine = f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    text = "\n".join([
        "# Simulator speed", "",
        f"Machine: {machine}; 1-minute load average at the end: {load:.1f}", "",
        "## Against ciw on the same textbook network (one process each, same command)", "",
        "One row per day engine (`simulation.engine`): `fast` (default) and `simpy` (the SimPy reference, "
        "identical records); `engine_over_fast` is its CPU time over the fast engine's.", "",
        markdown_table(textbook), "",
        "## Hospital week", "",
        markdown_table(week), "",
    ])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sim_speed.md").write_text(text, encoding="utf-8")
    pd.concat([textbook, week], ignore_index=True).to_csv(args.out / "sim_speed.csv", index=False)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
