"""The ``sweep`` command: ``python cli.py sweep SWEEP.yaml --out DIR [--scheduler ADDR] [--workers N]``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def make_sweep_command(handle_errors: Callable[[Callable[..., Any]], Callable[..., Any]]) -> click.Command:
    """The click command, its callback wrapped in the CLI's error handler (exit codes)."""

    @click.command(name="sweep")
    @click.argument("sweep_file", type=click.Path(path_type=Path))
    @click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
                  help="Folder for results.parquet/.csv, summary.csv/.md and points/ (resumable).")
    @click.option("--scheduler", "scheduler", metavar="tcp://HOST:PORT",
                  help="Run on an existing Dask cluster (default: a local cluster on this machine).")
    @click.option("--workers", type=click.IntRange(min=1),
                  help="Worker processes of the local cluster (default: one per CPU core).")
    @handle_errors
    def sweep(sweep_file: Path, out_dir: Path, scheduler: str | None, workers: int | None) -> None:
        """Roster and simulate every point of a parameter grid on Dask; one tidy table plus a summary."""
        from scheduler.sweep.run import TerminalProgress, run_sweep

        if scheduler is not None and workers is not None:
            raise click.UsageError("--workers sizes the local cluster; with --scheduler the cluster has its own")
        # every point is validated before a cluster starts; none starts when all points are stored
        try:
            run = run_sweep(sweep_file, out_dir, progress=TerminalProgress(), scheduler=scheduler, workers=workers)
        except KeyboardInterrupt:
            click.echo(f"\ninterrupted: finished points are kept in {out_dir}/points/; run the same command "
                       "again to resume.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        click.echo(f"{len(run.computed)} points computed, {len(run.reused)} read from earlier runs.")
        summary = run.summary
        if summary.best is None:
            click.echo("No point meets its targets.")
        else:
            click.echo(f"Lowest cost meeting the targets: {summary.best} ({summary.best_verdict}).")
        click.echo(f"Written to {out_dir}/: results.parquet, results.csv, summary.csv, summary.md, points/")

    return sweep
