"""Columns for a Curtois & Qu instance: one employee's whole-horizon schedule.

A *column* is the set of ``(employee, day, shift)`` one employee works over the
horizon, feasible for every one of that employee's hard rules (rules 1-9 of
``FORMAT.md``; only cover couples employees). :class:`EmployeePricer` finds
columns with an exact dynamic programme over the days
(:mod:`benchmarks.curtois_schedule_dp`) and, when the programme's schedule breaks
a shift-type limit it does not count, with a one-employee CP-SAT model built by the
same rule functions as the full model (:mod:`benchmarks.curtois_model`);
:class:`MasterLP` is the linear relaxation over the columns found so far (GLOP),
whose cover duals price the next ones.

Reduced costs are in the instance's penalty units. For CP-SAT the pricing
objective is scaled by :data:`SCALE` and rounded to integers; the rounding error
of a column is at most ``horizon / 2 / SCALE``, and the least reduced cost a
CP-SAT solve proves (from its bound of the scaled objective) subtracts it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from benchmarks.curtois_instance import Employee, Instance
from benchmarks.curtois_model import CurtoisModel, XKey, employee_rules
from benchmarks.curtois_schedule_dp import ScheduleDP

Column = tuple[XKey, ...]  # the (employee, day, shift) worked, in the pricer's key order
CoverKey = tuple[int, str]  # day, shift id
#: Pricing objective scale: reduced costs are rounded to 1/SCALE penalty units.
SCALE = 1000
#: Cheapest schedules the dynamic programme returns per pricing solve.
DP_COLUMNS = 5


class MasterLPError(RuntimeError):
    """The column stages cannot go on (the master LP failed, or an employee has no schedule)."""


@dataclasses.dataclass(frozen=True)
class Priced:
    """What one pricing solve found for an employee."""

    columns: tuple[tuple[float, Column], ...]  #: (reduced cost, column) with reduced cost < 0
    #: proven lower bound of every column's reduced cost (inf when there is no schedule); None if unknown
    least_reduced_cost: float | None


class EmployeePricer:
    """One employee's schedules: request cost and best reduced cost under given cover duals."""

    def __init__(self, instance: Instance, employee: Employee) -> None:
        eid = employee.employee_id
        alone = dataclasses.replace(
            instance, employees=(employee,), days_off={eid: instance.days_off.get(eid, frozenset())},
            on_requests=tuple(r for r in instance.on_requests if r.employee_id == eid),
            off_requests=tuple(r for r in instance.off_requests if r.employee_id == eid), cover=())
        self.employee_id = eid
        self.horizon_days = instance.horizon_days
        self.cm: CurtoisModel = employee_rules(alone)
        self.dp = ScheduleDP(instance, employee)
        self.shift_index = {shift_id: i for i, shift_id in enumerate(instance.shift_ids)}
        self.keys: list[XKey] = list(self.cm.x)
        self.cost: dict[XKey, int] = dict.fromkeys(self.keys, 0)  # request cost of working key
        self.base_cost = 0  # request cost of working nothing
        for request in alone.on_requests:
            self.base_cost += request.weight
            key = (eid, request.day, request.shift_id)
            if key in self.cost:
                self.cost[key] -= request.weight
        for request in alone.off_requests:
            key = (eid, request.day, request.shift_id)
            if key in self.cost:
                self.cost[key] += request.weight

    @property
    def rounding_slack(self) -> float:
        """Largest difference between a column's scaled and exact reduced cost [penalty units]."""
        return self.horizon_days * 0.5 / SCALE

    def column_cost(self, column: Column) -> int:
        """Request penalty (on and off requests) of the employee working ``column``."""
        return self.base_cost + sum(self.cost[k] for k in column)

    def coefficients(self, duals: Mapping[CoverKey, float]) -> dict[XKey, float]:
        """Reduced-cost coefficient of each (employee, day, shift) [penalty units]: its
        request cost less the cover dual of its (day, shift)."""
        return {k: self.cost[k] - duals.get((k[1], k[2]), 0.0) for k in self.keys}

    def day_costs(self, coefficients: Mapping[XKey, float]) -> np.ndarray:
        """The coefficients as the dynamic programme takes them: days x shifts [penalty units]."""
        cost = np.zeros((self.horizon_days, len(self.shift_index)))
        for (_, day, shift_id), coefficient in coefficients.items():
            cost[day, self.shift_index[shift_id]] = coefficient
        return cost

    def _scaled(self, coefficients: dict[XKey, float]) -> cp_model.LinearExprT:
        return sum(round(SCALE * coefficients[k]) * self.cm.x[k] for k in self.keys)

    def _solver(self, time_limit_s: float) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
        return solver

    def price(self, duals: Mapping[CoverKey, float], convexity_dual: float, time_limit_s: float = 5.0,
              allowed: np.ndarray | None = None) -> Priced:
        """Columns of negative reduced cost and the least reduced cost, proven.

        ``duals`` are the master's cover duals, ``convexity_dual`` the employee's
        convexity dual. ``allowed`` (days x (shifts + 1), the last column a day off;
        default all True) restricts the schedules to the choices it holds True,
        as the branching of :mod:`benchmarks.curtois_branch` asks. The dynamic
        programme (:mod:`benchmarks.curtois_schedule_dp`) returns its
        :data:`DP_COLUMNS` cheapest schedules; when its cheapest breaks a shift
        type's limit that it does not count, CP-SAT prices instead.
        """
        coefficients = self.coefficients(duals)
        cost = self.day_costs(coefficients)
        off_allowed = None
        if allowed is not None:
            cost = np.where(allowed[:, :-1], cost, np.inf)
            off_allowed = allowed[:, -1]
        cheapest = self.dp.cheapest(cost, DP_COLUMNS, off_allowed)
        if cheapest.exact:
            found = []
            for schedule in cheapest.schedules:
                if not self.dp.keeps_limits(schedule):
                    continue
                column = tuple(k for k in self.keys if schedule[k[1]] == self.shift_index[k[2]])
                reduced = self.base_cost + sum(coefficients[k] for k in column) - convexity_dual
                if reduced < -1e-6:
                    found.append((reduced, column))
            least = self.base_cost - convexity_dual + cheapest.cost  # inf: no schedule at all
            return Priced(tuple(found), least)
        return self.price_by_cp_sat(coefficients, convexity_dual, time_limit_s, allowed)

    def price_by_cp_sat(self, coefficients: dict[XKey, float], convexity_dual: float,
                        time_limit_s: float, allowed: np.ndarray | None = None) -> Priced:
        """Pricing by the one-employee CP-SAT model: every column CP-SAT reports on its
        way to the optimum is returned if its reduced cost is negative. ``allowed`` as
        in :meth:`price`, imposed as assumptions."""
        self.cm.model.Minimize(self._scaled(coefficients))
        self.cm.model.ClearAssumptions()
        if allowed is not None:
            for day, row in enumerate(allowed):
                for shift_id, index in self.shift_index.items():
                    if not row[index] and (key := (self.employee_id, day, shift_id)) in self.cm.x:
                        self.cm.model.AddAssumption(self.cm.x[key].Not())
                works = self.cm.works[self.employee_id][day]
                if not row[-1] and not isinstance(works, int):
                    self.cm.model.AddAssumption(works)
                elif not row[-1]:  # the employee cannot work that day: no schedule
                    return Priced((), float("inf"))
        collector = _Collector(self.keys, [self.cm.x[k] for k in self.keys])
        solver = self._solver(time_limit_s)
        status = solver.Solve(self.cm.model, collector)
        if status == cp_model.INFEASIBLE:
            return Priced((), float("inf"))
        found = []
        for column in collector.columns:
            reduced = self.base_cost + sum(coefficients[k] for k in column) - convexity_dual
            if reduced < -1e-6:
                found.append((reduced, column))
        least = None
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # CP-SAT's proven bound of the scaled optimum
            least = self.base_cost - convexity_dual + solver.BestObjectiveBound() / SCALE - self.rounding_slack
        return Priced(tuple(found), least)


