"""Per-point summary: intervals, the targets verdict, the cheapest point meeting them, the Markdown page."""

from __future__ import annotations

import math

import builders
import pandas as pd
import pytest
from scipy import stats

from scheduler.model import Targets
from scheduler.sweep.summary import summarise_points, summary_markdown

SCENARIO = builders.make_scenario(targets=Targets(mean_wait_min=30, p90_wait_min=60, booking_window_share=0.9))


def _rows(point: str, sessions: int, waits: list[float], p90: list[float], within: list[float],
          growth: float = 1.0) -> list[dict[str, object]]:
    return [
        {"point": point, "point_key": f"key-{point}", "growth": growth, "replication": r, "seed": 1,
         "solve_status": "optimal", "solve_reproducible": True, "doctor_sessions_rostered": sessions,
         "served_within_window": 100, "served_bound": 100,
         "mean_wait_min": w, "p90_wait_min": p, "within_booking_window_share": s}
        for r, (w, p, s) in enumerate(zip(waits, p90, within, strict=True))
    ]


def _table(*groups: list[dict[str, object]]) -> pd.DataFrame:
    table = pd.DataFrame([row for group in groups for row in group])
    return table.astype({"replication": "Int64", "doctor_sessions_rostered": "Int64"})


def _summarise(table: pd.DataFrame) -> tuple:
    scenarios = dict.fromkeys(table["point"].unique(), SCENARIO)
    return summarise_points(table, ["growth"], ("mean_wait_min",), scenarios)


def test_intervals_verdicts_and_cheapest_point_met() -> None:
    """Student-t half-widths; p000 misses p90, p001 is uncertain, p002 is met: p002 answers."""
    table = _table(
        _rows("p000", 18, [20, 22, 24], [70, 72, 74], [0.95, 0.95, 0.95]),
        _rows("p001", 20, [10, 30, 38], [40, 41, 42], [0.92, 0.93, 0.94]),
        _rows("p002", 24, [10, 11, 12], [40, 41, 42], [0.96, 0.97, 0.98]),
    )
    summary = _summarise(table)
    rows = summary.table.set_index("point")
    half = stats.t.ppf(0.975, 2) * 2.0 / math.sqrt(3)  # sd of 20, 22, 24 is 2
    assert rows.loc["p000", "mean_wait_min"] == pytest.approx(22.0)
    assert rows.loc["p000", "mean_wait_min_ci95"] == pytest.approx(half)
    assert rows["targets"].tolist() == ["not met", "uncertain", "met"]  # p001: 26 ± 35.8 straddles 30
    assert rows["meets_on_means"].tolist() == [False, True, True]
    assert rows.loc["p000", "misses"].startswith("p90_wait_min (all) not met: 72 ± 5, target <= 60")
    assert rows["doctor_sessions"].tolist() == [18, 20, 24]
    assert rows["replications"].tolist() == [3, 3, 3]
    assert (summary.best, summary.best_verdict) == ("p002", "met")
    page = summary_markdown(summary, "grid", "base", ["growth"], ("mean_wait_min",),
                            {"p000": "growth=1", "p001": "growth=1.1", "p002": "growth=1.2"}, "3 points.")
    assert "**Lowest cost meeting the targets: p002** (growth=1.2): 24 doctor-sessions; mean_wait_min 11 ± 2.5" in page
    assert "Every target met at 95% confidence:\n\n- booking_window_share (seen within 7 days) >= 0.9: " \
           "within_booking_window_share 0.97 ± 0.025, met\n" in page
    assert "- mean_wait_min (all) <= 30: mean_wait_min 11 ± 2.5, met\n" in page
    assert "| p001 | 1.0 | optimal | 20 | 26 ± 36 | uncertain |" in page


def test_uncertain_point_named_when_none_is_met() -> None:
    """No point met at 95%: the cheapest meeting on the means is named, flagged as uncertain."""
    table = _table(
        _rows("p000", 20, [10, 30, 38], [40, 41, 42], [0.92, 0.93, 0.94]),
        _rows("p001", 16, [25, 29, 35], [40, 45, 60], [0.91, 0.92, 0.93]),
    )
    summary = _summarise(table)
    assert (summary.best, summary.best_verdict) == ("p001", "uncertain")
    page = summary_markdown(summary, "grid", "base", ["growth"], ("mean_wait_min",),
                            {"p000": "a", "p001": "b"}, "2 points.")
    assert "No point meets every target at 95% confidence; this one does on the means" in page


def test_no_point_meets_and_points_without_roster() -> None:
    """An infeasible point has no KPIs and never meets; the page says no point meets."""
    infeasible = [{"point": "p001", "point_key": "key-p001", "growth": 2.0, "replication": None, "seed": 1,
                   "solve_status": "infeasible", "solve_reproducible": None, "doctor_sessions_rostered": None}]
    straddles = _rows("p002", 16, [25, 29, 40], [40, 41, 42], [0.95, 0.95, 0.95])  # mean wait 31.3 ± 19
    table = _table(_rows("p000", 18, [40, 42], [70, 72], [0.8, 0.8]), infeasible, straddles)
    summary = _summarise(table)
    rows = summary.table.set_index("point")
    assert summary.best is None and summary.best_verdict is None
    assert rows.loc["p001", "replications"] == 0 and math.isnan(rows.loc["p001", "mean_wait_min"])
    assert rows["targets"].tolist() == ["not met", "not simulated", "uncertain"]
    assert rows["meets_on_means"].tolist() == [False, False, False]
    page = summary_markdown(summary, "grid", "base", ["growth"], ("mean_wait_min",),
                            {"p000": "growth=1", "p001": "growth=2", "p002": "growth=1"}, "3 points.")
    assert "**No point meets its targets**" in page
    assert "Uncertain (an interval straddles a target; more replications would tell): p002." in page
    assert "| p001 | 2.0 | infeasible |  |  | not simulated |" in page
