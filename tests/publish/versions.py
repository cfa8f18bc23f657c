"""Hand-built versions to publish in tests (no simulation needed)."""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

import builders  # noqa: E402  (needs the path above)

from scheduler.model import Assignment  # noqa: E402
from scheduler.publish.store import NewVersion  # noqa: E402

SCENARIO = "two_doctor_clinic"


def roster_rows(drop: int = 0) -> tuple[Assignment, ...]:
    """The builders' clean roster without its last ``drop`` rows."""
    rows = builders.clean_roster().assignments
    return rows[: len(rows) - drop]


def new_version(rows: tuple[Assignment, ...] | None = None, *, scenario: str = SCENARIO, by: str = "tester",
                forced: bool = False, reason: str | None = None) -> NewVersion:
    """A version of ``rows`` (default: the clean roster) with made-up KPIs."""
    rows = roster_rows() if rows is None else rows
    return NewVersion(
        scenario=scenario, scenario_title="Two-doctor clinic", published_by=by, forced=forced, reason=reason,
        targets_met=not forced, kpis={"mean_wait_min": 12.5, "p90_wait_min": 30.0, "patients": 40.0},
        verdict=[{"name": "p90_wait_min", "met": not forced}], assignments=rows,
    )
