"""Tiny hand-built scenarios and rosters for unit tests, made directly from the dataclasses.

No files, no loader: each function returns frozen domain objects with
sensible defaults that any argument can override, so a test states only what
it is about.

The default scenario (:func:`make_scenario`) is one week from Monday
2026-11-30 (:data:`MONDAY`) with:

* sessions :data:`AM` 08:00-12:00, :data:`PM` 13:30-17:30, :data:`EVE` 18:00-21:00 (evening);
  opening weekday ``AM, PM, EVE``, saturday ``AM``, sunday and holiday none;
* sites ``MAIN`` and ``EAST``, 30 minutes apart (:data:`TRAVEL_MIN`);
* rooms ``M1`` at MAIN for department ``MED`` only, ``M2`` at MAIN for any
  department, ``E1`` at EAST for any department;
* departments ``MED`` and ``SUR`` (12-min general, 20-min expert consultations);
* doctors (:func:`default_doctors`):

  - ``D1`` Wang Li, MED, attending (general clinics), registered at MAIN then
    EAST, may work evenings and weekends;
  - ``D2`` Chen Jing, SUR, chief (expert clinics), registered at MAIN only,
    no evenings, no weekends;

* rules: at most 9 sessions per 7 days, rest after an evening session.

The simulator's tests build through these same functions with the simulator's
defaults (``tests/sim/sim_factories.py``); both fill the rest of the scenario
with :func:`scheduler.handbuilt.handbuilt_scenario`.

Typical use::

    scenario = make_scenario()
    roster = make_roster(
        make_assignment(scenario, "D1", MONDAY, "AM"),
        make_assignment(scenario, "D2", MONDAY, "AM", room_id="M2"),
    )
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from scheduler.handbuilt import handbuilt_scenario
from scheduler.model import (
    Assignment,
    DemandForecast,
    Department,
    Doctor,
    DoctorRequest,
    Room,
    Roster,
    Rules,
    Scenario,
    SessionTemplate,
    SimulationSettings,
    Site,
    Targets,
    Unavailability,
)
from scheduler.slots import booking_open_slots as _booking_open_slots
from scheduler.slots import session_slots

#: First day of the default horizon, a Monday.
MONDAY = dt.date(2026, 11, 30)
#: Minutes between the default sites MAIN and EAST.
TRAVEL_MIN = 30


def day(offset: int, start: dt.date = MONDAY) -> dt.date:
    """The date ``offset`` days after ``start`` (``day(5)`` is the default Saturday)."""
    return start + dt.timedelta(days=offset)


def hhmm(text: str) -> int:
    """``"HH:MM"`` as minutes after midnight."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


#: The default sessions: morning, afternoon and evening.
AM = SessionTemplate("AM", hhmm("08:00"), hhmm("12:00"), evening=False)
PM = SessionTemplate("PM", hhmm("13:30"), hhmm("17:30"), evening=False)
EVE = SessionTemplate("EVE", hhmm("18:00"), hhmm("21:00"), evening=True)


def default_sessions() -> tuple[SessionTemplate, ...]:
    """``AM`` 08:00-12:00, ``PM`` 13:30-17:30 and evening ``EVE`` 18:00-21:00."""
    return (AM, PM, EVE)


def default_opening() -> dict[str, tuple[str, ...]]:
    """Weekdays AM, PM, EVE; Saturday AM; Sunday and holidays closed."""
    return {"weekday": ("AM", "PM", "EVE"), "saturday": ("AM",), "sunday": (), "holiday": ()}


def default_sites() -> dict[str, Site]:
    """``MAIN`` (secondary) and ``EAST`` (community)."""
    return {
        "MAIN": Site("MAIN", "City General", "secondary"),
        "EAST": Site("EAST", "East Community Clinic", "community"),
    }


def default_rooms() -> tuple[Room, ...]:
    """``M1`` (MED only) and ``M2`` (any) at MAIN; ``E1`` (any) at EAST."""
    return (Room("MAIN", "M1", "MED"), Room("MAIN", "M2", None), Room("EAST", "E1", None))


