"""Column generation for a Curtois & Qu instance: a strong bound and a near-optimal roster.

The stages, all within one wall-clock limit:

1. **Column generation.** The master LP (:class:`~benchmarks.curtois_columns.MasterLP`)
   over whole-horizon employee schedules is priced employee by employee (a dynamic
   programme over the days, :mod:`benchmarks.curtois_schedule_dp`, or CP-SAT when
   its schedule breaks a limit it does not count) until no schedule has a negative
   reduced cost. The Lagrangian bound, the dual objective
   (:meth:`~benchmarks.curtois_columns.MasterLP.dual_value`) plus each employee's
   least reduced cost as proven by its pricing solve, is a proven lower bound; at
   convergence it is the LP value, much tighter than the compact model's linear
   relaxation (1140.6 against 815-954 on instance 5).
2. **Diving.** Fix the fractional employee schedule with the largest LP
   weight, price again, and repeat until every employee is fixed: a roster. The LP value
   rises slowly while most employees are fixed and then jumps, when the last
   few can no longer fill the cover. A dive that falls behind its time fixes
   several columns per step (:class:`DivePace`).
3. **Completion.** The compact model (:mod:`benchmarks.curtois_model`) with the
   employees of the last fixing whose LP value was within :data:`DIVE_RISE` of the root
   held to their schedules re-rosters the others with CP-SAT, starting from the
   best roster so far. The first dive's completion gets at least
   :data:`FIRST_COMPLETION_SHARE` of the time limit when the dive had to hurry.
4. **Proof.** The whole compact model, with the best roster as a hint and the
   column bound as a constraint, gets a short CP-SAT solve: enough to prove
   the small instances optimal.
5. **Set partitioning.** SCIP picks one column per employee among all found
   (instance 5: 1147 to 1144).
6. **Branch and price** (:mod:`benchmarks.curtois_branch`) until
   :data:`BRANCH_SHARE` of the time: a depth-first search on single
   (employee, day, shift or day off) decisions, every node priced to
   convergence and pruned by its proven bound against the best roster, with
   restarts. It found 1950 on instance 6 and proved it optimal by exhausting
   the tree, 1143 on instance 5, and 1056 on instance 7 in some runs; where
   the dive can only fix whole schedules, it can take any decision back.
7. **Day windows.** Every employee re-rostered over a few consecutive days at a
   time, the rest of the current roster held (:mod:`benchmarks.curtois_windows`),
   for the rest of the time. Should the windows end early, or the column
   stages fail, the compact model polishes the best roster until the deadline.

The search stops at the first check (between stages, and between the nodes of
the tree) that finds a roster meeting the proven bound.
"""

from __future__ import annotations

import functools
import math
import random
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from ortools.sat.python import cp_model

from benchmarks.curtois_branch import BranchAndPrice
from benchmarks.curtois_columns import Column, EmployeePricer, MasterLP, MasterLPError, Priced
from benchmarks.curtois_instance import Instance
from benchmarks.curtois_model import CurtoisModel, XKey, build_curtois_model, held_model, penalties_of
from benchmarks.curtois_partition import set_partitioning
from benchmarks.curtois_windows import WindowSearch

#: Shares of the time limit by which root column generation, the first dive and the
#: branch and price must end; the day windows have the rest.
GENERATION_SHARE = 0.45
DIVE_SHARE = 0.6
BRANCH_SHARE = 0.9
#: Share of the time limit the set partitioning may take.
PARTITIONING_SHARE = 0.05
#: Most seconds one pricing solve may take.
PRICING_LIMIT_S = 5.0
#: Rise of the LP value above the root [penalty units] up to which the dive's fixings are kept
#: for its completion.
DIVE_RISE = 5.0
#: Nodes without a better roster after which the branch and price starts again from the root,
#: its branching drawn at random (:meth:`~benchmarks.curtois_branch.BranchAndPrice.run`).
RESTART_AFTER_NODES = 60
#: Share of the time limit for a compact solve after the first dive (proves small instances).
PROOF_SHARE = 0.05
#: Most seconds one completion may take.
COMPLETION_LIMIT_S = 10.0
#: Share of the time limit the first dive's completion may have even when the dive ends
#: at :data:`DIVE_SHARE`, if the dive had to hurry (on a slow machine, or with a short limit).
FIRST_COMPLETION_SHARE = 0.15
#: Steps a dive still takes per fractional employee (measured on instance 8: the LP gives
#: the last free employees whole columns, 10 fractional took 6 steps): the dive's pace
#: (:class:`DivePace`) fixes more than one column per step only when even these fewer
#: steps would not fit in the time left.
DIVE_STEPS_PER_FRACTIONAL = 0.6


