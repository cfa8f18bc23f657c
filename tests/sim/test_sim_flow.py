"""The visit flow: stations, routing, payment and registration modes, stations.csv, queue series."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sim_factories import MONDAY, assert_same_results, assignment, doctor, make_scenario

from scheduler.errors import InputError
from scheduler.model import BookingSettings, DemandForecast, Roster, SessionTemplate, SimulationSettings
from scheduler.scenario import load_scenario
from scheduler.sim import Models, simulate, write_simulation
from scheduler.sim.day import LAB, PAYMENT, PAYMENT2, RETURN, SETTLEMENT
from scheduler.sim.distributions import ConstantRatio, FixedPunctuality, FlatNoShow, UniformWalkIn
from scheduler.sim.plan import build_plan
from scheduler.sim.queue_series import bin_log
from scheduler.sim.replication import run_replication
from scheduler.sim.stations import build_flow

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
NO_WEEKS = BookingSettings(weeks=0)


def exact_models() -> Models:
    """On time, no no-shows, every time exactly its mean."""
    one = ConstantRatio(1.0)
    return Models(no_show=FlatNoShow(0.0), punctuality=FixedPunctuality(0.0), walk_in_arrival=UniformWalkIn(),
                  consult_time=one, registration_time=one, payment_time=one, station_time=one,
                  turnaround_time=one)


def one_patient(**settings: object) -> pd.Series:
    """One booked patient at 08:00 with one doctor; every routing share as given."""
    hour = SessionTemplate("AM", 8 * 60, 9 * 60, evening=False)
    doc = doctor("D1")
    sim = SimulationSettings(walk_in_share=0.0, no_show_rate=0.0, booking=NO_WEEKS, **settings)
    scenario = make_scenario(demand=(DemandForecast(MONDAY, "MAIN", "MED", 1),), doctors=(doc,), simulation=sim)
    roster = Roster((assignment(scenario, doc, MONDAY, hour, slots=5, open_slots=5),))
    result = simulate(scenario, roster, replications=1, seed=1, workers=1, models=exact_models())
    return result.visits.iloc[0]


TESTS_AND_MEDICINES = {"lab_share": 1.0, "imaging_share": 0.0, "pharmacy_share": 1.0}


def test_pay_each_step_timeline_by_hand() -> None:
    """Register 1.5, consult 12, pay 2, lab 3, result 45, return 4.8, pay 2, pharmacy 1.5: leaves at 551.8."""
    v = one_patient(**TESTS_AND_MEDICINES)
    assert v["registration_start_min"] == 480
    assert v["consult_start_min"] == pytest.approx(481.5)
    assert v["payment_start_min"] == pytest.approx(493.5)
    assert v["exit_min"] == pytest.approx(480 + 1.5 + 12 + 2 + 3 + 45 + 4.8 + 2 + 1.5)
    assert v["queues"] == 7  # registration, consultation, payment, lab, return, payment, pharmacy
    assert v["time_in_hospital_min"] == pytest.approx(71.8)


def test_settle_at_end_timeline_by_hand() -> None:
    """Treat first, settle later: no payment before the lab or the pharmacy, one settlement at the end."""
    v = one_patient(payment="settle_at_end", **TESTS_AND_MEDICINES)
    assert v["exit_min"] == pytest.approx(480 + 1.5 + 12 + 3 + 45 + 4.8 + 1.5 + 2)
    assert v["payment_start_min"] == pytest.approx(480 + 1.5 + 12 + 3 + 45 + 4.8 + 1.5)
    assert v["queues"] == 6


def test_mobile_registration_skips_the_desk() -> None:
    """Registered on the phone: straight to the consultation queue, one queue fewer."""
    v = one_patient(registration="mobile", **TESTS_AND_MEDICINES)
    assert np.isnan(v["registration_start_min"]) and v["consult_start_min"] == 480
    assert v["queues"] == 6


def test_self_service_registration_uses_the_kiosk_time() -> None:
    """Self-service kiosks: registration takes ``self_service_min`` (1.0) instead of the desk's 1.5."""
    v = one_patient(registration="self_service", **TESTS_AND_MEDICINES)
    assert v["registration_start_min"] == 480 and v["consult_start_min"] == pytest.approx(481.0)
    assert v["queues"] == 7


