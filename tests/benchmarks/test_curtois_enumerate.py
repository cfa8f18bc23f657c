"""The listing of every schedule within a cost against brute force over tiny instances."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from curtois_tiny import HORIZON, STAFF, feasible_schedules, one_employee_text, write_instance

from benchmarks import curtois_schedule_dp
from benchmarks.curtois_enumerate import schedules_within
from benchmarks.curtois_instance import read_instance
from benchmarks.curtois_schedule_dp import ScheduleDP


def _cost_of(schedule: tuple[int, ...], cost: np.ndarray) -> float:
    return sum(cost[d, s] for d, s in enumerate(schedule) if s >= 0)


@pytest.mark.parametrize("staff", STAFF)
def test_listing_is_every_feasible_schedule_within_the_threshold(tmp_path: Path, staff: str) -> None:
    """Under random costs and thresholds from the least cost to beyond the dearest, the
    listing holds exactly the brute-force schedules of cost at most the threshold, each
    with its cost."""
    path = write_instance(tmp_path, one_employee_text(staff))
    instance = read_instance(path)
    dp = ScheduleDP(instance, instance.employees[0])
    feasible = feasible_schedules(path)
    rng = random.Random(11)
    for _ in range(4):
        cost = np.array([[rng.uniform(-10, 10) for _ in "DN"] for _ in range(HORIZON)])
        costs = sorted(_cost_of(s, cost) for s in feasible)
        for threshold in (costs[0], costs[len(costs) // 10], costs[len(costs) // 2], costs[-1] + 1):
            listing = schedules_within(dp, cost, threshold, 100_000)
            expected = {s for s in feasible if _cost_of(s, cost) <= threshold + 1e-9}
            assert listing.complete
            assert set(listing.schedules) == expected and len(listing.schedules) == len(expected)
            for schedule, listed in zip(listing.schedules, listing.costs, strict=True):
                assert listed == pytest.approx(_cost_of(schedule, cost))


def test_listing_respects_barred_choices_and_stops_at_most(tmp_path: Path) -> None:
    """Barred shifts and days that must be worked keep schedules out; a listing that
    reaches ``most`` says it is not complete."""
    path = write_instance(tmp_path, one_employee_text(STAFF[1]))
    instance = read_instance(path)
    dp = ScheduleDP(instance, instance.employees[0])
    feasible = feasible_schedules(path)
    cost = np.zeros((HORIZON, 2))
    cost[2, 1] = np.inf  # no N on day 2
    off_allowed = np.ones(HORIZON, dtype=np.bool_)
    off_allowed[0] = False  # day 0 worked
    expected = {s for s in feasible if s[2] != 1 and s[0] != -1}
    listing = schedules_within(dp, cost, 0.0, 100_000, off_allowed)
    assert expected and set(listing.schedules) == expected and listing.complete
    capped = schedules_within(dp, cost, 0.0, 3, off_allowed)
    assert not capped.complete and len(capped.schedules) <= 3 and set(capped.schedules) <= expected


def test_uncounted_limits_are_checked_on_the_listing(tmp_path: Path, monkeypatch) -> None:
    """A shift-type limit the state does not count still keeps schedules out of the listing."""
    monkeypatch.setattr(curtois_schedule_dp, "MOST_COUNTER_STATES", 1)  # count nothing
    path = write_instance(tmp_path, one_employee_text("A,D=2|N=9,6000,0,9,1,1,1"))
    instance = read_instance(path)
    dp = ScheduleDP(instance, instance.employees[0])
    assert dp.counted == ()
    listing = schedules_within(dp, np.zeros((HORIZON, 2)), 0.0, 100_000)
    assert set(listing.schedules) == set(feasible_schedules(path))
    assert all(sum(1 for s in schedule if s == 0) <= 2 for schedule in listing.schedules)
