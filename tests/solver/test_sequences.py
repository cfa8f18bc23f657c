"""Sequence helpers: every 0/1 day pattern of short horizons, against a brute-force reference."""

from __future__ import annotations

import itertools

import pytest
from ortools.sat.python import cp_model

from scheduler.solver import sequences


def _runs(pattern: tuple[int, ...], value: int) -> list[tuple[int, int]]:
    """(start, length) of each maximal run of ``value``."""
    runs, start = [], None
    for day, flag in enumerate([*pattern, None]):
        if flag == value and start is None:
            start = day
        elif flag != value and start is not None:
            runs.append((start, day - start))
            start = None
    return runs


def _min_ok(pattern: tuple[int, ...], value: int, least: int, exempt: bool) -> bool:
    horizon = len(pattern)
    return all(
        length >= least or (exempt and (start == 0 or start + length == horizon))
        for start, length in _runs(pattern, value)
    )


def _feasible_patterns(horizon: int, add) -> set[tuple[int, ...]]:
    """Every assignment of ``horizon`` day literals the helper ``add(model, days)`` allows."""
    model = cp_model.CpModel()
    days = [model.NewBoolVar(f"d{i}") for i in range(horizon)]
    add(model, days)
    found: set[tuple[int, ...]] = set()

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.add(tuple(self.Value(d) for d in days))

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    solver.Solve(model, Collect())
    return found


def _all(horizon: int) -> list[tuple[int, ...]]:
    return list(itertools.product((0, 1), repeat=horizon))


@pytest.mark.parametrize("horizon", [1, 4, 7])
@pytest.mark.parametrize("most", [0, 1, 3])
def test_max_consecutive_matches_brute_force(horizon: int, most: int) -> None:
    """Exactly the patterns whose every run of worked days is at most ``most`` long."""
    expected = {p for p in _all(horizon) if all(n <= most for _, n in _runs(p, 1))}
    assert _feasible_patterns(horizon, lambda m, d: sequences.max_consecutive(m, d, most)) == expected


@pytest.mark.parametrize("horizon", [1, 5, 7])
@pytest.mark.parametrize("least", [1, 2, 3])
@pytest.mark.parametrize("exempt", [True, False])
def test_min_consecutive_matches_brute_force(horizon: int, least: int, exempt: bool) -> None:
    """Runs of worked days shorter than ``least`` only where they touch an exempt boundary."""
    expected = {p for p in _all(horizon) if _min_ok(p, 1, least, exempt)}
    add = lambda m, d: sequences.min_consecutive(m, d, least, exempt)  # noqa: E731
    assert _feasible_patterns(horizon, add) == expected


@pytest.mark.parametrize("least", [2, 3])
@pytest.mark.parametrize("exempt", [True, False])
def test_min_consecutive_off_matches_brute_force(least: int, exempt: bool) -> None:
    """The same rule for runs of days off."""
    expected = {p for p in _all(7) if _min_ok(p, 0, least, exempt)}
    add = lambda m, d: sequences.min_consecutive_off(m, d, least, exempt)  # noqa: E731
    assert _feasible_patterns(7, add) == expected


def test_constant_days_fold_into_clauses() -> None:
    """A fixed day off (constant 0) inside a run splits it; a fixed worked day extends it."""
    model = cp_model.CpModel()
    a, b = model.NewBoolVar("a"), model.NewBoolVar("b")
    sequences.min_consecutive(model, [1, a, 0, b, 1], 2, exempt_boundary=False)  # a must join day 0
    model.Add(a == 0)
    assert cp_model.CpSolver().Solve(model) == cp_model.INFEASIBLE


def test_forbid_succession_and_weekend_worked() -> None:
    """A barred succession never holds; a weekend counts when either day is worked."""
    model = cp_model.CpModel()
    sat, sun = model.NewBoolVar("sat"), model.NewBoolVar("sun")
    sequences.forbid_succession(model, sat, sun)
    worked = sequences.weekend_worked(model, [sat, sun], "weekend")
    model.Add(sun == 1)
    solver = cp_model.CpSolver()
    assert solver.Solve(model) == cp_model.OPTIMAL
    assert (solver.Value(sat), solver.Value(worked)) == (0, 1)


def test_windows_and_weekends() -> None:
    """Rolling windows cover the horizon; weekends are the Saturday-Sunday pairs from Monday."""
    assert sequences.rolling_windows(9, 7) == [range(0, 7), range(1, 8), range(2, 9)]
    assert sequences.rolling_windows(5, 7) == [range(5)]
    assert sequences.weekends(14) == [(5, 6), (12, 13)]
    assert sequences.weekends(6, first_weekday=2) == [(3, 4)]
    assert sequences.weekends(4, first_weekday=6) == [(0,)]
