"""The fast day engine against the SimPy reference engine: identical per-visit records.

:mod:`scheduler.sim.day` (``simulation.engine: fast``, the default) and
:mod:`scheduler.sim.day_simpy` (``simulation.engine: simpy``) are separate
implementations of the same site-day; on the same patients and random numbers
every time stamp, doctor and queue statistic must agree.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sim_factories import MONDAY, PM, assignment, big_week, doctor, make_scenario

from scheduler.model import BookingSettings, DemandForecast, Department, Roster, Scenario, SimulationSettings
from scheduler.sim import Models, default_models, simulate
from scheduler.sim.day import STEP_NAMES, DayDoctor, DayPatients, DayResult, DayServers
from scheduler.sim.day import simulate_day as fast_day
from scheduler.sim.day_simpy import simulate_day as simpy_day
from scheduler.sim.disciplines import walk_ins_first
from scheduler.sim.distributions import ConstantRatio, FixedPunctuality, FlatNoShow, UniformWalkIn
from scheduler.sim.plan import build_plan
from scheduler.sim.replication import Outcome, day_engine, run_replication
from scheduler.sim.stations import build_flow
from scheduler.sim.textbook import textbook_case

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
TOLERANCE_MIN = 1e-9
#: Every routing share on: lab, imaging, returns and pharmacy all happen.
ALL_STATIONS = {"lab_share": 0.5, "imaging_share": 0.3, "pharmacy_share": 0.6}
#: A hand-written roster of the tiny scenario's first three days (two sites, two departments).
TINY_ROSTER_CSV = """\
date,session,site_id,room_id,department,doctor_id,clinic,start,end,slots,booking_open_slots
2026-11-30,AM,MAIN,M1,internal_medicine,D01,expert,08:00,12:00,12,6
2026-11-30,AM,MAIN,M2,internal_medicine,D02,general,08:00,12:00,20,20
2026-11-30,PM,MAIN,M2,dental,D04,general,13:30,17:30,12,12
2026-12-01,AM,MAIN,M1,internal_medicine,D03,general,08:00,12:00,20,20
2026-12-01,PM,MAIN,M1,internal_medicine,D01,expert,13:30,17:30,12,6
2026-12-01,AM,EAST,E1,internal_medicine,D03,general,08:00,12:00,20,20
2026-12-02,AM,MAIN,M1,internal_medicine,D02,general,08:00,12:00,20,20
2026-12-02,AM,MAIN,M2,dental,D04,general,08:00,12:00,12,12
2026-12-02,EVE,MAIN,M1,internal_medicine,D01,expert,18:00,21:00,9,5
"""


def with_engine(scenario: Scenario, engine: str) -> Scenario:
    """``scenario`` with ``simulation.engine`` set."""
    return dataclasses.replace(scenario, simulation=dataclasses.replace(scenario.simulation, engine=engine))


def assert_same_outcome(fast: Outcome, ref: Outcome) -> None:
    """Every step's join, start and end [min] within 1e-9, same doctors, same doctor and queue totals."""
    for name, a, b in (("join", fast.step_join, ref.step_join), ("start", fast.step_start, ref.step_start),
                       ("end", fast.step_end, ref.step_end)):
        for step, step_name in enumerate(STEP_NAMES):
            assert np.array_equal(np.isnan(a[step]), np.isnan(b[step])), f"{step_name} {name}: steps differ"
            np.testing.assert_allclose(a[step], b[step], rtol=0, atol=TOLERANCE_MIN, equal_nan=True,
                                       err_msg=f"{step_name} {name}")
    np.testing.assert_allclose(fast.exit_min, ref.exit_min, rtol=0, atol=TOLERANCE_MIN, equal_nan=True)
    assert np.array_equal(fast.served_by, ref.served_by)
    np.testing.assert_allclose(fast.doctor_finish_min, ref.doctor_finish_min, rtol=0, atol=TOLERANCE_MIN)
    np.testing.assert_allclose(fast.doctor_busy_min, ref.doctor_busy_min, rtol=0, atol=TOLERANCE_MIN)
    assert fast.max_queue_len == ref.max_queue_len
    for station, totals in fast.station_queues.items():
        assert totals == pytest.approx(ref.station_queues[station], rel=0, abs=TOLERANCE_MIN), station


def both_engines(scenario: Scenario, roster: Roster, models: Models | None = None,
                 replications: int = 2, seed: int = 3) -> list[tuple[Outcome, Outcome]]:
    """Outcomes of each replication from both engines, same plan, models and seeds."""
    plan = build_plan(scenario, roster)
    chosen = models or default_models(scenario.simulation)
    pairs = []
    for r in range(replications):
        fast, ref = (run_replication(plan, chosen, seed, r, build_flow(with_engine(scenario, e)))
                     for e in ("fast", "simpy"))
        assert np.isfinite(fast.exit_min).sum() > 20  # a real day, not an empty one
        pairs.append((fast, ref))
    return pairs


