"""The library functions behind ``report`` and ``export``: inputs in, files out, a result back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scheduler.commands import (
    ScenarioRun,
    load_roster,
    roster_and_simulate,
    run_compare,
    solve_params,
    write_solve_outputs,
)
from scheduler.compare import ComparisonResult
from scheduler.errors import InputError
from scheduler.export import ExportedFiles, export_roster
from scheduler.output import write_text_safely
from scheduler.report.html import ReportRun, render_report
from scheduler.reports import solve_summary
from scheduler.scenario import load_scenario
from scheduler.sim import SimulationResult, simulate, write_simulation
from scheduler.sim.runner import rounded_kpis

#: Name of the report page inside the output folder.
REPORT_NAME = "report.html"
#: The simulator's queue-series file in a ``simulate`` output folder.
QUEUE_LOG_NAME = "queue_series.csv"
#: visits.csv columns the report reads.
REPORT_VISIT_COLUMNS = ("replication", "demand_date", "visit_date", "site_id", "department", "session_id",
                        "doctor_id", "channel", "status", "lead_days", "within_window", "arrival_min",
                        "registration_start_min", "queue_join_min", "consult_start_min", "consult_end_min",
                        "wait_min", "consult_min")
#: Numeric visits.csv columns (blank = NaN).
NUMERIC_VISIT_COLUMNS = ("replication", "lead_days", "arrival_min", "registration_start_min", "queue_join_min",
                         "consult_start_min", "consult_end_min", "payment_start_min", "payment_end_min",
                         "wait_min", "consult_min")


@dataclass(frozen=True)
class ReportOutputs:
    """What ``report`` produced."""

    page: Path
    main: ReportRun
    exports: tuple[ExportedFiles, ...]
    other: ReportRun | None = None  #: scenario B of a comparison
    comparison: ComparisonResult | None = None


def report_run(run: ScenarioRun) -> ReportRun:
    """A solved and simulated scenario as the report needs it."""
    assert run.solve.roster is not None  # roster_and_simulate raises otherwise
    # the KPIs as kpis.json holds them, so a page drawn later from the saved files is identical
    return ReportRun(run.scenario, run.solve.roster, rounded_kpis(run.simulation.kpis), run.simulation.visits,
                     solve_summary(run.solve), queue_log(run.simulation))


def write_run_report(run: ScenarioRun, out_dir: Path) -> ReportOutputs:
    """The page, the workbook and the calendars of a run already solved, simulated and written."""
    main = report_run(run)
    page = out_dir / REPORT_NAME
    write_text_safely(page, render_report(main))
    exported = export_roster(main.scenario, main.roster, out_dir, main.kpis)
    return ReportOutputs(page, main, (exported,))


def queue_log(simulation: SimulationResult) -> pd.DataFrame | None:
    """The simulator's per-queue series over the day, when this simulator version records one."""
    return getattr(simulation, "queue_series", None)


