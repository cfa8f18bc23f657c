"""KPI keys and confidence intervals (CONTRACT.md kpis.json), output files, seeded regression."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sim_factories import one_doctor_case

from scheduler.sim import CONTRACT_KEYS, simulate, write_simulation
from scheduler.sim.kpis import ci95_half_width, summarise


def test_every_contract_key_and_its_ci_is_a_number() -> None:
    """kpis carries every contract key and ``<key>_ci95`` as finite numbers, plus reps and seed."""
    scenario, roster = one_doctor_case(24)
    result = simulate(scenario, roster, replications=3, seed=2, workers=1)
    for key in CONTRACT_KEYS:
        assert math.isfinite(result.kpis[key]), key
        assert math.isfinite(result.kpis[f"{key}_ci95"]), key
    assert result.kpis["replications"] == 3
    assert result.kpis["seed"] == 2
    assert result.kpis["patients"] == 24
    assert len(result.per_replication) == 3
    assert result.per_replication["replication"].tolist() == [0, 1, 2]


def test_defaults_come_from_the_scenario_settings() -> None:
    """Without arguments, replications and seed are the scenario's simulation settings."""
    scenario, roster = one_doctor_case(10)
    result = simulate(scenario, roster, workers=1)
    assert result.kpis["replications"] == scenario.simulation.replications
    assert result.kpis["seed"] == scenario.simulation.seed


def test_ci_is_zero_with_one_replication() -> None:
    """A single replication has every ``_ci95`` equal to 0."""
    scenario, roster = one_doctor_case(20)
    result = simulate(scenario, roster, replications=1, seed=1, workers=1)
    assert all(v == 0 for k, v in result.kpis.items() if k.endswith("_ci95"))


def test_ci_half_width_is_student_t() -> None:
    """The half-width equals scipy's t interval half-width around the mean."""
    values = [3.0, 5.5, 4.0, 7.25, 6.0]
    low, high = stats.t.interval(0.95, len(values) - 1, loc=np.mean(values),
                                 scale=stats.sem(values))
    assert ci95_half_width(values) == pytest.approx((high - low) / 2)
    assert ci95_half_width([2.0, 2.0, 2.0]) == 0.0
    summary = summarise([{"x": 1.0}, {"x": 3.0}])
    assert summary["x"] == 2.0
    assert summary["x_ci95"] == pytest.approx(stats.t.ppf(0.975, 1) * 1.0)


def test_write_simulation_files(tmp_path) -> None:
    """kpis.json has sorted keys and rounded numbers; visits.csv one row per patient and rep."""
    scenario, roster = one_doctor_case(15)
    result = simulate(scenario, roster, replications=2, seed=1, workers=1)
    write_simulation(result, tmp_path / "out")
    text = (tmp_path / "out" / "kpis.json").read_text(encoding="utf-8")
    kpis = json.loads(text)
    assert list(kpis) == sorted(kpis)
    assert kpis["replications"] == 2 and isinstance(kpis["replications"], int)
    assert kpis["mean_wait_min"] == round(result.kpis["mean_wait_min"], 4)
    visits = pd.read_csv(tmp_path / "out" / "visits.csv")
    assert len(visits) == 30
    assert {"replication", "patient_id", "channel", "wait_min", "lead_days"} <= set(visits)


#: Seeded regression values: one doctor, 22 patients, default models, 5 replications, seed 42.
#: Recompute only when the model changes on purpose, and say why in the commit.
REGRESSION = {
    "mean_wait_min": 34.30426341402533,
    "p90_wait_min": 75.8678741509778,
    "max_queue_len": 3.6,
    "doctor_utilisation": 0.9945895301137506,
    "overtime_min_per_session": 16.82690388168435,
    "booking_lead_days_mean": 0.0,
    "within_booking_window_share": 0.909090909090909,
    "unserved_patients": 2.0,
    "no_shows": 0.4,
    "seen_patients": 19.6,
    "mean_wait_min_ci95": 26.875632577599955,
}


def test_seeded_regression_values() -> None:
    """A small seeded scenario reproduces the committed KPI values."""
    scenario, roster = one_doctor_case(22)
    result = simulate(scenario, roster, replications=5, seed=42, workers=1)
    for key, expected in REGRESSION.items():
        assert result.kpis[key] == pytest.approx(expected, abs=1e-6), key


def test_week_scale_accounting() -> None:
    """On a 60-doctor, 2-site week every demand patient is seen, a no-show or unserved."""
    from sim_factories import big_week

    scenario, roster = big_week()
    result = simulate(scenario, roster, replications=2, seed=1, workers=2)
    k = result.kpis
    assert 7_000 <= k["patients"] <= 9_000
    assert k["seen_patients"] + k["no_shows"] + k["unserved_patients"] == k["patients"]
    assert 0.5 < k["doctor_utilisation"] < 1.2
    assert k["mean_queues_per_patient"] == 3.0
    assert 0 < k["within_booking_window_share"] <= 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"replications": 0}, "replications must be at least 1, got 0"),
    ({"seed": -1}, "seed must be a non-negative integer, got -1"),
])
def test_invalid_arguments_are_rejected(kwargs, message) -> None:
    """Zero replications or a negative seed raise ValueError naming the argument and value."""
    scenario, roster = one_doctor_case(5)
    with pytest.raises(ValueError, match=message):
        simulate(scenario, roster, workers=1, **kwargs)
