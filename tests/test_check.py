"""Tests of the hard-rule checker, one rule at a time, driven from its registry."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from builders import (
    MONDAY,
    day,
    default_rooms,
    default_sessions,
    hhmm,
    make_assignment,
    make_doctor,
    make_roster,
    make_scenario,
    unavailable,
)
from builders import (
    clean_roster as clean_roster_of,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.check import (
    HARD_RULES,
    RULE_NAMES,
    Violation,
    check_roster,
    format_violations,
    week_windows,
)
from scheduler.model import JointClinic, PartnerSupport, Room, Roster, Rules, Scenario, SessionTemplate


@dataclass(frozen=True)
class Case:
    """A roster breaking exactly one rule, with the violations it must produce.

    ``expected`` lists ``(doctor_id, date, session_id, fragments)`` per
    violation, in check_roster order; every fragment must be in the message.
    """

    rule: int
    scenario: Scenario
    roster: Roster
    expected: list[tuple[str | None, dt.date, str | None, tuple[str, ...]]] = field(
        default_factory=list
    )


def _case_one_place() -> dict[str, Case]:
    s = make_scenario()
    day_long = make_scenario(
        sessions=[*default_sessions(), SessionTemplate("DAY", hhmm("08:00"), hhmm("17:30"), False)],
        opening={"weekday": ("AM", "PM", "EVE", "DAY")},
    )
    return {
        "doctor double-booked": Case(1, s, make_roster(
            make_assignment(s, "D1", MONDAY, "AM"),
            make_assignment(s, "D1", MONDAY, "AM", site_id="EAST"),
        ), [("D1", MONDAY, "AM", (
            "Dr Wang Li (D1) is rostered twice on Mon 2026-11-30 AM",
            "room E1 at EAST", "room M1 at MAIN",
        ))]),
        "doctor in overlapping sessions": Case(1, day_long, make_roster(
            make_assignment(day_long, "D1", MONDAY, "AM"),
            make_assignment(day_long, "D1", MONDAY, "DAY", site_id="EAST"),
        ), [("D1", MONDAY, "AM", (
            "Dr Wang Li (D1) is rostered twice on Mon 2026-11-30 AM/DAY",
            "room M1 at MAIN (AM 08:00-12:00) and room E1 at EAST (DAY 08:00-17:30)",
        ))]),
        "doctor at unregistered site": Case(1, s, make_roster(
            make_assignment(s, "D2", MONDAY, "AM", site_id="EAST"),
        ), [("D2", MONDAY, "AM", (
            "Dr Chen Jing (D2)", "room E1 at EAST", "not registered to practise at EAST",
        ))]),
    }


def _case_room() -> dict[str, Case]:
    s = make_scenario()
    return {
        "room double-booked": Case(2, s, make_roster(
            make_assignment(s, "D1", MONDAY, "AM", room_id="M2"),
            make_assignment(s, "D2", MONDAY, "AM", room_id="M2"),
        ), [(None, MONDAY, "AM", (
            "Room M2 at MAIN is given to 2 doctors on Mon 2026-11-30 AM",
            "Dr Wang Li (D1)", "Dr Chen Jing (D2)",
        ))]),
        "department room used by another department": Case(2, s, make_roster(
            make_assignment(s, "D2", MONDAY, "AM", room_id="M1"),
        ), [("D2", MONDAY, "AM", ("Room M1 at MAIN is reserved for MED", "SUR clinic"))]),
        "room of another site": Case(2, s, make_roster(
            make_assignment(s, "D1", MONDAY, "AM", site_id="MAIN", room_id="E1"),
        ), [("D1", MONDAY, "AM", ("room E1, which is not a room of site MAIN",))]),
    }


def _case_opening() -> dict[str, Case]:
    s = make_scenario()
    holiday = make_scenario(holidays=[day(1)])
    return {
        "sunday session": Case(3, s, make_roster(
            make_assignment(s, "D1", day(6), "AM"),
        ), [("D1", day(6), "AM", ("Sun 2026-12-06 AM", "on a Sunday no session may run"))]),
        "saturday PM": Case(3, s, make_roster(
            make_assignment(s, "D1", day(5), "PM"),
        ), [("D1", day(5), "PM", ("on a Saturday only AM may run",))]),
        "holiday": Case(3, holiday, make_roster(
            make_assignment(holiday, "D1", day(1), "AM"),
        ), [("D1", day(1), "AM", ("on a holiday no session may run",))]),
        "outside horizon": Case(3, s, make_roster(
            make_assignment(s, "D1", day(7), "AM"),
        ), [("D1", day(7), "AM", ("outside the planning horizon",))]),
        "before horizon": Case(3, s, make_roster(
            make_assignment(s, "D1", day(-1), "AM"),
        ), [("D1", day(-1), "AM", ("outside the planning horizon",))]),
        "unknown session": Case(3, s, make_roster(
            make_assignment(s, "D1", MONDAY, "NIGHT", start_min=hhmm("22:00"),
                            end_min=hhmm("23:00")),
        ), [("D1", MONDAY, "NIGHT", ("NIGHT is not a session of this scenario",))]),
    }


def _case_availability() -> dict[str, Case]:
    s = make_scenario(unavailability=[
        unavailable("D2", MONDAY, None, "theatre list"),
        unavailable("D1", day(1), "PM", "ward duty"),
    ])
    return {
        "unavailable day and session": Case(4, s, make_roster(
            make_assignment(s, "D2", MONDAY, "AM"),
            make_assignment(s, "D1", day(1), "AM"),  # only PM is blocked
            make_assignment(s, "D1", day(1), "PM"),
        ), [
            ("D2", MONDAY, "AM", ("Dr Chen Jing (D2)", "unavailable all day (theatre list)")),
            ("D1", day(1), "PM", ("Dr Wang Li (D1)", "unavailable for PM (ward duty)")),
        ]),
    }


def _case_week() -> dict[str, Case]:
    light = make_doctor("D1", name="Wang Li", sites=("MAIN",), max_sessions_per_week=2)
    s = make_scenario(doctors=[light])
    fortnight = make_scenario(doctors=[light], days=14)
    short = make_scenario(doctors=[light], days=3)
    return {
        "three sessions in a week": Case(5, s, make_roster(
            make_assignment(s, "D1", MONDAY, "AM"),
            make_assignment(s, "D1", MONDAY, "PM"),
            make_assignment(s, "D1", day(4), "AM"),
        ), [("D1", MONDAY, None, (
            "rostered 3 sessions in the 7 days Mon 2026-11-30 to Sun 2026-12-06",
            "the limit is 2",
        ))]),
        # Fri, Mon, Tue: no calendar week holds three, the windows from Wed to Fri do;
        # reported once at the first fullest window.
        "sliding window across weeks": Case(5, fortnight, make_roster(
            make_assignment(fortnight, "D1", day(4), "AM"),
            make_assignment(fortnight, "D1", day(7), "AM"),
            make_assignment(fortnight, "D1", day(8), "AM"),
        ), [("D1", day(2), None, ("3 sessions in the 7 days Wed 2026-12-02 to Tue 2026-12-08",))]),
        "horizon shorter than a week": Case(5, short, make_roster(
            make_assignment(short, "D1", MONDAY, "AM"),
            make_assignment(short, "D1", day(1), "AM"),
            make_assignment(short, "D1", day(2), "AM"),
        ), [("D1", MONDAY, None, ("3 sessions in the 3 days Mon 2026-11-30 to Wed 2026-12-02",))]),
    }


def _case_evening_weekend() -> dict[str, Case]:
    s = make_scenario()
    open_holiday = make_scenario(holidays=[day(1)],
                                 opening={"weekday": ("AM", "PM", "EVE"), "holiday": ("AM",)})
    no_holidays = make_scenario(
        holidays=[day(1)],
        opening={"weekday": ("AM", "PM", "EVE"), "saturday": ("AM",), "holiday": ("AM",)},
        doctors=[make_doctor("D1", sites=("MAIN", "EAST"), evening=True, weekend=True, holiday=False)],
    )
    return {
        "evening for a day-only doctor": Case(6, s, make_roster(
            make_assignment(s, "D2", MONDAY, "EVE"),
        ), [("D2", MONDAY, "EVE", (
            "does not work evenings", "evening session Mon 2026-11-30 EVE",
        ))]),
        "saturday for a weekday-only doctor": Case(6, s, make_roster(
            make_assignment(s, "D2", day(5), "AM"),
        ), [("D2", day(5), "AM", ("does not work weekends or holidays", "(a Saturday)"))]),
        "holiday for a weekday-only doctor": Case(6, open_holiday, make_roster(
            make_assignment(open_holiday, "D2", day(1), "AM"),
        ), [("D2", day(1), "AM", ("(a holiday)",))]),
        "holiday for a weekend doctor who does not work holidays": Case(6, no_holidays, make_roster(
            make_assignment(no_holidays, "D1", day(1), "AM"),
            make_assignment(no_holidays, "D1", day(5), "AM"),  # Saturday is fine
        ), [("D1", day(1), "AM", ("does not work public holidays", "holiday = no"))]),
    }


def _case_rest() -> dict[str, Case]:
    s = make_scenario()
    return {
        "morning after evening": Case(7, s, make_roster(
            make_assignment(s, "D1", MONDAY, "EVE"),
            make_assignment(s, "D1", day(1), "AM"),
        ), [("D1", day(1), "AM", (
            "Dr Wang Li (D1) works the evening session Mon 2026-11-30 EVE",
            "next morning, Tue 2026-12-01 AM", "no rest after the evening clinic",
        ))]),
    }


def _case_travel() -> dict[str, Case]:
    far = make_scenario(travel={("MAIN", "EAST"): 120})
    unlinked = make_scenario(travel={})
    return {
        "too little travel time": Case(8, far, make_roster(
            make_assignment(far, "D1", MONDAY, "AM"),
            make_assignment(far, "D1", MONDAY, "PM", site_id="EAST"),
        ), [("D1", MONDAY, "PM", (
            "90 min between AM at MAIN (ends 12:00) and PM at EAST (starts 13:30)",
            "the journey takes 120 min",
        ))]),
        "no travel entry": Case(8, unlinked, make_roster(
            make_assignment(unlinked, "D1", MONDAY, "AM", site_id="EAST"),
            make_assignment(unlinked, "D1", MONDAY, "PM"),
        ), [("D1", MONDAY, "PM", (
            "no travel time between EAST and MAIN", "cannot change sites that day",
        ))]),
    }


def _case_consistency() -> dict[str, Case]:
    s = make_scenario()
    return {
        "department not the doctor's": Case(9, s, make_roster(
            make_assignment(s, "D1", MONDAY, "AM", department="SUR", room_id="M2"),
        ), [("D1", MONDAY, "AM", ("a SUR clinic but the doctor works in MED",))]),
        "clinic not matching title": Case(9, s, make_roster(
            make_assignment(s, "D2", MONDAY, "AM", clinic="general"),
            make_assignment(s, "D1", MONDAY, "PM", clinic="expert"),
        ), [
            ("D2", MONDAY, "AM", ("a chief holds expert clinics, not general clinics",)),
            ("D1", MONDAY, "PM", ("an attending holds general clinics, not expert clinics",)),
        ]),
        "unknown clinic": Case(9, s, make_roster(
            make_assignment(s, "D1", MONDAY, "AM", clinic="vip"),
        ), [("D1", MONDAY, "AM", ("clinic 'vip' is not one of general, expert, mdt",))]),
        "unknown doctor": Case(9, s, make_roster(
            make_assignment(s, "D9", MONDAY, "AM"),
        ), [("D9", MONDAY, "AM", ("D9 is not a doctor of this scenario",))]),
        "unknown department": Case(9, s, make_roster(
            make_assignment(s, "D1", MONDAY, "AM", department="ENT", room_id="M2"),
        ), [("D1", MONDAY, "AM", ("ENT is not a department of this scenario",))]),
        "times differ from template": Case(9, s, make_roster(
            make_assignment(s, "D1", MONDAY, "AM", end_min=hhmm("11:00")),
        ), [("D1", MONDAY, "AM", ("times 08:00-11:00 differ from session AM (08:00-12:00)",))]),
        "more open slots than slots": Case(9, s, make_roster(
            make_assignment(s, "D1", MONDAY, "AM", slots=5, booking_open_slots=6),
        ), [("D1", MONDAY, "AM", ("need 0 <= booking_open_slots <= slots",))]),
    }


def _case_planner() -> dict[str, Case]:
    s = make_scenario()
    two_moves = dataclasses.replace(s, rules=Rules(max_site_changes_per_week=1))
    partner = dataclasses.replace(s, partner_support=(PartnerSupport("EAST", "MAIN", 2),))
    joint = dataclasses.replace(s, joint_clinics=(JointClinic("Tumour board", ("MED", "SUR"), "MAIN", 1),))
    return {
        "two site changes, one allowed": Case(10, two_moves, make_roster(
            make_assignment(s, "D1", MONDAY, "AM"),
            make_assignment(s, "D1", MONDAY, "PM", site_id="EAST"),
            make_assignment(s, "D1", day(1), "AM"),
        ), [("D1", MONDAY, None, (
            "changes site 2 times", "MAIN -> EAST (Mon 2026-11-30 PM)", "EAST -> MAIN (Tue 2026-12-01 AM)",
            "the limit is 1",
        ))]),
        "partner site short of sessions": Case(11, partner, make_roster(
            make_assignment(s, "D1", MONDAY, "PM", site_id="EAST"),
            make_assignment(s, "D2", MONDAY, "AM"),
        ), [(None, MONDAY, None, ("EAST receives 1 sessions from doctors based at MAIN", "1 short of the 2"))]),
        "joint clinic not held": Case(12, joint, make_roster(
            make_assignment(s, "D1", MONDAY, "AM"),
            make_assignment(s, "D2", MONDAY, "AM", clinic="mdt", room_id="M2"),
        ), [(None, MONDAY, None, ("Joint clinic Tumour board (MED and SUR) at MAIN is held 0 times",))]),
    }


CASES: dict[str, Case] = {
    **_case_one_place(),
    **_case_room(),
    **_case_opening(),
    **_case_availability(),
    **_case_week(),
    **_case_evening_weekend(),
    **_case_rest(),
    **_case_travel(),
    **_case_consistency(),
    **_case_planner(),
}


def _found(violations: list[Violation]) -> list[tuple[str | None, dt.date, str | None]]:
    return [(v.doctor_id, v.date, v.session_id) for v in violations]


# --- the registry ------------------------------------------------------------


def test_registry_numbers_rules_in_order_with_their_names() -> None:
    """HARD_RULES lists rules 1..12 once each, named as in RULE_NAMES."""
    assert [r.number for r in HARD_RULES] == list(range(1, 13))
    assert {r.number: r.name for r in HARD_RULES} == RULE_NAMES


def test_every_rule_has_a_case() -> None:
    """The case table covers every registered rule, so no rule goes untested."""
    assert {case.rule for case in CASES.values()} == {r.number for r in HARD_RULES}


# --- each rule alone -------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_case_breaks_only_its_rule(name: str) -> None:
    """check_roster finds exactly the planted violations, all of the case's rule."""
    case = CASES[name]
    violations = check_roster(case.scenario, case.roster)
    assert {v.rule for v in violations} == {case.rule}, format_violations(violations)
    assert _found(violations) == [(d, date, s) for d, date, s, _ in case.expected]
    for violation, (_, _, _, fragments) in zip(violations, case.expected, strict=True):
        assert violation.rule_name == RULE_NAMES[case.rule]
        for fragment in fragments:
            assert fragment in violation.message