def default_departments() -> dict[str, Department]:
    """``MED`` and ``SUR``: 12-min general and 20-min expert consultations."""
    return {
        name: Department(name, consult_min=12.0, expert_consult_min=20.0,
                         followup_booking_rate=None)
        for name in ("MED", "SUR")
    }


def make_doctor(
    doctor_id: str = "D1",
    *,
    name: str | None = None,
    department: str = "MED",
    title: str = "attending",
    sites: Iterable[str] = ("MAIN",),
    max_sessions_per_week: int = 9,
    evening: bool = False,
    weekend: bool = False,
    min_sessions_per_week: int = 0,
    holiday: bool = True,
) -> Doctor:
    """A doctor; ``name`` defaults to ``"Doctor <id>"``."""
    return Doctor(
        doctor_id=doctor_id,
        name=name if name is not None else f"Doctor {doctor_id}",
        department=department,
        title=title,
        sites=tuple(sites),
        max_sessions_per_week=max_sessions_per_week,
        evening=evening,
        weekend=weekend,
        min_sessions_per_week=min_sessions_per_week,
        holiday=holiday,
    )


def default_doctors() -> tuple[Doctor, ...]:
    """``D1`` Wang Li (MED attending, MAIN+EAST, evenings and weekends) and
    ``D2`` Chen Jing (SUR chief, MAIN only, neither)."""
    return (
        make_doctor("D1", name="Wang Li", department="MED", title="attending",
                    sites=("MAIN", "EAST"), evening=True, weekend=True),
        make_doctor("D2", name="Chen Jing", department="SUR", title="chief",
                    sites=("MAIN",), evening=False, weekend=False),
    )


