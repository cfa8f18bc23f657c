"""Click commands ``publish`` and ``history`` (registered in ``cli.py``).

Exit codes: 0 published / listed, 1 refused (a target missed) or a database
problem, 2 bad input (scenario or roster files, options).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from scheduler.errors import InputError
from scheduler.publish.store import DB_ENV, DEFAULT_DB_FILE, PublishedVersion, PublishError

EXIT_REFUSED, EXIT_BAD_INPUT = 1, 2

DB_OPTION = click.option(
    "--db", default=None, metavar="URL",
    help=f"Database: a SQLAlchemy URL (postgresql://user:pw@host/db) or a SQLite file path "
         f"(default: ${DB_ENV}, else ./{DEFAULT_DB_FILE}).",
)


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--roster", "roster_file", type=click.Path(path_type=Path), required=True,
              help="roster.csv to simulate and publish.")
@DB_OPTION
@click.option("--force", is_flag=True, help="Publish even if a target is missed (needs --reason).")
@click.option("--reason", default=None, help="Why a forced publication is published (recorded).")
@click.option("--user", default=None, help="Who publishes (default: $SCHEDULER_USER, else the login name).")
@click.option("--replications", type=click.IntRange(min=1),
              help="Simulation replications (default: scenario's simulation.replications).")
@click.option("--seed", type=int, help="Simulation seed (default: the scenario's).")
@click.option("--workers", type=click.IntRange(min=1), help="Simulation worker processes (default: min(2, CPUs)).")
def publish(scenario: Path, roster_file: Path, db: str | None, force: bool, reason: str | None,
            user: str | None, replications: int | None, seed: int | None, workers: int | None) -> None:
    """Simulate a roster and publish it as SCENARIO's next version if its targets hold."""
    from scheduler.progress import show_progress
    from scheduler.publish.commands import run_publish
    from scheduler.publish.verdict import blocking
    from scheduler.targets import targets_text

    if force and not (reason and reason.strip()):
        raise click.UsageError("--force needs --reason TEXT (it is recorded with the version)")
    if reason and not force:
        raise click.UsageError("--reason is only used with --force")
    try:
        with show_progress() as progress:
            outcome = run_publish(scenario, roster_file, db, force=force, reason=reason, user=user,
                                  replications=replications, seed=seed, workers=workers,
                                  sim_progress=progress.replications)
    except InputError as exc:
        _fail(f"error: {exc}", EXIT_BAD_INPUT)
    except (PublishError, SQLAlchemyError) as exc:
        _fail(f"publish: {exc}", EXIT_REFUSED)
    click.echo(targets_text(list(outcome.checks)))
    if outcome.version is None:
        stopped = ", ".join(sorted({f"{c.target} ({c.verdict})" for c in blocking(outcome.checks)}))
        _fail(f"refused: {roster_file} does not hold the targets of {outcome.scenario.name}: {stopped}; "
              "not published (use --force --reason TEXT to publish anyway).", EXIT_REFUSED)
    version = outcome.version
    forced = f" (FORCED: {version.reason})" if version.forced else ""
    click.echo(f"Published {version.scenario} version {version.version}: {version.assignment_count} "
               f"doctor-sessions, by {version.published_by} at {version.published_at:%Y-%m-%d %H:%M:%S} UTC{forced}")


def _version_line(v: PublishedVersion) -> str:
    status = "targets met" if v.targets_met else f"FORCED: {v.reason}"
    k = v.kpis
    return (f"{v.scenario:<20} v{v.version:<4} {v.published_at:%Y-%m-%d %H:%M:%S}  {v.published_by:<12} "
            f"{v.assignment_count:>5} sessions  wait {k.get('mean_wait_min', 0):.1f}/{k.get('p90_wait_min', 0):.1f} "
            f"min  in window {k.get('within_booking_window_share', 0):.1%}  {status}")


@click.command()
@DB_OPTION
@click.option("--scenario", default=None, help="Only this scenario (its folder name).")
@click.option("--diff", nargs=2, type=click.IntRange(min=1), default=None, metavar="V1 V2",
              help="Show what changed from version V1 to V2: doctors moved, sessions added or dropped.")
def history(db: str | None, scenario: str | None, diff: tuple[int, int] | None) -> None:
    """List published roster versions, or show what changed between two."""
    from scheduler.publish.commands import run_diff, run_history
    from scheduler.publish.diff import diff_text

    try:
        if diff:
            key, changes = run_diff(db, scenario, diff[0], diff[1])
            click.echo(diff_text(changes, f"{key} v{diff[0]}", f"v{diff[1]}"))
            return
        versions = run_history(db, scenario)
    except (PublishError, SQLAlchemyError) as exc:
        _fail(f"history: {exc}", EXIT_REFUSED)
    if not versions:
        click.echo("No published versions" + (f" of {scenario}." if scenario else "."))
        return
    click.echo(f"{'scenario':<20} {'ver':<5} {'published (UTC)':<19}  {'by':<12} {'roster':>14}  "
               "KPIs: wait mean/p90, share in booking window; status")
    for v in versions:
        click.echo(_version_line(v))
