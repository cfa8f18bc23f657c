"""Paired comparison of two simulations: differences, intervals and the headline."""

from __future__ import annotations

import pandas as pd
import pytest

from scheduler.compare import compare_simulations, mean_ci95
from scheduler.sim import SimulationResult


def fake_result(within_share: list[float], patients: int = 100) -> SimulationResult:
    """A simulation result whose replications differ only in the within-window share."""
    frame = pd.DataFrame({
        "replication": range(len(within_share)),
        "patients": [patients] * len(within_share),
        "within_booking_window_share": within_share,
    })
    return SimulationResult(kpis={}, per_replication=frame, visits=pd.DataFrame())


def test_paired_difference_and_interval() -> None:
    """B - A is taken replication by replication; its interval comes from the paired spread."""
    a = fake_result([0.50, 0.60, 0.70])
    b = fake_result([0.55, 0.66, 0.74])  # paired differences 0.05, 0.06, 0.04
    row = compare_simulations(a, b).table.set_index("kpi").loc["within_booking_window_share"]
    assert row["b_minus_a"] == pytest.approx(0.05)
    assert row["b_minus_a_ci95"] == pytest.approx(4.302653 * 0.01 / 3**0.5, rel=1e-5)
    assert row["a_ci95"] > row["b_minus_a_ci95"]  # pairing removes the common variation


def test_headline_names_the_better_scenario() -> None:
    """The headline says which scenario serves more inside the window, in patients."""
    a, b = fake_result([0.50, 0.60, 0.70]), fake_result([0.55, 0.66, 0.74])
    assert compare_simulations(a, b).headline.startswith("B serves 5.0 ± 2.5 more patients")
    assert compare_simulations(b, a).headline.startswith("A serves 5.0 ± 2.5 more patients")


def test_headline_when_the_difference_is_within_noise() -> None:
    """An interval that contains zero gives 'Neither'."""
    a, b = fake_result([0.50, 0.60, 0.70]), fake_result([0.52, 0.58, 0.71])
    assert compare_simulations(a, b).headline.startswith("Neither scenario")


def test_mean_ci95_of_one_and_no_values() -> None:
    """One value has a zero half-width; no values give NaN."""
    assert mean_ci95(pd.Series([3.0])) == (3.0, 0.0)
    mean, half = mean_ci95(pd.Series([], dtype=float))
    assert mean != mean and half != half
