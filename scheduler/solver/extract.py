"""Turning a CP-SAT solution into a :class:`~scheduler.model.Roster` with rooms."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.model import Assignment, Room, Roster, Scenario
from scheduler.slots import booking_open_slots


def assign_rooms(
    scenario: Scenario, site_id: str, doctor_ids: list[str]
) -> dict[str, Room]:
    """Rooms for doctors holding one session at one site: own department's rooms
    first, then shared rooms, each in room-id order.

    The solver's room rule guarantees enough rooms. Only a model built without
    that rule can leave doctors over; they share the last room they could use
    (or any room of the site), so that :mod:`scheduler.check` can report it.
    """
    own: dict[str, list[Room]] = defaultdict(list)
    shared: list[Room] = []
    for room in sorted(scenario.rooms, key=lambda r: r.room_id):
        if room.site_id != site_id:
            continue
        (shared if room.department is None else own[room.department]).append(room)
    placed: dict[str, Room] = {}
    waiting = []
    for doctor_id in sorted(doctor_ids):
        rooms = own[scenario.doctor(doctor_id).department]
        if rooms:
            placed[doctor_id] = rooms.pop(0)
        else:
            waiting.append(doctor_id)
    site_rooms = sorted((r for r in scenario.rooms if r.site_id == site_id), key=lambda r: r.room_id)
    for doctor_id in waiting:
        if shared:
            placed[doctor_id] = shared.pop(0)
        else:
            department = scenario.doctor(doctor_id).department
            usable = [r for r in site_rooms if r.department in (None, department)] or site_rooms
            placed[doctor_id] = usable[-1] if usable else Room(site_id, "", None)
    return placed


def extract_roster(roster_model, solver: cp_model.CpSolver) -> Roster:  # noqa: ANN001
    """The roster of a solved :class:`~scheduler.solver.build.RosterModel`."""
    ctx = roster_model.ctx
    scenario = ctx.scenario
    chosen = [key for key, var in ctx.works.items() if solver.BooleanValue(var)]
    by_site_session: dict[tuple, list[str]] = defaultdict(list)
    for doctor_id, date, session_id, site_id in chosen:
        by_site_session[(site_id, date, session_id)].append(doctor_id)
    assignments = []
    for (site_id, date, session_id), doctor_ids in by_site_session.items():
        rooms = assign_rooms(scenario, site_id, doctor_ids)
        session = scenario.session(session_id)
        for doctor_id in doctor_ids:
            doctor = scenario.doctor(doctor_id)
            slots = ctx.slots[(doctor_id, date, session_id, site_id)]
            assignments.append(
                Assignment(
                    date=date,
                    session_id=session_id,
                    site_id=site_id,
                    room_id=rooms[doctor_id].room_id,
                    department=doctor.department,
                    doctor_id=doctor_id,
                    clinic=doctor.clinic,
                    start_min=session.start_min,
                    end_min=session.end_min,
                    slots=slots,
                    booking_open_slots=booking_open_slots(slots, doctor.clinic, scenario.targets),
                )
            )
    assignments.sort(key=lambda a: (a.date, a.start_min, a.site_id, a.room_id, a.doctor_id))
    return Roster(tuple(assignments))