@pytest.mark.parametrize("name", list(CASES))
def test_only_the_cases_rule_function_fires(name: str) -> None:
    """Run through the registry: the case's rule reports, every other rule is silent."""
    case = CASES[name]
    for rule in HARD_RULES:
        violations = rule.check(case.scenario, case.roster)
        if rule.number == case.rule:
            assert len(violations) == len(case.expected)
            assert all(v.rule == rule.number and v.rule_name == rule.name for v in violations)
        else:
            assert violations == [], f"rule {rule.number} fired: {format_violations(violations)}"


@pytest.mark.parametrize("rule", HARD_RULES, ids=lambda r: f"{r.number}-{r.name}")
def test_clean_roster_passes_each_rule(rule, scenario: Scenario, clean_roster: Roster) -> None:
    """The builders' clean roster breaks no rule, checked rule by rule."""
    assert rule.check(scenario, clean_roster) == []


def test_clean_roster_has_no_violations(scenario: Scenario, clean_roster: Roster) -> None:
    """No violations at all, and the report says so."""
    assert check_roster(scenario, clean_roster) == []
    assert format_violations([]) == "No hard-rule violations."


def test_empty_roster_is_clean(scenario: Scenario) -> None:
    """An empty roster breaks no hard rule."""
    assert check_roster(scenario, Roster(())) == []


