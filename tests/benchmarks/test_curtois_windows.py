"""Day-window search: it holds the roster outside the window and never makes it worse."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from curtois_tiny import TWO_SHIFTS, TWO_STAFF
from curtois_tiny import write_instance as _write
from ortools.sat.python import cp_model

from benchmarks.curtois_instance import Instance, read_instance
from benchmarks.curtois_model import build_curtois_model, penalties_of
from benchmarks.curtois_windows import WindowSearch


def _roster_at_least(instance: Instance, least: int) -> tuple[frozenset, int]:
    """A feasible roster whose objective is at least ``least`` (the cheapest such), and the optimum."""
    cm = build_curtois_model(instance)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(cm.model) == cp_model.OPTIMAL
    optimum = round(solver.ObjectiveValue())
    cm.model.Add(cm.objective_expr() >= max(least, optimum + 1))
    assert solver.Solve(cm.model) == cp_model.OPTIMAL
    return frozenset(k for k, v in cm.x.items() if solver.Value(v)), optimum


def _objective(instance: Instance, roster: frozenset) -> int:
    return sum(penalties_of(instance, roster).values())


@pytest.mark.parametrize("text", [TWO_SHIFTS, TWO_STAFF])
def test_a_window_changes_only_its_days(tmp_path: Path, text: str) -> None:
    instance = read_instance(_write(tmp_path, text))
    roster, _ = _roster_at_least(instance, 0)
    windows = WindowSearch(instance, workers=1)
    for first_day in range(0, instance.horizon_days - 2, 2):
        found = windows.best_in_window(roster, first_day, 3, 10.0, seed=1)
        assert found is not None
        changed = {key[1] for key in roster ^ found[0]}
        assert changed <= set(range(first_day, first_day + 3))
        assert _objective(instance, found[0]) <= _objective(instance, roster)


@pytest.mark.parametrize("text", [TWO_SHIFTS, TWO_STAFF])
def test_improve_widens_the_windows_to_the_optimum(tmp_path: Path, text: str) -> None:
    """From a worse roster and one-day windows, the search widens its windows until one
    covers the whole horizon, so it ends at the compact model's optimum; every roster it
    reports is better than the last."""
    instance = read_instance(_write(tmp_path, text))
    start, optimum = _roster_at_least(instance, 0)
    reported: list[int] = []

    def on_better(roster: frozenset, objective: int) -> None:
        assert objective == _objective(instance, roster)
        reported.append(objective)

    windows = WindowSearch(instance, workers=1)
    best = windows.improve(start, time.perf_counter() + 60, seed=1, on_better=on_better, first_window_days=1)
    assert _objective(instance, best) == optimum
    assert reported and reported[-1] == optimum
    assert reported == sorted(reported, reverse=True) and len(set(reported)) == len(reported)


def test_improve_stops_at_its_deadline(tmp_path: Path) -> None:
    instance = read_instance(_write(tmp_path, TWO_STAFF))
    start, _ = _roster_at_least(instance, 0)
    windows = WindowSearch(instance, workers=1)
    assert windows.improve(start, time.perf_counter() - 1, seed=1) == start
