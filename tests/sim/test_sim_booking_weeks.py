"""Rolling booking simulation over weeks: release, follow-ups, third-next-available, no-shows, determinism."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from sim_factories import AM, DATA_DIR, MONDAY, PM, assignment, basic_flow, doctor, make_scenario

from scheduler.model import BookingSettings, DemandForecast, Roster, Scenario, Targets
from scheduler.sim import calibration
from scheduler.sim.booking_kpis import booking_weeks_kpis, lead_bucket_labels, weeks_kpis
from scheduler.sim.booking_profile import BOOKING_HOUR_COUNTS, LEAD_DAYS_QUANTILES, advance_notice_days
from scheduler.sim.kpis import summarise
from scheduler.sim.rolling import run_weeks
from scheduler.sim.weeks_plan import build_weeks_plan

APPOINTMENTS = DATA_DIR / "appointments" / "KaggleV2-May-2016.csv"


def weekly_case(patients_per_day: int, *, title: str = "attending", followup_share: float = 0.0,
                booking: BookingSettings | None = None, expert_share: float = 0.0,
                targets: Targets | None = None, walk_in_share: float = 0.35) -> tuple[Scenario, Roster]:
    """One doctor of MED (12 / 20 min consultations), AM and PM on all 7 days, the same demand every day."""
    doc = doctor("D1", title=title)
    demand = tuple(
        DemandForecast(MONDAY + dt.timedelta(days=k), "MAIN", "MED", patients_per_day,
                       expert_share=expert_share, followup_share=followup_share)
        for k in range(7)
    )
    settings = basic_flow(booking=booking or BookingSettings(weeks=4, warmup_weeks=1), walk_in_share=walk_in_share)
    scenario = make_scenario(demand=demand, doctors=(doc,), days=7, simulation=settings, targets=targets)
    roster = Roster(tuple(
        assignment(scenario, doc, MONDAY + dt.timedelta(days=k), session)
        for k in range(7) for session in (AM, PM)
    ))
    return scenario, roster


def mean_kpis(scenario: Scenario, roster: Roster, replications: int = 4) -> dict[str, float]:
    return summarise(booking_weeks_kpis(scenario, roster, seed=3, replications=replications))


def with_booking(scenario: Scenario, **changes: object) -> Scenario:
    booking = dataclasses.replace(scenario.simulation.booking, **changes)
    return dataclasses.replace(scenario, simulation=dataclasses.replace(scenario.simulation, booking=booking))


def test_same_seed_same_kpis_whatever_the_workers() -> None:
    """Replications depend only on (seed, replication), not on the worker processes."""
    scenario, roster = weekly_case(30, followup_share=0.3)
    serial = booking_weeks_kpis(scenario, roster, seed=5, replications=2, workers=1)
    assert serial == booking_weeks_kpis(scenario, roster, seed=5, replications=2, workers=1)
    assert serial == booking_weeks_kpis(scenario, roster, seed=5, replications=2, workers=2)
    assert serial[0] != serial[1]


def test_switched_off_gives_no_kpis() -> None:
    """``booking.weeks: 0`` skips the rolling simulation."""
    scenario, roster = weekly_case(10, booking=BookingSettings(weeks=0))
    assert booking_weeks_kpis(scenario, roster, seed=1, replications=3) == []


def test_dynamic_release_fills_held_slots_and_shortens_lead_time() -> None:
    """Releasing unused follow-up holds 24 h ahead lowers empty slots and lead time against a static hold."""
    scenario, roster = weekly_case(26, title="chief", followup_share=0.3, expert_share=1.0)
    released = mean_kpis(scenario, roster)
    static = mean_kpis(with_booking(scenario, release_horizon_h=None), roster)
    assert released["released_slots"] > 0 and static["released_slots"] == 0
    assert released["empty_slot_share"] < static["empty_slot_share"] - 0.01
    assert released["weeks_wait_days_mean"] < static["weeks_wait_days_mean"]
    assert released["weeks_lead_days_mean"] < static["weeks_lead_days_mean"]


def test_followup_holds_keep_the_booking_rate_under_overload() -> None:
    """With demand far above capacity, all-open general clinics book few follow-ups in clinic;
    expert clinics holding slots for follow-ups (sized by the target rate) book most of them."""
    targets = Targets(followup_booking_rate=1.0)
    open_only, roster = weekly_case(90, followup_share=0.4, targets=targets, walk_in_share=0.0)
    holding, held_roster = weekly_case(90, title="chief", followup_share=0.4, expert_share=1.0, targets=targets,
                                       walk_in_share=0.0)
    rate_open = mean_kpis(open_only, roster, 2)["followup_booking_rate"]
    rate_held = mean_kpis(holding, held_roster, 2)["followup_booking_rate"]
    assert rate_open < 0.6
    assert rate_held > 0.9
    assert rate_held > rate_open


def test_ample_capacity_books_every_followup_and_serves_everyone() -> None:
    """Light demand: every follow-up is booked in clinic and every request served."""
    kpis = mean_kpis(*weekly_case(8, followup_share=0.5), replications=2)
    assert kpis["followup_booking_rate"] == 1.0
    assert kpis["followup_needed"] > 0
    assert kpis["weeks_unserved_patients"] == 0
    assert kpis["weeks_within_window_share"] == 1.0
    assert kpis["general_open_share"] == 1.0


def test_third_next_available_counts_days_to_the_third_free_slot() -> None:
    """One-slot sessions on days 0, 2, 4 and 6 of each week and no demand: exact third-next-available."""
    doc = doctor("D1")
    settings = basic_flow(booking=BookingSettings(weeks=2, warmup_weeks=1))
    scenario = make_scenario(demand=(), doctors=(doc,), days=7, simulation=settings)
    roster = Roster(tuple(assignment(scenario, doc, MONDAY + dt.timedelta(days=k), slots=1) for k in (0, 2, 4, 6)))
    plan = build_weeks_plan(scenario, roster)
    kpis = weeks_kpis(plan, run_weeks(plan, seed=1, replication=0))
    # from days 7..13 the free slots are on days 7, 9, 11, 13, 14, 16, ...
    assert kpis["third_next_available_days"] == pytest.approx((4 + 5 + 4 + 4 + 3 + 4 + 3) / 7)
    assert kpis["third_next_available_days_MED"] == kpis["third_next_available_days"]


def test_no_show_by_lead_bucket_follows_the_model() -> None:
    """Simulated no-show rate of each lead-time bucket is the calibrated rate (within sampling error)."""
    scenario, roster = weekly_case(30, booking=BookingSettings(weeks=6, warmup_weeks=1))
    per_rep = booking_weeks_kpis(scenario, roster, seed=11, replications=3)
    for label, rate in zip(lead_bucket_labels(), calibration.NO_SHOW_RATES, strict=True):
        visits = sum(k[f"weeks_visits_lead_{label}"] for k in per_rep)
        if visits < 300:
            continue
        no_shows = sum(k[f"weeks_no_show_rate_lead_{label}"] * k[f"weeks_visits_lead_{label}"] for k in per_rep)
        assert no_shows / visits == pytest.approx(rate, abs=4 * np.sqrt(rate * (1 - rate) / visits))


def test_overbooking_lowers_empty_slots() -> None:
    """Under excess demand, accepting 20% extra bookings per session fills slots no-shows leave empty."""
    scenario, roster = weekly_case(60, walk_in_share=0.0)
    plain = mean_kpis(scenario, roster, 2)
    overbooked = mean_kpis(with_booking(scenario, overbooking_share=0.2), roster, 2)
    assert overbooked["empty_slot_share"] < plain["empty_slot_share"]


def test_preferred_day_patients_wait_longer() -> None:
    """Patients holding out for one weekday are seen later after the day they wanted."""
    scenario, roster = weekly_case(20)
    earliest = mean_kpis(scenario, roster, 2)
    preferring = mean_kpis(with_booking(scenario, preferred_day_share=0.8), roster, 2)
    assert preferring["weeks_wait_days_mean"] > earliest["weeks_wait_days_mean"]


def test_advance_notice_sampler_matches_its_quantiles() -> None:
    """Sampled notices reproduce the stored quantiles of the log's advance bookings."""
    notice = advance_notice_days(200_000, np.random.default_rng(0))
    assert notice.min() >= 1
    for k in (4, 10, 16):  # 20%, 50%, 80%
        assert np.percentile(notice, 5 * k) == pytest.approx(LEAD_DAYS_QUANTILES[k], abs=1)