# --- rule edges -------------------------------------------------------------------


def test_rest_rule_off_allows_morning_after_evening() -> None:
    """With rest_after_evening false, AM after EVE is fine."""
    s = make_scenario(rules=Rules(rest_after_evening=False))
    roster = make_roster(make_assignment(s, "D1", MONDAY, "EVE"),
                         make_assignment(s, "D1", day(1), "AM"))
    assert check_roster(s, roster) == []


def test_rest_rule_needs_consecutive_days(scenario: Scenario) -> None:
    """An evening two days before a morning, or a PM the day after, is fine."""
    roster = make_roster(
        make_assignment(scenario, "D1", MONDAY, "EVE"),
        make_assignment(scenario, "D1", day(1), "PM"),
        make_assignment(scenario, "D1", day(3), "AM"),
    )
    assert check_roster(scenario, roster) == []


def test_travel_exactly_enough_is_fine() -> None:
    """A gap equal to the travel minutes obeys rule 8."""
    s = make_scenario(travel={("MAIN", "EAST"): 90})
    roster = make_roster(make_assignment(s, "D1", MONDAY, "AM"),
                         make_assignment(s, "D1", MONDAY, "PM", site_id="EAST"))
    assert check_roster(s, roster) == []


def test_back_to_back_sessions_do_not_overlap() -> None:
    """A session ending 12:00 and one starting 12:00 in one room are not a double booking."""
    s = make_scenario()
    roster = make_roster(
        make_assignment(s, "D1", MONDAY, "AM"),
        make_assignment(s, "D1", MONDAY, "PM", start_min=hhmm("12:00"), end_min=hhmm("13:00"),
                        slots=5, booking_open_slots=5),
    )
    assert [v.rule for v in check_roster(s, roster)] == [9]  # only the shifted times


