"""The schedule dynamic programme against brute force over every schedule of tiny instances."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from curtois_tiny import HORIZON, STAFF, feasible_schedules, one_employee_text, write_instance

from benchmarks import curtois_schedule_dp
from benchmarks.curtois_columns import EmployeePricer
from benchmarks.curtois_instance import read_instance
from benchmarks.curtois_schedule_dp import ScheduleDP


@pytest.mark.parametrize("staff", STAFF)
def test_cheapest_schedule_is_the_brute_force_optimum(tmp_path: Path, staff: str) -> None:
    """Under random costs, the programme's least cost is the least over every feasible
    schedule, and each schedule it returns is feasible and costs what it says."""
    path = write_instance(tmp_path, one_employee_text(staff))
    instance = read_instance(path)
    dp = ScheduleDP(instance, instance.employees[0])
    feasible = feasible_schedules(path)
    assert feasible
    rng = random.Random(7)
    for _ in range(10):
        cost = np.array([[rng.uniform(-10, 10) for _ in "DN"] for _ in range(HORIZON)])

        def cost_of(schedule: tuple[int, ...], cost: np.ndarray = cost) -> float:
            return sum(cost[d, s] for d, s in enumerate(schedule) if s >= 0)

        best = min(cost_of(s) for s in feasible)
        found = dp.cheapest(cost, most=3)
        assert found.exact
        assert found.cost == pytest.approx(best)
        assert found.schedules and all(s in feasible for s in found.schedules)
        assert cost_of(found.schedules[0]) == pytest.approx(best)
        assert [cost_of(s) for s in found.schedules] == sorted(cost_of(s) for s in found.schedules)


def test_no_schedule(tmp_path: Path) -> None:
    """More minutes than the horizon can hold: no schedule, infinite cost."""
    path = write_instance(tmp_path, one_employee_text("A,D=9|N=9,9000,8000,9,1,1,1"))
    instance = read_instance(path)
    found = ScheduleDP(instance, instance.employees[0]).cheapest(np.zeros((HORIZON, 2)))
    assert found.cost == float("inf") and not found.schedules


def test_uncounted_limit_is_checked_and_cp_sat_prices_instead(tmp_path: Path, monkeypatch) -> None:
    """A limit the state does not count is checked on the cheapest schedule; when that
    schedule breaks it, the pricer falls back to CP-SAT and still finds the least reduced cost."""
    monkeypatch.setattr(curtois_schedule_dp, "MOST_COUNTER_STATES", 1)  # count nothing
    path = write_instance(tmp_path, one_employee_text("A,D=2|N=9,6000,0,9,1,1,1"))
    instance = read_instance(path)
    pricer = EmployeePricer(instance, instance.employees[0])
    assert pricer.dp.counted == ()
    duals = {(d, "D"): 20.0 for d in range(HORIZON)}  # D on every day pays: the limit of 2 binds
    cost = np.array([[-20.0, 0.0]] * HORIZON)
    assert not pricer.dp.cheapest(cost).exact
    priced = pricer.price(duals, 0.0)
    feasible = feasible_schedules(path)
    least = min(-20.0 * sum(1 for s in schedule if s == 0) for schedule in feasible)
    assert priced.least_reduced_cost == pytest.approx(least, abs=2 * pricer.rounding_slack)
    assert priced.columns and all(sum(1 for k in c if k[2] == "D") <= 2 for _, c in priced.columns)


@pytest.mark.parametrize("staff", STAFF[:2])
def test_barred_choices_are_kept_out(tmp_path: Path, staff: str) -> None:
    """With some (day, shift) barred and some days that must be worked, the programme's
    least cost is the brute-force least over the feasible schedules that respect both,
    and through the pricer (``allowed``) every column respects them too."""
    path = write_instance(tmp_path, one_employee_text(staff))
    instance = read_instance(path)
    dp = ScheduleDP(instance, instance.employees[0])
    pricer = EmployeePricer(instance, instance.employees[0])
    feasible = feasible_schedules(path)
    rng = random.Random(3)
    for _ in range(10):
        allowed = np.ones((HORIZON, 3), dtype=np.bool_)  # D, N, off
        for _ in range(3):
            allowed[rng.randrange(HORIZON), rng.randrange(3)] = False
        allowed[4, 2] = True  # A's day off (the instance's day 4) stays possible
        cost = np.array([[rng.uniform(-10, 10) for _ in "DN"] for _ in range(HORIZON)])
        kept = [s for s in feasible if all(allowed[d, c] for d, c in enumerate(s))]  # -1 (off) is index 2
        found = dp.cheapest(np.where(allowed[:, :2], cost, np.inf), most=3, off_allowed=allowed[:, 2])
        duals = {(d, shift): -cost[d, i] for d in range(HORIZON) for i, shift in enumerate("DN")}
        if not kept:
            assert found.cost == float("inf") and not found.schedules
            assert pricer.price(duals, 0.0, allowed=allowed).least_reduced_cost == float("inf")
            assert pricer.price_by_cp_sat(pricer.coefficients(duals), 0.0, 5.0, allowed).least_reduced_cost \
                == float("inf")
            continue
        best = min(sum(cost[d, c] for d, c in enumerate(s) if c >= 0) for s in kept)
        assert found.cost == pytest.approx(best)
        assert all(s in kept for s in found.schedules)
        by_dp = pricer.price(duals, 0.0, allowed=allowed)
        by_cp_sat = pricer.price_by_cp_sat(pricer.coefficients(duals), 0.0, 5.0, allowed)
        assert by_dp.least_reduced_cost == pytest.approx(best)
        assert by_cp_sat.least_reduced_cost == pytest.approx(best, abs=2 * pricer.rounding_slack)
        for _, column in by_dp.columns + by_cp_sat.columns:
            worked = {day: "DN".index(shift) for _, day, shift in column}
            assert all(allowed[d, worked.get(d, 2)] for d in range(HORIZON))