def test_consult_only_flow_is_one_queue() -> None:
    """``flow: consult_only``: the patient leaves at the end of the consultation."""
    v = one_patient(flow="consult_only", **TESTS_AND_MEDICINES)
    assert v["queues"] == 1 and v["exit_min"] == pytest.approx(492.0)


def busy_day(**settings: object):
    """Two doctors, a busy morning with walk-ins, the full default flow."""
    docs = (doctor("D1"), doctor("D2"))
    sim = SimulationSettings(booking=NO_WEEKS, cashiers=1, lab_servers=1, registration_desks=1, **settings)
    scenario = make_scenario(demand=(DemandForecast(MONDAY, "MAIN", "MED", 44),), doctors=docs, simulation=sim)
    roster = Roster(tuple(assignment(scenario, d, MONDAY, room=k) for k, d in enumerate(docs)))
    return scenario, roster


def test_settling_at_the_end_pays_once_and_joins_fewer_queues() -> None:
    """Same patients, same draws: one cashier visit each when settling at the end; with pay-each-step
    one more for every patient who had tests and a prescription; queues joined differ by exactly that."""
    outcomes = {}
    for mode in ("pay_each_step", "settle_at_end"):
        scenario, roster = busy_day(payment=mode)
        plan = build_plan(scenario, roster)
        from scheduler.sim import default_models

        outcomes[mode] = run_replication(plan, default_models(scenario.simulation), 9, 0, build_flow(scenario))
    each, settle = outcomes["pay_each_step"], outcomes["settle_at_end"]
    seen = each.seen
    assert (settle.seen == seen).all() and seen.sum() > 30
    cashier_each = np.isfinite(each.step_join[[PAYMENT, PAYMENT2, SETTLEMENT]]).sum(axis=0)[seen]
    cashier_settle = np.isfinite(settle.step_join[[PAYMENT, PAYMENT2, SETTLEMENT]]).sum(axis=0)[seen]
    tests = np.isfinite(each.step_join[RETURN])[seen]
    medicines = np.isfinite(each.draws.pharmacy_u)[seen] & (each.draws.pharmacy_u[seen] < 0.6)
    assert (cashier_settle == 1).all()
    assert (cashier_each == 1 + (tests & medicines)).all()
    joined = lambda o: np.isfinite(o.step_join).sum(axis=0)[seen]  # noqa: E731
    assert (joined(each) - joined(settle) == cashier_each - 1).all()
    assert tests.any() and (tests & medicines).any()


def test_time_stamps_follow_the_route() -> None:
    """Every step starts after the previous one ends; results are back before the return consultation."""
    scenario, roster = busy_day()
    v = simulate(scenario, roster, replications=3, seed=2, workers=1).visits
    came = v[v["status"] == "seen"]
    eps = 1e-9
    assert (came["registration_start_min"] >= came["arrival_min"] - eps).all()
    assert (came["consult_start_min"] >= came["queue_join_min"] - eps).all()
    assert (came["exit_min"] >= came["consult_end_min"] - eps).all()
    assert (came["time_in_hospital_min"] >= came["wait_min"] + came["consult_min"] - eps).all()
    plan, flow = build_plan(scenario, roster), build_flow(scenario)
    from scheduler.sim import default_models

    o = run_replication(plan, default_models(scenario.simulation), 4, 0, flow)
    back = np.isfinite(o.step_join[RETURN]) & np.isfinite(o.step_end[LAB])
    assert back.any()
    assert (o.step_join[RETURN][back] >= o.step_end[LAB][back] - eps).all()


def test_queue_series_written_and_consistent_with_kpis(tmp_path: Path) -> None:
    """queue_series.csv: per station and doctor; its maxima are the replications' maxima."""
    scenario, roster = busy_day()
    result = simulate(scenario, roster, replications=4, seed=2, workers=1)
    write_simulation(result, tmp_path)
    series = pd.read_csv(tmp_path / "queue_series.csv")
    assert list(series.columns) == ["date", "site_id", "queue", "time", "mean_queue_len", "max_queue_len"]
    assert {"registration", "cashier", "doctor:D1:AM"} <= set(series["queue"])
    assert (series["mean_queue_len"] <= series["max_queue_len"] + 1e-9).all()
    for station in ("cashier", "registration", "lab"):
        peak = series.loc[series["queue"] == station, "max_queue_len"].max()
        assert peak == result.per_replication[f"max_queue_len_{station}"].max()