def test_mdt_clinic_allowed_for_any_title(scenario: Scenario) -> None:
    """mdt clinics are fine for an attending and for a chief."""
    roster = make_roster(make_assignment(scenario, "D1", MONDAY, "AM", clinic="mdt"),
                         make_assignment(scenario, "D2", MONDAY, "AM", clinic="mdt"))
    assert check_roster(scenario, roster) == []


def test_triple_booking_is_one_violation() -> None:
    """Three rows of one doctor in one session give one rule-1 violation naming all rooms."""
    s = make_scenario(rooms=[*default_rooms(), Room("MAIN", "M3", None)])
    roster = make_roster(*(make_assignment(s, "D1", MONDAY, "AM", room_id=room)
                           for room in ("M1", "M2", "M3")))
    violations = check_roster(s, roster)
    assert [v.rule for v in violations] == [1]
    assert "three times" in violations[0].message
    assert all(f"room {room} at MAIN" in violations[0].message for room in ("M1", "M2", "M3"))


def test_week_windows_slide_over_the_horizon() -> None:
    """Windows start on every day that leaves 7 days; short horizons give one window."""
    assert week_windows(make_scenario(days=9)) == [(day(i), 7) for i in range(3)]
    assert week_windows(make_scenario(days=7)) == [(MONDAY, 7)]
    assert week_windows(make_scenario(days=4)) == [(MONDAY, 4)]