@pytest.mark.data
@pytest.mark.skipif(not APPOINTMENTS.exists(), reason=f"shared data absent: {APPOINTMENTS}")
def test_booking_profiles_recompute_from_the_log() -> None:
    """Hour-of-day counts and advance-notice quantiles are those of the shared appointment log."""
    import pandas as pd

    log = pd.read_csv(APPOINTMENTS, usecols=["ScheduledDay", "AppointmentDay"])
    hours = pd.to_datetime(log["ScheduledDay"].str[:19]).dt.hour.value_counts().to_dict()
    assert hours == BOOKING_HOUR_COUNTS
    lead = (pd.to_datetime(log["AppointmentDay"].str[:10]) - pd.to_datetime(log["ScheduledDay"].str[:10])).dt.days
    ahead = lead[lead >= 1]
    quantiles = np.percentile(ahead, np.arange(0, 101, 5), method="inverted_cdf").astype(int)
    assert tuple(int(q) for q in quantiles) == LEAD_DAYS_QUANTILES


def test_requests_without_any_slot_count_as_unserved() -> None:
    """Patients who need an expert clinic where there is none are unserved, not lost."""
    kpis = mean_kpis(*weekly_case(10, expert_share=1.0), replications=1)
    assert kpis["weeks_requests"] > 0
    assert kpis["weeks_unserved_patients"] == kpis["weeks_requests"]
    assert kpis["weeks_within_window_share"] == 0.0