class _Collector(cp_model.CpSolverSolutionCallback):
    """Keeps every solution CP-SAT reports as a column."""

    def __init__(self, keys: list[XKey], variables: list[cp_model.IntVar]) -> None:
        super().__init__()
        self.keys, self.variables = keys, variables
        self.columns: list[Column] = []

    def on_solution_callback(self) -> None:
        self.columns.append(tuple(k for k, v in zip(self.keys, self.variables, strict=True) if self.Value(v)))


class MasterLP:
    """Linear relaxation over the columns found so far: one convexity row per
    employee, one cover row per (day, shift) with under- and over-cover slacks."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.costs: dict[str, dict[Column, int]] = {e.employee_id: {} for e in instance.employees}
        self.fixed: dict[str, Column] = {}
        self.unusable: set[tuple[str, Column]] = set()
        self.builds = 0  #: LPs built so far: a rebuild loses every bound set from outside
        self._build()

    def _build(self) -> None:
        """A fresh LP with the cover and convexity rows and every column added so far."""
        self.builds += 1  # column bounds other than the fixings start afresh
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        self.objective = self.lp.Objective()
        self.objective.SetMinimization()
        self.cover: dict[CoverKey, pywraplp.Constraint] = {}
        for cover in self.instance.cover:
            row = self.lp.Constraint(cover.requirement, cover.requirement)
            under, over = self.lp.NumVar(0, self.lp.infinity(), ""), self.lp.NumVar(0, self.lp.infinity(), "")
            row.SetCoefficient(under, 1)
            row.SetCoefficient(over, -1)
            self.objective.SetCoefficient(under, cover.weight_under)
            self.objective.SetCoefficient(over, cover.weight_over)
            self.cover[(cover.day, cover.shift_id)] = row
        self.convexity = {e.employee_id: self.lp.Constraint(1, 1) for e in self.instance.employees}
        self.columns: dict[str, dict[Column, pywraplp.Variable]] = {e.employee_id: {} for e in self.instance.employees}
        for employee_id, costs in self.costs.items():
            for column, cost in costs.items():
                self._variable(employee_id, column, cost)

    def _variable(self, employee_id: str, column: Column, cost: int) -> None:
        held = self.fixed.get(employee_id)
        # the upper bound of 1 (implied by the convexity row) shapes GLOP's vertices, which the
        # dives follow; a column at that bound may keep a negative reduced cost, so bounds are
        # taken from the dual objective (see dual_value), not from the LP value
        variable = self.lp.NumVar(0, 1 if held is None or held == column else 0, "")
        self.convexity[employee_id].SetCoefficient(variable, 1)
        for _, day, shift_id in column:
            self.cover[(day, shift_id)].SetCoefficient(variable, 1)
        self.objective.SetCoefficient(variable, cost)
        self.columns[employee_id][column] = variable

    def add(self, employee_id: str, column: Column, cost: int, usable: bool = True) -> bool:
        """Add a column (False if it is already there); it starts excluded if the employee is fixed.

        A column that is not ``usable`` (the empty start column, which may break an
        employee's minimum minutes) stays in the LP but is never chosen for a roster.
        """
        if column in self.costs[employee_id]:
            if usable:
                self.unusable.discard((employee_id, column))
            return False
        if not usable:
            self.unusable.add((employee_id, column))
        self.costs[employee_id][column] = cost
        self._variable(employee_id, column, cost)
        return True

    def drop(self, columns: list[tuple[str, Column]]) -> None:
        """Remove these (employee, column) and rebuild the LP without them."""
        for employee_id, column in columns:
            del self.costs[employee_id][column]
            self.unusable.discard((employee_id, column))
        self._build()

    def reduced_cost(self, employee_id: str, column: Column, duals: dict[CoverKey, float],
                     convexity: dict[str, float]) -> float:
        """The column's cost less its cover duals and the employee's convexity dual [penalty units]."""
        return (self.costs[employee_id][column] - convexity[employee_id]
                - sum(duals[(day, shift_id)] for _, day, shift_id in column))

    def usable(self, employee_id: str) -> dict[Column, int]:
        """The employee's columns that may go into a roster, with their costs."""
        return {c: cost for c, cost in self.costs[employee_id].items() if (employee_id, c) not in self.unusable}

    def dual_value(self, duals: dict[CoverKey, float], convexity: dict[str, float]) -> float:
        """The dual objective ``sum(cover dual x requirement) + sum(convexity duals)``: plus
        each employee's least reduced cost, a lower bound of every roster's penalty."""
        return (sum(duals[(c.day, c.shift_id)] * c.requirement for c in self.instance.cover)
                + sum(convexity.values()))

    def solve(self) -> tuple[float, dict[CoverKey, float], dict[str, float]]:
        """LP value, cover duals and convexity duals."""
        status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:  # numerical trouble: solve a fresh copy from scratch
            self._build()
            status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:  # slacks make every restricted master feasible
            raise MasterLPError(f"master LP ended with status {status}")
        return (self.objective.Value(), {k: r.dual_value() for k, r in self.cover.items()},
                {e: r.dual_value() for e, r in self.convexity.items()})

    def weights(self, employee_id: str) -> list[tuple[float, Column]]:
        """The LP weight of each of the employee's usable columns, largest first."""
        found = [(v.solution_value(), c) for c, v in self.columns[employee_id].items()
                 if (employee_id, c) not in self.unusable]
        return sorted(found, key=lambda item: -item[0])

    def fix(self, employee_id: str, column: Column) -> None:
        """Keep only ``column`` for the employee."""
        for other, variable in self.columns[employee_id].items():
            variable.SetUb(1 if other == column else 0)
        self.fixed[employee_id] = column

    def unfix_all(self) -> None:
        """Allow every column again."""
        for employee_id in self.fixed:
            for variable in self.columns[employee_id].values():
                variable.SetUb(1)
        self.fixed.clear()
