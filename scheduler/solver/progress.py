"""Reporting the solver's objective and bound while it searches.

:func:`scheduler.solver.solve` takes an optional ``progress`` hook; this
module turns it into CP-SAT callbacks. The hook is called with a
:class:`SolveProgress` each time a phase finds a better roster or proves a
better bound. Callbacks only observe the search: the same seed and workers
give the same roster with or without a hook.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class SolveProgress:
    """A solver phase's state when it improved.

    Attributes
    ----------
    phase
        ``coverage`` (phase 1, maximises patients served in the window) or
        ``objective`` (phase 2, minimises the full objective).
    objective
        Best objective found so far in this phase (None before the first roster).
    bound
        Best proven bound of this phase's objective (None before one is known).
    solutions
        Improving rosters found so far in this phase.
    wall_s
        Seconds since the phase started [s].
    """

    phase: str
    objective: float | None
    bound: float | None
    solutions: int
    wall_s: float


ProgressHook = Callable[[SolveProgress], None]


class _PhaseReporter(cp_model.CpSolverSolutionCallback):
    """Solution and bound callbacks of one phase, forwarding to a hook."""

    def __init__(self, phase: str, hook: ProgressHook) -> None:
        super().__init__()
        self._phase = phase
        self._hook = hook
        self._started = time.perf_counter()
        self._objective: float | None = None
        self._bound: float | None = None
        self._solutions = 0

    def _report(self) -> None:
        self._hook(SolveProgress(self._phase, self._objective, self._bound, self._solutions,
                                 time.perf_counter() - self._started))

    def on_solution_callback(self) -> None:
        self._solutions += 1
        self._objective = float(self.ObjectiveValue())
        self._bound = float(self.BestObjectiveBound())
        self._report()

    def on_bound(self, bound: float) -> None:
        """CP-SAT's ``best_bound_callback``."""
        self._bound = float(bound)
        self._report()


def phase_callback(
    solver: cp_model.CpSolver, phase: str, hook: ProgressHook | None
) -> cp_model.CpSolverSolutionCallback | None:
    """A solution callback reporting ``phase`` to ``hook`` (also wired to the solver's bound callback).

    Returns None when there is no hook, so ``solver.Solve(model, phase_callback(...))``
    behaves as without a callback.
    """
    if hook is None:
        return None
    reporter = _PhaseReporter(phase, hook)
    solver.best_bound_callback = reporter.on_bound
    return reporter
