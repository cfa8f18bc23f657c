"""Day-window neighbourhood search for a Curtois & Qu roster.

A roster that no single employee (or small group of employees) can improve may
still improve when every employee is re-rostered over a few consecutive days:
shifts then move between employees. This search frees every decision of the
compact model (:mod:`benchmarks.curtois_model`) inside a window of days, holds
the rest of the current roster, and lets CP-SAT find the best roster of the window.

On instance 8 from a 1307 roster: random windows of 10 days reached 1303 in 13 s;
windows of 7 days never improved it, and windows of 14 days took 4-5 s each;
groups of up to 8 employees freed over the whole horizon never improved it.
The search therefore sweeps every window of :data:`FIRST_WINDOW_DAYS` days in a
random order, and widens the windows by :data:`WINDOW_STEP_DAYS` after a sweep
that finds nothing better, as long as CP-SAT solved every window of the sweep to
optimality (wider windows that time out prove nothing).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from benchmarks.curtois_instance import Instance
from benchmarks.curtois_model import CurtoisModel, XKey, build_curtois_model, held_model, penalties_of

#: Width [days] of the first windows.
FIRST_WINDOW_DAYS = 10
#: Days added to the windows' width after a sweep that found nothing better.
WINDOW_STEP_DAYS = 2
#: Most seconds one window's CP-SAT solve may take.
WINDOW_LIMIT_S = 5.0


class WindowSearch:
    """Re-roster windows of consecutive days of one incumbent roster."""

    def __init__(self, instance: Instance, workers: int = 2, cm: CurtoisModel | None = None) -> None:
        """``cm``, the instance's built compact model, is built here when not given."""
        assert cm is None or cm.instance is instance
        self.cm: CurtoisModel = cm if cm is not None else build_curtois_model(instance)
        self.workers = workers
        self.horizon_days = instance.horizon_days
        #: True once a window spanning the whole horizon was solved to optimality:
        #: the roster :meth:`improve` returned is then optimal.
        self.proven_optimal = False

    def best_in_window(self, roster: frozenset[XKey], first_day: int, days: int, stop_at: float,
                       seed: int) -> tuple[frozenset[XKey] | None, bool]:
        """The best roster CP-SAT finds that equals ``roster`` outside days ``first_day``
        to ``first_day + days - 1`` (None if it found none) by ``stop_at`` or within
        :data:`WINDOW_LIMIT_S`, and whether CP-SAT proved it the window's best."""
        model = held_model(self.cm, roster, lambda key: not first_day <= key[1] < first_day + days)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = seed
        solver.parameters.max_time_in_seconds = max(0.05, min(WINDOW_LIMIT_S, stop_at - time.perf_counter()))
        status = solver.Solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, False
        return frozenset(k for k, v in self.cm.x.items() if solver.Value(v)), status == cp_model.OPTIMAL

    def improve(self, roster: frozenset[XKey], stop_at: float, seed: int = 1,
                on_better: Callable[[frozenset[XKey], int], None] = lambda _roster, _objective: None,
                target: int | None = None, first_window_days: int = FIRST_WINDOW_DAYS) -> frozenset[XKey]:
        """Sweep windows until ``stop_at``, until the roster costs ``target`` or less, or
        until a window spanning the whole horizon is solved; return the last roster.

        ``on_better`` gets each better roster and its objective. A window's roster
        that costs the same as the current one replaces it too (a sideways move,
        each window with its own CP-SAT seed): on instance 8, from a 1305 roster
        that 22 random 11-day windows had not improved, 10-day windows with
        sideways moves reached 1303 within 1 s.
        """
        rng = random.Random(seed)
        objective = self.objective_of(roster)
        days = min(first_window_days, self.horizon_days)
        solves = 0
        while target is None or objective > target:
            starts = list(range(self.horizon_days - days + 1))
            rng.shuffle(starts)
            better, all_proven = False, True
            for first_day in starts:
                if stop_at - time.perf_counter() <= 0.05:
                    return roster
                solves += 1
                found, proven = self.best_in_window(roster, first_day, days, stop_at, seed + solves)
                all_proven = all_proven and proven
                if found is None:
                    continue
                found_objective = self.objective_of(found)
                if found_objective < objective:
                    roster, objective, better = found, found_objective, True
                    on_better(roster, objective)
                    if target is not None and objective <= target:
                        return roster
                elif found_objective == objective:
                    roster = found
            if days >= self.horizon_days and all_proven:
                self.proven_optimal = True
                return roster
            if not better and all_proven:
                days = min(self.horizon_days, days + WINDOW_STEP_DAYS)
        return roster

    def objective_of(self, roster: frozenset[XKey]) -> int:
        """The roster's exact objective (CP-SAT's may count under- and over-cover of a row together)."""
        return sum(penalties_of(self.cm.instance, roster).values())
