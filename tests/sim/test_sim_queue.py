"""Queue mechanics of the simulated day against hand computations and recursions."""

from __future__ import annotations

import dataclasses
import heapq

import numpy as np
import pandas as pd
import pytest
from sim_factories import AM, MONDAY, assignment, basic_flow, doctor, make_scenario, one_doctor_case

from scheduler.model import DemandForecast, Roster, SessionTemplate, SimulationSettings
from scheduler.sim import Models, default_models, simulate
from scheduler.sim.disciplines import booked_first, walk_ins_first
from scheduler.sim.distributions import (
    ConstantRatio,
    FixedPunctuality,
    FlatNoShow,
    UniformWalkIn,
)

NO_WALK_INS = basic_flow(walk_in_share=0.0, no_show_rate=0.0)


def deterministic(consult_ratio: float) -> Models:
    """On-time patients, no no-shows, instant registration and payment, fixed consults."""
    return Models(
        no_show=FlatNoShow(0.0),
        punctuality=FixedPunctuality(0.0),
        walk_in_arrival=UniformWalkIn(),
        consult_time=ConstantRatio(consult_ratio),
        registration_time=ConstantRatio(0.0),
        payment_time=ConstantRatio(0.0),
    )


def test_hand_computed_waits_one_doctor() -> None:
    """Five on-time patients every 12 min, 15-min consults: waits 0, 3, 6, 9, 12 min."""
    hour = SessionTemplate("AM", 8 * 60, 9 * 60, evening=False)
    doc = doctor("D1")
    scenario = make_scenario(
        demand=(DemandForecast(MONDAY, "MAIN", "MED", 5),), doctors=(doc,), simulation=NO_WALK_INS
    )
    roster = Roster((assignment(scenario, doc, MONDAY, hour, slots=5, open_slots=5),))
    result = simulate(scenario, roster, replications=1, seed=3, workers=1,
                      models=deterministic(1.25))
    visits = result.visits.sort_values("appointment_min")
    assert visits["appointment_min"].tolist() == [480, 492, 504, 516, 528]
    assert visits["consult_start_min"].tolist() == [480, 495, 510, 525, 540]
    assert visits["wait_min"].tolist() == pytest.approx([0, 3, 6, 9, 12])
    k = result.kpis
    assert k["mean_wait_min"] == pytest.approx(6.0)
    assert k["p90_wait_min"] == pytest.approx(10.8)
    assert k["max_queue_len"] == 1
    assert k["overtime_min_per_session"] == pytest.approx(15.0)
    assert k["doctor_utilisation"] == pytest.approx(75 / 60)
    assert k["mean_queues_per_patient"] == 3.0


def lindley_starts(join: np.ndarray, service: np.ndarray, open_min: float, servers: int):
    """FIFO c-server consultation starts (Lindley / Kiefer-Wolfowitz) from queue joins."""
    free = [open_min] * servers
    starts = []
    for t, s in zip(join, service, strict=True):
        earliest = heapq.heappop(free)
        start = max(t, earliest)
        starts.append(start)
        heapq.heappush(free, start + s)
    return np.array(starts)


def test_one_doctor_matches_lindley_recursion() -> None:
    """With random arrivals and consults, one doctor's starts follow W' = max(0, W + S - A)."""
    scenario, roster = one_doctor_case(20, simulation=NO_WALK_INS)
    result = simulate(scenario, roster, replications=3, seed=11, workers=1)
    for _, visits in result.visits.groupby("replication"):
        v = visits.sort_values(["queue_join_min", "patient_id"])
        consult = (v["consult_end_min"] - v["consult_start_min"]).to_numpy()
        expected = lindley_starts(v["queue_join_min"].to_numpy(), consult, AM.start_min, 1)
        assert v["consult_start_min"].to_numpy() == pytest.approx(expected, abs=1e-9)


