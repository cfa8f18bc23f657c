"""The version diff and the targets verdict, on hand-built inputs with exact answers."""

from __future__ import annotations

import dataclasses

import builders
import pytest

from scheduler.model import Targets
from scheduler.publish.diff import diff_text, roster_diff
from scheduler.publish.verdict import blocking, publication_checks
from scheduler.targets import MET, NOT_MEASURED, NOT_MET, UNCERTAIN


def test_diff_groups_every_doctor_session_once() -> None:
    """Moved, added, dropped, changed and unchanged partition both rosters."""
    scenario = builders.make_scenario()
    kept = builders.make_assignment(scenario, "D1", builders.day(0), "AM")
    moving = builders.make_assignment(scenario, "D2", builders.day(0), "AM")
    moved = dataclasses.replace(moving, site_id="EAST", room_id="E1")
    dropped = builders.make_assignment(scenario, "D1", builders.day(1), "PM")
    added = builders.make_assignment(scenario, "D2", builders.day(2), "PM")
    resized = builders.make_assignment(scenario, "D1", builders.day(3), "AM")
    smaller = dataclasses.replace(resized, slots=resized.slots - 2, booking_open_slots=1)

    diff = roster_diff([kept, moving, dropped, resized], [smaller, added, moved, kept])

    assert [(m.before, m.after) for m in diff.moved] == [(moving, moved)]
    assert diff.added == (added,)
    assert diff.dropped == (dropped,)
    assert [(m.before, m.after) for m in diff.changed] == [(resized, smaller)]
    assert diff.unchanged == 1 and not diff.empty
    text = diff_text(diff)
    assert "1 moved, 1 added, 1 dropped, 1 changed, 1 unchanged" in text
    assert "D2" in text and "MAIN/M2 -> EAST/E1" in text


def test_diff_of_identical_rosters_is_empty() -> None:
    """Row order does not matter."""
    rows = builders.clean_roster().assignments
    diff = roster_diff(rows, tuple(reversed(rows)))
    assert diff.empty and diff.unchanged == len(rows)


KPIS = {"within_booking_window_share": 0.95, "within_booking_window_share_ci95": 0.01,
        "mean_wait_min": 20.0, "mean_wait_min_ci95": 2.0, "p90_wait_min": 61.0, "p90_wait_min_ci95": 4.0}


def _verdicts(checks: tuple) -> dict[str, str]:
    return {c.target: c.verdict for c in checks if c.subject in ("all", "roster") or c.target == "booking_window_share"}


def test_uncertain_and_missed_targets_block_unmeasured_ones_do_not() -> None:
    """p90 61 ± 4 against 60 is uncertain (blocks); 66 ± 4 is not met; KPIs not simulated do not block."""
    scenario = builders.make_scenario()
    checks = publication_checks(scenario, KPIS, violations=0)
    assert _verdicts(checks) == {"hard_rules": MET, "booking_window_share": MET, "mean_wait_min": MET,
                                 "p90_wait_min": UNCERTAIN}
    assert [c.target for c in blocking(checks)] == ["p90_wait_min"]
    worse = publication_checks(scenario, {**KPIS, "p90_wait_min": 66.0}, violations=0)
    assert [(c.target, c.verdict) for c in blocking(worse)] == [("p90_wait_min", NOT_MET)]
    assert all(c.verdict == NOT_MEASURED for c in checks if c.target.endswith("open_share"))


@pytest.mark.parametrize(("violations", "expected"), [(0, ["p90_wait_min"]), (3, ["hard_rules", "p90_wait_min"])])
def test_hard_rule_violations_block_publication(violations: int, expected: list[str]) -> None:
    """A roster breaking a hard rule is stopped by the ``hard_rules`` line."""
    checks = publication_checks(builders.make_scenario(), KPIS, violations)
    assert [c.target for c in blocking(checks)] == expected
    assert checks[0].measured == violations


def test_looser_targets_let_the_roster_through() -> None:
    """The scenario's own targets decide: with p90 <= 90 nothing blocks."""
    scenario = dataclasses.replace(builders.make_scenario(), targets=Targets(p90_wait_min=90))
    assert blocking(publication_checks(scenario, KPIS, 0)) == ()
