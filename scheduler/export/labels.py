"""Words and flags shared by every output people read: sheets, calendars, the HTML report.

Nothing here escapes text: each writer escapes for its own format (HTML, iCalendar,
spreadsheet cells).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from scheduler.model import Assignment, Doctor, Scenario, format_hhmm

#: How a doctor's title reads on a duty sheet.
TITLE_LABELS: dict[str, str] = {
    "chief": "Chief",
    "associate_chief": "Assoc. chief",
    "attending": "Attending",
    "resident": "Resident",
}


@dataclass(frozen=True)
class KpiLabel:
    """How one kpis.json key is shown: words, unit and number format."""

    key: str
    label: str
    unit: str
    fmt: str  #: a str.format spec for the value, e.g. ``{:.1f}``


#: The contract KPIs in reading order (mirrors the terminal summary).
KPI_LABELS: tuple[KpiLabel, ...] = (
    KpiLabel("patients", "Patients (demand)", "patients", "{:.0f}"),
    KpiLabel("within_booking_window_share", "Seen or booked inside the booking window", "share", "{:.3f}"),
    KpiLabel("booking_lead_days_mean", "Booking lead time, mean", "days", "{:.2f}"),
    KpiLabel("booking_lead_days_p90", "Booking lead time, 90th percentile", "days", "{:.2f}"),
    KpiLabel("mean_wait_min", "Wait for the doctor, mean", "min", "{:.1f}"),
    KpiLabel("p90_wait_min", "Wait for the doctor, 90th percentile", "min", "{:.1f}"),
    KpiLabel("max_queue_len", "Longest consultation queue", "patients", "{:.1f}"),
    KpiLabel("mean_queues_per_patient", "Queues joined per patient", "queues", "{:.2f}"),
    KpiLabel("doctor_utilisation", "Doctor utilisation (consulting / rostered time)", "share", "{:.3f}"),
    KpiLabel("overtime_min_per_session", "Overtime per doctor-session", "min", "{:.1f}"),
    KpiLabel("unserved_patients", "Patients not served", "patients", "{:.0f}"),
)


@dataclass(frozen=True)
class TargetCheck:
    """A KPI against a scenario target: ``value <= target`` (``at_most``) or ``>=``."""

    key: str
    target: float
    at_most: bool

    def met(self, value: float) -> bool:
        """Whether ``value`` meets the target."""
        return value <= self.target if self.at_most else value >= self.target

    def text(self) -> str:
        """``≤ 30`` or ``≥ 0.9``."""
        return f"{'≤' if self.at_most else '≥'} {self.target:g}"


def target_checks(scenario: Scenario) -> dict[str, TargetCheck]:
    """The scenario's ``targets:`` that a simulation measures, by KPI key."""
    targets = scenario.targets
    checks = (
        TargetCheck("mean_wait_min", targets.mean_wait_min, at_most=True),
        TargetCheck("p90_wait_min", targets.p90_wait_min, at_most=True),
        TargetCheck("within_booking_window_share", targets.booking_window_share, at_most=False),
    )
    return {check.key: check for check in checks}


def kpi_rows(scenario: Scenario, kpis: Mapping[str, float]) -> list[dict[str, object]]:
    """One row per known KPI present in ``kpis``: label, unit, mean, half-width, target, met."""
    checks = target_checks(scenario)
    rows: list[dict[str, object]] = []
    for item in KPI_LABELS:
        if item.key not in kpis:
            continue
        value = float(kpis[item.key])
        check = checks.get(item.key)
        rows.append({
            "key": item.key,
            "label": item.label,
            "unit": item.unit,
            "value": value,
            "ci95": float(kpis.get(f"{item.key}_ci95", 0.0)),
            "fmt": item.fmt,
            "target": check.text() if check else "",
            "met": None if check is None else check.met(value),
        })
    return rows


def doctor_label(doctor: Doctor) -> str:
    """``Wang Li (Chief)``: name and title as on a duty sheet."""
    return f"{doctor.name} ({TITLE_LABELS.get(doctor.title, doctor.title)})"


def department_label(department: str) -> str:
    """A department id in words: ``internal_medicine`` -> ``internal medicine``."""
    return department.replace("_", " ")


def day_label(scenario: Scenario, date: dt.date) -> str:
    """``Mon 2026-11-30``, with ``holiday`` added on holidays."""
    text = f"{date:%a} {date.isoformat()}"
    return f"{text} holiday" if scenario.day_kind(date) == "holiday" else text


def session_label(scenario: Scenario, session_id: str) -> str:
    """``EVE 18:00-21:00 evening`` (``evening`` only for evening sessions)."""
    template = scenario.session(session_id)
    text = f"{session_id} {format_hhmm(template.start_min)}-{format_hhmm(template.end_min)}"
    return f"{text} evening" if template.evening else text


def is_unsocial(scenario: Scenario, assignment: Assignment) -> bool:
    """An evening session, or any session on a Saturday, Sunday or holiday."""
    return scenario.session(assignment.session_id).evening or scenario.is_weekend_or_holiday(assignment.date)


def sessions_in_horizon(scenario: Scenario) -> list[str]:
    """Session ids that open on at least one day of the horizon, in start order."""
    opened = {s.session_id for date in scenario.dates for s in scenario.open_sessions(date)}
    return [s.session_id for s in scenario.sessions if s.session_id in opened]
