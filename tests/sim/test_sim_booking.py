"""Booking and walk-in admission: capacity, eligibility and earliest-slot rules."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from sim_factories import AM, MONDAY, PM, assignment, basic_flow, doctor, make_scenario, one_doctor_case

from scheduler.model import DemandForecast, Roster
from scheduler.sim import simulate
from scheduler.sim.plan import open_slot_indices


def test_overflow_is_booked_on_the_next_day_in_slot_order() -> None:
    """25 booked patients for 20 slots a day: 20 on Monday every 12 min, 5 on Tuesday."""
    settings = basic_flow(walk_in_share=0.0, no_show_rate=0.0)
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
    settings = basic_flow(walk_in_share=0.0)
    scenario, roster = one_doctor_case(30, simulation=settings, open_slots=10)
    result = simulate(scenario, roster, replications=1, seed=1, workers=1)
    assert result.kpis["unserved_patients"] == 20
    assert (result.visits["status"] == "no_slot").sum() == 20
    assert result.kpis["within_booking_window_share"] == 10 / 30


def test_walk_ins_beyond_leftover_slots_are_turned_away() -> None:
    """30 walk-ins for a 20-slot session: 20 seen, 10 turned away."""
    settings = basic_flow(walk_in_share=1.0)
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
                             simulation=basic_flow(walk_in_share=walk_in_share))
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


def brute_force_booking(plan, draws):
    """Reference: each booked patient, in request order, scans every slot for the earliest."""
    taken = set()
    result = {}
    candidates = [i for i in range(len(draws)) if not draws.walk_in[i]]
    candidates.sort(key=lambda i: (draws.date_ord[i], draws.order_u[i]))
    for i in candidates:
        row = plan.demand[draws.row[i]]
        best = None
        for (site, dept, session, expert), slots in plan.pools.items():
            if (site, dept) != (row.site_id, row.department):
                continue
            if row.session_id is not None and session != row.session_id:
                continue
            if draws.needs_expert[i] and not expert:
                continue
            for slot in slots:
                if slot[0] >= row.date_ord and slot not in taken and (best is None or slot < best):
                    best = slot
        if best is not None and best[0] - row.date_ord <= plan.booked_days_ahead_max:
            taken.add(best)
            result[i] = (best[2], best[3])
    return result


@settings(max_examples=12, deadline=None)
@given(
    counts=st.lists(st.integers(0, 30), min_size=3, max_size=3),
    expert_share=st.sampled_from([None, 0.5, 1.0]),
    open_general=st.integers(0, 20),
    open_expert=st.integers(0, 12),
    ahead=st.integers(0, 3),
    seed=st.integers(0, 10_000),
)
def test_booking_matches_brute_force_earliest_slot(
    counts, expert_share, open_general, open_expert, ahead, seed
) -> None:
    """The pointer-based booking gives every patient the slot a brute-force scan would."""
    from scheduler.sim import default_models
    from scheduler.sim.booking import BOOKED, book
    from scheduler.sim.patients import draw_patients
    from scheduler.sim.plan import build_plan

    general, expert = doctor("G1"), doctor("E1", title="chief")
    days = [MONDAY + dt.timedelta(days=k) for k in range(3)]
    demand = (
        DemandForecast(days[0], "MAIN", "MED", counts[0], expert_share=expert_share),
        DemandForecast(days[1], "MAIN", "MED", counts[1], session_id="PM"),
        DemandForecast(days[1], "MAIN", "MED", counts[2], expert_share=expert_share),
    )
    sim = basic_flow(walk_in_share=0.2, booked_days_ahead_max=ahead)
    scenario = make_scenario(demand=demand, doctors=(general, expert), days=3, simulation=sim)
    rows = tuple(
        assignment(scenario, d, day, session, room=k,
                   open_slots=open_expert if d is expert else open_general)
        for day in days[:2] for session in (AM, PM) for k, d in enumerate((general, expert))
    )
    plan = build_plan(scenario, Roster(rows))
    draws = draw_patients(plan, default_models(sim), seed, 0)
    booking = book(plan, draws)
    got = {
        i: (int(booking.doctor[i]), int(booking.slot[i]))
        for i in range(len(draws)) if booking.status[i] == BOOKED
    }
    assert got == brute_force_booking(plan, draws)
