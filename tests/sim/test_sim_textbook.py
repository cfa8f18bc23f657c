"""Textbook mode against theory and an independent simulator: Lindley, Erlang C, ciw.

The long validation runs (Erlang C within 2%, larger ciw samples) are in
``benchmarks/sim_validation.py``; these tests use moderate sizes and
confidence-interval tolerances, with fixed seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from benchmarks.sim_cases import ciw_session_waits
from scheduler.sim import simulate
from scheduler.sim.kpis import ci95_half_width
from scheduler.sim.textbook import (
    case_arrival_rate,
    erlang_c_probability,
    erlang_c_wait_min,
    lindley_waits,
    textbook_case,
)


def test_erlang_c_textbook_values() -> None:
    """Erlang C matches hand values: M/M/1 Wq = rho/(mu - lambda); M/M/2 at a = 1: P(wait) = 1/3."""
    assert erlang_c_wait_min(0.05, 12.0, 1) == pytest.approx(0.6 * 12 / 0.4)
    assert erlang_c_probability(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c_wait_min(1 / 12, 12.0, 2) == pytest.approx(1 / 3 * 12 / 1)
    assert math.isinf(erlang_c_wait_min(0.5, 12.0, 3))


def test_lindley_recursion_by_hand() -> None:
    """Arrivals 0, 1, 10 with services 5, 5, 1: waits 0, 4, 0 (server open from 0)."""
    assert lindley_waits([0.0, 1.0, 10.0], [5.0, 5.0, 1.0]) == [0.0, 4.0, 0.0]
    assert lindley_waits([2.0], [1.0], open_min=5.0) == [3.0]


@pytest.mark.parametrize("distribution", ["exponential", "lognormal", "fixed"])
def test_one_doctor_equals_lindley_recursion_exactly(distribution: str) -> None:
    """One doctor: every simulated wait equals Lindley's recursion on the same arrivals and services."""
    scenario, roster = textbook_case(1, 0.9, 12.0, 480, distribution=distribution)
    result = simulate(scenario, roster, replications=4, seed=11, workers=1)
    visits = result.visits
    assert (visits["status"] == "seen").all()
    assert len(visits) > 100
    for _, rep in visits.groupby("replication"):
        rep = rep.sort_values(["arrival_min", "patient_id"])
        expected = lindley_waits(rep["arrival_min"].tolist(), rep["consult_min"].tolist())
        assert rep["wait_min"].to_numpy() == pytest.approx(expected, abs=1e-9)
    if distribution == "fixed":
        assert np.allclose(visits["consult_min"], 12.0)


def test_textbook_arrivals_are_a_poisson_process_while_open() -> None:
    """Walk-in counts average ``patients`` per session, arrive inside it, one queue each, nobody lost."""
    scenario, roster = textbook_case(3, 0.9, 12.0, 240)
    result = simulate(scenario, roster, replications=200, seed=5, workers=1)
    counts = result.per_replication["patients"].to_numpy()
    expected = case_arrival_rate(scenario) * 240
    assert abs(counts.mean() - expected) < 4 * math.sqrt(expected / len(counts))
    assert counts.var(ddof=1) == pytest.approx(expected, rel=0.3)  # Poisson: variance = mean
    v = result.visits
    assert v["arrival_min"].between(0, 240).all()
    assert (v["status"] == "seen").all() and (v["queues"] == 1).all() and not v["no_show"].any()
    # arrival times uniform over the session given the count (Kolmogorov-Smirnov)
    assert stats.kstest(v["arrival_min"] / 240, "uniform").pvalue > 0.001


def test_long_session_mean_wait_agrees_with_erlang_c() -> None:
    """M/M/2 at 70% load over 23 h: Erlang C lies inside the 99% interval of the mean wait."""
    consult_min, servers = 0.2, 2
    scenario, roster = textbook_case(servers, 0.7, consult_min, 1380)
    result = simulate(scenario, roster, replications=12, seed=3, workers=1)
    v = result.visits
    steady = v[v["arrival_min"] >= 138]  # the first 10% of the session is warm-up
    per_rep = steady.groupby("replication")["wait_min"].mean().to_numpy()
    theory = erlang_c_wait_min(case_arrival_rate(scenario), consult_min, servers)
    half = stats.t.ppf(0.995, len(per_rep) - 1) * per_rep.std(ddof=1) / math.sqrt(len(per_rep))
    assert abs(per_rep.mean() - theory) <= half
    assert half / theory < 0.1  # the check has teeth: the interval is narrow


@pytest.mark.parametrize("session_min", [240, 480])
def test_transient_session_agrees_with_ciw(session_min: int) -> None:
    """M/M/3 at 90% load over 4 h and 8 h: mean waits of this simulator and ciw overlap at 95%."""
    scenario, roster = textbook_case(3, 0.9, 12.0, session_min)
    ours = simulate(scenario, roster, replications=300, seed=7, workers=1).per_replication
    ours = ours.loc[ours["seen_patients"] > 0, "mean_wait_min"].to_numpy()
    pytest.importorskip("ciw")
    theirs = ciw_session_waits(3, case_arrival_rate(scenario), 12.0, session_min, 300, seed=7)
    gap = abs(ours.mean() - theirs.mean())
    assert gap <= ci95_half_width(ours) + ci95_half_width(theirs)
