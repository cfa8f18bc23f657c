"""Replications (serial or in worker processes), the result object and its files."""

from __future__ import annotations

import json
import math
import os
import typing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from scheduler.model import Roster, Scenario
from scheduler.output import write_text_safely
from scheduler.sim.booking_kpis import booking_weeks_kpis
from scheduler.sim.distributions import Models, default_models
from scheduler.sim.kpis import replication_kpis, summarise
from scheduler.sim.plan import SimPlan, build_plan
from scheduler.sim.queue_series import SeriesSum
from scheduler.sim.records import Visit
from scheduler.sim.replication import run_replication, visit_columns
from scheduler.sim.stations import FlowPlan, build_flow

#: Decimal places of floats in kpis.json.
KPI_DECIMALS = 4
#: Replications go to worker processes in this many chunks per worker, so progress is
#: reported as each chunk finishes; chunking never depends on whether progress is shown.
PROGRESS_CHUNKS_PER_WORKER = 4
#: Column dtypes of ``SimulationResult.visits`` (also when it is empty).
VISIT_DTYPES: dict[str, str] = {
    name: {int: "int64", float: "float64", bool: "bool", str: "object"}[kind]
    for name, kind in typing.get_type_hints(Visit).items()
}


@dataclass(frozen=True)
class SimulationResult:
    """What :func:`simulate` returns.

    Attributes
    ----------
    kpis
        Mean of each KPI over replications, ``<key>_ci95`` its 95% Student-t
        half-width (0 with one replication), plus ``replications`` and ``seed``.
        Units as in :mod:`scheduler.sim.kpis`.
    per_replication
        One row per replication (column ``replication`` plus every KPI).
    visits
        One row per demand patient per replication (columns of
        :class:`~scheduler.sim.records.Visit`).
    queue_series
        Queue length over the day per station, doctor and walk-in queue, in
        clock bins (:meth:`scheduler.sim.queue_series.SeriesSum.frame`).
    """

    kpis: dict[str, float]
    per_replication: pd.DataFrame
    visits: pd.DataFrame
    queue_series: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class _ReplicationOutput:
    replication: int
    kpis: dict[str, float]
    visits: dict[str, np.ndarray]  #: the replication's Visit columns (cheap to pickle)


def visits_frame(rows: Sequence[Visit]) -> pd.DataFrame:
    """Visit rows as a DataFrame with the :data:`VISIT_DTYPES` columns."""
    return pd.DataFrame(list(rows), columns=list(Visit._fields)).astype(VISIT_DTYPES)


