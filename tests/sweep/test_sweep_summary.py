"""Per-point summary: intervals, the targets check, the cheapest point meeting them, the Markdown page."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from scheduler.model import Targets
from scheduler.sweep.summary import summarise_points, summary_markdown

TARGETS = Targets(mean_wait_min=30, p90_wait_min=60, booking_window_share=0.9)


def _rows(point: str, sessions: int, waits: list[float], p90: list[float], within: list[float],
          status: str = "optimal") -> list[dict[str, object]]:
    return [
        {"point": point, "growth": 1.0, "replication": r, "solve_status": status, "solve_reproducible": True,
         "doctor_sessions_rostered": sessions, "mean_wait_min": w, "p90_wait_min": p, "within_booking_window_share": s}
        for r, (w, p, s) in enumerate(zip(waits, p90, within, strict=True))
    ]


def _table(*groups: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame([row for group in groups for row in group])


def test_intervals_targets_and_cheapest_point() -> None:
    """Student-t half-widths; p000 misses p90, p001 meets only on the mean, p002 meets surely but costs more."""
    table = _table(
        _rows("p000", 18, [20, 22, 24], [70, 72, 74], [0.95, 0.95, 0.95]),
        _rows("p001", 20, [10, 30, 38], [40, 41, 42], [0.92, 0.93, 0.94]),
        _rows("p002", 24, [10, 11, 12], [40, 41, 42], [0.96, 0.97, 0.98]),
    )
    summary = summarise_points(table, ["growth"], ("mean_wait_min",), dict.fromkeys(["p000", "p001", "p002"], TARGETS))
    rows = summary.table.set_index("point")
    half = stats.t.ppf(0.975, 2) * 2.0 / math.sqrt(3)  # sd of 20, 22, 24 is 2
    assert rows.loc["p000", "mean_wait_min"] == pytest.approx(22.0)
    assert rows.loc["p000", "mean_wait_min_ci95"] == pytest.approx(half)
    assert rows["meets_targets"].tolist() == [False, True, True]
    assert rows["meets_targets_95"].tolist() == [False, False, True]  # p001: 26 + 17.9 > 30
    assert rows.loc["p000", "misses"] == "p90_wait_min 72 (target <= 60)"
    assert rows["doctor_sessions"].tolist() == [18, 20, 24]
    assert rows["replications"].tolist() == [3, 3, 3]
    assert summary.best == "p001"
    page = summary_markdown(summary, "grid", "base", ["growth"], ("mean_wait_min",),
                            {"p000": "growth=1", "p001": "growth=1.1", "p002": "growth=1.2"}, "3 points.")
    assert "**Lowest cost meeting the targets: p001** (growth=1.1): 20 doctor-sessions" in page
    assert "on the means, but not at the worse end of every 95% interval" in page
    assert "| p002 | 1.0 | optimal | 24 | 11 ± 2.5 | yes (95%) |" in page


def test_no_point_meets_and_points_without_roster() -> None:
    """An infeasible point has no KPIs and never meets the targets; the page says no point meets."""
    infeasible = [{"point": "p001", "growth": 2.0, "replication": pd.NA, "solve_status": "infeasible",
                   "solve_reproducible": pd.NA, "doctor_sessions_rostered": pd.NA}]
    table = _table(_rows("p000", 18, [40, 42], [70, 72], [0.8, 0.8]), infeasible)
    table["replication"] = table["replication"].astype("Int64")
    summary = summarise_points(table, ["growth"], ("mean_wait_min",), dict.fromkeys(["p000", "p001"], TARGETS))
    rows = summary.table.set_index("point")
    assert summary.best is None
    assert rows.loc["p001", "replications"] == 0 and math.isnan(rows.loc["p001", "mean_wait_min"])
    assert rows.loc["p001", "misses"].startswith("mean_wait_min not simulated")
    page = summary_markdown(summary, "grid", "base", ["growth"], ("mean_wait_min",),
                            {"p000": "growth=1", "p001": "growth=2"}, "2 points.")
    assert "**No point meets all targets**" in page
    assert "| p001 | 2.0 | infeasible |  |  | no |" in page
