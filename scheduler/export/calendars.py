"""One iCalendar (.ics) file per doctor with each of their clinic sessions.

Each event carries the session's date and local wall-clock times (floating
times, as in the scenario: no time zone is assumed), the site and room as its
location, and the department and clinic in its summary. UIDs are stable: the
same doctor, date and session give the same UID in every export, so a calendar
that imports a revised roster updates the event instead of adding a second one.
``DTSTAMP`` is the roster's first day, so an unchanged roster gives an
identical file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from icalendar import Calendar, Event

from scheduler.export.labels import department_label, doctor_label, is_unsocial
from scheduler.model import Assignment, Doctor, Roster, Scenario, format_hhmm
from scheduler.output import write_text_safely

PRODID = "-//outpatient-scheduler//clinic roster//EN"
UID_DOMAIN = "outpatient-scheduler"
#: Characters kept in a calendar file name; others become ``_``.
UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]")


def one_line(text: str) -> str:
    """Text with every run of whitespace (newlines too) as one space: calendar names are one line."""
    return " ".join(text.split())


def event_uid(assignment: Assignment) -> str:
    """Stable UID of a doctor's session: a hash of doctor id, date and session id."""
    key = f"{assignment.doctor_id}|{assignment.date.isoformat()}|{assignment.session_id}"
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}@{UID_DOMAIN}"


def _at(date: dt.date, minutes: int) -> dt.datetime:
    """Local (floating) date-time ``minutes`` after midnight of ``date``."""
    return dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minutes)


def session_event(scenario: Scenario, assignment: Assignment) -> Event:
    """The calendar event of one doctor-session."""
    site = scenario.sites[assignment.site_id]
    event = Event()
    event.add("uid", event_uid(assignment))
    event.add("dtstamp", dt.datetime.combine(scenario.start_date, dt.time(), tzinfo=dt.timezone.utc))
    event.add("dtstart", _at(assignment.date, assignment.start_min))
    event.add("dtend", _at(assignment.date, assignment.end_min))
    event.add("summary", one_line(f"{department_label(assignment.department)} {assignment.clinic} clinic, "
                                  f"{site.name} room {assignment.room_id}"))
    event.add("location", one_line(f"{site.name} ({assignment.site_id}), room {assignment.room_id}"))
    unsocial = " Evening/weekend session." if is_unsocial(scenario, assignment) else ""
    event.add("description", (
        f"Session {assignment.session_id} {format_hhmm(assignment.start_min)}-{format_hhmm(assignment.end_min)}, "
        f"{assignment.slots} appointment slots ({assignment.booking_open_slots} open to advance booking).{unsocial}"
    ))
    event.add("categories", ["Clinic", department_label(assignment.department)])
    event.add("transp", "OPAQUE")
    return event


def doctor_calendar(scenario: Scenario, doctor: Doctor, sessions: Iterable[Assignment]) -> Calendar:
    """A calendar with every session of one doctor."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", one_line(f"Clinic sessions: {doctor_label(doctor)}"))
    for assignment in sorted(sessions, key=lambda a: (a.date, a.start_min)):
        calendar.add_component(session_event(scenario, assignment))
    return calendar


def calendar_file_names(doctors: Iterable[Doctor]) -> dict[str, str]:
    """Doctor id -> a safe, unique ``<id>.ics`` file name."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for doctor in doctors:
        base = UNSAFE_FILE_CHARS.sub("_", doctor.doctor_id).lstrip(".") or "doctor"
        name, n = f"{base}.ics", 1
        while name.lower() in used:
            n += 1
            name = f"{base}_{n}.ics"
        used.add(name.lower())
        names[doctor.doctor_id] = name
    return names


def write_calendars(scenario: Scenario, roster: Roster, out_dir: Path) -> list[Path]:
    """One ``<doctor_id>.ics`` per doctor of the scenario in ``out_dir`` (empty for doctors off all week)."""
    by_doctor = roster.by_doctor()
    paths = []
    for doctor_id, name in calendar_file_names(scenario.doctors).items():
        calendar = doctor_calendar(scenario, scenario.doctor(doctor_id), by_doctor.get(doctor_id, []))
        path = out_dir / name
        write_text_safely(path, calendar.to_ical().decode("utf-8"))
        paths.append(path)
    return paths
