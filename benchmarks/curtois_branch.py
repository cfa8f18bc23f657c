"""Branch and price on a Curtois & Qu instance: a depth-first search below the incumbent.

Each node of the tree is the master LP of :mod:`benchmarks.curtois_colgen` with
some *decisions*: an employee works a given shift (or has the day off) on a given
day, or does not. A decision bars the columns that break it (upper bound 0 in the
LP) and the pricing of that employee (the choice barred in the dynamic programme,
:meth:`~benchmarks.curtois_columns.EmployeePricer.price`), so every node is priced
to convergence exactly and its Lagrangian bound is a proven bound of every roster
below it. A node whose bound, rounded up, is not below the incumbent is pruned.

The search branches on the most fractional choice ``x[e, d, c]`` (the LP weight
of the employee's columns that choose ``c`` on day ``d``), first into the child
on the side the LP leans to. Where the column dive of
:mod:`benchmarks.curtois_colgen` fixes whole schedules and cannot take them back,
this search revisits every decision whose other side may still hold a better
roster. A node whose LP solution is integral offers that roster. (Earlier builds
also gave every node 0.1 s of CP-SAT for the best roster made of its LP's columns:
in a 40 s run on instance 7 none of the 31 beat the incumbent (1057), SCIP's optimum
of the same problem (0.5-1 s each) was better than CP-SAT's in 28 and still 200-500
points above 1057, and they took a third of the tree's time; without them the tree solves about 1.5 times as many
nodes, and the method reached 1056 in 8 of 12 runs where it had in 3.) Before the
search, the columns that no roster better than the incumbent can use (by their
reduced cost at the root) leave the master: on instance 7 about 2,150 of 3,600,
which made nodes about 1.6 times as fast.

A depth-first search stays in one corner of a large tree. Measured on instance 7,
in 60 s runs of the first dive, its completion (1057) and then the tree alone,
the plain search found 1056 in one run of three; with a restart from the root
after ``restart_after`` nodes without a better roster (the branching then drawn
among the three most fractional choices, the child order flipped one time in
four) it did in 5 of 12 runs (restarts after 30, 60 or 120 nodes did about as
well). A search of the whole tree that finds nothing better proves the incumbent
optimal.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from benchmarks.curtois_columns import Column

if TYPE_CHECKING:
    from benchmarks.curtois_colgen import ColumnSearch, Roster

#: LP weights within this of 0 or 1 count as integral.
INTEGRAL = 1e-6


@dataclass(frozen=True)
class Decision:
    """Employee ``employee_id`` does (``takes``) or does not take ``choice`` on ``day``:
    a shift index of the instance, or the number of shifts for a day off."""

    employee_id: str
    day: int
    choice: int
    takes: bool


@dataclass
class TreeStats:
    """What the search did: nodes solved, pruned and left open when time ran out."""

    nodes: int = 0  #: nodes whose LP was solved
    pruned: int = 0  #: nodes cut off by their bound, or with no schedule for some employee
    integral: int = 0  #: nodes whose LP solution was a roster
    open: int = 0  #: nodes left on the stack (0: the tree was searched to the end)
    deepest: int = 0  #: most decisions of a node
    restarts: int = 0  #: searches started again from the root
    dropped: int = 0  #: columns dropped before the search (:meth:`BranchAndPrice.drop_hopeless_columns`)


class BranchAndPrice:
    """Depth-first branch and price over the columns and pricers of a :class:`ColumnSearch`."""

    def __init__(self, search: ColumnSearch) -> None:
        self.search = search
        instance = search.instance
        self.days = instance.horizon_days
        self.off = len(instance.shifts)  # the choice index of a day off
        self.shift_index = {s.shift_id: i for i, s in enumerate(instance.shifts)}
        self._choices: dict[tuple[str, Column], np.ndarray] = {}
        #: per employee, whether each of its master columns (in insertion order) is allowed now
        self._allowed_now: dict[str, np.ndarray] = {}
        self.stats = TreeStats()

    def choices(self, employee_id: str, column: Column) -> np.ndarray:
        """The column's choice index per day (shift index, or :attr:`off`)."""
        key = (employee_id, column)
        found = self._choices.get(key)
        if found is None:
            found = np.full(self.days, self.off, dtype=np.int64)
            for _, day, shift_id in column:
                found[day] = self.shift_index[shift_id]
            self._choices[key] = found
        return found

    def allowed(self, decisions: Iterable[Decision]) -> dict[str, np.ndarray]:
        """Per employee with decisions: which (day, choice) its schedules may take."""
        masks: dict[str, np.ndarray] = {}
        for decision in decisions:
            mask = masks.setdefault(decision.employee_id, np.ones((self.days, self.off + 1), dtype=np.bool_))
            if decision.takes:
                row = np.zeros(self.off + 1, dtype=np.bool_)
                row[decision.choice] = mask[decision.day, decision.choice]
                mask[decision.day] = row
            else:
                mask[decision.day, decision.choice] = False
        return masks

    def _apply(self, masks: dict[str, np.ndarray]) -> dict[str, int]:
        """Bar, in the master LP, every column a mask forbids (and allow the others); the
        number of compatible columns per employee."""
        master = self.search.master
        compatible: dict[str, int] = {}
        days = np.arange(self.days)
        for employee_id, columns in master.columns.items():
            mask = masks.get(employee_id)
            variables = list(columns.values())
            if mask is None:
                ok = np.ones(len(variables), dtype=np.bool_)
            else:
                table = np.array([self.choices(employee_id, c) for c in columns]).reshape(len(variables), self.days)
                ok = mask[days, table].all(axis=1)
            previous = self._allowed_now.get(employee_id)
            if previous is None:
                changed = np.arange(len(ok))
            else:  # columns added since the last call, and those whose bar changed
                changed = np.concatenate([np.flatnonzero(previous != ok[:len(previous)]),
                                          np.arange(len(previous), len(ok))])
            for index in changed:
                variables[index].SetUb(1 if ok[index] else 0)
            self._allowed_now[employee_id] = ok
            compatible[employee_id] = int(ok.sum())
        return compatible

    def allow_all(self) -> None:
        """Lift every decision's bars from the master LP."""
        self._apply({})

    def solve_node(self, decisions: tuple[Decision, ...], stop_at: float) -> tuple[str, float]:
        """Column generation at one node until it converges, its bound reaches the
        incumbent or ``stop_at``: ``("pruned" | "infeasible" | "converged" | "timeout", bound)``."""
        search, master = self.search, self.search.master
        masks = self.allowed(decisions)
        compatible = self._apply(masks)
        for employee_id, count in compatible.items():  # every employee needs a column the node allows
            if count == 0 and not search.add_any_schedule(employee_id, masks.get(employee_id)):
                return "infeasible", math.inf
        bound = -math.inf
        while True:
            builds = master.builds
            value, duals, convexity = master.solve()
            if master.builds != builds:  # the LP was rebuilt from scratch, without the node's bars
                self._allowed_now.clear()
                self._apply(masks)
                value, duals, convexity = master.solve()
            if time.perf_counter() >= stop_at:
                return "timeout", bound
            priced = search.price_round(search.pricers, duals, convexity, stop_at, masks)
            if priced.no_schedule:
                return "infeasible", math.inf
            if priced.gain is not None:
                bound = max(bound, master.dual_value(duals, convexity) + priced.gain)
            if self._beaten(bound):
                return "pruned", bound
            if priced.added == 0:  # the LP value is a bound only when every pricing solve proved its optimum
                return "converged", bound if priced.gain is None else max(bound, value)

    def drop_hopeless_columns(self) -> int:
        """Remove from the master the columns that no roster better than the incumbent
        can use: reduced cost, under the root duals, above the incumbent less one less
        the root's Lagrangian bound. Pricing brings a column back if a node needs it."""
        search, master = self.search, self.search.master
        if search.best is None:
            return 0
        _, duals, convexity = master.solve()
        priced = search.price_round(search.pricers, duals, convexity, search.deadline)
        if priced.gain is None:
            return 0
        room = search.best.objective - 1 - master.dual_value(duals, convexity) - priced.gain
        doomed = []
        for employee_id, costs in master.costs.items():
            least = min(0.0, priced.least[employee_id])
            hopeless = [column for column in costs
                        if master.reduced_cost(employee_id, column, duals, convexity) - least > room + 1e-6]
            doomed += [(employee_id, column) for column in hopeless[:len(costs) - 1]]  # keep one at least
        master.drop(doomed)
        self._allowed_now.clear()
        self.stats.dropped = len(doomed)
        return len(doomed)

    def _beaten(self, bound: float) -> bool:
        best = self.search.best
        return best is not None and math.isfinite(bound) and math.ceil(bound - 1e-6) >= best.objective

    def fractional(self) -> list[tuple[float, Decision]]:
        """Every fractional choice ``x[e, d, c]`` of the LP solution, as (weight, take-decision)."""
        master = self.search.master
        found = []
        for employee_id, columns in master.columns.items():
            x = np.zeros((self.days, self.off + 1))
            for column, variable in columns.items():
                weight = variable.solution_value()
                if weight > INTEGRAL:
                    x[np.arange(self.days), self.choices(employee_id, column)] += weight
            for day, choice in zip(*np.nonzero((x > INTEGRAL) & (x < 1 - INTEGRAL)), strict=True):
                found.append((float(x[day, choice]), Decision(employee_id, int(day), int(choice), True)))
        return found

    def node_roster(self) -> Roster | None:
        """The roster the node's LP solution is, when it puts every employee's whole
        weight on one column; None when it is fractional."""
        columns = {}
        for employee_id in self.search.pricers:
            weighted = [column for weight, column in self.search.master.weights(employee_id) if weight > INTEGRAL]
            if len(weighted) != 1:
                return None
            columns[employee_id] = weighted[0]
        return self.search.roster(columns)

    def run(self, stop_at: float, rng: random.Random | None = None, restart_after: int | None = None) -> TreeStats:
        """Search depth first until ``stop_at``, the tree is exhausted (the incumbent is then
        optimal) or the incumbent meets the search's proven bound. With ``restart_after``,
        a search that has solved that many nodes without a better roster starts again from
        the root, its branching now drawn by ``rng``."""
        self.drop_hopeless_columns()
        stack: list[tuple[Decision, ...]] = [()]
        stats = self.stats
        since_better = 0
        drawn: random.Random | None = None
        try:
            while stack and time.perf_counter() < stop_at and not self.search.proven():
                if restart_after is not None and since_better >= restart_after:
                    stack, since_better, drawn = [()], 0, rng
                    stats.restarts += 1
                decisions = stack.pop()
                status, bound = self.solve_node(decisions, stop_at)
                if status == "timeout":
                    stack.append(decisions)
                    break
                stats.nodes += 1
                since_better += 1
                stats.deepest = max(stats.deepest, len(decisions))
                if status in ("pruned", "infeasible"):
                    stats.pruned += 1
                    continue
                roster = self.node_roster()
                if roster is not None and (self.search.best is None or roster.objective < self.search.best.objective):
                    self.search.offer(roster, f"branch and price (node {stats.nodes}, depth {len(decisions)})")
                    self._apply(self.allowed(decisions))  # offered columns may break this node's decisions
                    since_better = 0
                if self._beaten(bound):
                    stats.pruned += 1
                    continue
                candidates = self.fractional()
                if not candidates:
                    stats.integral += 1
                    continue
                candidates.sort(key=lambda item: (abs(item[0] - 0.5), item[1].employee_id, item[1].day))
                weight, take = candidates[0] if drawn is None else drawn.choice(candidates[:3])
                bar = Decision(take.employee_id, take.day, take.choice, False)
                children = [decisions + (bar,), decisions + (take,)]
                if (weight < 0.5) != (drawn is not None and drawn.random() < 0.25):
                    children.reverse()
                stack.extend(children)
            stats.open = len(stack)
            return stats
        finally:
            self.allow_all()