def _visits_frame(parts: Sequence[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Replications' visit columns joined into one frame (no per-row objects)."""
    if not parts:
        return visits_frame([])
    return pd.DataFrame({name: np.concatenate([p[name] for p in parts]) for name in Visit._fields}, copy=False)


def _run_chunk(
    plan: SimPlan, models: Models, seed: int, replications: Sequence[int], flow: FlowPlan,
    series: SeriesSum | None = None,
) -> tuple[list[_ReplicationOutput], SeriesSum]:
    """Run some replications (a worker process's share); their outputs and queue series summed
    into ``series`` (a new one by default)."""
    out = []
    series = SeriesSum(flow.bin_min) if series is None else series
    for r in replications:
        outcome = run_replication(plan, models, seed, r, flow, series)
        kpis = replication_kpis(plan, outcome)
        out.append(_ReplicationOutput(r, kpis, visit_columns(plan, outcome)))
    return out, series


def default_workers() -> int:
    """min(2, number of CPUs)."""
    return max(1, min(2, os.cpu_count() or 1))


def simulate(
    scenario: Scenario,
    roster: Roster,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    models: Models | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Simulate a roster for a scenario's demand over several replications.

    Parameters
    ----------
    scenario
        A validated scenario (demand, departments, ``simulation`` settings).
    roster
        The doctor-sessions to simulate.
    replications
        Number of independent replications; default ``scenario.simulation.replications``.
    seed
        Root seed; default ``scenario.simulation.seed``. Replication ``r`` uses
        ``SeedSequence(seed, spawn_key=(r, demand-row key))`` per demand row, so
        results do not depend on ``workers`` and scenarios with the same demand
        share random numbers.
    workers
        Worker processes; 1 runs serially; default ``min(2, os.cpu_count())``.
    models
        Random models (see :mod:`scheduler.sim.distributions`); default
        :func:`~scheduler.sim.distributions.default_models` of the scenario's settings.
        They must be picklable (module-level functions or dataclass instances)
        when ``workers > 1``.
    progress
        Called in this process with (replications done, total) as replications finish.

    Returns
    -------
    SimulationResult
        KPIs averaged over replications with 95% half-widths, one row per
        replication, and every patient's visit record.
    """
    settings = scenario.simulation
    n_reps = settings.replications if replications is None else int(replications)
    root_seed = settings.seed if seed is None else int(seed)
    if n_reps < 1:
        raise ValueError(f"replications must be at least 1, got {n_reps}")
    if root_seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {root_seed}")
    n_workers = default_workers() if workers is None else max(1, int(workers))
    n_workers = min(n_workers, n_reps)
    plan = build_plan(scenario, roster)
    flow = build_flow(scenario)
    series = SeriesSum(flow.bin_min)
    chosen = default_models(settings) if models is None else models
    reps = list(range(n_reps))
    outputs: list[_ReplicationOutput] = []
    if n_workers == 1:
        for r in reps:
            # adding each replication's bins straight into ``series`` sums the same floats in the same order
            done, _ = _run_chunk(plan, chosen, root_seed, [r], flow, series)
            outputs.extend(done)
            if progress is not None:
                progress(len(outputs), n_reps)
    else:
        n_chunks = min(n_reps, PROGRESS_CHUNKS_PER_WORKER * n_workers)
        chunks = [reps[k::n_chunks] for k in range(n_chunks)]
        with ProcessPoolExecutor(max_workers=n_workers) as pool:
            futures = [pool.submit(_run_chunk, plan, chosen, root_seed, c, flow) for c in chunks]
            parts: dict[Future, SeriesSum] = {}
            for future in as_completed(futures):
                done, parts[future] = future.result()
                outputs.extend(done)
                if progress is not None:
                    progress(len(outputs), n_reps)
        series.merge(parts[f] for f in futures)  # in chunk order: float sums do not depend on timing
    outputs.sort(key=lambda o: o.replication)
    per_rep = [o.kpis for o in outputs]
    # booking over several weeks (scheduler.sim.rolling): its KPIs join each replication's
    booking = booking_weeks_kpis(scenario, roster, root_seed, n_reps, n_workers)
    for rep_kpis, rep_booking in zip(per_rep, booking, strict=False):  # booking is [] when switched off
        rep_kpis.update(rep_booking)
    kpis = summarise(per_rep)
    kpis["replications"] = n_reps
    kpis["seed"] = root_seed
    per_replication = pd.DataFrame(
        [{"replication": o.replication, **o.kpis} for o in outputs]
    )
    visits = _visits_frame([o.visits for o in outputs])
    return SimulationResult(
        kpis=kpis, per_replication=per_replication, visits=visits, queue_series=series.frame(n_reps)
    )


def _rounded(value: float) -> float | int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    value = float(value)
    if not math.isfinite(value):
        return 0.0
    return round(value, KPI_DECIMALS)


def rounded_kpis(kpis: typing.Mapping[str, float]) -> dict[str, float | int]:
    """The KPIs as ``kpis.json`` holds them (floats to :data:`KPI_DECIMALS` decimals)."""
    return {key: _rounded(value) for key, value in kpis.items()}


def write_simulation(result: SimulationResult, out_dir: Path) -> None:
    """Write ``kpis.json`` (sorted keys, floats to 4 decimals), ``visits.csv`` and
    ``queue_series.csv`` (when there are queues) to ``out_dir``; a different earlier
    file is kept as a numbered backup."""
    out_dir = Path(out_dir)
    write_text_safely(out_dir / "kpis.json", json.dumps(rounded_kpis(result.kpis), indent=2, sort_keys=True) + "\n")
    write_text_safely(out_dir / "visits.csv", result.visits.to_csv(index=False, float_format="%.3f"))
    if len(result.queue_series):
        write_text_safely(out_dir / "queue_series.csv",
                          result.queue_series.to_csv(index=False, float_format="%.3f"))
