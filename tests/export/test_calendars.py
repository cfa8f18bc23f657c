"""Per-doctor iCalendar files: every session with date, time, site and room; stable UIDs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from builders import MONDAY, day, make_assignment, make_doctor, make_roster, make_scenario
from icalendar import Calendar

from scheduler.export.calendars import calendar_file_names, event_uid, write_calendars

ODD_NAME = "O'Brien, Ann; \"Chief\"\nof <MED>"


def scenario_and_roster():
    """D1 (an awkward name) on Monday AM at MAIN and Saturday AM at EAST; D2 off all week."""
    doctors = (make_doctor("D1", name=ODD_NAME, sites=("MAIN", "EAST"), weekend=True), make_doctor("D2"))
    scenario = make_scenario(doctors=doctors)
    roster = make_roster(make_assignment(scenario, "D1", MONDAY, "AM"),
                         make_assignment(scenario, "D1", day(5), "AM", site_id="EAST", room_id="E1"))
    return scenario, roster


def events(path: Path) -> list:
    """The VEVENTs of an .ics file, parsed back."""
    return Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def test_one_file_per_doctor_with_each_session(tmp_path: Path) -> None:
    """D1's file has both sessions with local times, site and room; D2's is an empty calendar."""
    scenario, roster = scenario_and_roster()
    paths = write_calendars(scenario, roster, tmp_path)
    assert [p.name for p in paths] == ["D1.ics", "D2.ics"]
    first, second = events(tmp_path / "D1.ics")
    assert first.decoded("dtstart") == dt.datetime(2026, 11, 30, 8, 0)
    assert first.decoded("dtend") == dt.datetime(2026, 11, 30, 12, 0)
    main = scenario.sites["MAIN"].name
    assert str(first["location"]) == f"{main} (MAIN), room M1"
    assert second.decoded("dtstart") == dt.datetime(2026, 12, 5, 8, 0)
    assert "room E1" in str(second["location"]) and "weekend" in str(second["description"])
    assert events(tmp_path / "D2.ics") == []


def test_names_with_commas_quotes_and_newlines_round_trip(tmp_path: Path) -> None:
    """iCalendar escaping keeps an awkward doctor name in the calendar's name (newlines become spaces)."""
    scenario, roster = scenario_and_roster()
    write_calendars(scenario, roster, tmp_path)
    calendar = Calendar.from_ical((tmp_path / "D1.ics").read_bytes())
    assert str(calendar["x-wr-calname"]) == "Clinic sessions: O'Brien, Ann; \"Chief\" of <MED> (Attending)"


def test_uids_are_stable_across_exports_and_unique(tmp_path: Path) -> None:
    """Same doctor, date and session -> same UID, even if the room changes; files are identical on re-export."""
    scenario, roster = scenario_and_roster()
    write_calendars(scenario, roster, tmp_path / "a")
    moved = make_roster(make_assignment(scenario, "D1", MONDAY, "AM", room_id="M2"), roster.assignments[1])
    write_calendars(scenario, moved, tmp_path / "b")
    uids_a = [str(e["uid"]) for e in events(tmp_path / "a" / "D1.ics")]
    uids_b = [str(e["uid"]) for e in events(tmp_path / "b" / "D1.ics")]
    assert uids_a == uids_b and len(set(uids_a)) == 2
    assert uids_a[0] == event_uid(roster.assignments[0])
    before = (tmp_path / "a" / "D1.ics").read_bytes()
    write_calendars(scenario, roster, tmp_path / "a")
    assert (tmp_path / "a" / "D1.ics").read_bytes() == before
    assert not (tmp_path / "a" / "D1.ics.~1~").exists()


def test_calendar_file_names_are_safe_and_unique() -> None:
    """Ids with path characters become safe names; clashes get a number."""
    doctors = [make_doctor("../x"), make_doctor("a/b"), make_doctor("a_b"), make_doctor("A_B")]
    assert list(calendar_file_names(doctors).values()) == ["_x.ics", "a_b.ics", "a_b_2.ics", "A_B_3.ics"]
