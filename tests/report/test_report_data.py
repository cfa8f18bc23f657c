"""The numbers behind the report's charts, against hand counts and brute force."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from builders import MONDAY, day, make_assignment, make_roster, make_scenario
from hypothesis import given
from hypothesis import strategies as st

from scheduler.model import DemandForecast
from scheduler.report import data


def visit(replication: int, *, status: str = "seen", channel: str = "booked", demand_date=MONDAY,
          visit_date=MONDAY, department: str = "MED", doctor_id: str = "D1", session_id: str = "AM",
          site_id: str = "MAIN", within: bool = True, lead: float = 0.0, arrive: float = 480.0,
          registered: float = 481.0, join: float = 482.0, start: float = 490.0, end: float = 500.0,
          pay_end: float = 505.0) -> dict:
    """One visit row with the columns the report reads."""
    return {
        "replication": replication, "demand_date": demand_date.isoformat(),
        "visit_date": visit_date.isoformat() if visit_date else "", "site_id": site_id,
        "department": department, "session_id": session_id, "doctor_id": doctor_id, "channel": channel,
        "status": status, "lead_days": lead, "within_window": within, "arrival_min": arrive,
        "registration_start_min": registered, "queue_join_min": join, "consult_start_min": start,
        "consult_end_min": end, "payment_end_min": pay_end, "wait_min": start - join, "consult_min": end - start,
    }


def test_demand_capacity_counts_demand_slots_use_and_served_share() -> None:
    """Two replications of a demand of 4: 3 and 1 served inside the window -> share 2 / 4."""
    scenario = make_scenario(demand=(DemandForecast(MONDAY, "MAIN", "MED", 4),))
    roster = make_roster(make_assignment(scenario, "D1", MONDAY, "AM"))
    visits = pd.DataFrame(
        [visit(0), visit(0), visit(0, status="no_show"), visit(0, status="no_slot", visit_date=None, within=False),
         visit(1), visit(1, status="turned_away", visit_date=None, within=False, channel="walk_in"),
         visit(1, within=False, visit_date=day(1), lead=1), visit(1, status="no_slot", visit_date=None, within=False)]
    )
    table = data.demand_capacity(scenario, roster, visits).set_index(["department", "date"])
    monday = table.loc[("MED", MONDAY)]
    assert monday["demand"] == 4
    assert monday["capacity"] == roster.assignments[0].slots
    assert monday["used"] == pytest.approx((3 + 1) / 2)
    assert monday["served_share"] == pytest.approx((3 + 1) / 2 / 4)
    assert table.loc[("MED", day(1)), "used"] == pytest.approx(0.5)
    assert math.isnan(table.loc[("SUR", MONDAY), "served_share"])


@given(st.lists(st.floats(min_value=-5, max_value=500, allow_nan=False), max_size=60),
       st.sampled_from([1.0, 5.0, 7.5]), st.floats(min_value=1, max_value=200))
def test_histogram_matches_a_brute_force_count(values: list[float], width: float, upper: float) -> None:
    """Shares per bin equal a direct count; values past the range land in the last bin."""
    edges, shares = data.histogram(np.array(values), width, upper)
    n_bins = len(edges)
    expected = np.zeros(n_bins)
    for v in values:
        k = min(max(int(math.floor(max(v, 0.0) / width)), 0), n_bins - 1)
        expected[k] += 1
    if values:
        expected /= len(values)
    assert shares == pytest.approx(expected)
    assert n_bins == max(math.ceil(upper / width), 1)


def test_visit_queue_series_counts_patients_waiting_at_each_time() -> None:
    """Brute force: waiting at t = joined <= t < served, averaged over site-days and replications."""
    rows = [visit(0, join=480, start=500), visit(0, join=485, start=495), visit(1, join=490, start=520),
            visit(1, status="no_show", join=float("nan"), start=float("nan"))]
    visits = pd.DataFrame(rows)
    times, series = data.visit_queue_series(visits)
    consultation = series["MAIN"]["consultation"]
    seen = [r for r in rows if r["status"] == "seen"]
    for t, value in zip(times, consultation, strict=True):
        waiting = sum(1 for r in seen if r["queue_join_min"] <= t < r["consult_start_min"])
        assert value == pytest.approx(waiting / 2), t
    assert "payment" not in series["MAIN"]  # no payment start in these records


def test_logged_queue_series_sums_consultation_queues_and_averages_days() -> None:
    """Doctor and walk-in queues add up to 'consultation'; two days average; missing bins are 0."""
    log = pd.DataFrame(
        [("2026-11-30", "MAIN", "doctor:D1:AM", "08:00", 2.0), ("2026-11-30", "MAIN", "walk_in:MED:AM", "08:00", 1.0),
         ("2026-12-01", "MAIN", "doctor:D1:AM", "08:15", 4.0), ("2026-11-30", "MAIN", "registration", "08:00", 0.5)],
        columns=["date", "site_id", "queue", "time", "mean_queue_len"],
    )
    times, series = data.queue_series(pd.DataFrame([visit(0)]), log)
    assert times.tolist() == [480, 495]
    assert list(series["MAIN"]) == ["registration", "consultation"]
    assert series["MAIN"]["consultation"].tolist() == pytest.approx([(2 + 1) / 2, 4 / 2])
    assert series["MAIN"]["registration"].tolist() == pytest.approx([0.25, 0.0])


def test_utilisation_grid_is_consulting_over_rostered_minutes() -> None:
    """One 240-min session with 60 and 120 consulting minutes in two replications -> 37.5%."""
    scenario = make_scenario()
    roster = make_roster(make_assignment(scenario, "D1", MONDAY, "AM"), make_assignment(scenario, "D1", MONDAY, "PM"))
    visits = pd.DataFrame([visit(0, start=480, end=540), visit(1, start=480, end=600),
                           visit(1, status="no_show", start=600, end=700)])
    doctors, columns, grid = data.utilisation_grid(scenario, roster, visits)
    assert doctors == ["D1"]
    assert columns == [(MONDAY, "AM"), (MONDAY, "PM")]
    assert grid[0].tolist() == pytest.approx([(60 + 120) / 2 / 240, 0.0])