@dataclass
class Roster:
    """A complete roster: its objective and the (employee, day, shift) worked."""

    objective: int
    assignments: frozenset[XKey]


class PricingRound(NamedTuple):
    """What one pricing round of the employees asked for found."""

    added: int  #: new columns in the master
    #: each employee's least reduced cost [penalty units], proven (inf: no schedule at all);
    #: None where the solve proved no bound
    least: dict[str, float | None]

    @property
    def gain(self) -> float | None:
        """Sum of min(0, least reduced cost): with the dual objective, a proven bound; None
        when some solve proved no bound."""
        if any(least is None for least in self.least.values()):
            return None
        return sum(min(0.0, least) for least in self.least.values())

    @property
    def no_schedule(self) -> bool:
        """True when some employee has no schedule at all."""
        return math.inf in self.least.values()


class Dive(NamedTuple):
    """What one dive reached."""

    roster: Roster
    #: the columns fixed while the LP value was within the dive's rise of the root
    kept: dict[str, Column]
    #: True when the dive fixed several fractional columns in one step to end in time
    hurried: bool


@dataclass
class ColumnSearch:
    """State of a column-generation search on one instance."""

    instance: Instance
    deadline: float  #: perf_counter time at which every stage must stop
    workers: int = 2
    log: Callable[[str], None] = lambda _: None
    pricers: dict[str, EmployeePricer] = field(init=False)
    master: MasterLP = field(init=False)
    lower_bound: float = field(init=False, default=0.0)  #: proven bound of the optimum
    converged: bool = field(init=False, default=False)  #: root LP proven optimal over all columns
    best: Roster | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.pricers = {e.employee_id: EmployeePricer(self.instance, e) for e in self.instance.employees}
        self.master = MasterLP(self.instance)
        self._pool = ThreadPoolExecutor(max(1, self.workers))

    @functools.cached_property
    def compact(self) -> CurtoisModel:
        """The instance's compact model, built once for every completion, proof and window."""
        return build_curtois_model(self.instance)

    def close(self) -> None:
        self._pool.shutdown()

    def remaining(self) -> float:
        return self.deadline - time.perf_counter()

    def generate(self, stop_at: float) -> float:
        """Price the unfixed employees until no column improves the LP or ``stop_at``;
        return the LP value. At the root, raise :attr:`lower_bound` as proven."""
        at_root = not self.master.fixed
        while True:
            value, duals, convexity = self.master.solve()
            if time.perf_counter() >= stop_at:
                return value
            employees = [e for e in self.pricers if e not in self.master.fixed]
            priced = self.price_round(employees, duals, convexity, stop_at)
            lagrangian = None if priced.gain is None else self.master.dual_value(duals, convexity) + priced.gain
            if at_root and lagrangian is not None and lagrangian > self.lower_bound:
                self.lower_bound = lagrangian
            if priced.added == 0:
                if at_root and lagrangian is not None:
                    self.converged = True
                return value

    def price_round(self, employees: Iterable[str], duals: dict, convexity: dict, stop_at: float,
                    masks: dict[str, np.ndarray] | None = None) -> PricingRound:
        """Price each of ``employees`` under the master's duals (on the thread pool, each
        solve limited to :data:`PRICING_LIMIT_S` and ``stop_at``; ``masks`` restrict an
        employee's choices, :meth:`~benchmarks.curtois_columns.EmployeePricer.price`) and
        add the columns found to the master."""
        masks = masks or {}
        jobs = [(self.pricers[e], duals, convexity[e], stop_at, masks.get(e)) for e in employees]
        added, least = 0, {}
        for employee_id, result in self._pool.map(_price, jobs):
            pricer = self.pricers[employee_id]
            for _, column in result.columns:
                added += self.master.add(employee_id, column, pricer.column_cost(column))
            least[employee_id] = result.least_reduced_cost
        return PricingRound(added, least)

    def add_any_schedule(self, employee_id: str, allowed: np.ndarray | None = None) -> bool:
        """Add one feasible schedule of the employee (within ``allowed``, as in
        :meth:`~benchmarks.curtois_columns.EmployeePricer.price`) to the master; False if none."""
        pricer = self.pricers[employee_id]
        found = pricer.price({}, float("inf"), max(0.05, min(PRICING_LIMIT_S, self.remaining())), allowed)
        if not found.columns:
            return False
        column = min(found.columns)[1]
        self.master.add(employee_id, column, pricer.column_cost(column))
        return True

    def dive(self, stop_at: float, most_rise: float) -> Dive:
        """Fix the heaviest fractional column, re-price, repeat until every employee
        is fixed (once the LP gives every free employee one whole column, all are fixed).

        Fixing whole columns first, as a plain dive does, freezes employees the LP
        could still move; on instance 8 that dive ended at 1817, this one at 1307.

        Returns the roster reached, the columns that were fixed while the LP
        value was still within ``most_rise`` of the root (the part of the dive
        worth keeping when the last employees can no longer fill the cover), and
        whether the dive had to hurry (:class:`DivePace`).
        """
        try:
            root = self.generate(stop_at)
            kept: dict[str, Column] = {}
            pace = DivePace(stop_at)
            hurried = False
            while len(self.master.fixed) < len(self.pricers):
                free = [e for e in self.pricers if e not in self.master.fixed]
                heaviest = {e: self.master.weights(e)[0] for e in free}
                fractional = [e for e in free if heaviest[e][0] < 1 - 1e-6]
                fractional.sort(key=lambda e: -heaviest[e][0])
                late = time.perf_counter() >= stop_at  # out of time: fix everyone left at once
                chosen = free if late else fractional[:pace.batch(len(fractional))] or free
                hurried = hurried or (len(chosen) > 1 and bool(fractional))  # not the normal last step
                for employee_id in chosen:
                    self.master.fix(employee_id, heaviest[employee_id][1])
                value = self.generate(stop_at) if time.perf_counter() < stop_at else self.master.solve()[0]
                if value <= root + most_rise:
                    kept = dict(self.master.fixed)
                pace.step_done()
            return Dive(self.roster(dict(self.master.fixed)), kept, hurried)
        finally:
            self.master.unfix_all()

    def roster_of(self, assignments: frozenset[XKey]) -> Roster:
        """The roster of these (employee, day, shift), with its exact objective."""
        return self.roster({e: tuple(k for k in p.keys if k in assignments) for e, p in self.pricers.items()})

    def roster(self, columns: dict[str, Column]) -> Roster:
        """The roster made of one column per employee, with its exact objective."""
        assignments = frozenset(k for c in columns.values() for k in c)
        return Roster(sum(penalties_of(self.instance, assignments).values()), assignments)

    def ensure_usable(self) -> None:
        """Give every employee without a usable column one feasible schedule."""
        for employee_id in self.pricers:
            if not self.master.usable(employee_id) and not self.add_any_schedule(employee_id):
                raise MasterLPError(f"no schedule found for employee {employee_id}")

    def proven(self) -> bool:
        """True when the best roster meets the proven lower bound."""
        return self.best is not None and self.best.objective <= math.ceil(self.lower_bound - 1e-6)

    def offer(self, roster: Roster, source: str) -> None:
        """Add the roster's columns to the master; keep it if it is the best so far."""
        for employee_id, pricer in self.pricers.items():  # rosters here keep every hard rule
            column = tuple(k for k in pricer.keys if k in roster.assignments)
            self.master.add(employee_id, column, pricer.column_cost(column))
        improved = self.best is None or roster.objective < self.best.objective
        if improved:
            self.best = roster
        self.log(f"{source}: roster {roster.objective}{' (best so far)' if improved else ''}, "
                 f"bound {math.ceil(self.lower_bound - 1e-6)}")


