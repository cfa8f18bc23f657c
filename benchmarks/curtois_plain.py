"""A plain CP-SAT model of a Curtois & Qu instance: the benchmark's baseline.

The textbook formulation, written straight from ``FORMAT.md`` without the
project's helpers or tuning: a run-start indicator per day with linear
implications for minimum runs, sliding-window sums for maximum runs,
``AddMaxEquality`` for weekends and for under- and over-cover, default
CP-SAT parameters, no warm start, no implied constraints. It is solved with
the same worker count and time limit as :mod:`benchmarks.curtois`, so the
benchmark compares formulations and search, not machines.
"""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from benchmarks.curtois import CurtoisResult, cp_sat
from benchmarks.curtois_instance import Instance


def _min_runs(model: cp_model.CpModel, on: list[cp_model.IntVar], least: int) -> None:
    """Runs of true days not touching the horizon's ends last at least ``least`` days."""
    horizon = len(on)
    for day in range(1, horizon):
        starts = model.NewBoolVar("")
        model.Add(starts >= on[day] - on[day - 1])  # a run starts on ``day``
        for later in range(day + 1, min(day + least, horizon)):
            model.Add(on[later] == 1).OnlyEnforceIf(starts)


def build_plain_model(instance: Instance) -> tuple[cp_model.CpModel, dict, cp_model.LinearExprT]:
    """The plain model, its decisions ``x[(employee, day, shift)]`` and its objective."""
    model = cp_model.CpModel()
    horizon, shifts = instance.horizon_days, instance.shift_ids
    x = {(e.employee_id, d, s): model.NewBoolVar("") for e in instance.employees
         for d in range(horizon) for s in shifts}
    lengths = {s.shift_id: s.length_min for s in instance.shifts}
    for employee in instance.employees:
        eid = employee.employee_id
        works = []
        for d in range(horizon):
            w = model.NewBoolVar("")
            model.Add(w == sum(x[(eid, d, s)] for s in shifts))
            works.append(w)
            if d in instance.days_off.get(eid, ()):
                model.Add(w == 0)
        for shift in instance.shifts:
            for d in range(horizon - 1):
                for nxt in shift.forbidden_next:
                    model.Add(x[(eid, d, shift.shift_id)] + x[(eid, d + 1, nxt)] <= 1)
        for s in shifts:
            model.Add(sum(x[(eid, d, s)] for d in range(horizon)) <= employee.max_shifts.get(s, 0))
        minutes = sum(lengths[s] * x[(eid, d, s)] for d in range(horizon) for s in shifts)
        model.Add(minutes <= employee.max_total_min)
        model.Add(minutes >= employee.min_total_min)
        most = employee.max_consecutive_shifts
        for d in range(horizon - most):
            model.Add(sum(works[d : d + most + 1]) <= most)
        _min_runs(model, works, employee.min_consecutive_shifts)
        rests = [model.NewBoolVar("") for _ in range(horizon)]
        for d in range(horizon):
            model.Add(rests[d] == 1 - works[d])
        _min_runs(model, rests, employee.min_consecutive_days_off)
        weekends = []
        for saturday in range(5, horizon, 7):
            worked = model.NewBoolVar("")
            model.AddMaxEquality(worked, works[saturday : saturday + 2])
            weekends.append(worked)
        model.Add(sum(weekends) <= employee.max_weekends)
    terms = []
    for r in instance.on_requests:
        terms.append(r.weight * (1 - x[(r.employee_id, r.day, r.shift_id)]))
    for r in instance.off_requests:
        terms.append(r.weight * x[(r.employee_id, r.day, r.shift_id)])
    staff = len(instance.employees)
    for c in instance.cover:
        n = sum(x[(e.employee_id, c.day, c.shift_id)] for e in instance.employees)
        under, over = model.NewIntVar(0, c.requirement, ""), model.NewIntVar(0, staff, "")
        model.AddMaxEquality(under, [c.requirement - n, 0])
        model.AddMaxEquality(over, [n - c.requirement, 0])
        terms += [c.weight_under * under, c.weight_over * over]
    objective = sum(terms)
    model.Minimize(objective)
    return model, x, objective


def solve_plain(instance: Instance, time_limit_s: float = 60.0, workers: int = 2, seed: int = 1) -> CurtoisResult:
    """Solve the plain model once with default CP-SAT parameters."""
    started = time.perf_counter()
    model, x, _ = build_plain_model(instance)
    solver = cp_sat(time_limit_s, workers, seed)
    status = solver.Solve(model)
    wall = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CurtoisResult("infeasible" if status == cp_model.INFEASIBLE else "unknown", None, None, wall)
    objective = round(solver.ObjectiveValue())
    bound = min(objective, math.ceil(solver.BestObjectiveBound() - 1e-6))
    return CurtoisResult(
        "optimal" if status == cp_model.OPTIMAL else "feasible", objective, bound, wall,
        tuple(k for k, v in x.items() if solver.Value(v)),
    )