def symmetric_travel(pairs: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """Fill both directions of each ``(from, to) -> minutes`` entry."""
    travel: dict[tuple[str, str], int] = {}
    for (a, b), minutes in pairs.items():
        travel[(a, b)] = minutes
        travel[(b, a)] = minutes
    return travel


def make_scenario(
    *,
    name: str = "hand-built test scenario",
    start_date: dt.date = MONDAY,
    days: int = 7,
    sessions: Iterable[SessionTemplate] | None = None,
    opening: Mapping[str, Iterable[str]] | None = None,
    holidays: Iterable[dt.date] = (),
    rules: Rules | None = None,
    targets: Targets | None = None,
    simulation: SimulationSettings | None = None,
    sites: Mapping[str, Site] | None = None,
    travel: Mapping[tuple[str, str], int] | None = None,
    rooms: Iterable[Room] | None = None,
    departments: Mapping[str, Department] | None = None,
    doctors: Iterable[Doctor] | None = None,
    unavailability: Iterable[Unavailability] = (),
    demand: Iterable[DemandForecast] = (),
    requests: Iterable[DoctorRequest] = (),
) -> Scenario:
    """A validated-looking :class:`Scenario` built from defaults (see module docstring).

    ``travel`` is given one direction per pair and filled symmetrically; the
    default is MAIN <-> EAST in :data:`TRAVEL_MIN` minutes. Pass ``travel={}``
    for sites with no travel entry. ``doctors`` defaults to :func:`default_doctors`
    only when not given (``doctors=()`` gives a scenario with no doctors).
    """
    travel_pairs = {("MAIN", "EAST"): TRAVEL_MIN} if travel is None else travel
    return handbuilt_scenario(
        name=name,
        start_date=start_date,
        days=days,
        sessions=sorted(sessions or default_sessions(), key=lambda s: s.start_min),
        opening=opening or default_opening(),
        holidays=holidays,
        rules=rules,
        targets=targets,
        simulation=simulation,
        sites=sites or default_sites(),
        travel_min=symmetric_travel(travel_pairs),
        rooms=rooms or default_rooms(),
        departments=departments or default_departments(),
        doctors=default_doctors() if doctors is None else doctors,
        unavailability=unavailability,
        demand=demand,
        requests=requests,
    )


def make_assignment(
    scenario: Scenario,
    doctor_id: str,
    date: dt.date,
    session_id: str,
    *,
    site_id: str | None = None,
    room_id: str | None = None,
    department: str | None = None,
    clinic: str | None = None,
    start_min: int | None = None,
    end_min: int | None = None,
    slots: int | None = None,
    booking_open_slots: int | None = None,
) -> Assignment:
    """One roster row, filling every unspecified field consistently from ``scenario``.

    Defaults: the doctor's home site and department; the first room of that
    site reserved for the department, else the first open to any department;
    the doctor's clinic (expert/general); the session template's times; slots
    and open slots from :mod:`scheduler.slots`. Unknown ids are allowed when
    every field that depends on them is given explicitly (for testing checks
    of bad rosters).
    """
    doctor = next((d for d in scenario.doctors if d.doctor_id == doctor_id), None)
    site_id = site_id if site_id is not None else (doctor.home_site if doctor else "MAIN")
    department = department if department is not None else (doctor.department if doctor else "MED")
    clinic = clinic if clinic is not None else (doctor.clinic if doctor else "general")
    if room_id is None:
        at_site = [r for r in scenario.rooms if r.site_id == site_id]
        fitting = [r for r in at_site if r.department == department] + [
            r for r in at_site if r.department is None
        ]
        if not fitting:
            raise ValueError(f"no room at {site_id} for {department}; pass room_id")
        room_id = fitting[0].room_id
    template = next((s for s in scenario.sessions if s.session_id == session_id), None)
    if template is None and (start_min is None or end_min is None):
        raise ValueError(f"unknown session {session_id}; pass start_min and end_min")
    start_min = start_min if start_min is not None else template.start_min  # type: ignore[union-attr]
    end_min = end_min if end_min is not None else template.end_min  # type: ignore[union-attr]
    if slots is None:
        dept = scenario.departments.get(department)
        slots = (
            session_slots(SessionTemplate(session_id, start_min, end_min, False), dept, clinic)
            if dept is not None
            else 10
        )
    if booking_open_slots is None:
        booking_open_slots = _booking_open_slots(slots, clinic, scenario.targets)
    return Assignment(
        date=date,
        session_id=session_id,
        site_id=site_id,
        room_id=room_id,
        department=department,
        doctor_id=doctor_id,
        clinic=clinic,
        start_min=start_min,
        end_min=end_min,
        slots=slots,
        booking_open_slots=booking_open_slots,
    )


def make_roster(*assignments: Assignment) -> Roster:
    """A :class:`Roster` of the given assignments, in the given order."""
    return Roster(tuple(assignments))


def unavailable(
    doctor_id: str, date: dt.date, session_id: str | None = None, reason: str = "annual leave"
) -> Unavailability:
    """An availability.csv entry (``session_id`` None = the whole day)."""
    return Unavailability(doctor_id, date, session_id, reason)


def clean_roster(scenario: Scenario | None = None) -> Roster:
    """A roster that obeys every hard rule of the default scenario.

    Exercises each rule's allowed edge: D1 changes site between AM and PM
    (90 min for a 30-min journey), works an evening and then only a PM the
    next day, and works Saturday (weekend = yes); D2 (no evenings or weekends)
    works weekday days only; both share MAIN without sharing a room.
    """
    s = scenario if scenario is not None else make_scenario()
    return make_roster(
        make_assignment(s, "D1", MONDAY, "AM"),  # M1 at MAIN
        make_assignment(s, "D2", MONDAY, "AM"),  # M2 at MAIN
        make_assignment(s, "D1", MONDAY, "PM", site_id="EAST"),  # E1, after travel
        make_assignment(s, "D1", day(1), "EVE"),
        make_assignment(s, "D1", day(2), "PM"),  # no morning after the evening
        make_assignment(s, "D2", day(2), "PM", room_id="M2"),
        make_assignment(s, "D2", day(3), "AM", clinic="mdt"),
        make_assignment(s, "D1", day(5), "AM"),  # Saturday
    )
