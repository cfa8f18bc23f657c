"""The version diff and the targets verdict, on hand-built inputs with exact answers."""

from __future__ import annotations

import dataclasses

import builders
import pytest

from scheduler.model import Targets
from scheduler.publish.diff import diff_text, roster_diff
from scheduler.publish.verdict import judge_targets, missed


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


KPIS = {"within_booking_window_share": 0.9, "within_booking_window_share_ci95": 0.01,
        "mean_wait_min": 30.0, "mean_wait_min_ci95": 2.0, "p90_wait_min": 60.5, "p90_wait_min_ci95": 4.0}


def test_verdict_compares_each_target_with_its_kpi() -> None:
    """Equal to the target meets it; 60.5 > 60 misses p90; the CI is reported, not used."""
    checks = {c.name: c for c in judge_targets(Targets(), KPIS, violations=0)}
    assert set(checks) == {"hard_rules", "booking_window_share", "mean_wait_min", "p90_wait_min"}
    assert checks["booking_window_share"].met and checks["mean_wait_min"].met
    p90 = checks["p90_wait_min"]
    assert (p90.met, p90.value, p90.target, p90.ci95, p90.comparison) == (False, 60.5, 60.0, 4.0, "<=")
    assert "MISSED" in p90.text()


@pytest.mark.parametrize(("violations", "expected"), [(0, ["p90_wait_min"]), (3, ["hard_rules", "p90_wait_min"])])
def test_verdict_counts_hard_rule_violations(violations: int, expected: list[str]) -> None:
    """A roster breaking a hard rule misses the ``hard_rules`` target."""
    assert [c.name for c in missed(judge_targets(Targets(), KPIS, violations))] == expected


def test_verdict_follows_the_scenario_targets() -> None:
    """Looser targets: everything met."""
    targets = Targets(booking_window_share=0.8, mean_wait_min=45, p90_wait_min=90)
    assert missed(judge_targets(targets, KPIS, 0)) == ()
