"""Reproducibility: seeds, worker counts and common random numbers across scenarios."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from sim_factories import MONDAY, PM, assert_same_results, assignment, doctor, make_scenario

from scheduler.model import DemandForecast, Department, Roster
from scheduler.sim import default_models, simulate
from scheduler.sim.patients import draw_patients
from scheduler.sim.plan import build_plan


def mixed_case():
    """Two departments, an expert and two general doctors over two days, mixed demand."""
    docs = (doctor("G1"), doctor("G2", "SUR"), doctor("E1", title="chief"))
    departments = {"MED": Department("MED", 12.0, 20.0, None),
                   "SUR": Department("SUR", 15.0, 25.0, None)}
    tuesday = MONDAY + dt.timedelta(days=1)
    demand = (
        DemandForecast(MONDAY, "MAIN", "MED", 30, expert_share=0.3),
        DemandForecast(MONDAY, "MAIN", "SUR", 14),
        DemandForecast(tuesday, "MAIN", "MED", 20, session_id="PM"),
    )
    scenario = make_scenario(demand=demand, doctors=docs, departments=departments, days=2)
    rows = []
    for day in (MONDAY, tuesday):
        for k, d in enumerate(docs):
            rows.append(assignment(scenario, d, day, room=k))
            rows.append(assignment(scenario, d, day, PM, room=k))
    return scenario, Roster(tuple(rows))


def test_same_seed_same_results() -> None:
    """The same scenario, roster and seed give identical KPIs, per-replication rows, visits and queues."""
    scenario, roster = mixed_case()
    assert_same_results(simulate(scenario, roster, replications=4, seed=9, workers=1),
                        simulate(scenario, roster, replications=4, seed=9, workers=1))


def test_different_seed_different_results() -> None:
    """Another seed gives other random numbers and other KPIs."""
    scenario, roster = mixed_case()
    a = simulate(scenario, roster, replications=4, seed=9, workers=1)
    b = simulate(scenario, roster, replications=4, seed=10, workers=1)
    assert a.kpis["mean_wait_min"] != b.kpis["mean_wait_min"]


def test_replications_differ_from_each_other() -> None:
    """Each replication draws its own patients."""
    scenario, roster = mixed_case()
    result = simulate(scenario, roster, replications=3, seed=1, workers=1)
    assert result.per_replication["mean_wait_min"].nunique() == 3


def test_one_worker_and_two_workers_agree() -> None:
    """workers=1 and workers=2 give identical KPIs, per-replication rows, visits and queues."""
    scenario, roster = mixed_case()
    assert_same_results(simulate(scenario, roster, replications=5, seed=3, workers=1),
                        simulate(scenario, roster, replications=5, seed=3, workers=2))


def test_same_demand_gives_same_patient_draws_whatever_the_roster() -> None:
    """Common random numbers: patients' draws depend on seed, replication and demand only."""
    scenario, roster = mixed_case()
    smaller = Roster(roster.assignments[:3])
    models = default_models(scenario.simulation)
    a = draw_patients(build_plan(scenario, roster), models, seed=5, replication=2)
    b = draw_patients(build_plan(scenario, smaller), models, seed=5, replication=2)
    for field in dataclasses.fields(a):
        np.testing.assert_array_equal(getattr(a, field.name), getattr(b, field.name))
    ra = simulate(scenario, roster, replications=2, seed=5, workers=1).visits
    rb = simulate(scenario, smaller, replications=2, seed=5, workers=1).visits
    for column in ("patient_id", "channel", "needs_expert", "demand_date"):
        assert ra[column].tolist() == rb[column].tolist()


def test_demand_row_draws_do_not_depend_on_row_order() -> None:
    """A demand row keeps its random numbers when other rows are added or reordered."""
    scenario, roster = mixed_case()
    reordered = dataclasses.replace(scenario, demand=tuple(reversed(scenario.demand)))
    models = default_models(scenario.simulation)
    a = draw_patients(build_plan(scenario, roster), models, seed=1, replication=0)
    b = draw_patients(build_plan(reordered, roster), models, seed=1, replication=0)
    first_rows = scenario.demand[0].patients
    last_rows = reordered.demand[-1].patients
    np.testing.assert_array_equal(a.consult_ratio[:first_rows], b.consult_ratio[-last_rows:])


def test_results_do_not_depend_on_the_block_size(monkeypatch) -> None:  # noqa: ANN001 (pytest fixture)
    """KPIs, per-replication rows, visits and queue series are the same whether replications are
    reduced one at a time or all in one block."""
    from scheduler.sim import runner

    scenario, roster = mixed_case()
    together = simulate(scenario, roster, replications=4, seed=8, workers=1)
    monkeypatch.setattr(runner, "BLOCK_PATIENTS", 1)
    alone = simulate(scenario, roster, replications=4, seed=8, workers=1)
    assert_same_results(together, alone)


def test_block_kpis_match_the_visit_records() -> None:
    """Each replication's KPIs of a block agree with its own visit rows: counts and extremes exactly,
    the 90th percentile as np.percentile, means to rounding."""
    scenario, roster = mixed_case()
    result = simulate(scenario, roster, replications=4, seed=8, workers=1)
    for rep, visits in result.visits.groupby("replication"):
        kpis = result.per_replication.set_index("replication").loc[rep]
        seen = visits[visits["status"] == "seen"]
        assert len(seen) > 10
        assert kpis["seen_patients"] == len(seen)
        assert kpis["patients"] == len(visits)
        assert kpis["no_shows"] == visits["no_show"].sum()
        assert kpis["max_wait_min"] == seen["wait_min"].max()
        assert kpis["p90_wait_min"] == np.percentile(seen["wait_min"].to_numpy(), 90)
        assert kpis["mean_wait_min"] == pytest.approx(seen["wait_min"].mean(), rel=1e-12)
        booked = visits[visits["channel"] == "booked"]["lead_days"].dropna()
        assert kpis["booking_lead_days_p90"] == np.percentile(booked.to_numpy(), 90)
