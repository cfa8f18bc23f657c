"""Targets report: for each policy target of a scenario, met or not, with the measured value and its interval.

Targets (``targets:`` in scenario.yaml, ``followup_booking_rate`` also per
department in departments.csv) against the simulation's KPIs:

===============================  ====================================  =======
target                           KPI                                   better
===============================  ====================================  =======
booking_window_share             weeks_within_window_share (rolling    higher
                                 booking), else within_booking_window
general_booking_open_share       general_open_share                    higher
expert_booking_open_share        expert_open_share                     higher
followup_booking_rate (per dep.) followup_booking_rate_<department>    higher
mean_wait_min                    mean_wait_min                         lower
p90_wait_min                     p90_wait_min                          lower
===============================  ====================================  =======

Verdict: ``met`` when the whole 95% interval is on the right side of the
target, ``not met`` when it is wholly on the wrong side, ``uncertain``
otherwise (more replications would tell); ``not measured`` when the KPI is
absent (e.g. the rolling booking simulation switched off) and ``no cases``
when no consultation in a department needed a follow-up.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from scheduler.model import Scenario
from scheduler.output import write_text_safely

MET, NOT_MET, UNCERTAIN, NOT_MEASURED, NO_CASES = "met", "not met", "uncertain", "not measured", "no cases"


@dataclass(frozen=True)
class TargetCheck:
    """One target against its measured KPI."""

    target: str  #: target name as in scenario.yaml
    subject: str  #: what it applies to (a department, a clinic type, or "all")
    goal: float  #: target value
    higher_is_better: bool  #: the measured value should be at least (True) or at most (False) the goal
    kpi: str  #: KPI key it is measured by
    measured: float | None  #: mean over replications; None if not measured
    ci95: float  #: half-width of its 95% interval
    verdict: str  #: MET, NOT_MET, UNCERTAIN, NOT_MEASURED or NO_CASES


def verdict(goal: float, measured: float, ci95: float, higher_is_better: bool) -> str:
    """``met`` / ``not met`` / ``uncertain`` from the interval ``measured +- ci95`` (a tolerance of 1e-9)."""
    low, high = measured - ci95, measured + ci95
    if not higher_is_better:
        low, high, goal = -high, -low, -goal
    if low >= goal - 1e-9:
        return MET
    if high < goal - 1e-9:
        return NOT_MET
    return UNCERTAIN


def _check(kpis: Mapping[str, float], target: str, subject: str, goal: float, higher: bool,
           keys: tuple[str, ...], cases_key: str | None = None) -> TargetCheck:
    key = next((k for k in keys if k in kpis), keys[0])
    if key not in kpis:
        return TargetCheck(target, subject, goal, higher, key, None, 0.0, NOT_MEASURED)
    measured, ci95 = float(kpis[key]), float(kpis.get(f"{key}_ci95", 0.0))
    if cases_key is not None and float(kpis.get(cases_key, 1.0)) <= 0:
        return TargetCheck(target, subject, goal, higher, key, measured, ci95, NO_CASES)
    return TargetCheck(target, subject, goal, higher, key, measured, ci95, verdict(goal, measured, ci95, higher))


def check_targets(scenario: Scenario, kpis: Mapping[str, float]) -> list[TargetCheck]:
    """Every target of ``scenario`` checked against simulation ``kpis`` (see the module docstring)."""
    t = scenario.targets
    checks = [
        _check(kpis, "booking_window_share", f"seen within {t.booking_window_days} days", t.booking_window_share,
               True, ("weeks_within_window_share", "within_booking_window_share")),
        _check(kpis, "general_booking_open_share", "general clinics", t.general_booking_open_share, True,
               ("general_open_share",), "general_slots"),
        _check(kpis, "expert_booking_open_share", "expert clinics", t.expert_booking_open_share, True,
               ("expert_open_share",), "expert_slots"),
    ]
    for dept in sorted(scenario.departments):
        checks.append(_check(kpis, "followup_booking_rate", dept, scenario.followup_booking_rate(dept), True,
                             (f"followup_booking_rate_{dept}",), f"followup_needed_{dept}"))
    checks.append(_check(kpis, "mean_wait_min", "all", t.mean_wait_min, False, ("mean_wait_min",)))
    checks.append(_check(kpis, "p90_wait_min", "all", t.p90_wait_min, False, ("p90_wait_min",)))
    return checks


def _value(check: TargetCheck, value: float) -> str:
    return f"{value:.1%}" if check.target.endswith(("_share", "_rate")) else f"{value:.1f}"


def targets_text(checks: list[TargetCheck]) -> str:
    """A table a department head reads: target, subject, goal, measured +- interval, verdict."""
    lines = ["Targets (95% intervals over replications):"]
    for c in checks:
        sign = ">=" if c.higher_is_better else "<="
        measured = "-" if c.measured is None else f"{_value(c, c.measured)} ± {_value(c, c.ci95)}"
        lines.append(f"  {c.target:27s} {c.subject:24s} {sign} {_value(c, c.goal):>7s}  {measured:>17s}  {c.verdict}")
    return "\n".join(lines)


def write_targets(checks: list[TargetCheck], out_dir: Path) -> None:
    """``targets.json`` (a list of checks) and ``targets.csv`` in ``out_dir`` (kept as backups if changed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [asdict(c) for c in checks]
    write_text_safely(out_dir / "targets.json", json.dumps(rows, indent=2) + "\n")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["target"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text_safely(out_dir / "targets.csv", buffer.getvalue())