def test_followup_probability_offsets_no_shows() -> None:
    """Without no-shows it is the follow-up share; with them it is larger by 1 / (1 - mean no-show), at most 1."""
    from scheduler.sim.weeks_plan import followup_probability

    none = np.zeros(60)
    flat = np.full(60, 0.2)
    assert followup_probability(0.0, flat, 0.35, 28, 14) == 0.0
    assert followup_probability(0.3, none, 0.35, 28, 14) == pytest.approx(0.3)
    assert followup_probability(0.3, flat, 0.35, 28, 14) == pytest.approx(0.3 / 0.8)
    assert followup_probability(0.9, np.full(60, 0.5), 0.35, 28, 14) == 1.0


def test_general_first_keeps_expert_slots_for_expert_patients() -> None:
    """When patients who need no expert try general clinics first, fewer expert patients go unserved
    (the others may wait longer for a general slot)."""
    expert_doc, general_doc = doctor("D1", title="chief"), doctor("D2")
    demand = tuple(DemandForecast(MONDAY + dt.timedelta(days=k), "MAIN", "MED", 40, expert_share=0.4)
                   for k in range(7))
    settings = basic_flow(booking=BookingSettings(weeks=4, warmup_weeks=1), walk_in_share=0.0)
    scenario = make_scenario(demand=demand, doctors=(expert_doc, general_doc), days=7, simulation=settings)
    roster = Roster(tuple(assignment(scenario, d, MONDAY + dt.timedelta(days=k)) for k in range(7)
                          for d in (expert_doc, general_doc)))
    any_clinic = mean_kpis(scenario, roster, 2)
    general_first = mean_kpis(with_booking(scenario, general_first=True), roster, 2)
    assert general_first["weeks_unserved_patients"] < any_clinic["weeks_unserved_patients"]


def test_released_slot_goes_to_the_waiting_list_before_a_newcomer() -> None:
    """A patient who found no slot gets the held slot released 24 h ahead, although a new patient
    asks for it before the waiting patient's next daily call; under a static hold nobody gets it."""
    from scheduler.sim.rolling import MINUTES_PER_DAY, RELEASE, REQUEST, _Engine

    chief = doctor("D1", title="chief")
    demand = (DemandForecast(MONDAY, "MAIN", "MED", 1, expert_share=1.0, followup_share=0.5),)
    settings = basic_flow(booking=BookingSettings(weeks=1, warmup_weeks=0), booked_days_ahead_max=2)
    scenario = make_scenario(demand=demand, doctors=(chief,), days=7, simulation=settings)
    thursday = MONDAY + dt.timedelta(days=3)
    roster = Roster((assignment(scenario, chief, thursday, slots=2, open_slots=1),))
    outcomes = {}
    for release in (True, False):
        plan = build_weeks_plan(scenario if release else with_booking(scenario, release_horizon_h=None), roster)
        assert (plan.sessions[0].open, plan.sessions[0].followup_held) == (1, 1)
        engine = _Engine(plan, seed=1, replication=0)
        patient = ("MAIN", "MED", True, -1, False)
        engine.push(1 * MINUTES_PER_DAY + 600, REQUEST, (*patient, 1))  # books Thursday's open slot
        engine.push(1 * MINUTES_PER_DAY + 630, REQUEST, (*patient, 1))  # finds nothing within 2 days: waits
        engine.push(2 * MINUTES_PER_DAY + 510, REQUEST, (*patient, 2))  # asks at 08:30, after the release
        if release:
            engine.push(plan.sessions[0].start - 24 * 60, RELEASE, (0,))
        outcomes[release] = engine.run()
    released, static = outcomes[True], outcomes[False]
    assert released.released == 1
    # (first day asked, booking lead [days], wanted day to visit [days]); -1 = unserved
    assert sorted(zip(released.request_day, released.request_lead, released.request_wait, strict=True)) == [
        (1, 1, 2), (1, 2, 2), (2, -1, -1)]
    assert sorted(zip(static.request_day, static.request_lead, strict=True)) == [(1, -1), (1, 2), (2, -1)]
    assert released.booked[0] == 2 and static.booked[0] == 1