class DivePace:
    """How many fractional columns a dive fixes per step so that it ends by ``stop_at``.

    One per step while the steps so far, at their mean duration, leave time for one
    step per fractional employee; more per step when they do not. With CP-SAT pricing,
    on a machine on which the first dive of instance 8 took 40 s instead of 23 s, the dive was cut
    at 60% of a 60 s limit with every free employee fixed at once, and the run ended
    at 1630 and 1724 (1305 with a 120 s limit). With this pace, and 30 s standing in
    for the slower machine, runs ended at 1402-1505 where the cut dive gave 1624-1816.
    """

    def __init__(self, stop_at: float, clock: Callable[[], float] = time.perf_counter) -> None:
        self.stop_at = stop_at
        self.clock = clock
        self.started = clock()
        self.steps = 0

    def batch(self, fractional: int) -> int:
        """Columns to fix in the next step, with ``fractional`` fractional employees left."""
        if self.steps == 0 or fractional <= 1:
            return 1
        now = self.clock()
        per_step = (now - self.started) / self.steps
        steps_left = max(1.0, (self.stop_at - now) / per_step)
        return max(1, math.ceil(DIVE_STEPS_PER_FRACTIONAL * fractional / steps_left))

    def step_done(self) -> None:
        self.steps += 1


def _price(job: tuple[EmployeePricer, dict, float, float, np.ndarray | None]) -> tuple[str, Priced]:
    """One pricing job of the thread pool; its time limit is set when it starts."""
    pricer, duals, convexity_dual, stop_at, allowed = job
    left = stop_at - time.perf_counter()
    if left <= 0:
        return pricer.employee_id, Priced((), None)
    return pricer.employee_id, pricer.price(duals, convexity_dual, min(PRICING_LIMIT_S, left), allowed)