def test_separate_overloads_are_reported_separately() -> None:
    """Two overloaded stretches with a legal window between them give two violations."""
    light = make_doctor("D1", name="Wang Li", max_sessions_per_week=1, weekend=True)
    s = make_scenario(doctors=[light], days=21,
                      opening={"weekday": ("AM", "PM"), "saturday": ("AM", "PM"),
                               "sunday": ("AM", "PM")})
    roster = make_roster(
        make_assignment(s, "D1", day(0), "AM"), make_assignment(s, "D1", day(0), "PM"),
        make_assignment(s, "D1", day(20), "AM"), make_assignment(s, "D1", day(20), "PM"),
    )
    violations = check_roster(s, roster)
    assert [(v.rule, v.date) for v in violations] == [(5, day(0)), (5, day(14))]


# --- rule 5 against a brute-force reference ---------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    days=st.integers(min_value=1, max_value=16),
    limit=st.integers(min_value=0, max_value=4),
    worked=st.sets(st.tuples(st.integers(0, 15), st.sampled_from(["AM", "PM"])), max_size=14),
)
def test_sessions_per_week_matches_brute_force(days: int, limit: int, worked: set) -> None:
    """A violation exists iff some window of min(7, days) consecutive days exceeds the limit."""
    doctor = make_doctor("D1", max_sessions_per_week=limit)
    every_day = {kind: ("AM", "PM") for kind in ("weekday", "saturday", "sunday", "holiday")}
    s = make_scenario(doctors=[doctor], days=days, opening=every_day)
    roster = make_roster(*(make_assignment(s, "D1", day(d), session)
                           for d, session in sorted(worked) if d < days))
    width = min(7, days)
    over = [
        first for first in range(days - width + 1)
        if sum(1 for d, _ in worked if first <= d < first + width and d < days) > limit
    ]
    violations = [v for v in check_roster(s, roster) if v.rule == 5]
    assert bool(violations) == bool(over)
    # one violation per maximal run of consecutive over-limit windows
    runs = sum(1 for i, first in enumerate(over) if i == 0 or over[i - 1] != first - 1)
    assert len(violations) == runs


