"""Warm starts: a roster (last week's, or a block's) turned into a complete CP-SAT hint.

Hinting only the work decisions leaves the coverage flows to CP-SAT's default
(zero), so the first solution serves nobody and a short search may not climb
out of it. :func:`complete_hint` therefore fixes the hinted decisions in a copy
of the model and lets CP-SAT fill in everything else (flows, penalties) under
the model's current objective; the completed solution is a hint CP-SAT can use
as it is. A hint that breaks a hard rule (a doctor now on leave) cannot be
completed and is dropped, so a warm start never makes a solve fail.
"""

from __future__ import annotations

from collections.abc import Mapping

from ortools.sat.python import cp_model

from scheduler.model import Roster, Scenario
from scheduler.solver.context import WorkKey


def previous_week_hint(scenario: Scenario, previous: Roster) -> dict[WorkKey, bool]:
    """Work decisions of this horizon as in ``previous``: the same doctor, weekday,
    session and site (a roster of the same dates is taken date for date)."""
    dates = set(scenario.dates)
    same_dates = any(a.date in dates for a in previous.assignments)
    hint: dict[WorkKey, bool] = {}
    for a in previous.assignments:
        if same_dates:
            targets = [a.date] if a.date in dates else []
        else:
            targets = [d for d in scenario.dates if d.weekday() == a.date.weekday()]
        for date in targets:
            hint[(a.doctor_id, date, a.session_id, a.site_id)] = True
    return hint


def complete_hint(
    model: cp_model.CpModel, fixed: Mapping[int, int], deterministic_s: float, workers: int, seed: int,
    wall_s: float | None = None,
) -> tuple[int, ...] | None:
    """Every variable's value in a solution agreeing with ``fixed`` (proto index -> value),
    best under the model's objective within ``deterministic_s`` deterministic seconds (and
    ``wall_s`` seconds of wall time, if given); None if no such solution was found."""
    sub = cp_model.CpModel()
    sub.Proto().copy_from(model.Proto())
    sub.Proto().clear_solution_hint()
    for index, value in fixed.items():
        domain = sub.Proto().variables[index].domain
        domain.clear()
        domain.extend([value, value])
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = max(0.01, deterministic_s)
    solver.parameters.num_workers = workers
    solver.parameters.interleave_search = workers > 1
    solver.parameters.random_seed = seed
    if wall_s is not None:
        solver.parameters.max_time_in_seconds = wall_s
    status = solver.Solve(sub)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return tuple(solver.ResponseProto().solution)


def apply_hint(model: cp_model.CpModel, values: tuple[int, ...]) -> None:
    """Replace the model's hint by ``values`` (one per variable, by proto index)."""
    model.ClearHints()
    for index, value in enumerate(values):
        model.AddHint(model.GetIntVarFromProtoIndex(index), value)

