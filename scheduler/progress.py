"""Progress shown on the terminal (rich) during long solves and simulations.

Both context managers yield a hook to pass to the library, or None when
standard error is not a terminal (pipes, files, CI logs): then nothing is
printed and the library runs without callbacks. The display is transient:
it disappears when the work is done, leaving the command's normal output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scheduler.solver.progress import ProgressHook, SolveProgress

ReplicationHook = Callable[[int, int], None]


def _console(console: Console | None) -> Console:
    return Console(stderr=True) if console is None else console


def solve_progress_text(update: SolveProgress) -> str:
    """One status line, e.g. ``objective phase: objective 5210, bound 5102 (gap 2.1%), 4 rosters``."""
    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:,.0f}"

    gap = ""
    if update.objective is not None and update.bound is not None:
        gap = f" (gap {abs(update.objective - update.bound) / max(1.0, abs(update.objective)):.1%})"
    return (f"{update.phase} phase: objective {number(update.objective)}, bound {number(update.bound)}{gap}, "
            f"{update.solutions} rosters")


@contextmanager
def solver_progress(console: Console | None = None) -> Iterator[ProgressHook | None]:
    """A hook showing the solver's objective and bound as they improve (None if not a terminal)."""
    console = _console(console)
    if not console.is_terminal:
        yield None
        return
    columns = (TextColumn("[bold]solving[/]"), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def show(update: SolveProgress) -> None:
            bar.update(task, description=solve_progress_text(update))

        yield show


@contextmanager
def replication_progress(label: str = "simulating", console: Console | None = None) -> Iterator[ReplicationHook | None]:
    """A hook showing replications done out of the total (None if not a terminal)."""
    console = _console(console)
    if not console.is_terminal:
        yield None
        return
    columns = (TextColumn(f"[bold]{label}[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("replications"),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def show(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield show
