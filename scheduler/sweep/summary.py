"""Per-point summary with 95% intervals, each point's targets verdict and the one-page Markdown report.

Targets are checked by :func:`scheduler.targets.check_targets`, as ``simulate``
does: a target is ``met`` when its whole 95% interval is on the right side,
``not met`` when it is wholly on the wrong side, ``uncertain`` otherwise.
A point's verdict is ``met`` when every measured target is met, ``not met``
when any is not met, else ``uncertain``. The cheapest point (fewest
doctor-sessions) whose verdict is ``met`` answers the sweep's question; if no
point is ``met``, the cheapest whose means are all on the right side is named
as uncertain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from scheduler.model import Scenario
from scheduler.reports import markdown_table
from scheduler.sim.kpis import summarise
from scheduler.sweep.store import ID_COLUMNS
from scheduler.sweep.tasks import POINT_COLUMNS
from scheduler.targets import MET, NO_CASES, NOT_MEASURED, NOT_MET, UNCERTAIN, TargetCheck, check_targets

#: Cost of a point: doctor-sessions in its roster.
COST_COLUMN = "doctor_sessions_rostered"
#: Verdict of a point whose roster could not be found, so nothing was simulated.
NOT_SIMULATED = "not simulated"


@dataclass(frozen=True)
class SweepSummary:
    """One row per point (``table``) and the cheapest point meeting the targets, if any."""

    table: pd.DataFrame
    best: str | None  #: point label, e.g. ``p004``
    best_verdict: str | None  #: ``met``, or ``uncertain`` when no point is met and ``best`` meets on its means
    checks: dict[str, list[TargetCheck]] = field(default_factory=dict)  #: each simulated point's target checks


def summarise_points(
    results: pd.DataFrame, parameters: list[str], kpis: tuple[str, ...], scenarios: dict[str, Scenario]
) -> SweepSummary:
    """Mean and 95% half-width of each KPI per point, and its targets verdict.

    Parameters
    ----------
    results
        The tidy table (one row per point and replication).
    parameters
        Names of the parameter columns.
    kpis
        KPIs to show.
    scenarios
        Each point's scenario (for its targets), by point label.
    """
    kpi_columns = [c for c in results.columns if c not in {*ID_COLUMNS, *parameters, *POINT_COLUMNS}]
    rows = []
    all_checks: dict[str, list[TargetCheck]] = {}
    for label, group in results.groupby("point", sort=False):
        first = group.iloc[0]
        row: dict[str, object] = {"point": label, **{name: first[name] for name in parameters}}
        row["solve_status"] = first["solve_status"]
        row["solve_reproducible"] = first["solve_reproducible"]
        row["doctor_sessions"] = first[COST_COLUMN]
        simulated = group[group["replication"].notna()]
        row["replications"] = len(simulated)
        means = summarise(simulated[kpi_columns].to_dict("records")) if len(simulated) else {}
        for kpi in kpis:
            row[kpi], row[f"{kpi}_ci95"] = means.get(kpi, math.nan), means.get(f"{kpi}_ci95", math.nan)
        if means:
            checks = all_checks[str(label)] = check_targets(scenarios[str(label)], means)
            row["targets"], row["meets_on_means"], row["misses"] = _verdict(checks)
        else:
            row["targets"], row["meets_on_means"], row["misses"] = NOT_SIMULATED, False, "nothing simulated"
        rows.append(row)
    table = pd.DataFrame(rows)
    best, best_verdict = _cheapest(table, table["targets"] == MET), MET
    if best is None:
        best, best_verdict = _cheapest(table, table["meets_on_means"].astype(bool)), UNCERTAIN
    return SweepSummary(table, best, best_verdict if best is not None else None, all_checks)


def _verdict(checks: list[TargetCheck]) -> tuple[str, bool, str]:
    """(point verdict, every measured mean on the right side, targets not met or uncertain)."""
    measured = [c for c in checks if c.verdict not in (NOT_MEASURED, NO_CASES) and c.measured is not None]
    on_means = all((c.measured >= c.goal) if c.higher_is_better else (c.measured <= c.goal)  # type: ignore[operator]
                   for c in measured)
    verdicts = {c.verdict for c in measured}
    point = NOT_MET if NOT_MET in verdicts else (UNCERTAIN if UNCERTAIN in verdicts else MET)
    misses = "; ".join(
        f"{c.target} ({c.subject}) {c.verdict}: {c.measured:.3g} ± {c.ci95:.2g}, target "
        f"{'>=' if c.higher_is_better else '<='} {c.goal:g}"
        for c in measured if c.verdict != MET
    )
    return point, on_means, misses


def _cheapest(table: pd.DataFrame, eligible: pd.Series) -> str | None:
    """Label of the eligible point with the fewest doctor-sessions (ties: lower mean wait, then label)."""
    candidates = table[eligible.to_numpy()]
    if candidates.empty:
        return None
    keys = ["doctor_sessions", "mean_wait_min", "point"] if "mean_wait_min" in table else ["doctor_sessions", "point"]
    return str(candidates.sort_values(keys, kind="stable").iloc[0]["point"])


def summary_markdown(
    summary: SweepSummary, title: str, base: str, parameters: list[str], kpis: tuple[str, ...],
    descriptions: dict[str, str], counts: str,
) -> str:
    """The one-page summary: the answer first, then every point with its intervals."""
    table = summary.table
    lines = [f"# Sweep: {title}", "", f"Base scenario: `{base}`. {counts}", ""]
    if summary.best is None:
        lines.append("**No point meets its targets**, not even on the means; the `misses` column of "
                     "summary.csv says which targets and by how much.")
        uncertain = table.loc[table["targets"] == UNCERTAIN, "point"].astype(str).tolist()
        if uncertain:
            lines.append("")
            lines.append(f"Uncertain (an interval straddles a target; more replications would tell): "
                         f"{', '.join(uncertain)}.")
    else:
        best = table[table["point"] == summary.best].iloc[0]
        how = ("every target met at 95% confidence" if summary.best_verdict == MET else
               "no point meets every target at 95% confidence; this one does on the means (uncertain: "
               "more replications would tell)")
        shown = "; ".join(f"{kpi} {_interval(best[kpi], best[f'{kpi}_ci95'])}" for kpi in kpis)
        lines.append(f"**Lowest cost meeting the targets: {summary.best}** ({descriptions[summary.best]}): "
                     f"{_whole(best['doctor_sessions'])} doctor-sessions; {shown}. {how.capitalize()}:")
        lines.append("")
        lines += [f"- {c.target} ({c.subject}) {'>=' if c.higher_is_better else '<='} {c.goal:g}: {c.kpi} "
                  f"{c.measured:.3g} ± {c.ci95:.2g}, {c.verdict}"
                  for c in summary.checks[summary.best] if c.measured is not None]
    clocked = [str(p) for p, ok in zip(table["point"], table["solve_reproducible"], strict=True)
               if not pd.isna(ok) and not ok]
    if clocked:
        lines += ["", f"Note: the solver of {', '.join(clocked)} stopped on its wall-clock cap, not its deterministic "
                  "budget, so a rerun may give another roster; use fewer workers per machine or a longer time limit."]
    shown_table = pd.DataFrame({
        "point": table["point"],
        **{name: table[name] for name in parameters},
        "status": table["solve_status"],
        "doctor-sessions": table["doctor_sessions"].map(_whole),
        **{kpi: [_interval(m, h) for m, h in zip(table[kpi], table[f"{kpi}_ci95"], strict=True)] for kpi in kpis},
        "targets": table["targets"],
    })
    lines += ["", "Each KPI: mean ± half-width of its 95% interval over replications. Targets: `met` when every "
              "target's interval is on the right side, `not met` when one is wholly on the wrong side, else "
              "`uncertain`.", "", markdown_table(shown_table), ""]
    return "\n".join(lines)


def _whole(value: object) -> str:
    return "" if pd.isna(value) else f"{float(value):.0f}"  # type: ignore[arg-type]


def _interval(mean: float, half: float) -> str:
    return "" if math.isnan(mean) else f"{mean:.3g} ± {half:.2g}"
