"""Columns of a Curtois & Qu instance: the one-employee pricer against brute force, and the
master LP's bound against the proven optimum."""

from __future__ import annotations

import itertools
import math
import time
from pathlib import Path

import pytest
from curtois_tiny import TWO_SHIFTS, TWO_STAFF, optimum_and_worse
from curtois_tiny import write_instance as _write
from ortools.sat.python import cp_model

from benchmarks import curtois_eval
from benchmarks.curtois import solve_curtois
from benchmarks.curtois_colgen import (
    DIVE_STEPS_PER_FRACTIONAL,
    ColumnSearch,
    DivePace,
    _objective_of,
    initial_columns,
    polish,
)
from benchmarks.curtois_columns import EmployeePricer, MasterLP, MasterLPError
from benchmarks.curtois_instance import read_instance
from benchmarks.curtois_model import build_curtois_model


def _feasible_schedules(path: Path, employee: str, shifts: list[str], horizon: int) -> list[frozenset]:
    """Every schedule of ``employee`` that breaks none of that employee's hard rules (brute force)."""
    data = curtois_eval._load(path)
    found = []
    for choice in itertools.product([None, *shifts], repeat=horizon):
        worked = {(employee, d): [s] for d, s in enumerate(choice) if s is not None}
        broken = [v for v in curtois_eval.violations(data, worked) if v.startswith((f"{employee} ", f"{employee}:"))]
        if not broken:
            found.append(frozenset((employee, d, s) for (_, d), (s,) in worked.items()))
    return found


@pytest.mark.parametrize("duals", [{}, {(0, "D"): 3.5, (1, "N"): 7.25, (4, "N"): 2.0, (6, "D"): -1.0}])
def test_pricer_finds_least_reduced_cost(tmp_path: Path, duals: dict) -> None:
    """The pricer's proven least reduced cost is the brute-force least, within its rounding slack."""
    path = _write(tmp_path, TWO_SHIFTS)
    instance = read_instance(path)
    pricer = EmployeePricer(instance, instance.employees[0])
    schedules = _feasible_schedules(path, "A", ["D", "N"], 7)
    assert schedules

    def reduced(schedule: frozenset) -> float:
        return pricer.column_cost(tuple(schedule)) - sum(duals.get((d, s), 0.0) for _, d, s in schedule)

    least = min(reduced(s) for s in schedules)
    convexity_dual = least + 5.0  # so the best column's reduced cost is -5
    priced = pricer.price(duals, convexity_dual)
    assert priced.least_reduced_cost is not None
    assert -5.0 - 2 * pricer.rounding_slack - 1e-9 <= priced.least_reduced_cost <= -5.0 + 1e-9
    assert priced.columns and all(frozenset(c) in schedules for _, c in priced.columns)
    assert min(rc for rc, _ in priced.columns) == pytest.approx(-5.0)


def test_request_cost_of_a_column(tmp_path: Path) -> None:
    """An unmet on-request and a granted off-request cost their weights."""
    instance = read_instance(_write(tmp_path, TWO_SHIFTS))
    pricer = EmployeePricer(instance, instance.employees[0])
    assert pricer.column_cost(()) == 2 + 1  # on-requests (A,0,N,2) and (A,6,D,1) unmet
    assert pricer.column_cost((("A", 0, "N"), ("A", 1, "D"))) == 1 + 3  # (A,1,D) is an off-request


def test_column_generation_reaches_the_full_lp(tmp_path: Path) -> None:
    """Column generation ends at the LP over *every* feasible schedule (enumerated here), and
    its proven bound lies between that LP less the rounding slack and the LP itself; every
    column it generated keeps the employee's hard rules."""
    path = _write(tmp_path, TWO_STAFF)
    instance = read_instance(path)
    search = ColumnSearch(instance, time.perf_counter() + 60, workers=1)
    try:
        initial_columns(search)
        value = search.generate(search.deadline)
    finally:
        search.close()
    everything = MasterLP(instance)
    allowed = {}
    for employee in ("A", "B"):
        schedules = _feasible_schedules(path, employee, ["D"], 14)
        allowed[employee] = {tuple(sorted(c, key=lambda k: k[1])) for c in schedules}  # the pricer's day order
        for column in allowed[employee]:
            everything.add(employee, column, search.pricers[employee].column_cost(column))
    full_lp = everything.solve()[0]
    slack = sum(p.rounding_slack for p in search.pricers.values())
    assert search.converged
    assert full_lp - 1e-6 <= value <= full_lp + 2 * slack + 1e-6
    assert value - 2 * slack - 1e-6 <= search.lower_bound <= full_lp + 1e-9
    for employee in search.master.columns:
        assert set(search.master.usable(employee)) <= allowed[employee]
        assert () not in search.master.usable(employee)  # the empty start column breaks minimum minutes
    optimum = solve_curtois(build_curtois_model(instance), time_limit_s=10, workers=1)
    assert optimum.status == "optimal" and search.lower_bound <= optimum.objective


def test_a_dive_does_not_raise_the_bound(tmp_path: Path) -> None:
    """Only the root LP proves a bound: LP values with employees fixed are not bounds."""
    instance = read_instance(_write(tmp_path, TWO_STAFF))
    search = ColumnSearch(instance, time.perf_counter() + 60, workers=1)
    try:
        initial_columns(search)
        search.generate(search.deadline)
        root_bound = search.lower_bound
        roster = search.dive(search.deadline, most_rise=5.0).roster
    finally:
        search.close()
    assert search.lower_bound == root_bound
    assert not search.master.fixed  # the dive leaves the master as it found it
    assert roster.objective >= math.ceil(root_bound - 1e-6)