def test_bin_log_time_average_by_hand() -> None:
    """Queue 1 over [0, 5), 2 over [5, 10), then empty: 15-min bin mean 1.0, max 2; next bin 0."""
    binned = bin_log([(0.0, 1), (5.0, 2), (10.0, 0)], 15.0, 20.0)
    assert binned.first_bin == 0
    assert binned.mean.tolist() == pytest.approx([1.0, 0.0])
    assert binned.max.tolist() == [2.0, 0.0]
    late = bin_log([(20.0, 3), (40.0, 0)], 15.0, 40.0)
    assert late.first_bin == 1 and late.mean.tolist() == pytest.approx([10 * 3 / 15, 10 * 3 / 15])
    assert late.max.tolist() == [3.0, 3.0]


# --- scenario keys and stations.csv ------------------------------------------------------


def tiny_copy(tmp_path: Path, simulation: str, stations: str | None = None) -> Path:
    """The tiny scenario with a ``simulation:`` line and an optional stations.csv."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    yaml = (folder / "scenario.yaml").read_text(encoding="utf-8").splitlines()
    yaml = [line for line in yaml if not line.startswith("simulation:")] + [f"simulation: {simulation}"]
    (folder / "scenario.yaml").write_text("\n".join(yaml) + "\n", encoding="utf-8")
    if stations is not None:
        (folder / "stations.csv").write_text(stations, encoding="utf-8")
    return folder


def test_flow_keys_load_from_scenario_yaml(tmp_path: Path) -> None:
    """The textbook and flow keys are scenario settings."""
    folder = tiny_copy(tmp_path, "{arrivals: walk_in, consult_distribution: exponential, no_show_rate: 0, "
                                 "flow: consult_only, payment: settle_at_end, registration: self_service}")
    s = load_scenario(folder).simulation
    assert (s.arrivals, s.consult_distribution, s.no_show_rate, s.flow, s.payment, s.registration) == (
        "walk_in", "exponential", 0.0, "consult_only", "settle_at_end", "self_service")


def test_unknown_flow_word_names_the_key(tmp_path: Path) -> None:
    """A mistyped choice is bad input naming scenario.yaml and the key."""
    folder = tiny_copy(tmp_path, "{payment: later}")
    with pytest.raises(InputError) as info:
        load_scenario(folder)
    assert "simulation.payment" in str(info.value) and "settle_at_end" in str(info.value)


def test_stations_csv_overrides_servers_per_site(tmp_path: Path) -> None:
    """A blank site_id row applies everywhere; a site's own row wins; blank cells keep the settings."""
    folder = tiny_copy(tmp_path, "{registration: self_service}",
                       "station,site_id,servers,service_min,share,turnaround_min\n"
                       "cashier,,6,,,\n"
                       "lab,,2,4.0,0.5,30\n"
                       "self_service,,10,0.5,,\n")
    scenario = load_scenario(folder)
    site = next(iter(scenario.sites))
    (folder / "stations.csv").write_text(
        (folder / "stations.csv").read_text(encoding="utf-8") + f"cashier,{site},9,1.5,,\n", encoding="utf-8")
    flow = build_flow(scenario)
    stations = flow.sites[site]
    assert (stations.cashier.servers, stations.cashier.service_min) == (9, 1.5)
    assert (stations.lab.servers, stations.lab.service_min, stations.lab.share, stations.lab.turnaround_min) == (
        2, 4.0, 0.5, 30.0)
    assert (stations.registration.servers, stations.registration.service_min) == (10, 0.5)
    assert stations.pharmacy.servers == scenario.simulation.pharmacy_servers


