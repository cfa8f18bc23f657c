"""Running a sweep on Dask: prepare the points, compute the missing ones, assemble the outputs.

The driver (this module) validates every point before any work starts, then
submits one task per point that has no stored result, stores each result as
it arrives (atomically) and finally writes the tidy table and the summaries.
Where and in which order tasks ran does not change any number: the table is
assembled in grid order from stored results, and each result is a pure
function of its point's scenario files (:mod:`scheduler.sweep.tasks`).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pandas as pd
from distributed import Client, LocalCluster, as_completed

from scheduler.errors import InputError
from scheduler.export.files import write_bytes_safely
from scheduler.model import Scenario
from scheduler.output import write_text_safely
from scheduler.scenario import load_scenario
from scheduler.settings import YamlDocument
from scheduler.sweep.points import ChangeError, Point, expand_points, folder_files, materialise, point_key
from scheduler.sweep.spec import ColumnPath, KeyPath, SweepSpec, check_kpis, load_sweep
from scheduler.sweep.store import (
    POINTS_DIR,
    assemble,
    parquet_bytes,
    place_scenario,
    read_stored,
    store_outcome,
)
from scheduler.sweep.summary import SweepSummary, summarise_points, summary_markdown
from scheduler.sweep.tasks import POINT_COLUMNS, run_point

#: Seconds to wait for an existing Dask scheduler to answer.
CONNECT_TIMEOUT_S = 10
#: Float format of results.csv and summary.csv.
CSV_FLOAT_FORMAT = "%.6g"

#: Called after each point is stored: (points finished, points in the sweep).
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class PreparedPoint:
    """A grid point materialised and validated, ready to compute."""

    point: Point
    key: str  #: hash of its scenario files (see :func:`scheduler.sweep.points.point_key`)
    files: dict[str, bytes]  #: its scenario folder, shipped to the worker
    scenario: Scenario  #: as loaded on the driver (its targets judge the point)


@dataclass(frozen=True)
class SweepRun:
    """What :func:`run_sweep` did and produced."""

    spec: SweepSpec
    results: pd.DataFrame  #: one row per point and replication
    summary: SweepSummary  #: one row per point, with 95% intervals
    computed: tuple[str, ...]  #: labels of points computed by this run
    reused: tuple[str, ...]  #: labels of points read from earlier runs' stored results


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A Dask client: to ``scheduler`` (``tcp://HOST:PORT``) if given, else to a local cluster.

    The local cluster has ``workers`` single-threaded worker processes
    (default: one per CPU core) and is shut down on exit.
    """
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError("--scheduler", f"cannot reach a Dask scheduler at '{scheduler}': {exc}") from None
        try:
            yield client
        finally:
            client.close()
        return
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    with LocalCluster(
        n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.CRITICAL,
    ) as cluster, Client(cluster) as client:
        yield client


