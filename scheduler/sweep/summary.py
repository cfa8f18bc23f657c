"""Per-point summary with 95% intervals, the targets check and the one-page Markdown report."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from scheduler.compare import mean_ci95
from scheduler.model import Targets
from scheduler.reports import markdown_table

#: (KPI, Targets field, direction): a point meets the targets when every KPI mean is on the right side.
TARGET_CHECKS: tuple[tuple[str, str, str], ...] = (
    ("mean_wait_min", "mean_wait_min", "<="),
    ("p90_wait_min", "p90_wait_min", "<="),
    ("within_booking_window_share", "booking_window_share", ">="),
)
#: Cost of a point: doctor-sessions in its roster.
COST_COLUMN = "doctor_sessions_rostered"


@dataclass(frozen=True)
class SweepSummary:
    """One row per point (``table``) and the cheapest point meeting the targets, if any."""

    table: pd.DataFrame
    best: str | None  #: point label, e.g. ``p004``


def summarise_points(
    results: pd.DataFrame, parameters: list[str], kpis: tuple[str, ...], targets: dict[str, Targets]
) -> SweepSummary:
    """Mean and 95% half-width of each KPI per point; targets met (on the mean and at the 95% bound).

    Parameters
    ----------
    results
        The tidy table (one row per point and replication).
    parameters
        Names of the parameter columns.
    kpis
        KPIs to summarise (the target KPIs are always added).
    targets
        Each point's targets, by point label.
    """
    shown = list(dict.fromkeys([*kpis, *(kpi for kpi, _, _ in TARGET_CHECKS)]))
    rows = []
    for label, group in results.groupby("point", sort=False):
        first = group.iloc[0]
        row: dict[str, object] = {"point": label, **{name: first[name] for name in parameters}}
        row["solve_status"] = first["solve_status"]
        row["solve_reproducible"] = first["solve_reproducible"]
        row["doctor_sessions"] = first[COST_COLUMN]
        row["replications"] = int(group["replication"].notna().sum())
        for kpi in shown:
            mean, half = mean_ci95(group[kpi]) if kpi in group else (math.nan, math.nan)
            row[kpi], row[f"{kpi}_ci95"] = mean, half
        row["meets_targets"], row["meets_targets_95"], row["misses"] = _check(row, targets[str(label)])
        rows.append(row)
    table = pd.DataFrame(rows)
    meeting = table[table["meets_targets"]]
    best = None
    if not meeting.empty:
        ordered = meeting.sort_values(["doctor_sessions", "mean_wait_min", "point"], kind="stable")
        best = str(ordered.iloc[0]["point"])
    return SweepSummary(table, best)


def _check(row: dict[str, object], targets: Targets) -> tuple[bool, bool, str]:
    """(meets on the mean, meets at the worse end of the 95% interval, what is missed)."""
    on_mean, at_bound, misses = True, True, []
    for kpi, field, direction in TARGET_CHECKS:
        limit = float(getattr(targets, field))
        mean, half = float(row[kpi]), float(row[f"{kpi}_ci95"])  # type: ignore[arg-type]
        if math.isnan(mean):
            on_mean = at_bound = False
            misses.append(f"{kpi} not simulated")
            continue
        worse = mean + half if direction == "<=" else mean - half
        ok = mean <= limit if direction == "<=" else mean >= limit
        on_mean &= ok
        at_bound &= worse <= limit if direction == "<=" else worse >= limit
        if not ok:
            misses.append(f"{kpi} {mean:.3g} (target {direction} {limit:g})")
    return on_mean, on_mean and at_bound, "; ".join(misses)


def summary_markdown(
    summary: SweepSummary, title: str, base: str, parameters: list[str], kpis: tuple[str, ...],
    descriptions: dict[str, str], counts: str,
) -> str:
    """The one-page summary: the answer first, then every point with its intervals."""
    table = summary.table
    lines = [f"# Sweep: {title}", "", f"Base scenario: `{base}`. {counts}", ""]
    if summary.best is None:
        lines.append("**No point meets all targets** (mean wait, 90th-percentile wait, share within the "
                     "booking window); the `misses` column says by how much.")
    else:
        best = table[table["point"] == summary.best].iloc[0]
        sure = ("also at the worse end of every 95% interval" if best["meets_targets_95"]
                else "on the means, but not at the worse end of every 95% interval")
        lines.append(
            f"**Lowest cost meeting the targets: {summary.best}** ({descriptions[summary.best]}): "
            f"{best['doctor_sessions']:.0f} doctor-sessions; mean wait {best['mean_wait_min']:.1f} "
            f"± {best['mean_wait_min_ci95']:.1f} min, p90 wait {best['p90_wait_min']:.1f} "
            f"± {best['p90_wait_min_ci95']:.1f} min, within booking window "
            f"{best['within_booking_window_share']:.3f} ± {best['within_booking_window_share_ci95']:.3f}. "
            f"Meets the targets {sure}."
        )
    clocked = [str(p) for p, ok in zip(table["point"], table["solve_reproducible"], strict=True)
               if not pd.isna(ok) and not ok]
    if clocked:
        lines += ["", f"Note: the solver of {', '.join(clocked)} stopped on its wall-clock cap, not its deterministic "
                  "budget, so a rerun may give another roster; use fewer workers per machine or a longer time limit."]
    shown = pd.DataFrame({
        "point": table["point"],
        **{name: table[name] for name in parameters},
        "status": table["solve_status"],
        "doctor-sessions": table["doctor_sessions"].map(_whole),
        **{kpi: [_interval(m, h) for m, h in zip(table[kpi], table[f"{kpi}_ci95"], strict=True)] for kpi in kpis},
        "meets targets": [_verdict(a, b) for a, b in zip(table["meets_targets"], table["meets_targets_95"],
                                                          strict=True)],
    })
    lines += ["", "Each KPI: mean ± half-width of its 95% interval over replications.", "",
              markdown_table(shown), ""]
    return "\n".join(lines)


def _whole(value: float) -> str:
    return "" if pd.isna(value) else f"{value:.0f}"


def _interval(mean: float, half: float) -> str:
    return "" if math.isnan(mean) else f"{mean:.3g} ± {half:.2g}"


def _verdict(on_mean: bool, at_bound: bool) -> str:
    return "yes (95%)" if at_bound else ("yes" if on_mean else "no")
