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
from scheduler.sim.kpis import block_kpis, summarise_columns
from scheduler.sim.plan import SimPlan, build_plan
from scheduler.sim.queue_series import SeriesSum
from scheduler.sim.records import Visit
from scheduler.sim.replication import Outcome, run_replication, stack_outcomes, visit_columns
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


#: Replications' outcomes become KPIs and visit columns in blocks of at most about this many
#: patients (bounds the memory held; the results do not depend on it).
BLOCK_PATIENTS = 100_000


@dataclass(frozen=True)
class _ChunkOutput:
    """What a worker's share of the replications returns (arrays: cheap to pickle)."""

    replications: np.ndarray  #: replication numbers, in the order they ran
    kpis: dict[str, np.ndarray]  #: every KPI, one element per replication (same order)
    visits: dict[str, np.ndarray]  #: Visit columns of their patients, replications in the same order


class _Collector:
    """Turns replications' outcomes into KPIs and visit columns, a block of replications at a time."""

    def __init__(self, plan: SimPlan) -> None:
        self.plan = plan
        self.pending: list[Outcome] = []
        self.pending_patients = 0
        self.parts: list[_ChunkOutput] = []

    def add(self, outcome: Outcome) -> None:
        """Take one replication's outcome."""
        self.pending.append(outcome)
        self.pending_patients += len(outcome.draws)
        if self.pending_patients >= BLOCK_PATIENTS:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        block = stack_outcomes(self.pending)
        self.parts.append(_ChunkOutput(block.replications, block_kpis(self.plan, block),
                                       visit_columns(self.plan, block)))
        self.pending, self.pending_patients = [], 0

    def output(self) -> _ChunkOutput:
        """Everything taken so far, replications in the order taken."""
        self._flush()
        return _join(self.parts)


def _join(parts: Sequence[_ChunkOutput]) -> _ChunkOutput:
    """Outputs one after the other."""
    if len(parts) == 1:
        return parts[0]
    return _ChunkOutput(
        np.concatenate([p.replications for p in parts]),
        {key: np.concatenate([p.kpis[key] for p in parts]) for key in parts[0].kpis},
        {name: np.concatenate([p.visits[name] for p in parts]) for name in Visit._fields},
    )


def visits_frame(rows: Sequence[Visit]) -> pd.DataFrame:
    """Visit rows as a DataFrame with the :data:`VISIT_DTYPES` columns."""
    return pd.DataFrame(list(rows), columns=list(Visit._fields)).astype(VISIT_DTYPES)


def _run_chunk(
    plan: SimPlan, models: Models, seed: int, replications: Sequence[int], flow: FlowPlan,
    series: SeriesSum | None = None, progress: Callable[[int], None] | None = None,
) -> tuple[_ChunkOutput | None, SeriesSum]:
    """Run some replications (a worker process's share): their KPIs and visit columns (None for no
    replications), and their queue series summed into ``series`` (a new one by default);
    ``progress(done)`` after each replication."""
    collector = _Collector(plan)
    series = SeriesSum(flow.bin_min) if series is None else series
    for done, r in enumerate(replications, start=1):
        collector.add(run_replication(plan, models, seed, r, flow, series))
        if progress is not None:
            progress(done)
    return (collector.output() if replications else None), series


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
    if n_workers == 1:
        # each replication's bins go straight into ``series``: the same floats summed in the same order
        report = None if progress is None else (lambda done: progress(done, n_reps))
        output, _ = _run_chunk(plan, chosen, root_seed, reps, flow, series, report)
    else:
        n_chunks = min(n_reps, PROGRESS_CHUNKS_PER_WORKER * n_workers)
        chunks = [reps[k::n_chunks] for k in range(n_chunks)]
        with ProcessPoolExecutor(max_workers=n_workers) as pool:
            futures = [pool.submit(_run_chunk, plan, chosen, root_seed, c, flow) for c in chunks]
            parts: dict[Future, tuple[_ChunkOutput | None, SeriesSum]] = {}
            done = 0
            for future in as_completed(futures):
                parts[future] = future.result()
                done += len(parts[future][0].replications)
                if progress is not None:
                    progress(done, n_reps)
        series.merge(parts[f][1] for f in futures)  # in chunk order: float sums do not depend on timing
        output = _in_replication_order(_join([parts[f][0] for f in futures]))
    kpi_columns = dict(output.kpis)
    # booking over several weeks (scheduler.sim.rolling): its KPIs join each replication's
    booking = booking_weeks_kpis(scenario, roster, root_seed, n_reps, n_workers)
    if booking:  # [] when switched off
        for key in booking[0]:
            kpi_columns[key] = np.array([rep_booking[key] for rep_booking in booking])
    kpis = summarise_columns(kpi_columns)
    kpis["replications"] = n_reps
    kpis["seed"] = root_seed
    per_replication = pd.DataFrame({"replication": output.replications, **kpi_columns})
    visits = pd.DataFrame({name: output.visits[name] for name in Visit._fields}, copy=False)
    return SimulationResult(
        kpis=kpis, per_replication=per_replication, visits=visits, queue_series=series.frame(n_reps)
    )


def _in_replication_order(output: _ChunkOutput) -> _ChunkOutput:
    """The output with its replications (and their patients) in increasing replication order."""
    order = np.argsort(output.replications, kind="stable")
    if np.array_equal(order, np.arange(order.size)):
        return output
    rows = np.argsort(output.visits["replication"], kind="stable")
    return _ChunkOutput(
        output.replications[order],
        {key: values[order] for key, values in output.kpis.items()},
        {name: values[rows] for name, values in output.visits.items()},
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
