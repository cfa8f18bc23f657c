"""The compact model's held copies: held decisions keep the roster's values, the rest stay free,
and the built model itself is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from curtois_tiny import TWO_SHIFTS, TWO_STAFF, optimum_and_worse
from curtois_tiny import write_instance as _write
from ortools.sat.python import cp_model

from benchmarks.curtois_instance import read_instance
from benchmarks.curtois_model import build_curtois_model, held_model, penalties_of


def _solve(model: cp_model.CpModel) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    assert solver.Solve(model) == cp_model.OPTIMAL
    return solver


@pytest.mark.parametrize("text", [TWO_SHIFTS, TWO_STAFF])
def test_held_decisions_keep_the_rosters_values(tmp_path: Path, text: str) -> None:
    """A worse roster held on its first employee: that employee's schedule is kept, and the
    optimum of the rest is no better than the instance's optimum."""
    instance = read_instance(_write(tmp_path, text))
    _, optimum, roster = optimum_and_worse(instance)
    employee = instance.employees[0].employee_id

    cm = build_curtois_model(instance)
    solver = _solve(held_model(cm, roster, lambda key: key[0] == employee))
    found = frozenset(k for k, v in cm.x.items() if solver.Value(v))
    assert {k for k in found if k[0] == employee} == {k for k in roster if k[0] == employee}
    assert solver.ObjectiveValue() == sum(penalties_of(instance, found).values()) >= optimum


@pytest.mark.parametrize("text", [TWO_SHIFTS, TWO_STAFF])
def test_nothing_held_is_the_whole_model(tmp_path: Path, text: str) -> None:
    """Holding nothing leaves the instance's optimum reachable, and the built model keeps no
    held domain, hint or constraint of its copies."""
    instance = read_instance(_write(tmp_path, text))
    cm = build_curtois_model(instance)
    optimum = _solve(cm.model).ObjectiveValue()
    constraints = len(cm.model.Proto().constraints)
    everything_off = held_model(cm, frozenset(), lambda _key: True)
    assert all(list(everything_off.Proto().variables[v.Index()].domain) == [0, 0] for v in cm.x.values())
    assert _solve(held_model(cm, frozenset(), lambda _key: False)).ObjectiveValue() == optimum
    assert all(list(cm.model.Proto().variables[v.Index()].domain) == [0, 1] for v in cm.x.values())
    assert not cm.model.Proto().solution_hint.vars and len(cm.model.Proto().constraints) == constraints
    unhinted = held_model(cm, frozenset(), lambda _key: False, hint=False)
    assert not unhinted.Proto().solution_hint.vars
