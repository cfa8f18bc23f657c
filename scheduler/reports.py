"""Human- and machine-readable reports of solves, simulations and comparisons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from scheduler.model import Roster, Scenario
from scheduler.solver import SolveResult


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def solve_summary(result: SolveResult) -> dict[str, Any]:
    """The content of solve.json (contract keys first, then extras)."""
    roster = result.roster
    return {
        "status": result.status,
        "objective": _rounded(result.objective),
        "best_bound": _rounded(result.best_bound),
        "gap": _rounded(result.gap, 6),
        "wall_s": _rounded(result.wall_s, 3),
        "penalties": {
            name: {"weight": p.weight, "penalty": _rounded(p.penalty)}
            for name, p in result.penalties.items()
        },
        "served_within_window": result.served,
        "served_bound": result.served_bound,
        "served_gap": _rounded(result.served_gap, 6),
        "demand_patients": result.demand,
        "coverage_status": result.coverage_status,
        "sessions_rostered": len(roster) if roster is not None else 0,
        "slots": sum(a.slots for a in roster.assignments) if roster is not None else 0,
        "time_limit_s": result.params.time_limit_s,
        "seed": result.params.seed,
        "workers": result.params.workers,
        "reproducible": result.reproducible,
    }


def roster_overview(scenario: Scenario, roster: Roster) -> str:
    """A few lines: sessions and slots per site and kind of session."""
    lines = []
    for site_id, site in scenario.sites.items():
        rows = [a for a in roster.assignments if a.site_id == site_id]
        evening = sum(1 for a in rows if scenario.session(a.session_id).evening)
        weekend = sum(1 for a in rows if scenario.is_weekend_or_holiday(a.date))
        lines.append(
            f"  {site.name} ({site_id}): {len(rows)} doctor-sessions, "
            f"{sum(a.slots for a in rows)} slots ({evening} evening, {weekend} weekend/holiday), "
            f"{len({a.doctor_id for a in rows})} doctors"
        )
    return "\n".join(lines)


def solve_text(result: SolveResult) -> str:
    """Solver outcome in two lines (one when no roster was found)."""
    gap = f"{result.gap:.2%}" if result.gap is not None else "n/a"
    objective = f"{result.objective:g}" if result.objective is not None else "n/a"
    bound = f"{result.best_bound:g}" if result.best_bound is not None else "n/a"
    head = f"Solver: {result.status}, objective {objective}, bound {bound}, gap {gap}, {result.wall_s:.1f} s"
    if result.served is None or result.served_gap is None:
        return head
    share = result.served / result.demand if result.demand else 0.0
    return (
        f"{head}\n"
        f"Servable inside the booking window: {result.served} of {result.demand} patients "
        f"({share:.1%}); no roster can serve more than {result.served_bound} "
        f"(coverage gap {result.served_gap:.2%})"
    )


def kpi_text(kpis: Mapping[str, float]) -> str:
    """The main KPIs with their 95% intervals."""
    def item(key: str, label: str, fmt: str = "{:.1f}") -> str:
        value = kpis.get(key)
        if value is None:
            return f"  {label}: n/a"
        half = kpis.get(f"{key}_ci95", 0.0)
        return f"  {label}: {fmt.format(value)} ± {fmt.format(half)}"

    return "\n".join(
        [
            f"Simulation: {int(kpis.get('replications', 0))} replications, seed {int(kpis.get('seed', 0))} "
            "(mean ± 95% half-width)",
            item("patients", "patients", "{:.0f}"),
            item("within_booking_window_share", "seen or booked inside the window", "{:.3f}"),
            item("booking_lead_days_mean", "booking lead time, mean [days]", "{:.2f}"),
            item("booking_lead_days_p90", "booking lead time, p90 [days]", "{:.2f}"),
            item("mean_wait_min", "wait for the doctor, mean [min]"),
            item("p90_wait_min", "wait for the doctor, p90 [min]"),
            item("max_queue_len", "longest queue [patients]"),
            item("mean_queues_per_patient", "queues joined per patient", "{:.2f}"),
            item("doctor_utilisation", "doctor utilisation", "{:.3f}"),
            item("overtime_min_per_session", "overtime per session [min]"),
            item("unserved_patients", "patients not served", "{:.0f}"),
        ]
    )


def markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a GitHub Markdown table (no extra dependency)."""
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])
