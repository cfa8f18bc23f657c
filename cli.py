"""Command line: ``python cli.py demo | roster | simulate | check | compare``.

This module only parses options, calls one function of
:mod:`scheduler.commands` and prints. Exit codes follow CONTRACT.md:
0 done, 1 infeasible scenario or hard-rule violations, 2 bad input.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from scheduler.errors import InfeasibleError, InputError, NoRosterError
from scheduler.forecast.command import forecast_command
from scheduler.progress import show_progress
from scheduler.publish.cli import history, publish
from scheduler.report.cli import make_export_command, make_report_command
from scheduler.sweep.command import make_sweep_command

EXIT_OK, EXIT_FOUND, EXIT_BAD_INPUT = 0, 1, 2


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn bad input into one message and exit 2; no roster (infeasible or none found) into exit 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except NoRosterError as exc:
            click.echo(f"no roster: {exc}", err=True)
            sys.exit(EXIT_FOUND)
        except InfeasibleError as exc:
            click.echo("infeasible: no roster satisfies every hard rule.", err=True)
            for reason in exc.reasons:
                click.echo(f"  - {reason}", err=True)
            sys.exit(EXIT_FOUND)

    return wrapper


SCENARIO = click.argument("scenario", type=click.Path(path_type=Path))
TIME_LIMIT = click.option("--time-limit", "time_limit_s", type=click.FloatRange(min=0.1),
                          help="Solver time limit [s]: a deterministic budget, or above 300 doctors the wall time "
                               "of the department blocks (default: solver.time_limit_s).")
SOLVER_SEED = click.option("--seed", type=int, help="Random seed (default: the scenario's).")
WORKERS = click.option("--workers", type=click.IntRange(min=1),
                       help="Parallel workers (default: the scenario's).")
REPLICATIONS = click.option("--replications", type=click.IntRange(min=1),
                            help="Simulation replications (default: scenario's simulation.replications).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Outpatient rosters (CP-SAT) and what they do to queues (SimPy)."""


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out/demo"),
              show_default=True, help="Folder for roster.csv, solve.json, kpis.json, visits.csv.")
@TIME_LIMIT
@REPLICATIONS
@handle_errors
def demo(out_dir: Path, time_limit_s: float | None, replications: int | None) -> None:
    """Roster and simulate the bundled default scenario, then summarise."""
    from scheduler.commands import DEFAULT_SCENARIO, run_demo
    from scheduler.report.run import write_run_report
    from scheduler.reports import kpi_text, roster_overview, solve_text
    from scheduler.sim.booking_kpis import weeks_text
    from scheduler.targets import check_targets, targets_text, write_targets

    click.echo(f"Scenario: {DEFAULT_SCENARIO}")
    with show_progress() as progress:
        run = run_demo(out_dir, time_limit_s=time_limit_s, replications=replications,
                       solve_progress=progress.solve, sim_progress=progress.replications)
    click.echo(f"{run.scenario.name}: {len(run.scenario.doctors)} doctors, "
               f"{len(run.scenario.sites)} sites, {run.scenario.days} days from {run.scenario.start_date}")
    click.echo(solve_text(run.solve))
    if run.solve.roster is not None:
        click.echo(f"Roster: {len(run.solve.roster)} doctor-sessions")
        click.echo(roster_overview(run.scenario, run.solve.roster))
    click.echo(kpi_text(run.simulation.kpis))
    click.echo(weeks_text(run.simulation.kpis))
    checks = check_targets(run.scenario, run.simulation.kpis)
    click.echo(targets_text(checks))
    write_targets(checks, out_dir)
    write_run_report(run, out_dir)
    click.echo(f"Written to {out_dir}/: roster.csv, solve.json, kpis.json, visits.csv, queue_series.csv, "
               "targets.json, report.html (open it in a browser), roster.xlsx, calendars/")


@main.command()
@SCENARIO
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="Folder for roster.csv and solve.json.")
@TIME_LIMIT
@SOLVER_SEED
@WORKERS
@click.option("--log", is_flag=True, help="Print CP-SAT's search log.")
@click.option("--warm-start", "warm_start_file", type=click.Path(path_type=Path),
              help="A previous roster.csv (e.g. last week's) to start from: the same doctor, weekday, "
                   "session and site; decisions that break a hard rule now are dropped.")
