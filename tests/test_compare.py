"""Paired comparison of two simulations: differences, intervals and the headline."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest

from scheduler import commands
from scheduler.commands import run_compare
from scheduler.compare import compare_simulations, comparison_markdown, mean_ci95
from scheduler.scenario import load_scenario
from scheduler.sim import SimulationResult

TINY = Path(__file__).parent / "data" / "tiny"


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


def test_every_numeric_kpi_is_compared_contract_keys_first() -> None:
    """Extras the simulator reports (here seen_patients) follow the contract's keys."""
    a, b = fake_result([0.5, 0.6]), fake_result([0.6, 0.7])
    for result, seen in ((a, [80, 90]), (b, [85, 99])):
        result.per_replication["seen_patients"] = seen
    kpis = list(compare_simulations(a, b).table["kpi"])
    assert kpis == ["patients", "within_booking_window_share", "seen_patients"]


def test_lead_time_line_names_the_sooner_scenario() -> None:
    """B books 0.5 ± 0.0 days sooner: said in one line, also in the Markdown."""
    a, b = fake_result([0.5, 0.6, 0.7]), fake_result([0.5, 0.6, 0.7])
    a.per_replication["booking_lead_days_mean"] = [3.0, 3.2, 3.4]
    b.per_replication["booking_lead_days_mean"] = [2.5, 2.7, 2.9]
    result = compare_simulations(a, b)
    assert result.lead_time.startswith("Booking lead time: B books patients 0.50 ± 0.00 days sooner")
    assert result.lead_time in comparison_markdown(result)


def test_lead_time_line_uses_booking_over_weeks_when_both_report_it() -> None:
    """With the booking simulation over weeks on (``weeks_lead_days_mean`` reported), the line
    compares that lead time, not the one-week day simulator's, which here points the other way."""
    a, b = fake_result([0.5, 0.6, 0.7]), fake_result([0.5, 0.6, 0.7])
    a.per_replication["booking_lead_days_mean"] = [3.0, 3.2, 3.4]
    b.per_replication["booking_lead_days_mean"] = [2.5, 2.7, 2.9]
    a.per_replication["weeks_lead_days_mean"] = [6.0, 7.0, 8.0]
    b.per_replication["weeks_lead_days_mean"] = [7.5, 8.5, 9.5]
    result = compare_simulations(a, b)
    assert result.lead_time == (
        "Booking lead time (booking over weeks): A books patients 1.50 ± 0.00 days sooner on average "
        "(B - A = +1.50 days, 95% interval)."
    )
    assert result.lead_time in comparison_markdown(result)
    b.per_replication["weeks_lead_days_mean"] = [6.2, 6.8, 8.1]  # paired differences +0.2, -0.2, +0.1
    assert compare_simulations(a, b).lead_time.startswith(
        "Booking lead time (booking over weeks): no measurable difference (B - A = +0.03")


def test_lead_time_line_falls_back_to_the_day_simulator_when_one_side_has_no_weeks() -> None:
    """Only A ran the booking over weeks: the line compares the lead time both report."""
    a, b = fake_result([0.5, 0.6, 0.7]), fake_result([0.5, 0.6, 0.7])
    a.per_replication["booking_lead_days_mean"] = [3.0, 3.2, 3.4]
    b.per_replication["booking_lead_days_mean"] = [2.5, 2.7, 2.9]
    a.per_replication["weeks_lead_days_mean"] = [6.0, 7.0, 8.0]
    assert compare_simulations(a, b).lead_time.startswith("Booking lead time: B books patients 0.50")
    assert compare_simulations(fake_result([0.5]), fake_result([0.5])).lead_time == ""


def test_compare_uses_common_random_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """B differs from A only in its simulation seed, so the solver sees one problem: compare
    solves it once, simulates both with A's seed, and every paired difference is exactly zero."""
    other_seed = tmp_path / "other_seed"
    shutil.copytree(TINY, other_seed)
    yaml_path = other_seed / "scenario.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    assert "simulation: {replications: 5, seed: 1}" in text
    yaml_path.write_text(text.replace("simulation: {replications: 5, seed: 1}",
                                      "simulation: {replications: 5, seed: 99}"), encoding="utf-8")
    original, solves = commands.roster_scenario, []

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        solves.append(args[0].name)
        return original(*args, **kwargs)

    monkeypatch.setattr(commands, "roster_scenario", counted)
    run_a, run_b, result = run_compare(TINY, other_seed, tmp_path / "cmp", time_limit_s=2, replications=3)
    assert len(solves) == 1 and run_b.solve is run_a.solve
    assert (tmp_path / "cmp" / "b" / "roster.csv").read_bytes() == (tmp_path / "cmp" / "a" / "roster.csv").read_bytes()
    assert run_a.simulation.kpis["seed"] == run_b.simulation.kpis["seed"] == 1
    assert run_a.simulation.kpis["replications"] == run_b.simulation.kpis["replications"] == 3
    assert (result.table["b_minus_a"].abs() < 1e-12).all()
    assert result.headline.startswith("Neither scenario")
    # tiny books over weeks (the default): the lead-time line reads that simulation's lead time
    assert "weeks_lead_days_mean" in run_a.simulation.per_replication
    assert result.lead_time.startswith("Booking lead time (booking over weeks): no measurable difference")


def test_same_roster_inputs_only_for_variants_the_solver_does_not_read(tmp_path: Path) -> None:
    """A payment-mode variant keeps the roster; a different walk-in share or one more doctor
    changes what the solver sees."""
    base = load_scenario(TINY)
    settle = dataclasses.replace(base, name="settle", simulation=dataclasses.replace(
        base.simulation, payment="settle_at_end", seed=7))
    assert commands.same_roster_inputs(base, settle)
    walk_ins = dataclasses.replace(base, simulation=dataclasses.replace(
        base.simulation, walk_in_share=base.simulation.walk_in_share + 0.1))
    assert not commands.same_roster_inputs(base, walk_ins)
    fewer_doctors = dataclasses.replace(base, doctors=base.doctors[:-1])
    assert not commands.same_roster_inputs(base, fewer_doctors)
