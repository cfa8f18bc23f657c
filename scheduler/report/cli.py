"""The ``report`` and ``export`` commands (registered in ``cli.py``).

:func:`commands` builds them with the CLI's error handler, so bad input exits 2
with one message, as for every other command.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from scheduler.export import CALENDARS_DIR, WORKBOOK_NAME

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def make_report_command(handle_errors: Decorator) -> click.Command:
    """The ``report`` click command, wrapped in ``handle_errors``."""

    @click.command()
    @click.argument("scenario", type=click.Path(path_type=Path))
    @click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
                  help="Folder for report.html, roster.xlsx, calendars/ and the run's CSV/JSON files.")
    @click.option("--roster", "roster_file", type=click.Path(path_type=Path),
                  help="Report on this roster.csv instead of solving one.")
    @click.option("--sim", "sim_dir", type=click.Path(path_type=Path),
                  help="With --roster: show this simulate output folder (kpis.json, visits.csv) instead of simulating.")
    @click.option("--compare", "compare_dir", type=click.Path(path_type=Path),
                  help="A second scenario: both side by side with paired differences (files in a/ and b/).")
    @click.option("--time-limit", "time_limit_s", type=click.FloatRange(min=0.1),
                  help="Solver time limit [s] (default: the scenario's solver.time_limit_s).")
    @click.option("--replications", type=click.IntRange(min=1),
                  help="Simulation replications (default: the scenario's).")
    @click.option("--seed", type=click.IntRange(min=0), help="Simulation seed (default: the scenario's).")
    @click.option("--export/--no-export", default=True, show_default=True,
                  help=f"Also write {WORKBOOK_NAME} and {CALENDARS_DIR}/<doctor>.ics.")
    @handle_errors
    def report(scenario: Path, out_dir: Path, roster_file: Path | None, sim_dir: Path | None,
               compare_dir: Path | None,
               time_limit_s: float | None, replications: int | None, seed: int | None, export: bool) -> None:
        """Roster (or take --roster), simulate and write a self-contained HTML report with charts."""
        from scheduler.report.run import run_report
        from scheduler.reports import kpi_text

        outputs = run_report(scenario, out_dir, roster_file=roster_file, sim_dir=sim_dir, compare_dir=compare_dir,
                             time_limit_s=time_limit_s, replications=replications, seed=seed, export=export)
        if outputs.main.solve:
            solved = outputs.main.solve
            click.echo(f"Solver: {solved.get('status')}, {solved.get('served_within_window')} of "
                       f"{solved.get('demand_patients')} patients servable inside the booking window")
        click.echo(kpi_text(outputs.main.kpis))
        if outputs.comparison is not None:
            click.echo(outputs.comparison.headline)
        click.echo(f"Report: {outputs.page}")
        for files in outputs.exports:
            click.echo(f"Roster workbook: {files.workbook}; {len(files.calendars)} calendars in "
                       f"{files.workbook.parent / CALENDARS_DIR}/")

    return report


def make_export_command(handle_errors: Decorator) -> click.Command:
    """The ``export`` click command, wrapped in ``handle_errors``."""

    @click.command()
    @click.argument("scenario", type=click.Path(path_type=Path))
    @click.option("--roster", "roster_file", type=click.Path(path_type=Path), required=True,
                  help="roster.csv to export.")
    @click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
                  help=f"Folder for {WORKBOOK_NAME} and {CALENDARS_DIR}/.")
    @click.option("--kpis", "kpis_file", type=click.Path(path_type=Path),
                  help="kpis.json of a simulation of this roster, for the workbook's KPI sheet.")
    @handle_errors
    def export(scenario: Path, roster_file: Path, out_dir: Path, kpis_file: Path | None) -> None:
        """Write a roster's duty-sheet workbook and one iCalendar file per doctor."""
        from scheduler.report.run import run_export

        files = run_export(scenario, roster_file, out_dir, kpis_file)
        click.echo(f"Roster workbook: {files.workbook}; {len(files.calendars)} calendars in {out_dir / CALENDARS_DIR}/")

    return export
