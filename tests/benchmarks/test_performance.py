"""Performance report: each hospital method yields a checked roster and the report's columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.performance import hospital_run

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


@pytest.mark.parametrize("method", ["decomposed", "monolithic", "warm_start"])
def test_hospital_run_reports_a_checked_roster(method: str) -> None:
    """The tiny scenario: served equals its bound, no hard-rule violation, every column present."""
    row = hospital_run("tiny", str(TINY), 0, method, 2, 1, 1)
    assert row["method"] == method and row["violations"] == 0
    assert row["served"] == row["served_bound"] == 321 and row["served_gap"] == 0.0
    assert {"objective", "bound", "gap", "wall_s", "doctors", "departments", "sites"} <= set(row)
