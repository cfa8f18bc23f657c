"""The work of one sweep point, a pure function of its scenario files.

:func:`run_point` runs on a Dask worker: it writes the files to a private
temporary folder, loads the scenario, solves its roster once and simulates
every replication. Nothing depends on the worker, the time or the order of
tasks: the solver stops on a deterministic budget with the scenario's seed and
``solver.workers`` (the sweep sets 1 unless told otherwise), and replication
``r`` draws its random numbers from ``(simulation.seed, r, demand row)``.
A task lost with its worker is simply run again elsewhere, with the same result.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from scheduler.commands import roster_scenario, solve_params
from scheduler.errors import InfeasibleError
from scheduler.reports import solve_summary
from scheduler.roster_io import roster_csv_text
from scheduler.scenario import load_scenario
from scheduler.sim import simulate

#: Columns every stored point row has before its KPIs.
POINT_COLUMNS: tuple[str, ...] = (
    "replication", "seed", "solve_status", "solve_reproducible", "doctor_sessions_rostered",
    "served_within_window", "served_bound",
)
#: Solve status of a point whose hard rules cannot all hold.
INFEASIBLE = "infeasible"


@dataclass(frozen=True)
class PointOutcome:
    """What :func:`run_point` returns (small and picklable: no per-visit records)."""

    rows: pd.DataFrame  #: one row per replication (:data:`POINT_COLUMNS` then KPIs); one row if no roster
    solve: dict[str, Any]  #: solve.json content
    roster_csv: str | None = None  #: roster.csv text, None when no roster was found
    reasons: tuple[str, ...] = field(default=())  #: why the scenario is infeasible, if it is


def run_point(files: dict[str, bytes]) -> PointOutcome:
    """Roster once, then simulate the scenario's replications (simulator workers = 1).

    Parameters
    ----------
    files
        The point's scenario folder, relative path -> content.
    """
    with tempfile.TemporaryDirectory(prefix="sweep-point-") as tmp:
        folder = Path(tmp) / "scenario"
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        scenario = load_scenario(folder)
    settings = scenario.simulation
    base = {"seed": settings.seed}
    try:
        solved = roster_scenario(scenario, solve_params(scenario))
    except InfeasibleError as exc:
        rows = _rows_without_roster({**base, "solve_status": INFEASIBLE})
        return PointOutcome(rows, {"status": INFEASIBLE, "reasons": list(exc.reasons)}, None, tuple(exc.reasons))
    base.update(
        solve_status=solved.status,
        solve_reproducible=solved.reproducible,
        doctor_sessions_rostered=len(solved.roster) if solved.roster is not None else None,
        served_within_window=solved.served,
        served_bound=solved.served_bound,
    )
    if solved.roster is None:
        return PointOutcome(_rows_without_roster(base), solve_summary(solved))
    result = simulate(scenario, solved.roster, workers=1)
    kpis = result.per_replication.drop(columns=["replication"])
    rows = pd.DataFrame({"replication": result.per_replication["replication"], **base})
    rows = pd.concat([rows, kpis], axis=1)
    return PointOutcome(_typed(rows), solve_summary(solved), roster_csv_text(solved.roster))


def _rows_without_roster(values: dict[str, Any]) -> pd.DataFrame:
    return _typed(pd.DataFrame([{"replication": None, **values}]))


def _typed(rows: pd.DataFrame) -> pd.DataFrame:
    """Fixed dtypes for the leading columns, so points concatenate cleanly."""
    for name in POINT_COLUMNS:
        if name not in rows:
            rows[name] = None
    rows = rows[list(POINT_COLUMNS) + [c for c in rows.columns if c not in POINT_COLUMNS]]
    return rows.astype({
        "replication": "Int64", "seed": "int64", "solve_status": "string", "solve_reproducible": "boolean",
        "doctor_sessions_rostered": "Int64", "served_within_window": "Int64", "served_bound": "Int64",
    })
