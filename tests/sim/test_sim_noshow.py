"""No-show behaviour: lead-time calibrated buckets, flat override, and the step function."""

from __future__ import annotations

import numpy as np
import pytest
from sim_factories import basic_flow, one_doctor_case

from scheduler.sim import simulate
from scheduler.sim.calibration import NO_SHOW_LEAD_EDGES_DAYS, NO_SHOW_RATES
from scheduler.sim.distributions import LeadTimeNoShow


def test_lead_time_buckets_map_to_calibrated_rates() -> None:
    """Lead times 0, 1-2, 3-7, 8-14, 15-30 and 31+ days get their bucket's rate."""
    model = LeadTimeNoShow()
    leads = np.array([0, 1, 2, 3, 7, 8, 14, 15, 30, 31, 400])
    expected = [0.0465, 0.2274, 0.2274, 0.2498, 0.2498, 0.3047, 0.3047,
                0.3259, 0.3259, 0.3300, 0.3300]
    assert model(leads).tolist() == pytest.approx(expected)


def test_no_show_rates_by_lead_bucket_on_a_big_sample() -> None:
    """Simulated no-shows per lead bucket match the calibrated rates within 4 standard errors."""
    settings = basic_flow(walk_in_share=0.0, booked_days_ahead_max=60)
    scenario, roster = one_doctor_case(900, simulation=settings, days=45)
    result = simulate(scenario, roster, replications=20, seed=7, workers=1)
    booked = result.visits[result.visits["channel"] == "booked"]
    assert booked["lead_days"].max() >= 40
    bucket = np.searchsorted(NO_SHOW_LEAD_EDGES_DAYS, booked["lead_days"], side="right") - 1
    for index, rate in enumerate(NO_SHOW_RATES):
        sample = booked["no_show"][bucket == index]
        assert len(sample) >= 400
        se = np.sqrt(rate * (1 - rate) / len(sample))
        assert abs(sample.mean() - rate) < 4 * se, (index, sample.mean(), rate)


def test_flat_no_show_rate_overrides_lead_time_curve() -> None:
    """simulation.no_show_rate = 0.5 makes half of booked patients no-shows, whatever the lead."""
    settings = basic_flow(walk_in_share=0.0, no_show_rate=0.5, booked_days_ahead_max=60)
    scenario, roster = one_doctor_case(200, simulation=settings, days=10)
    result = simulate(scenario, roster, replications=10, seed=2, workers=1)
    booked = result.visits[result.visits["status"].isin(["seen", "no_show"])]
    assert booked["no_show"].mean() == pytest.approx(0.5, abs=4 * np.sqrt(0.25 / len(booked)))
    assert result.kpis["no_show_rate"] == pytest.approx(booked["no_show"].mean())