def clinic_day(**settings: object) -> tuple[Scenario, Roster]:
    """Four doctors of two departments, booked patients and walk-ins, scarce stations, AM and PM."""
    docs = (doctor("D1"), doctor("D2"), doctor("D3"), doctor("S1", "SUR"))
    sim = SimulationSettings(booking=BookingSettings(weeks=0), cashiers=1, lab_servers=1, imaging_servers=1,
                             registration_desks=1, pharmacy_servers=1, **{**ALL_STATIONS, **settings})
    scenario = make_scenario(
        demand=(DemandForecast(MONDAY, "MAIN", "MED", 90), DemandForecast(MONDAY, "MAIN", "SUR", 25)),
        doctors=docs, simulation=sim,
        departments={"MED": Department("MED", 12.0, 20.0, None), "SUR": Department("SUR", 15.0, 25.0, None)},
    )
    rows = [assignment(scenario, d, MONDAY, room=k) for k, d in enumerate(docs)]
    rows.append(assignment(scenario, docs[0], MONDAY, PM, room=0))
    return scenario, Roster(tuple(rows))


def exact_models() -> Models:
    """On time, no no-shows, every time exactly its mean: many events at equal times (tie order matters)."""
    one = ConstantRatio(1.0)
    return Models(no_show=FlatNoShow(0.0), punctuality=FixedPunctuality(0.0), walk_in_arrival=UniformWalkIn(),
                  consult_time=one, registration_time=one, payment_time=one, station_time=one,
                  turnaround_time=one)


def test_consult_only_textbook_day() -> None:
    """M/M/3 textbook sessions (Poisson walk-ins, consultation queue alone): identical records."""
    scenario, roster = textbook_case(3, 0.9, 12.0, 480)
    assert scenario.simulation.flow == "consult_only"
    for fast, ref in both_engines(scenario, roster, replications=3):
        assert_same_outcome(fast, ref)


@pytest.mark.parametrize("models", [None, exact_models()], ids=["default", "exact_times"])
def test_consult_only_booked_and_walk_ins(models: Models | None) -> None:
    """Consultation queue alone with booked patients, walk-ins, two groups and a PM session: identical records."""
    scenario, roster = clinic_day(flow="consult_only")
    pairs = both_engines(scenario, roster, models=models, replications=3)
    fast = pairs[0][0]
    assert (fast.booking.status == 0).sum() > 20 and (fast.booking.status == 2).sum() > 5  # booked and walk-ins
    assert np.isnan(fast.step_join[STEP_NAMES.index("payment")]).all()  # only the consultation happens
    for fast, ref in pairs:
        assert_same_outcome(fast, ref)


@pytest.mark.parametrize("settings", [
    {"payment": "pay_each_step"},
    {"payment": "settle_at_end"},
    {"registration": "mobile"},
    {"registration": "self_service", "self_service_kiosks": 1},
], ids=["pay_each_step", "settle_at_end", "mobile", "self_service"])
def test_full_flow_day(settings: dict[str, object]) -> None:
    """Full flow with tests, returns and pharmacy on scarce stations: identical records in every mode."""
    scenario, roster = clinic_day(**settings)
    pairs = both_engines(scenario, roster)
    fast = pairs[0][0]
    assert np.isfinite(fast.step_join[STEP_NAMES.index("return_consultation")]).sum() > 5
    assert np.isfinite(fast.step_join[STEP_NAMES.index("pharmacy")]).sum() > 5
    for fast, ref in pairs:
        assert_same_outcome(fast, ref)


@pytest.mark.parametrize("payment", ["pay_each_step", "settle_at_end"])
def test_full_flow_with_exact_times_and_ties(payment: str) -> None:
    """Constant service times and punctual patients put many events at equal times: still identical."""
    scenario, roster = clinic_day(payment=payment, no_show_rate=0.0)
    for fast, ref in both_engines(scenario, roster, models=exact_models()):
        assert_same_outcome(fast, ref)


def test_big_week_full_flow() -> None:
    """A 60-doctor, two-site week (thousands of visits, six departments, chiefs): identical records."""
    scenario, roster = big_week()
    scenario = dataclasses.replace(scenario, simulation=SimulationSettings(**ALL_STATIONS))
    for fast, ref in both_engines(scenario, roster, replications=1):
        assert np.isfinite(fast.exit_min).sum() > 5000
        assert_same_outcome(fast, ref)


