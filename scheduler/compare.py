"""Comparing two simulated scenarios run with common random numbers.

Replication ``r`` of both scenarios uses the same seed, so differences are
taken replication by replication (paired) and their 95% interval comes from
the spread of the paired differences (Student t).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scheduler.output import write_text_safely
from scheduler.sim import SimulationResult
from scheduler.sim.kpis import CONTRACT_KEYS, ci95_half_width

#: KPIs shown first in a comparison, in order: patients, then the contract's kpis.json keys;
#: every other numeric KPI the simulator reports follows in its own order.
COMPARED_KPIS = ("patients",) + tuple(key for key in CONTRACT_KEYS if key != "patients")
#: Per-replication columns that are bookkeeping, not KPIs.
NOT_KPIS = frozenset({"replication", "seed"})


def kpi_columns(a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    """Every numeric KPI both simulations report: contract keys first, then the rest."""
    shared = [c for c in a.columns if c in b.columns and c not in NOT_KPIS
              and pd.api.types.is_numeric_dtype(a[c]) and pd.api.types.is_numeric_dtype(b[c])]
    return [k for k in COMPARED_KPIS if k in shared] + [c for c in shared if c not in COMPARED_KPIS]


def mean_ci95(values: pd.Series) -> tuple[float, float]:
    """Mean and half-width of its 95% confidence interval (NaN for no values)."""
    values = values.dropna()
    if len(values) == 0:
        return math.nan, math.nan
    return float(values.mean()), ci95_half_width(values.to_numpy())


@dataclass(frozen=True)
class ComparisonResult:
    """KPIs of A and B side by side with paired differences."""

    table: pd.DataFrame  #: kpi, a, a_ci95, b, b_ci95, b_minus_a, b_minus_a_ci95
    headline: str  #: which scenario serves more patients inside the booking window, by how much
    label_a: str = "A"
    label_b: str = "B"
    lead_time: str = ""  #: which scenario books sooner, by how much (see :func:`lead_time_line`)


def compare_simulations(
    a: SimulationResult, b: SimulationResult, label_a: str = "A", label_b: str = "B"
) -> ComparisonResult:
    """Paired comparison of two simulations' per-replication KPIs."""
    rep_a, rep_b = a.per_replication.reset_index(drop=True), b.per_replication.reset_index(drop=True)
    n = min(len(rep_a), len(rep_b))
    rep_a, rep_b = rep_a.iloc[:n], rep_b.iloc[:n]
    rows = []
    for kpi in kpi_columns(rep_a, rep_b):
        mean_a, half_a = mean_ci95(rep_a[kpi])
        mean_b, half_b = mean_ci95(rep_b[kpi])
        diff, half_diff = mean_ci95(rep_b[kpi] - rep_a[kpi])
        rows.append(
            {"kpi": kpi, "a": mean_a, "a_ci95": half_a, "b": mean_b, "b_ci95": half_b,
             "b_minus_a": diff, "b_minus_a_ci95": half_diff}
        )
    table = pd.DataFrame(rows)
    within_a = rep_a["within_booking_window_share"] * rep_a["patients"]
    within_b = rep_b["within_booking_window_share"] * rep_b["patients"]
    diff, half = mean_ci95(within_b - within_a)
    if abs(diff) <= half:
        headline = (
            f"Neither scenario serves measurably more patients inside the booking window "
            f"(B - A = {diff:+.1f} ± {half:.1f} patients)."
        )
    else:
        more, less = ("B", "A") if diff > 0 else ("A", "B")
        headline = (
            f"{more} serves {abs(diff):.1f} ± {half:.1f} more patients inside the booking window "
            f"than {less} (95% interval, {n} paired replications)."
        )
    lead = lead_time_line(rep_a, rep_b)
    return ComparisonResult(table, headline, label_a, label_b, lead)


#: Mean booking lead-time KPIs the lead-time line reads, with the words naming each; the first
#: that both simulations report is used. The rolling booking simulation's (``weeks_*``, reported
#: when ``simulation.booking.weeks > 0``) is the booking-to-visit time of a steady state over
#: weeks, so it comes before the one-week day simulator's.
LEAD_TIME_KPIS = (
    ("weeks_lead_days_mean", "Booking lead time (booking over weeks)"),
    ("booking_lead_days_mean", "Booking lead time"),
)


def lead_time_line(rep_a: pd.DataFrame, rep_b: pd.DataFrame) -> str:
    """One line on the mean booking lead time: which scenario books sooner, with the paired interval.

    It reads the first KPI of :data:`LEAD_TIME_KPIS` that both simulations report, so with the
    booking simulation over weeks on in both it compares ``weeks_lead_days_mean``.
    """
    chosen = next(((kpi, words) for kpi, words in LEAD_TIME_KPIS if kpi in rep_a and kpi in rep_b), None)
    if chosen is None:
        return ""
    kpi, words = chosen
    diff, half = mean_ci95(rep_b[kpi] - rep_a[kpi])
    if math.isnan(diff):
        return ""
    if abs(diff) <= half:
        return f"{words}: no measurable difference (B - A = {diff:+.2f} ± {half:.2f} days)."
    shorter = "B" if diff < 0 else "A"
    return (
        f"{words}: {shorter} books patients {abs(diff):.2f} ± {half:.2f} days sooner on average "
        f"(B - A = {diff:+.2f} days, 95% interval)."
    )


def comparison_markdown(result: ComparisonResult) -> str:
    """The comparison as a Markdown table with the headline."""
    lines = [
        f"A: {result.label_a}  ",
        f"B: {result.label_b}",
        "",
        "| KPI | A | B | B - A (95% CI) |",
        "|---|---:|---:|---:|",
    ]
    for row in result.table.itertuples():
        lines.append(
            f"| {row.kpi} | {row.a:.3f} ± {row.a_ci95:.3f} | {row.b:.3f} ± {row.b_ci95:.3f} "
            f"| {row.b_minus_a:+.3f} ± {row.b_minus_a_ci95:.3f} |"
        )
    lines += ["", result.headline] + ([result.lead_time] if result.lead_time else []) + [""]
    return "\n".join(lines)


def write_comparison(result: ComparisonResult, out_dir: Path) -> None:
    """compare.csv and compare.md in ``out_dir``."""
    write_text_safely(out_dir / "compare.csv", result.table.to_csv(index=False, float_format="%.6g"))
    write_text_safely(out_dir / "compare.md", comparison_markdown(result))