# --- the planted violations of the issue -------------------------------------------


def _planted() -> tuple[Scenario, Roster]:
    s = make_scenario(unavailability=[unavailable("D2", day(2), None, "annual leave")])
    roster = make_roster(
        # double-booked doctor: D1 in two rooms on Monday AM
        make_assignment(s, "D1", MONDAY, "AM"),
        make_assignment(s, "D1", MONDAY, "AM", site_id="EAST"),
        # double-booked room: D1 and D2 both in M2 on Tuesday PM
        make_assignment(s, "D1", day(1), "PM", room_id="M2"),
        make_assignment(s, "D2", day(1), "PM", room_id="M2"),
        # unavailable doctor: D2 on leave on Wednesday
        make_assignment(s, "D2", day(2), "AM"),
        # unregistered site: D2 at EAST on Thursday
        make_assignment(s, "D2", day(3), "AM", site_id="EAST"),
        # missing rest: D1 evening Thursday, morning Friday
        make_assignment(s, "D1", day(3), "EVE"),
        make_assignment(s, "D1", day(4), "AM"),
    )
    return s, roster


def test_planted_violations_are_each_named() -> None:
    """Each planted violation is found, once, under its rule, in words."""
    s, roster = _planted()
    violations = check_roster(s, roster)
    assert [(v.rule, v.doctor_id, v.date, v.session_id) for v in violations] == [
        (1, "D1", MONDAY, "AM"),
        (2, None, day(1), "PM"),
        (4, "D2", day(2), "AM"),
        (1, "D2", day(3), "AM"),
        (7, "D1", day(4), "AM"),
    ]
    messages = [v.message for v in violations]
    assert messages[0] == ("Dr Wang Li (D1) is rostered twice on Mon 2026-11-30 AM: "
                           "room E1 at EAST and room M1 at MAIN")
    assert messages[1] == ("Room M2 at MAIN is given to 2 doctors on Tue 2026-12-01 PM: "
                           "Dr Wang Li (D1) and Dr Chen Jing (D2)")
    assert "Dr Chen Jing (D2)" in messages[2] and "(annual leave)" in messages[2]
    assert "not registered to practise at EAST" in messages[3]
    assert "no rest after the evening clinic" in messages[4]