def test_walk_ins_first_discipline() -> None:
    """An injected queue discipline is honoured the same way by both engines."""
    scenario, roster = clinic_day()
    models = dataclasses.replace(default_models(scenario.simulation), queue_discipline=walk_ins_first)
    for fast, ref in both_engines(scenario, roster, models=models):
        assert_same_outcome(fast, ref)


def test_comparison_detects_a_different_day() -> None:
    """The check has teeth: the reference engine run with another discipline gives different records."""
    doctors = [DayDoctor(480.0, 720.0, 12.0, 0), DayDoctor(480.0, 720.0, 12.0, 0)]
    n = 12
    nan = [math.nan] * n
    patients = DayPatients(
        arrival_min=[470.0 + 2 * k for k in range(n)], doctor=[k % 3 - 1 if k % 3 else -1 for k in range(n)],
        group=[0 if k % 3 == 0 else -1 for k in range(n)], consult_ratio=[1.0 + 0.1 * k for k in range(n)],
        registration_min=[1.0] * n, payment_min=[2.0] * n, payment2_min=[2.0] * n, lab_min=nan,
        lab_turnaround_min=nan, imaging_min=nan, imaging_turnaround_min=nan, return_ratio=nan, pharmacy_min=nan,
    )
    servers = DayServers(registration=1, cashiers=1, lab=1, imaging=1, pharmacy=1)
    fast = fast_day(doctors, patients, 1, servers)
    same = simpy_day(doctors, patients, 1, servers)
    other = simpy_day(doctors, patients, 1, servers, discipline=walk_ins_first)
    assert_same_day(fast, same)
    with pytest.raises(AssertionError):
        assert_same_day(fast, other)


def assert_same_day(fast: DayResult, ref: DayResult) -> None:
    """Two site-days agree: time stamps within 1e-9, doctors, queue logs."""
    for a, b in ((fast.join, ref.join), (fast.start, ref.start), (fast.end, ref.end)):
        np.testing.assert_allclose(np.array(a), np.array(b), rtol=0, atol=TOLERANCE_MIN, equal_nan=True)
    np.testing.assert_allclose(fast.exit_min, ref.exit_min, rtol=0, atol=TOLERANCE_MIN)
    assert fast.served_by == ref.served_by
    assert (fast.doctor_logs, fast.group_logs, fast.station_logs) == (ref.doctor_logs, ref.group_logs,
                                                                     ref.station_logs)


def test_engine_setting_selects_the_engine() -> None:
    """``simulation.engine`` picks the site-day function; the default is the fast engine."""
    assert SimulationSettings().engine == "fast"
    assert day_engine("fast") is fast_day and day_engine("simpy") is simpy_day


def test_engine_word_loads_and_is_validated(tmp_path: Path) -> None:
    """``engine: simpy`` loads from scenario.yaml; another word is bad input naming the key."""
    import shutil

    from scheduler.errors import InputError
    from scheduler.scenario import load_scenario

    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    yaml = folder / "scenario.yaml"
    base = [line for line in yaml.read_text(encoding="utf-8").splitlines() if not line.startswith("simulation:")]
    yaml.write_text("\n".join([*base, "simulation: {engine: simpy}"]) + "\n", encoding="utf-8")
    assert load_scenario(folder).simulation.engine == "simpy"
    yaml.write_text("\n".join([*base, "simulation: {engine: ciw}"]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(folder)
    assert "simulation.engine" in str(info.value) and "simpy" in str(info.value)


def test_tiny_scenario_simulate_is_identical(tmp_path: Path) -> None:
    """simulate() on the tiny scenario: the same KPIs, visit records and queue series with either engine."""
    from scheduler.roster_io import read_roster
    from scheduler.scenario import load_scenario

    scenario = load_scenario(TINY)
    path = tmp_path / "roster.csv"
    path.write_text(TINY_ROSTER_CSV, encoding="utf-8")
    roster = read_roster(path, scenario)
    runs = {e: simulate(with_engine(scenario, e), roster, replications=3, seed=4, workers=1)
            for e in ("fast", "simpy")}
    fast, ref = runs["fast"], runs["simpy"]
    assert fast.kpis["seen_patients"] > 50
    assert fast.kpis.keys() == ref.kpis.keys()
    for key, value in fast.kpis.items():
        assert value == pytest.approx(ref.kpis[key], rel=0, abs=TOLERANCE_MIN, nan_ok=True), key
    pd.testing.assert_frame_equal(fast.visits, ref.visits, check_exact=False, rtol=0, atol=TOLERANCE_MIN)
    pd.testing.assert_frame_equal(fast.queue_series, ref.queue_series, check_exact=False, rtol=0,
                                  atol=TOLERANCE_MIN)
