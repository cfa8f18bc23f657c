"""Scenarios built in code rather than loaded from a folder: textbook cases, benchmarks, tests.

:func:`handbuilt_scenario` fills in every table and setting such a case leaves at its
default (no holidays, travel, unavailability or requests; default rules, targets, solver and
simulation settings), so a builder states only what its case is about. Nothing is validated
here: the folder loader (:func:`scheduler.scenario.load_scenario`) is the boundary that
validates, and a case built in code is trusted to be consistent.
:func:`every_session_roster` staffs such a case fully: every doctor in every open session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from scheduler.model import (
    Assignment,
    BookingSettings,
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
    SolverSettings,
    Targets,
    Unavailability,
)


def day_settings(**settings: object) -> SimulationSettings:
    """Simulation settings with the booking simulation over weeks off (``booking.weeks: 0``):
    the clinic days alone. ``settings`` replace other defaults."""
    return SimulationSettings(booking=BookingSettings(weeks=0), **settings)  # type: ignore[arg-type]


def open_every_day(session_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """An ``opening`` with the sessions on weekdays, Saturdays and Sundays, none on holidays."""
    ids = tuple(session_ids)
    return {"weekday": ids, "saturday": ids, "sunday": ids, "holiday": ()}


def handbuilt_scenario(
    *,
    name: str,
    start_date: dt.date,
    days: int,
    sessions: Iterable[SessionTemplate],
    sites: Mapping[str, Site],
    rooms: Iterable[Room],
    departments: Mapping[str, Department],
    doctors: Iterable[Doctor],
    demand: Iterable[DemandForecast] = (),
    opening: Mapping[str, Iterable[str]] | None = None,
    holidays: Iterable[dt.date] = (),
    rules: Rules | None = None,
    targets: Targets | None = None,
    solver: SolverSettings | None = None,
    simulation: SimulationSettings | None = None,
    travel_min: Mapping[tuple[str, str], int] | None = None,
    unavailability: Iterable[Unavailability] = (),
    requests: Iterable[DoctorRequest] = (),
) -> Scenario:
    """A :class:`~scheduler.model.Scenario` of the given tables, defaults for the rest.

    Parameters
    ----------
    sessions
        Session templates, in the order given (callers give them by start time).
    opening
        Day kind -> session ids that may run; ``None`` opens every session every day
        but holidays (:func:`open_every_day`).
    rules, targets, solver, simulation
        ``None`` gives the dataclass defaults.
    travel_min
        ``(from, to) -> minutes``, both directions as given; ``None`` gives no travel entries.
    """
    sessions = tuple(sessions)
    return Scenario(
        name=name,
        start_date=start_date,
        days=days,
        sessions=sessions,
        opening={kind: tuple(ids) for kind, ids in (opening or open_every_day(s.session_id for s in sessions)).items()},
        holidays=frozenset(holidays),
        rules=rules or Rules(),
        targets=targets or Targets(),
        solver=solver or SolverSettings(),
        simulation=simulation or SimulationSettings(),
        sites=dict(sites),
        travel_min=dict(travel_min or {}),
        rooms=tuple(rooms),
        departments=dict(departments),
        doctors=tuple(doctors),
        unavailability=tuple(unavailability),
        demand=tuple(demand),
        requests=tuple(requests),
    )


def every_session_roster(scenario: Scenario, slots: Callable[[Doctor, SessionTemplate], tuple[int, int]]) -> Roster:
    """Every doctor in every open session of every day, at the home site: the ``k``-th doctor
    of ``scenario.doctors`` in the ``k``-th room of ``scenario.rooms`` (one room a doctor).

    ``slots(doctor, session)`` gives the session's slots and slots open to advance booking.
    Rows are ordered by date, session, then doctor.
    """
    rows = []
    for date in scenario.dates:
        for session in scenario.open_sessions(date):
            for doctor, room in zip(scenario.doctors, scenario.rooms, strict=True):
                total, open_slots = slots(doctor, session)
                rows.append(Assignment(date, session.session_id, doctor.home_site, room.room_id, doctor.department,
                                       doctor.doctor_id, doctor.clinic, session.start_min, session.end_min, total,
                                       open_slots))
    return Roster(tuple(rows))
