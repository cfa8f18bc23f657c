"""Targets report: each target against its KPI with a verdict from the 95% interval."""

from __future__ import annotations

import json
from pathlib import Path

import builders
import pytest

from scheduler.model import Department
from scheduler.targets import (
    MET,
    NO_CASES,
    NOT_MEASURED,
    NOT_MET,
    UNCERTAIN,
    check_targets,
    targets_text,
    verdict,
    write_targets,
)


@pytest.mark.parametrize(
    ("goal", "measured", "ci95", "higher", "expected"),
    [
        (0.6, 0.70, 0.05, True, MET),
        (0.6, 0.62, 0.05, True, UNCERTAIN),
        (0.6, 0.50, 0.05, True, NOT_MET),
        (0.6, 0.60, 0.00, True, MET),
        (30.0, 25.0, 2.0, False, MET),
        (30.0, 29.0, 2.0, False, UNCERTAIN),
        (30.0, 33.0, 2.0, False, NOT_MET),
    ],
)
def test_verdict_from_the_interval(goal: float, measured: float, ci95: float, higher: bool, expected: str) -> None:
    """Met only when the whole interval is on the right side; not met when wholly on the wrong side."""
    assert verdict(goal, measured, ci95, higher) == expected


def scenario_with_dental():  # noqa: ANN201
    departments = builders.default_departments()
    departments["DENT"] = Department("DENT", 20.0, 25.0, 0.8)
    return builders.make_scenario(departments=departments)


def test_every_target_is_checked_against_its_kpi() -> None:
    """Open shares, per-department follow-up rates (department override), window share and waits."""
    scenario = scenario_with_dental()
    kpis = {
        "weeks_within_window_share": 0.95, "weeks_within_window_share_ci95": 0.01,
        "within_booking_window_share": 0.5,
        "general_open_share": 1.0, "general_slots": 100.0,
        "expert_open_share": 0.45, "expert_slots": 50.0,
        "followup_booking_rate_DENT": 0.75, "followup_booking_rate_DENT_ci95": 0.02, "followup_needed_DENT": 40.0,
        "mean_wait_min": 20.0, "mean_wait_min_ci95": 1.0,
    }
    for dept in scenario.departments:
        if dept != "DENT":
            kpis[f"followup_booking_rate_{dept}"] = 0.0
            kpis[f"followup_needed_{dept}"] = 0.0
    checks = {(c.target, c.subject): c for c in check_targets(scenario, kpis)}
    window = checks[("booking_window_share", "seen within 7 days")]
    assert (window.kpi, window.measured, window.verdict) == ("weeks_within_window_share", 0.95, MET)
    assert checks[("general_booking_open_share", "general clinics")].verdict == MET
    assert checks[("expert_booking_open_share", "expert clinics")].verdict == NOT_MET
    dental = checks[("followup_booking_rate", "DENT")]
    assert (dental.goal, dental.verdict) == (0.8, NOT_MET)
    others = [c for (t, s), c in checks.items() if t == "followup_booking_rate" and s != "DENT"]
    assert others and all(c.verdict == NO_CASES and c.goal == 0.6 for c in others)
    assert checks[("mean_wait_min", "all")].verdict == MET
    assert checks[("p90_wait_min", "all")].verdict == NOT_MEASURED
    text = targets_text(list(checks.values()))
    assert "not met" in text and "75.0% ± 2.0%" in text


def test_window_share_falls_back_to_the_day_simulation() -> None:
    """Without the rolling booking KPIs the one-week simulation's window share is used."""
    checks = check_targets(builders.make_scenario(), {"within_booking_window_share": 0.95})
    assert checks[0].kpi == "within_booking_window_share" and checks[0].verdict == MET


def test_written_files(tmp_path: Path) -> None:
    """targets.json and targets.csv hold one entry per check."""
    checks = check_targets(builders.make_scenario(), {"mean_wait_min": 10.0})
    write_targets(checks, tmp_path)
    rows = json.loads((tmp_path / "targets.json").read_text(encoding="utf-8"))
    assert len(rows) == len(checks) and rows[-2]["verdict"] == MET
    assert (tmp_path / "targets.csv").read_text(encoding="utf-8").count("\n") == len(checks) + 1


def test_simulate_prints_and_writes_the_targets(tmp_path: Path) -> None:
    """``simulate`` shows the booking summary and every target's verdict; targets.json lists them."""
    from click.testing import CliRunner

    from cli import main
    from scheduler.model import Roster
    from scheduler.roster_io import write_roster
    from scheduler.scenario import load_scenario

    tiny = Path(__file__).parent / "data" / "tiny"
    scenario = load_scenario(tiny)
    rows = [builders.make_assignment(scenario, doctor, builders.day(k), session)
            for k in range(5) for doctor, session in (("D01", "AM"), ("D02", "PM"), ("D04", "AM"))]
    write_roster(Roster(tuple(rows)), tmp_path / "roster.csv")
    result = CliRunner().invoke(main, ["simulate", str(tiny), "--roster", str(tmp_path / "roster.csv"),
                                       "--out", str(tmp_path), "--replications", "2", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "Booking over weeks" in result.output and "Targets" in result.output
    assert (tmp_path / "slot_plan.csv").is_file()
    rows = json.loads((tmp_path / "targets.json").read_text(encoding="utf-8"))
    assert {r["target"] for r in rows} >= {"booking_window_share", "expert_booking_open_share", "followup_booking_rate"}
    assert all(r["verdict"] in (MET, NOT_MET, UNCERTAIN, NO_CASES, NOT_MEASURED) for r in rows)