def polish(search: ColumnSearch, stop_at: float, seed: int,
           fixed: dict[str, Column] | None = None) -> tuple[Roster | None, int]:
    """Improve the best roster with CP-SAT on the compact model until ``stop_at``,
    with the employees of ``fixed`` held to their columns (the others start from
    the best roster); return the roster CP-SAT ends with and, when nothing is
    held, its proven bound."""
    cm = search.compact
    fixed = fixed or {}
    start = frozenset(k for column in fixed.values() for k in column)
    if search.best is not None:
        start |= frozenset(k for k in search.best.assignments if k[0] not in fixed)
    # with no roster and nothing held there is nothing to hint (all-off breaks the minimum minutes)
    model = held_model(cm, start, lambda key: key[0] in fixed, hint=search.best is not None or bool(fixed))
    bound = math.ceil(search.lower_bound - 1e-6)
    model.Add(_objective_of(model) >= bound)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = search.workers
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.1, stop_at - time.perf_counter())
    solver.parameters.subsolvers.append("max_lp")
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, bound
    roster = search.roster_of(frozenset(k for k, v in cm.x.items() if solver.Value(v)))
    if not fixed:  # CP-SAT's bound of the whole model is a bound of the instance
        search.lower_bound = max(search.lower_bound, solver.BestObjectiveBound())
        bound = max(bound, math.ceil(solver.BestObjectiveBound() - 1e-6))
    return roster, bound


def _objective_of(model: cp_model.CpModel) -> cp_model.LinearExprT:
    """The integer objective to minimise of ``model``, as an expression over its own variables."""
    objective = model.Proto().objective
    assert objective.scaling_factor in (0.0, 1.0) and not model.Proto().has_floating_point_objective()
    variables = [model.get_int_var_from_proto_index(index) for index in objective.vars]
    return cp_model.LinearExpr.weighted_sum(variables, list(objective.coeffs)) + int(objective.offset)


def initial_columns(search: ColumnSearch) -> None:
    """The master's first columns: the empty schedule of every employee, which makes the
    LP feasible (cover slacks do the rest) and is never chosen for a roster."""
    for employee_id, pricer in search.pricers.items():
        search.master.add(employee_id, (), pricer.column_cost(()), usable=False)