def test_polish_holds_the_fixed_employees(tmp_path: Path) -> None:
    """A completion keeps the held employee's column, taken from a worse roster than the
    optimum, and leaves the shared compact model as it was; the whole-model polish then
    reaches the optimum and proves it."""
    instance = read_instance(_write(tmp_path, TWO_STAFF))
    optimal, optimum, worse = optimum_and_worse(instance)

    def own(roster: frozenset, employee_id: str) -> set:
        return {k for k in roster if k[0] == employee_id}

    employee = next(e.employee_id for e in instance.employees
                    if own(worse, e.employee_id) != own(optimal, e.employee_id))
    held = {employee: tuple(sorted(own(worse, employee)))}
    search = ColumnSearch(instance, time.perf_counter() + 60, workers=1)
    try:
        initial_columns(search)
        search.generate(search.deadline)
        search.offer(search.roster_of(worse), "worse roster")
        constraints = len(search.compact.model.Proto().constraints)
        completed, _ = polish(search, time.perf_counter() + 10, seed=1, fixed=held)
        assert completed is not None
        assert own(completed.assignments, employee) == set(held[employee])
        assert len(search.compact.model.Proto().constraints) == constraints
        assert not search.compact.model.Proto().solution_hint.vars
        polished, bound = polish(search, time.perf_counter() + 10, seed=1)
    finally:
        search.close()
    assert polished is not None and polished.objective == bound == optimum


def test_objective_rebuilt_from_the_proto(tmp_path: Path) -> None:
    """The objective rebuilt over a copy's own variables (with its request offsets) takes
    CP-SAT's objective value."""
    instance = read_instance(_write(tmp_path, TWO_STAFF))
    model = build_curtois_model(instance).model.Clone()
    objective = _objective_of(model)
    assert model.Proto().objective.offset != 0  # on-requests add a constant
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(model) == cp_model.OPTIMAL
    assert solver.Value(objective) == solver.ObjectiveValue()


def test_master_fix_and_unfix(tmp_path: Path) -> None:
    """A fixed employee keeps one column; unfixing allows all again."""
    instance = read_instance(_write(tmp_path, TWO_STAFF))
    master = MasterLP(instance)
    first, second = (("A", 0, "D"),), (("A", 1, "D"),)
    assert master.add("A", first, 0) and master.add("A", second, 5)
    assert not master.add("A", first, 0)
    master.add("B", (), 0)
    master.fix("A", second)
    master.solve()
    assert master.weights("A")[0] == (pytest.approx(1.0), second)
    master.unfix_all()
    master.solve()
    assert master.weights("A")[0][1] == first


def test_master_recovers_from_a_failed_lp_solve(tmp_path: Path, monkeypatch) -> None:
    """A solve GLOP gives up on is repeated on a fresh copy of the LP, with the same answer."""
    from ortools.linear_solver import pywraplp

    instance = read_instance(_write(tmp_path, TWO_STAFF))
    master = MasterLP(instance)
    master.add("A", (("A", 0, "D"),), 0)
    master.add("B", (("B", 1, "D"),), 3)
    master.fix("B", (("B", 1, "D"),))
    expected = master.solve()[0]
    original, calls = pywraplp.Solver.Solve, []

    def fails_once(solver, *args):
        calls.append(1)
        return pywraplp.Solver.ABNORMAL if len(calls) == 1 else original(solver, *args)

    monkeypatch.setattr(pywraplp.Solver, "Solve", fails_once)
    assert master.solve()[0] == pytest.approx(expected)
    assert len(calls) == 2
    assert master.weights("B")[0][1] == (("B", 1, "D"),)


def test_column_search_carries_on_when_the_lp_fails(tmp_path: Path, monkeypatch) -> None:
    """If the master LP cannot be solved, the compact model still returns the proven optimum."""
    from benchmarks import curtois_colgen

    instance = read_instance(_write(tmp_path, TWO_STAFF))

    def broken(self):
        raise MasterLPError("master LP ended with status 4")

    monkeypatch.setattr(MasterLP, "solve", broken)
    roster, bound = curtois_colgen.column_search(instance, time_limit_s=10, workers=1)
    optimum = solve_curtois(build_curtois_model(instance), time_limit_s=10, workers=1)
    assert roster is not None and roster.objective == bound == optimum.objective


class _FakeClock:
    """A clock the test moves by hand [s]."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_dive_pace_fixes_one_column_per_step_while_time_allows() -> None:
    clock = _FakeClock()
    pace = DivePace(stop_at=130.0, clock=clock)
    assert pace.batch(20) == 1  # no step measured yet
    for _ in range(5):  # 1 s per step, 25 s left: 0.6 x 20 = 12 steps fit
        clock.now += 1.0
        pace.step_done()
    assert pace.batch(20) == 1


def test_dive_pace_fixes_more_columns_per_step_when_behind() -> None:
    clock = _FakeClock()
    pace = DivePace(stop_at=110.0, clock=clock)
    for _ in range(4):  # 2 s per step, 2 s left: one step for 0.6 x 10 = 6 steps' work
        clock.now += 2.0
        pace.step_done()
    assert pace.batch(10) == math.ceil(DIVE_STEPS_PER_FRACTIONAL * 10)
    assert pace.batch(1) == 1  # the last fractional employee is fixed alone
    clock.now = 200.0  # past the stop: the work of every step left, in one step
    assert pace.batch(10) == math.ceil(DIVE_STEPS_PER_FRACTIONAL * 10)
