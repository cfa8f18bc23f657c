"""Day-window search: it holds the roster outside the window, never makes it worse,
moves sideways to rosters of equal cost, and keeps to its deadline and target."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from curtois_tiny import TWO_SHIFTS, TWO_STAFF, optimum_and_worse
from curtois_tiny import write_instance as _write

from benchmarks.curtois_colgen import ColumnSearch, Roster, improve_by_windows
from benchmarks.curtois_instance import Instance, read_instance
from benchmarks.curtois_model import penalties_of
from benchmarks.curtois_windows import WindowSearch


def _objective(instance: Instance, roster: frozenset) -> int:
    return sum(penalties_of(instance, roster).values())


@pytest.mark.parametrize("text", [TWO_SHIFTS, TWO_STAFF])
def test_a_window_changes_only_its_days(tmp_path: Path, text: str) -> None:
    instance = read_instance(_write(tmp_path, text))
    _, _, roster = optimum_and_worse(instance)
    windows = WindowSearch(instance, workers=1)
    for first_day in range(0, instance.horizon_days - 2, 2):
        found, proven = windows.best_in_window(roster, first_day, 3, time.perf_counter() + 10, seed=1)
        assert found is not None and proven
        assert {key[1] for key in roster ^ found} <= set(range(first_day, first_day + 3))
        assert _objective(instance, found) <= _objective(instance, roster)


@pytest.mark.parametrize("text", [TWO_SHIFTS, TWO_STAFF])
def test_improve_widens_the_windows_to_a_proven_optimum(tmp_path: Path, text: str) -> None:
    """From a worse roster and one-day windows, the search widens its windows until one
    spans the horizon, so it ends at the compact model's optimum, proven."""
    instance = read_instance(_write(tmp_path, text))
    _, optimum, start = optimum_and_worse(instance)
    reported: list[int] = []

    def on_better(roster: frozenset, objective: int) -> None:
        assert objective == _objective(instance, roster)
        assert not reported or objective < reported[-1]
        reported.append(objective)

    windows = WindowSearch(instance, workers=1)
    started = time.perf_counter()
    best = windows.improve(start, started + 60, seed=1, on_better=on_better, first_window_days=1)
    assert time.perf_counter() - started < 30  # it stops when the whole horizon is solved
    assert _objective(instance, best) == optimum and windows.proven_optimal
    assert reported and reported[-1] == optimum


class _Scripted(WindowSearch):
    """Windows whose rosters come from a script: (roster returned, its objective)."""

    def __init__(self, instance: Instance, script: list[tuple[frozenset, int]]) -> None:
        super().__init__(instance, workers=1)
        self.script, self.seen, self.costs = list(script), [], {}

    def best_in_window(self, roster, first_day, days, stop_at, seed):  # noqa: ANN001, ANN201
        self.seen.append(roster)
        found, cost = self.script.pop(0) if self.script else (roster, self.objective_of(roster))
        self.costs[found] = cost
        return found, False

    def objective_of(self, roster: frozenset) -> int:
        return self.costs.get(roster, 10)


def test_equal_cost_rosters_replace_the_current_one_without_a_report(tmp_path: Path) -> None:
    instance = read_instance(_write(tmp_path, TWO_STAFF))
    start, sideways, better = frozenset({"start"}), frozenset({"sideways"}), frozenset({"better"})
    windows = _Scripted(instance, [(sideways, 10), (better, 9)])
    reported = []
    windows.improve(start, time.perf_counter() + 60, on_better=lambda r, o: reported.append((r, o)), target=9)
    assert windows.seen[:2] == [start, sideways]  # the second window starts from the sideways roster
    assert reported == [(better, 9)]  # only the better one is reported; the target ends the search


def test_improve_keeps_to_its_deadline_and_target(tmp_path: Path) -> None:
    instance = read_instance(_write(tmp_path, TWO_STAFF))
    _, _, start = optimum_and_worse(instance)
    windows = WindowSearch(instance, workers=1)
    assert windows.improve(start, time.perf_counter() - 1, seed=1) == start  # no time: no window
    assert windows.improve(start, time.perf_counter() + 60, target=_objective(instance, start)) == start
    scripted = _Scripted(instance, [])  # every window ends without a proof, so the search runs to the deadline
    started = time.perf_counter()
    scripted.improve(start, started + 0.5)
    assert 0.4 < time.perf_counter() - started < 1.0


def test_column_search_takes_the_windows_roster_and_its_proof(tmp_path: Path) -> None:
    instance = read_instance(_write(tmp_path, TWO_SHIFTS))
    _, optimum, start = optimum_and_worse(instance)
    search = ColumnSearch(instance, time.perf_counter() + 60, workers=1)
    try:
        search.best = Roster(_objective(instance, start), start)
        improve_by_windows(search, search.deadline, seed=1)  # 7 days: one window is the horizon
    finally:
        search.close()
    assert search.best.objective == optimum == _objective(instance, search.best.assignments)
    assert search.lower_bound == optimum and search.proven()
