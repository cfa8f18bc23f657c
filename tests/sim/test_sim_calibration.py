"""Calibration constants: consistent with each other, and recomputable from the shared data."""

from __future__ import annotations

import math

import pytest
from sim_factories import DATA_DIR

from scheduler.sim import calibration

APPOINTMENTS = DATA_DIR / "appointments" / "KaggleV2-May-2016.csv"
HANGU = DATA_DIR / "hangu" / "Data.csv"


def test_constants_are_consistent() -> None:
    """Buckets start at 0 and increase, rates are probabilities rising with lead time."""
    edges, rates = calibration.NO_SHOW_LEAD_EDGES_DAYS, calibration.NO_SHOW_RATES
    assert edges[0] == 0 and list(edges) == sorted(set(edges))
    assert len(rates) == len(edges)
    assert all(0 <= r <= 1 for r in rates) and list(rates) == sorted(rates)
    implied_cv = math.sqrt(math.exp(calibration.CONSULT_LOG_SIGMA**2) - 1)
    assert implied_cv == pytest.approx(calibration.CONSULT_CV)


@pytest.mark.data
@pytest.mark.skipif(not APPOINTMENTS.exists(), reason=f"shared data absent: {APPOINTMENTS}")
def test_no_show_rates_recompute_from_appointment_log() -> None:
    """The stored no-show rates per lead bucket match the Kaggle appointment log."""
    from benchmarks.calibrate import no_show_by_lead_time

    fit = no_show_by_lead_time(APPOINTMENTS)
    assert fit.rates == pytest.approx(calibration.NO_SHOW_RATES, abs=5e-4)
    assert fit.overall_rate == pytest.approx(0.202, abs=1e-3)


@pytest.mark.data
@pytest.mark.skipif(not HANGU.exists(), reason=f"shared data absent: {HANGU}")
def test_consultation_lognormal_recomputes_from_hangu_data() -> None:
    """The stored lognormal sigma and mean match the Hangu consultation times."""
    from benchmarks.calibrate import consultation_lognormal

    fit = consultation_lognormal(HANGU)
    assert fit.log_sigma == pytest.approx(calibration.CONSULT_LOG_SIGMA, abs=5e-4)
    assert fit.log_mu == pytest.approx(calibration.CONSULT_LOG_MU, abs=5e-4)
    assert fit.mean_min == pytest.approx(13.4, abs=0.05)