def run_report(
    scenario_dir: Path,
    out_dir: Path,
    *,
    roster_file: Path | None = None,
    sim_dir: Path | None = None,
    compare_dir: Path | None = None,
    time_limit_s: float | None = None,
    replications: int | None = None,
    seed: int | None = None,
    export: bool = True,
) -> ReportOutputs:
    """``report``: roster (unless ``roster_file`` is given) and simulate, then write the page and exports.

    Writes to ``out_dir``: ``report.html``; the run's ``roster.csv``/``solve.json``
    (when solved here), ``kpis.json`` and ``visits.csv``; with ``export``,
    ``roster.xlsx`` and ``calendars/<doctor_id>.ics``. With ``compare_dir`` both
    scenarios are rostered and simulated with the same random numbers as in
    ``compare`` (their files in ``a/`` and ``b/``, exports there too) and the
    page opens with the side-by-side comparison. With ``sim_dir`` (and
    ``roster_file``) nothing is simulated: the page shows that ``simulate``
    output folder (kpis.json, visits.csv, queue_series.csv).
    """
    other = comparison = None
    if sim_dir is not None and roster_file is None:
        raise InputError(sim_dir, "a simulation folder belongs to a roster; give --roster with --sim")
    if compare_dir is not None:
        if roster_file is not None:
            raise InputError(roster_file, "a comparison rosters both scenarios; give either --roster or --compare")
        run_a, run_b, comparison = run_compare(scenario_dir, compare_dir, out_dir, time_limit_s, replications, seed)
        main, other = report_run(run_a), report_run(run_b)
        targets = [(main, out_dir / "a"), (other, out_dir / "b")]
    else:
        scenario = load_scenario(scenario_dir)
        if roster_file is None:
            run = roster_and_simulate(scenario, solve_params(scenario, time_limit_s=time_limit_s),
                                      replications=replications, seed=seed)
            write_solve_outputs(run.solve, out_dir)
            main = report_run(run)
            write_simulation(run.simulation, out_dir)
        elif sim_dir is None:
            roster = load_roster(scenario, roster_file)
            simulation = simulate(scenario, roster, replications=replications, seed=seed)
            main = ReportRun(scenario, roster, rounded_kpis(simulation.kpis), simulation.visits,
                             queues=queue_log(simulation))
            write_simulation(simulation, out_dir)
        else:
            kpis, visits, log = read_simulation(sim_dir)
            main = ReportRun(scenario, load_roster(scenario, roster_file), kpis, visits, queues=log)
        targets = [(main, out_dir)]
    page = out_dir / REPORT_NAME
    write_text_safely(page, render_report(main, other, comparison))
    exports = tuple(export_roster(r.scenario, r.roster, folder, r.kpis) for r, folder in targets) if export else ()
    return ReportOutputs(page, main, exports, other, comparison)


def read_visits(path: Path) -> pd.DataFrame:
    """A visits.csv written by ``simulate``: text columns with '' for blanks, numbers with NaN."""
    if not path.is_file():
        raise InputError(path, "visits file not found (written by simulate beside kpis.json)")
    try:
        visits = pd.read_csv(path, keep_default_na=False, na_values={c: [""] for c in NUMERIC_VISIT_COLUMNS})
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(path, f"not a visits CSV file: {exc}") from None
    missing = [c for c in REPORT_VISIT_COLUMNS if c not in visits.columns]
    if missing:
        raise InputError(path, f"missing columns {', '.join(missing)}", row=1)
    for column in NUMERIC_VISIT_COLUMNS:
        if column in visits and not pd.api.types.is_numeric_dtype(visits[column]):
            raise InputError(path, "expected numbers", column=column)
    visits["within_window"] = visits["within_window"].astype(str).str.lower().isin(("true", "1", "yes"))
    return visits


def read_simulation(folder: Path) -> tuple[Mapping[str, float], pd.DataFrame, pd.DataFrame | None]:
    """kpis.json, visits.csv and (if there) queue_series.csv of a ``simulate`` output folder."""
    kpis = read_kpis(folder / "kpis.json")
    visits = read_visits(folder / "visits.csv")
    log_path = folder / QUEUE_LOG_NAME
    log = pd.read_csv(log_path, keep_default_na=False) if log_path.is_file() else None
    return kpis, visits, log


def read_kpis(path: Path) -> Mapping[str, float]:
    """A kpis.json file: a JSON object of numbers (InputError naming the file otherwise)."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "KPI file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path, f"not a JSON file: {exc}") from None
    if not isinstance(loaded, dict):
        raise InputError(path, "expected a JSON object of KPI names and numbers")
    kpis = {}
    for key, value in loaded.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(path, f"expected a number, got {value!r}", column=str(key))
        kpis[str(key)] = float(value)
    return kpis


def run_export(scenario_dir: Path, roster_file: Path, out_dir: Path, kpis_file: Path | None = None) -> ExportedFiles:
    """``export``: the workbook and calendars of a roster file (KPI sheet from ``kpis_file`` if given)."""
    scenario = load_scenario(scenario_dir)
    roster = load_roster(scenario, roster_file)
    kpis = read_kpis(kpis_file) if kpis_file is not None else None
    return export_roster(scenario, roster, out_dir, kpis)