@handle_errors
def roster(scenario: Path, out_dir: Path, time_limit_s: float | None, seed: int | None,
           workers: int | None, log: bool, warm_start_file: Path | None) -> None:
    """Solve SCENARIO's roster; write OUT/roster.csv and OUT/solve.json."""
    from scheduler.commands import run_roster
    from scheduler.reports import solve_text

    with show_progress() as progress:
        result = run_roster(scenario, out_dir, time_limit_s=time_limit_s, seed=seed, workers=workers, log=log,
                            progress=None if log else progress.solve, warm_start_file=warm_start_file)
    click.echo(solve_text(result))
    if result.roster is None:
        click.echo("No roster found within the time limit; try a longer --time-limit.", err=True)
        sys.exit(EXIT_FOUND)
    click.echo(f"Wrote {len(result.roster)} doctor-sessions to {out_dir / 'roster.csv'}")


@main.command()
@SCENARIO
@click.option("--roster", "roster_file", type=click.Path(path_type=Path), required=True,
              help="roster.csv to simulate (solved or hand-written).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="Folder for kpis.json and visits.csv.")
@REPLICATIONS
@SOLVER_SEED
@WORKERS
@handle_errors
def simulate(scenario: Path, roster_file: Path, out_dir: Path, replications: int | None,
             seed: int | None, workers: int | None) -> None:
    """Simulate booking and clinic days of a roster; write OUT/kpis.json and OUT/visits.csv."""
    from scheduler.commands import run_simulate
    from scheduler.reports import kpi_text
    from scheduler.sim.booking_kpis import weeks_text
    from scheduler.targets import check_targets, targets_text

    with show_progress() as progress:
        loaded, result = run_simulate(scenario, roster_file, out_dir, replications, seed, workers,
                                      progress.replications)
    click.echo(kpi_text(result.kpis))
    click.echo(weeks_text(result.kpis))
    click.echo(targets_text(check_targets(loaded, result.kpis)))
    click.echo(f"Written to {out_dir}/: kpis.json, visits.csv, targets.json, targets.csv, slot_plan.csv")


@main.command()
@SCENARIO
@click.option("--roster", "roster_file", type=click.Path(path_type=Path), required=True,
              help="roster.csv to check.")
@handle_errors
def check(scenario: Path, roster_file: Path) -> None:
    """List every hard-rule violation of a roster (exit 1 if there is any)."""
    from scheduler.check import format_violations
    from scheduler.commands import run_check

    _, violations = run_check(scenario, roster_file)
    if not violations:
        click.echo(f"{roster_file}: no hard-rule violation.")
        return
    click.echo(format_violations(violations))
    sys.exit(EXIT_FOUND)


@main.command()
@click.argument("scenario_a", type=click.Path(path_type=Path))
@click.argument("scenario_b", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="Folder for compare.csv, compare.md and each scenario's outputs (a/, b/).")
@TIME_LIMIT
@REPLICATIONS
@SOLVER_SEED
@handle_errors
def compare(scenario_a: Path, scenario_b: Path, out_dir: Path, time_limit_s: float | None,
            replications: int | None, seed: int | None) -> None:
    """Roster and simulate two scenarios with the same random numbers; KPIs side by side."""
    from scheduler.commands import run_compare
    from scheduler.compare import comparison_markdown

    with show_progress() as progress:
        _, _, comparison = run_compare(scenario_a, scenario_b, out_dir, time_limit_s, replications, seed,
                                       progress.solve, progress.replications)
    click.echo(comparison_markdown(comparison))
    click.echo(f"Written to {out_dir}/: compare.csv, compare.md, a/, b/")


main.add_command(publish)
main.add_command(history)


main.add_command(forecast_command)

main.add_command(make_sweep_command(handle_errors))
main.add_command(make_report_command(handle_errors))
main.add_command(make_export_command(handle_errors))


if __name__ == "__main__":
    main()