def prepare_points(spec: SweepSpec, out_dir: Path) -> list[PreparedPoint]:
    """Materialise every point under ``out_dir/points/<key>/scenario`` and validate it.

    Raises :class:`InputError` at the sweep file's line when a point is not a valid scenario.
    """
    doc = YamlDocument(spec.path)
    staging_root = out_dir / POINTS_DIR
    staging_root.mkdir(parents=True, exist_ok=True)
    prepared = []
    for point in expand_points(spec):
        staging = Path(tempfile.mkdtemp(dir=staging_root, prefix=".new-"))
        try:
            folder = staging / "scenario"
            try:
                materialise(spec.base, point.changes, folder)
            except ChangeError as exc:
                raise doc.error(exc.origin, f"point {point.label} ({point.describe()}): {exc}") from None
            try:
                scenario = load_scenario(folder)
            except InputError as exc:
                raise _invalid_point(doc, point, folder, exc) from None
            files = folder_files(folder)
            key = point_key(files)
            place_scenario(out_dir, key, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        prepared.append(PreparedPoint(point, key, files, scenario))
    return prepared


def _invalid_point(doc: YamlDocument, point: Point, folder: Path, exc: InputError) -> InputError:
    """The loader's message, located at the sweep entry that changed the offending key."""
    file = Path(exc.file)
    shown = file.relative_to(folder).as_posix() if file.is_relative_to(folder) else str(file)
    # table rows are the base scenario's rows; scenario.yaml is rewritten, so its line would mislead
    row = None if file.name == "scenario.yaml" else exc.row
    inner = InputError(shown, exc.message, row, exc.column)
    origin = "parameters"
    for change in point.changes:
        target = change.target
        by_key = isinstance(target, KeyPath) and file.name == "scenario.yaml" and \
            (exc.column or "").startswith(target.text)
        by_column = isinstance(target, ColumnPath) and file.name == target.file and exc.column == target.column
        if by_key or by_column:
            origin = change.origin
    return doc.error(origin, f"point {point.label} ({point.describe()}) is not a valid scenario: {inner}")


def run_sweep(
    sweep_file: str | Path,
    out_dir: str | Path,
    client: Client | None = None,
    progress: ProgressCallback | None = None,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
) -> SweepRun:
    """Run (or resume) a sweep; write the tables and summaries to ``out_dir``.

    Points with a stored result in ``out_dir`` are read, not recomputed. The
    missing ones run on ``client`` if given, else on :func:`dask_client`
    ``(scheduler, workers)``, opened only when there is something to compute.
    """
    spec = load_sweep(sweep_file)
    out_dir = Path(out_dir)
    prepared = prepare_points(spec, out_dir)
    rows: dict[str, pd.DataFrame] = {}
    for item in prepared:
        stored = read_stored(out_dir, item.key)
        if stored is not None:
            rows[item.key] = stored
    reused_keys = set(rows)
    todo = list({item.key: item for item in prepared if item.key not in rows}.values())
    total = len({item.key for item in prepared})
    kpis_checked = False

    def on_stored(frame: pd.DataFrame, report: bool = True) -> None:
        """Check the sweep's KPI names against the first simulated point (fails early), report progress."""
        nonlocal kpis_checked
        if not kpis_checked and frame["replication"].notna().any():
            check_kpis(spec, set(frame.columns) - set(POINT_COLUMNS))
            kpis_checked = True
        if report and progress is not None:
            progress(len(rows), total)

    for frame in rows.values():
        on_stored(frame, report=False)
    if progress is not None:
        progress(len(rows), total)
    if todo and client is not None:
        _compute(client, todo, out_dir, rows, on_stored)
    elif todo:
        with dask_client(scheduler, workers) as own_client:
            _compute(own_client, todo, out_dir, rows, on_stored)
    results = assemble([p.point for p in prepared], [p.key for p in prepared], rows)
    parameters = [p.name for p in spec.parameters]
    summary = summarise_points(results, parameters, spec.kpis, {p.point.label: p.scenario for p in prepared})
    computed = tuple(p.point.label for p in prepared if p.key not in reused_keys)
    reused = tuple(p.point.label for p in prepared if p.key in reused_keys)
    counts = (f"{len(prepared)} points, {int(results['replication'].notna().sum())} point-replications; "
              f"{len(computed)} computed in this run, {len(reused)} read from earlier runs.")
    _write_outputs(out_dir, spec, results, summary, parameters, prepared, counts)
    return SweepRun(spec, results, summary, computed, reused)


def _compute(
    client: Client, todo: list[PreparedPoint], out_dir: Path, rows: dict[str, pd.DataFrame],
    on_stored: Callable[[pd.DataFrame], None],
) -> None:
    """Submit one task per point; store each result as soon as it arrives.

    Task keys carry a per-run token, so a resumed run never meets the
    cancelled tasks of an interrupted one on the same cluster.
    """
    token = uuid.uuid4().hex[:8]
    futures = {client.submit(run_point, item.files, key=f"sweep-point-{item.key}-{token}", pure=False): item.key
               for item in todo}
    try:
        for future in as_completed(list(futures)):
            key = futures[future]
            outcome = future.result()
            store_outcome(out_dir, key, outcome)
            rows[key] = outcome.rows
            future.release()
            on_stored(outcome.rows)
    finally:
        unfinished = [f for f in futures if not f.done()]
        if unfinished:
            client.cancel(unfinished)


def _write_outputs(
    out_dir: Path, spec: SweepSpec, results: pd.DataFrame, summary: SweepSummary, parameters: list[str],
    prepared: list[PreparedPoint], counts: str,
) -> None:
    write_bytes_safely(out_dir / "results.parquet", parquet_bytes(results))
    write_text_safely(out_dir / "results.csv", results.to_csv(index=False, float_format=CSV_FLOAT_FORMAT))
    write_text_safely(out_dir / "summary.csv", summary.table.to_csv(index=False, float_format=CSV_FLOAT_FORMAT))
    descriptions = {p.point.label: p.point.describe() for p in prepared}
    base = os.path.relpath(spec.base, Path.cwd()) if spec.base.is_relative_to(Path.cwd()) else str(spec.base)
    text = summary_markdown(summary, spec.name, base, parameters, spec.kpis, descriptions, counts)
    write_text_safely(out_dir / "summary.md", text)


class TerminalProgress:
    """Prints ``sweep: 5/12 points done`` on one updating line, only when ``stream`` is a terminal."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        end = "\n" if done == total else ""
        self.stream.write(f"\rsweep: {done}/{total} points done ({elapsed:.0f} s){end}")
        self.stream.flush()