def column_search(instance: Instance, time_limit_s: float, workers: int = 2, seed: int = 1,
                  log: Callable[[str], None] = lambda _: None) -> tuple[Roster | None, int]:
    """Every stage of the module docstring within ``time_limit_s`` wall seconds
    (from the call); the best roster and the proven lower bound."""
    started = time.perf_counter()
    search = ColumnSearch(instance, started + time_limit_s, workers, log)
    try:
        try:
            _column_stages(search, started, time_limit_s, seed)
        except MasterLPError as exc:  # the compact model carries on alone
            log(f"column stages stopped: {exc}")
        if search.best is not None and not search.proven() and search.remaining() > 0.5:
            improve_by_windows(search, search.deadline, seed)
        bound = math.ceil(search.lower_bound - 1e-6)
        if (search.best is None or search.best.objective > bound) and search.remaining() > 0.5:
            polished, bound = polish(search, search.deadline, seed)
            if polished is not None:
                search.offer(polished, "compact model")
        return search.best, bound
    finally:
        search.close()


def improve_by_windows(search: ColumnSearch, stop_at: float, seed: int) -> None:
    """Re-roster windows of days of the best roster (:mod:`benchmarks.curtois_windows`)
    until ``stop_at``, until it meets the proven bound, or until a window spanning the
    whole horizon is solved to optimality (which proves the roster optimal)."""
    windows = WindowSearch(search.instance, search.workers, search.compact)
    windows.improve(search.best.assignments, stop_at, seed,
                    lambda roster, objective: search.offer(Roster(objective, roster), "day windows"),
                    target=math.ceil(search.lower_bound - 1e-6))
    if windows.proven_optimal:
        search.lower_bound = max(search.lower_bound, search.best.objective)


def _column_stages(search: ColumnSearch, started: float, time_limit_s: float, seed: int) -> None:
    """Stages 1-6 of the module docstring; the best roster and bound end up in ``search``."""
    initial_columns(search)
    search.generate(started + GENERATION_SHARE * time_limit_s)
    search.log(f"root LP bound {search.lower_bound:.2f}, converged {search.converged}")
    search.ensure_usable()
    dive_end = started + DIVE_SHARE * time_limit_s
    dived, kept, hurried = search.dive(dive_end, DIVE_RISE)
    search.offer(dived, "dive")
    completion_by = dive_end
    if hurried:  # a hurried dive leaves more of the roster to its completion
        completion_by = min(started + BRANCH_SHARE * time_limit_s,
                            max(dive_end, time.perf_counter() + FIRST_COMPLETION_SHARE * time_limit_s))
    if 0 < len(kept) < len(search.pricers) and not search.proven() and completion_by > time.perf_counter():
        search.log(f"completing {len(search.pricers) - len(kept)} employees left free by the dive")
        completed, _ = polish(search, min(completion_by, time.perf_counter() + COMPLETION_LIMIT_S), seed, kept)
        if completed is not None:
            search.offer(completed, "dive completion")
    if not search.proven():  # a short compact solve proves the easy ones
        proved, _ = polish(search, min(search.deadline, time.perf_counter() + PROOF_SHARE * time_limit_s), seed)
        if proved is not None:
            search.offer(proved, "compact model")
    if not search.proven():
        combined = set_partitioning(search, min(search.deadline,
                                                time.perf_counter() + PARTITIONING_SHARE * time_limit_s))
        if combined is not None:
            search.offer(combined, "set partitioning")
    branch_end = started + BRANCH_SHARE * time_limit_s
    if not search.proven() and branch_end - time.perf_counter() > 0.5:
        tree = BranchAndPrice(search)
        stats = tree.run(branch_end, random.Random(seed), RESTART_AFTER_NODES)
        search.log(f"branch and price: {stats.dropped} columns dropped, {stats.nodes} nodes, "
                   f"{stats.restarts} restarts, {'tree exhausted' if stats.open == 0 else f'{stats.open} open'}")
        if stats.open == 0 and search.best is not None:  # no roster below the best one is left
            search.lower_bound = max(search.lower_bound, search.best.objective)
