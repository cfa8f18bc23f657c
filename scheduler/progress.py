"""Progress shown on the terminal (rich) during long solves and simulations.

:func:`show_progress` yields a :class:`ProgressHooks` whose hooks are passed
to the library (``solve(..., progress=hooks.solve)``,
``simulate(..., progress=hooks.replications)``). When standard error is not a
terminal (pipes, files, CI logs) both hooks are None: nothing is printed and
the library runs without callbacks. The display is transient: it disappears
when the work is done, leaving the command's normal output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from scheduler.solver.progress import ProgressHook, SolveProgress

ReplicationHook = Callable[[int, int], None]


@dataclass(frozen=True)
class ProgressHooks:
    """Hooks for the solver and the simulator; None when progress is not shown."""

    solve: ProgressHook | None = None
    replications: ReplicationHook | None = None


def solve_progress_text(update: SolveProgress) -> str:
    """One status line, e.g. ``objective phase: objective 5,210, bound 5,102 (gap 2.1%), 4 rosters``."""
    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:,.0f}"

    gap = ""
    if update.objective is not None and update.bound is not None:
        gap = f" (gap {abs(update.objective - update.bound) / max(1.0, abs(update.objective)):.1%})"
    return (f"{update.phase} phase: objective {number(update.objective)}, bound {number(update.bound)}{gap}, "
            f"{update.solutions} rosters")


class _Display:
    """One rich Progress with a task per kind of work, each added on its first update."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._tasks: dict[str, TaskID] = {}

    def _task(self, label: str) -> TaskID:
        if label not in self._tasks:
            self._tasks[label] = self._bar.add_task("", total=None, label=label)
        return self._tasks[label]

    def solve(self, update: SolveProgress) -> None:
        self._bar.update(self._task("solving"), description=solve_progress_text(update))

    def replications(self, done: int, total: int) -> None:
        self._bar.update(self._task("simulating"), completed=done, total=total,
                         description=f"{done}/{total} replications")


@contextmanager
def show_progress(console: Console | None = None) -> Iterator[ProgressHooks]:
    """Hooks drawing the solver's objective and bound and the replications done on standard error.

    Parameters
    ----------
    console
        Where to draw (default: standard error); nothing is drawn unless it is a terminal.
    """
    console = Console(stderr=True) if console is None else console
    if not console.is_terminal:
        yield ProgressHooks()
        return
    columns = (TextColumn("[bold]{task.fields[label]}[/]"), BarColumn(), TextColumn("{task.description}"),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        display = _Display(bar)
        yield ProgressHooks(solve=display.solve, replications=display.replications)
