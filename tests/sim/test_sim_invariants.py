"""Time-stamp invariants of simulated visits over random small scenarios."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from sim_factories import AM, MONDAY, PM, assignment, basic_flow, doctor, make_scenario

from scheduler.model import DemandForecast, Roster
from scheduler.sim import simulate


@settings(max_examples=8, deadline=None)
@given(
    patients=st.lists(st.integers(0, 40), min_size=2, max_size=2),
    walk_in_share=st.sampled_from([0.0, 0.35, 1.0]),
    desks=st.integers(1, 3),
    seed=st.integers(0, 1000),
)
def test_visit_time_stamps_are_ordered_and_doctors_see_one_patient_at_a_time(
    patients, walk_in_share, desks, seed
) -> None:
    """Stamps are ordered arrival to payment; no doctor overlaps; consults start in session."""
    docs = (doctor("G1"), doctor("G2"), doctor("E1", title="chief"))
    tuesday = MONDAY + dt.timedelta(days=1)
    demand = (
        DemandForecast(MONDAY, "MAIN", "MED", patients[0], expert_share=0.3),
        DemandForecast(tuesday, "MAIN", "MED", patients[1]),
    )
    sim = basic_flow(walk_in_share=walk_in_share, registration_desks=desks, cashiers=1)
    scenario = make_scenario(demand=demand, doctors=docs, days=2, simulation=sim)
    rows = tuple(
        assignment(scenario, d, day, session, room=k)
        for day in (MONDAY, tuesday) for session in (AM, PM) for k, d in enumerate(docs)
    )
    result = simulate(scenario, Roster(rows), replications=1, seed=seed, workers=1)
    seen = result.visits[result.visits["status"] == "seen"]
    eps = 1e-9
    assert (seen["registration_start_min"] >= seen["arrival_min"] - eps).all()
    assert (seen["queue_join_min"] >= seen["registration_start_min"] - eps).all()
    assert (seen["consult_start_min"] >= seen["queue_join_min"] - eps).all()
    assert (seen["consult_end_min"] >= seen["consult_start_min"]).all()
    assert (seen["payment_end_min"] >= seen["consult_end_min"] - eps).all()
    for (date, session, doctor_id), v in seen.groupby(["visit_date", "session_id", "doctor_id"]):
        row = next(a for a in rows if a.date.isoformat() == date and a.session_id == session
                   and a.doctor_id == doctor_id)
        v = v.sort_values("consult_start_min")
        assert (v["consult_start_min"] >= row.start_min - eps).all()
        assert (v["consult_start_min"].iloc[1:].to_numpy()
                >= v["consult_end_min"].iloc[:-1].to_numpy() - eps).all()
    walk = seen[seen["channel"] == "walk_in"]
    starts = {s.session_id: s for s in (AM, PM)}
    for _, w in walk.iterrows():
        session = starts[w["session_id"]]
        assert session.start_min <= w["arrival_min"] < session.end_min