def test_requests_of_the_last_measured_day_may_book_after_the_measured_weeks() -> None:
    """The run goes on ``booked_days_ahead_max`` days past the measured weeks: a request of the last
    measured day that finds a slot only when it asks again two days later is served, not unserved."""
    from scheduler.sim.rolling import MINUTES_PER_DAY, REQUEST, _Engine

    chief = doctor("D1", title="chief")
    settings = basic_flow(booking=BookingSettings(weeks=1, warmup_weeks=0), booked_days_ahead_max=2)
    scenario = make_scenario(demand=(), doctors=(chief,), days=7, simulation=settings)
    roster = Roster((assignment(scenario, chief, MONDAY + dt.timedelta(days=3), slots=2),))
    plan = build_weeks_plan(scenario, roster)
    assert plan.run_days == 7 + 2
    engine = _Engine(plan, seed=1, replication=0)
    engine.push(6 * MINUTES_PER_DAY + 600, REQUEST, ("MAIN", "MED", True, -1, False, 6))  # Sunday
    out = engine.run()
    # Sunday to Tuesday finds nothing; on Tuesday it books the next Thursday (day 10)
    assert list(zip(out.request_day, out.request_lead, out.request_wait, strict=True)) == [(6, 2, 4)]


def test_followups_book_held_slots_on_the_due_day_then_open_ones() -> None:
    """A follow-up booked in clinic goes to the day nearest its due day (14 days), into that day's
    follow-up held slots first and only then into an open slot, although slots are free 7 days ahead."""
    from scheduler.sim.rolling import FOLLOWUP, _Engine
    from scheduler.sim.weeks_plan import FOLLOWUP_HELD, OPEN

    doc = doctor("D1")
    demand = (DemandForecast(MONDAY, "MAIN", "MED", 10, followup_share=1.0),)
    settings = basic_flow(booking=BookingSettings(weeks=3, warmup_weeks=0))
    scenario = make_scenario(demand=demand, doctors=(doc,), days=7, simulation=settings,
                             targets=Targets(followup_booking_rate=1.0))
    roster = Roster(tuple(assignment(scenario, doc, MONDAY + dt.timedelta(days=k), slots=4, open_slots=2)
                          for k in range(7)))
    plan = build_weeks_plan(scenario, roster)
    assert {(s.open, s.followup_held) for s in plan.sessions} == {(2, 2)}
    engine = _Engine(plan, seed=1, replication=0)
    monday = next(i for i, s in enumerate(plan.sessions) if s.day == 0)
    for _ in range(3):
        engine.push(plan.sessions[monday].start + 30, FOLLOWUP, (monday,))
    out = engine.run()
    assert out.followup_booked[:3] == [True, True, True]
    assert set(out.visit_lead) == {14}  # the visits' own follow-ups too
    due = next(i for i, s in enumerate(plan.sessions) if s.day == 14)
    taken = {channel: sum(engine.taken[k] for k, (session, c) in enumerate(
        zip(plan.slot_session, plan.slot_channel, strict=True)) if session == due and c == channel)
        for channel in (OPEN, FOLLOWUP_HELD)}
    assert taken == {FOLLOWUP_HELD: 2, OPEN: 1}
    assert not any(engine.taken[k] for k, session in enumerate(plan.slot_session) if plan.sessions[session].day < 14)


def test_followups_of_consultations_before_the_run_fill_the_holds_at_the_start() -> None:
    """Follow-ups due in the first two weeks come from consultations before the run: they are booked
    at the start into the held slots of their due day, as in clinic, so a static hold does not begin
    with empty follow-up holds; later follow-ups come only from the run's own consultations."""
    from scheduler.sim.rolling import _Engine
    from scheduler.sim.weeks_plan import FOLLOWUP_HELD

    doc = doctor("D1")
    demand = (DemandForecast(MONDAY + dt.timedelta(days=3), "MAIN", "MED", 2, followup_share=1.0),)
    settings = basic_flow(booking=BookingSettings(weeks=3, warmup_weeks=0, release_horizon_h=None),
                          walk_in_share=0.0)
    scenario = make_scenario(demand=demand, doctors=(doc,), days=7, simulation=settings,
                             targets=Targets(followup_booking_rate=1.0))
    roster = Roster(tuple(assignment(scenario, doc, MONDAY + dt.timedelta(days=k), slots=4, open_slots=2)
                          for k in range(7)))
    plan = build_weeks_plan(scenario, roster)
    engine = _Engine(plan, seed=1, replication=0)
    engine.seed_events()
    taken = {}
    for k, (session, channel) in enumerate(zip(plan.slot_session, plan.slot_channel, strict=True)):
        if engine.taken[k]:
            key = (plan.sessions[session].day, channel)
            taken[key] = taken.get(key, 0) + 1
    assert taken == {(3, FOLLOWUP_HELD): 2, (10, FOLLOWUP_HELD): 2}  # day 17 is the run's own