@pytest.mark.parametrize(
    ("rows", "row", "column"),
    [
        ("counter,,3,,,\n", 2, "station"),
        ("cashier,NOWHERE,3,,,\n", 2, "site_id"),
        ("cashier,,-1,,,\n", 2, "servers"),
        ("lab,,2,abc,,\n", 2, "service_min"),
        ("lab,,2,3,1.5,\n", 2, "share"),
        ("cashier,,2,3,0.5,\n", 2, "share"),
        ("lab,,2,,,\nlab,,3,,,\n", 3, "site_id"),
    ],
)
def test_bad_stations_csv_names_file_row_and_column(tmp_path: Path, rows: str, row: int, column: str) -> None:
    """Bad stations.csv cells are InputErrors at their file, row and column."""
    folder = tiny_copy(tmp_path, "{replications: 2}", "station,site_id,servers,service_min,share,turnaround_min\n"
                       + rows)
    with pytest.raises(InputError) as info:
        build_flow(load_scenario(folder))
    error = info.value
    assert error.file.endswith("stations.csv") and error.row == row and error.column == column


def test_flow_kpis_in_results() -> None:
    """Time in hospital, waits per station and queue statistics per station are KPIs with intervals."""
    scenario, roster = busy_day()
    kpis = simulate(scenario, roster, replications=3, seed=2, workers=1).kpis
    for key in ("mean_time_in_hospital_min", "mean_total_wait_min", "mean_cashier_wait_min", "mean_lab_wait_min",
                "mean_return_wait_min", "payments_per_patient", "mean_queue_len_cashier", "max_queue_len_lab"):
        assert key in kpis and f"{key}_ci95" in kpis
    assert kpis["mean_time_in_hospital_min"] > kpis["mean_total_wait_min"] > kpis["mean_wait_min"] > 0
    assert kpis["mean_queues_per_patient"] > 3


def test_replications_reproducible_across_workers() -> None:
    """The full flow gives the same results on one or two workers."""
    scenario, roster = busy_day()
    assert_same_results(simulate(scenario, roster, replications=4, seed=8, workers=1),
                        simulate(scenario, roster, replications=4, seed=8, workers=2))


def test_dataclass_settings_roundtrip() -> None:
    """Defaults: booking arrivals, lognormal consultations, full flow, desk registration, pay each step."""
    s = SimulationSettings()
    assert (s.arrivals, s.consult_distribution, s.flow, s.registration, s.payment) == (
        "booking", "lognormal", "full", "desk", "pay_each_step")
    assert dataclasses.replace(s, flow="consult_only").flow == "consult_only"


def test_station_without_servers_is_bad_input(tmp_path: Path) -> None:
    """A station patients must visit with no server would hold them forever: an InputError naming the key."""
    folder = tiny_copy(tmp_path, "{lab_servers: 0}")
    with pytest.raises(InputError) as info:
        build_flow(load_scenario(folder))
    assert info.value.column == "simulation.lab_servers"
    assert build_flow(load_scenario(tiny_copy(tmp_path / "skip", "{lab_servers: 0, lab_share: 0}"))).full


#: Seeded full-flow KPIs of :func:`busy_day` (3 replications, seed 12), by payment mode.
FLOW_REGRESSION = {
    "pay_each_step": {"mean_time_in_hospital_min": 109.11547184534976, "mean_queues_per_patient": 5.0699757449757445,
                      "mean_cashier_wait_min": 0.6329204585093074, "overtime_min_per_session": 81.20727264304914},
    "settle_at_end": {"mean_time_in_hospital_min": 108.7237087689601, "mean_queues_per_patient": 4.75951720951721,
                      "mean_cashier_wait_min": 0.30225366857974695, "overtime_min_per_session": 79.51811750663829},
}


@pytest.mark.parametrize("mode", sorted(FLOW_REGRESSION))
def test_seeded_full_flow_regression(mode: str) -> None:
    """The full visit flow reproduces the committed KPI values (any change to the engine shows here)."""
    scenario, roster = busy_day(payment=mode)
    kpis = simulate(scenario, roster, replications=3, seed=12, workers=1).kpis
    for key, expected in FLOW_REGRESSION[mode].items():
        assert kpis[key] == pytest.approx(expected, abs=1e-9), key