def test_format_violations_groups_by_rule() -> None:
    """The report counts violations and lists them under rule headings, in rule order."""
    s, roster = _planted()
    report = format_violations(check_roster(s, roster))
    lines = report.splitlines()
    assert lines[0] == "5 hard-rule violations"
    headings = [line for line in lines if line.startswith("Rule ")]
    assert headings == [
        "Rule 1, one place per session (2)",
        "Rule 2, one doctor per room (1)",
        "Rule 4, availability (1)",
        "Rule 7, rest after evening (1)",
    ]
    rule1 = lines.index(headings[0])
    assert lines[rule1 + 1].startswith("  - Dr Wang Li (D1) is rostered twice")
    assert "not registered to practise at EAST" in lines[rule1 + 2]


def test_check_roster_sorts_by_date_session_doctor() -> None:
    """Violations come by date, then session start order, then doctor."""
    s = make_scenario()
    roster = make_roster(  # all break rule 6 or 3, listed out of order
        make_assignment(s, "D2", day(5), "AM"),
        make_assignment(s, "D2", MONDAY, "EVE"),
        make_assignment(s, "D1", MONDAY, "AM", room_id="M2", department="SUR"),
    )
    keys = [(v.date, v.session_id, v.doctor_id) for v in check_roster(s, roster)]
    assert keys == [(MONDAY, "AM", "D1"), (MONDAY, "EVE", "D2"), (day(5), "AM", "D2")]