def test_walk_ins_shared_by_doctors_follow_multi_server_fifo() -> None:
    """Walk-ins only, two doctors of a department: starts follow the FIFO 2-server recursion."""
    docs = (doctor("D1"), doctor("D2"))
    settings = basic_flow(walk_in_share=1.0, no_show_rate=0.0)
    scenario = make_scenario(
        demand=(DemandForecast(MONDAY, "MAIN", "MED", 36),), doctors=docs, simulation=settings
    )
    roster = Roster(tuple(assignment(scenario, d, MONDAY, room=k) for k, d in enumerate(docs)))
    result = simulate(scenario, roster, replications=2, seed=5, workers=1)
    for _, visits in result.visits.groupby("replication"):
        v = visits[visits["status"] == "seen"].sort_values(["queue_join_min", "patient_id"])
        assert len(v) == 36
        consult = (v["consult_end_min"] - v["consult_start_min"]).to_numpy()
        expected = lindley_starts(v["queue_join_min"].to_numpy(), consult, AM.start_min, 2)
        assert v["consult_start_min"].to_numpy() == pytest.approx(expected, abs=1e-9)
        assert set(v["doctor_id"]) == {"D1", "D2"}


@pytest.mark.parametrize(
    ("discipline", "first", "second"),
    [(booked_first, "booked", "walk_in"), (walk_ins_first, "walk_in", "booked")],
)
def test_queue_discipline_decides_who_goes_first(discipline, first, second) -> None:
    """Nobody of the second channel is seen while one of the priority channel waits."""
    scenario, roster = one_doctor_case(20, simulation=basic_flow(no_show_rate=0.0))
    models = dataclasses.replace(
        default_models(scenario.simulation), queue_discipline=discipline
    )
    result = simulate(scenario, roster, replications=4, seed=2, workers=1, models=models)
    v = result.visits[result.visits["status"] == "seen"]
    for _, rep in v.groupby("replication"):
        priority = rep[rep["channel"] == first]
        other = rep[rep["channel"] == second]
        assert len(priority) and len(other)
        for _, o in other.iterrows():
            jumped = priority[
                (priority["queue_join_min"] <= o["consult_start_min"])
                & (priority["consult_start_min"] > o["consult_start_min"])
            ]
            assert jumped.empty


def test_everyone_who_comes_is_seen_and_pays() -> None:
    """Every showing or admitted patient has registration, consultation and payment times."""
    scenario, roster = one_doctor_case(25)
    result = simulate(scenario, roster, replications=3, seed=4, workers=1)
    v = result.visits
    came = v[v["status"] == "seen"]
    unserved = v["status"].isin(["no_slot", "turned_away"]).sum()
    assert len(came) == len(v) - v["no_show"].sum() - unserved
    steps = ["registration_start_min", "consult_start_min", "payment_end_min"]
    assert came[steps].notna().all().all()
    assert (came["queues"] == 3).all()
    not_came = v[v["status"] != "seen"]
    assert not_came["consult_start_min"].isna().all()
    assert set(v["status"]) <= {"seen", "no_show", "no_slot", "turned_away"}


def test_default_models_are_the_calibrated_ones() -> None:
    """Default consultation times keep the clinic mean and the Hangu coefficient of variation."""
    models = default_models(SimulationSettings())
    ratio = models.consult_time(200_000, np.random.default_rng(0))
    assert ratio.mean() == pytest.approx(1.0, abs=0.01)
    assert ratio.std() == pytest.approx(6.2 / 13.4, abs=0.01)
    offsets = models.punctuality(200_000, np.random.default_rng(1))
    assert offsets.mean() == pytest.approx(-10.0, abs=0.2)
    assert pd.Series(offsets).std() == pytest.approx(15.0, abs=0.2)
    early = models.walk_in_arrival(200_000, np.random.default_rng(2))
    assert (early < 0.5).mean() == pytest.approx(0.75, abs=0.01)
    override = default_models(SimulationSettings(no_show_rate=0.1, punctuality_early_mean_min=0))
    assert override.no_show(np.array([0, 40])).tolist() == [0.1, 0.1]
    assert override.punctuality(100_000, np.random.default_rng(1)).mean() == pytest.approx(
        0.0, abs=0.2
    )
