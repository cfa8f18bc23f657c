"""Booking and walk-in admission: capacity, eligibility and earliest-slot rules."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from sim_factories import AM, MONDAY, PM, assignment, doctor, make_scenario, one_doctor_case

from scheduler.model import DemandForecast, Roster, SimulationSettings
from scheduler.sim import simulate
from scheduler.sim.plan import open_slot_indices


def test_overflow_is_booked_on_the_next_day_in_slot_order() -> None:
    """25 booked patients for 20 slots a day: 20 on Monday every 12 min, 5 on Tuesday."""
    settings = SimulationSettings(walk_in_share=0.0, no_show_rate=0.0)
    scenario, roster = one_doctor_case(25, simulation=settings, days=2)
    result = simulate(scenario, roster, replications=1, seed=1, workers=1)
    v = result.visits
    monday = v[v["lead_days"] == 0].sort_values("appointment_min")
    tuesday = v[v["lead_days"] == 1].sort_values("appointment_min")
    assert monday["appointment_min"].tolist() == [480 + 12 * k for k in range(20)]
    assert tuesday["appointment_min"].tolist() == [480 + 12 * k for k in range(5)]
    assert result.kpis["booking_lead_days_mean"] == 5 / 25
    assert result.kpis["within_booking_window_share"] == 1.0


def test_patients_without_a_slot_in_the_horizon_are_unserved() -> None:
    """Booked patients beyond the roster's booking-open slots are unserved."""
    settings = SimulationSettings(walk_in_share=0.0)
    scenario, roster = one_doctor_case(30, simulation=settings, open_slots=10)
    result = simulate(scenario, roster, replications=1, seed=1, workers=1)
    assert result.kpis["unserved_patients"] == 20
    assert (result.visits["status"] == "no_slot").sum() == 20
    assert result.kpis["within_booking_window_share"] == 10 / 30


def test_walk_ins_beyond_leftover_slots_are_turned_away() -> None:
    """30 walk-ins for a 20-slot session: 20 seen, 10 turned away."""
    settings = SimulationSettings(walk_in_share=1.0)
    scenario, roster = one_doctor_case(30, simulation=settings)
    result = simulate(scenario, roster, replications=2, seed=1, workers=1)
    assert result.kpis["seen_patients"] == 20
    assert result.kpis["walk_ins_turned_away"] == 10
    assert result.kpis["unserved_patients"] == 10
    assert result.kpis["walk_in_share_served"] == 20 / 30


def test_open_slots_are_spread_over_the_session() -> None:
    """Booking-open slots are spread evenly; all slots when every slot is open."""
    assert open_slot_indices(10, 5) == [0, 2, 4, 6, 8]
    assert open_slot_indices(4, 4) == [0, 1, 2, 3]
    assert open_slot_indices(5, 0) == []
    assert open_slot_indices(3, 7) == [0, 1, 2]


@settings(max_examples=10, deadline=None)
@given(
    med=st.integers(0, 60),
    expert_share=st.sampled_from([None, 0.0, 0.4, 1.0]),
    pm_only=st.integers(0, 20),
    walk_in_share=st.sampled_from([0.0, 0.35, 0.8]),
    open_general=st.integers(0, 20),
    open_expert=st.integers(0, 12),
    seed=st.integers(0, 10_000),
)
def test_booking_respects_capacity_eligibility_and_preferences(
    med, expert_share, pm_only, walk_in_share, open_general, open_expert, seed
) -> None:
    """Booked never exceed booking-open slots; experts get expert clinics; preferences hold."""
    general, expert = doctor("G1"), doctor("E1", title="chief")
    tuesday = MONDAY + dt.timedelta(days=1)
    demand = (
        DemandForecast(MONDAY, "MAIN", "MED", med, expert_share=expert_share),
        DemandForecast(MONDAY, "MAIN", "MED", pm_only, session_id="PM"),
    )
    scenario = make_scenario(demand=demand, doctors=(general, expert), days=2,
                             simulation=SimulationSettings(walk_in_share=walk_in_share))
    rows = [
        assignment(scenario, d, day, session, room=k, open_slots=(
            open_expert if d is expert else open_general))
        for day in (MONDAY, tuesday)
        for session in (AM, PM)
        for k, d in enumerate((general, expert))
    ]
    roster = Roster(tuple(rows))
    result = simulate(scenario, roster, replications=1, seed=seed, workers=1)
    v = result.visits
    booked = v[(v["channel"] == "booked") & v["status"].isin(["seen", "no_show"])]
    counts = booked.groupby(["replication", "visit_date", "session_id", "doctor_id"]).size()
    for (_, date, session, doctor_id), count in counts.items():
        row = next(a for a in rows if a.date.isoformat() == date and a.session_id == session
                   and a.doctor_id == doctor_id)
        assert count <= row.booking_open_slots
    assert (booked[booked["needs_expert"]]["clinic"] == "expert").all()
    assert (booked["lead_days"] >= 0).all()
    pm_patients = v[v["patient_id"] >= med]
    served = pm_patients[pm_patients["status"].isin(["seen", "no_show"])]
    assert (served["session_id"] == "PM").all()
    seen = v[v["status"] == "seen"]
    per_group = seen.groupby(["replication", "visit_date", "session_id"]).size()
    for (_, date, session), count in per_group.items():
        capacity = sum(a.slots for a in rows if a.date.isoformat() == date
                       and a.session_id == session)
        assert count <= capacity
    k = result.kpis
    assert k["patients"] == med + pm_only
    assert k["unserved_patients"] == (
        v["status"].isin(["no_slot", "turned_away"]).sum()
    )