def test_violation_is_frozen() -> None:
    """Violations are immutable records."""
    violation = check_roster(*_planted())[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        violation.rule = 3  # type: ignore[misc]


def test_rules_do_not_import_solver_code() -> None:
    """The checker is independent of the solver."""
    import scheduler.check as check_module

    source = Path(check_module.__file__).read_text(encoding="utf-8")
    assert "scheduler.solver" not in source and "ortools" not in source



# --- properties ---------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(keep=st.lists(st.booleans(), min_size=8, max_size=8))
def test_any_part_of_a_clean_roster_is_clean(keep: list[bool]) -> None:
    """Dropping rows from a clean two-site roster never creates a violation."""
    s = make_scenario()
    rows = clean_roster_of(s).assignments
    part = make_roster(*(a for a, kept in zip(rows, keep, strict=True) if kept))
    assert check_roster(s, part) == []


@pytest.mark.parametrize("index", range(8))
def test_duplicating_any_row_double_books_doctor_and_room(index: int) -> None:
    """A repeated row is both a double-booked doctor (rule 1) and room (rule 2)."""
    s = make_scenario()
    rows = clean_roster_of(s).assignments
    violations = check_roster(s, make_roster(*rows, rows[index]))
    assert sorted(v.rule for v in violations) == [1, 2]
    assert all(v.date == rows[index].date and v.session_id == rows[index].session_id
               for v in violations)


# --- a hand-written roster.csv on the bundled tiny scenario ---------------------------

TINY = Path(__file__).parent / "data" / "tiny"
PLANTED_CSV = """\
date,session,site_id,room_id,department,doctor_id,clinic,start,end,slots,booking_open_slots
2026-11-30,AM,MAIN,M1,internal_medicine,D01,expert,08:00,12:00,12,6
2026-11-30,AM,EAST,E1,internal_medicine,D01,expert,08:00,12:00,12,6
2026-12-01,AM,MAIN,M1,internal_medicine,D02,general,08:00,12:00,20,20
2026-12-01,PM,MAIN,M2,internal_medicine,D03,general,13:30,17:30,20,20
2026-12-01,PM,MAIN,M2,dental,D04,general,13:30,17:30,12,12
2026-12-02,AM,EAST,E1,dental,D04,general,08:00,12:00,12,12
2026-12-02,EVE,MAIN,M1,internal_medicine,D02,general,18:00,21:00,15,15
2026-12-03,AM,MAIN,M1,internal_medicine,D02,general,08:00,12:00,20,20
"""


@pytest.fixture
def tiny() -> Scenario:
    """The bundled tiny scenario folder, loaded by the real loader."""
    if not (TINY / "scenario.yaml").exists():
        pytest.skip("tests/data/tiny is absent")
    from scheduler.scenario import load_scenario

    return load_scenario(TINY)


def test_planted_violations_in_a_hand_written_file(tiny: Scenario, tmp_path: Path) -> None:
    """The issue's five planted violations, read from CSV, are each found and named."""
    from scheduler.roster_io import read_roster

    path = tmp_path / "roster.csv"
    path.write_text(PLANTED_CSV, encoding="utf-8")
    violations = check_roster(tiny, read_roster(path, tiny))
    assert [(v.rule, v.doctor_id, v.date.isoformat(), v.session_id) for v in violations] == [
        (1, "D01", "2026-11-30", "AM"),
        (4, "D02", "2026-12-01", "AM"),
        (2, None, "2026-12-01", "PM"),
        (1, "D04", "2026-12-02", "AM"),
        (7, "D02", "2026-12-03", "AM"),
    ]
    text = [v.message for v in violations]
    assert text[0] == ("Dr Wang Li (D01) is rostered twice on Mon 2026-11-30 AM: "
                       "room E1 at EAST and room M1 at MAIN")
    assert text[1] == ("Dr Zhang Wei (D02) is rostered on Tue 2026-12-01 AM in room M1 at MAIN "
                       "but is unavailable all day (annual leave)")
    assert text[2] == ("Room M2 at MAIN is given to 2 doctors on Tue 2026-12-01 PM: "
                       "Dr Li Na (D03) and Dr Chen Jie (D04)")
    assert text[3] == ("Dr Chen Jie (D04) is rostered in room E1 at EAST on Wed 2026-12-02 AM, "
                       "but is not registered to practise at EAST (registered sites: MAIN)")
    assert text[4] == ("Dr Zhang Wei (D02) works the evening session Wed 2026-12-02 EVE "
                       "(until 21:00) and is rostered again the next morning, Thu 2026-12-03 AM "
                       "(from 08:00): no rest after the evening clinic")


def test_solver_roster_passes_check(tiny: Scenario) -> None:
    """The solver's roster for the tiny scenario breaks no hard rule (independent check)."""
    from scheduler.solver.build import build_model
    from scheduler.solver.solve import SolveParams, solve

    result = solve(build_model(tiny), SolveParams(time_limit_s=10, seed=1, workers=2))
    assert len(result.roster) > 0
    assert check_roster(tiny, result.roster) == [], format_violations(
        check_roster(tiny, result.roster)
    )


def test_unknown_site_is_reported_once(scenario: Scenario) -> None:
    """A row at a site the scenario lacks is a rule-1 violation only (no travel noise)."""
    roster = make_roster(
        make_assignment(scenario, "D1", MONDAY, "AM"),
        make_assignment(scenario, "D1", MONDAY, "PM", site_id="WEST", room_id="W1"),
    )
    violations = check_roster(scenario, roster)
    assert [v.rule for v in violations] == [1, 2]  # unregistered site; W1 not a room of WEST
    assert "WEST is not a registered site of this scenario" in violations[0].message


def test_joint_clinic_shares_a_room_without_breaking_rule_two() -> None:
    """One doctor of each department of a joint clinic, mdt, in a shared room: clean."""
    s = dataclasses.replace(
        make_scenario(), joint_clinics=(JointClinic("Tumour board", ("MED", "SUR"), "MAIN", 1),)
    )
    roster = make_roster(
        make_assignment(s, "D1", MONDAY, "AM", clinic="mdt", room_id="M2"),
        make_assignment(s, "D2", MONDAY, "AM", clinic="mdt", room_id="M2"),
    )
    assert check_roster(s, roster) == []
    # the same pair without a joint clinic in the scenario double-books the room
    assert {v.rule for v in check_roster(make_scenario(), roster)} == {2}
