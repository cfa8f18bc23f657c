"""Turning a CP-SAT solution into a :class:`~scheduler.model.Roster` with rooms."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.model import Assignment, Room, Roster, Scenario
from scheduler.slots import booking_open_slots


def assign_rooms(scenario: Scenario, site_id: str, doctor_ids: list[str]) -> dict[str, Room]:
    """Rooms for doctors holding one session at one site: own department's rooms
    first, then shared rooms, each in room-id order (:meth:`Scenario.usable_rooms`).

    The solver's room rule guarantees enough rooms. Only a model built without
    that rule can leave doctors over; they share the last room they could use
    (or any room of the site), so that :mod:`scheduler.check` can report it.
    """
    taken: set[str] = set()
    placed: dict[str, Room] = {}

    def first_free(doctor_id: str, shared: bool) -> Room | None:
        rooms = scenario.usable_rooms(site_id, scenario.doctor(doctor_id).department)
        return next(
            (r for r in rooms if (r.department is None) == shared and r.room_id not in taken), None
        )

    waiting = []
    for shared in (False, True):
        for doctor_id in sorted(doctor_ids) if not shared else waiting:
            room = first_free(doctor_id, shared)
            if room is None and not shared:
                waiting.append(doctor_id)
                continue
            if room is None:  # only without the room rule
                usable = scenario.usable_rooms(site_id, scenario.doctor(doctor_id).department)
                fallback = usable or tuple(r for r in scenario.rooms if r.site_id == site_id)
                room = fallback[-1] if fallback else Room(site_id, "", None)
            taken.add(room.room_id)
            placed[doctor_id] = room
    return placed


def seat_joint_clinics(
    scenario: Scenario, site_id: str, doctor_ids: list[str], seated: dict[str, str]
) -> dict[str, Room]:
    """Rooms when some doctors (``seated``: doctor -> joint clinic name) sit in joint
    clinics: the others as :func:`assign_rooms`, then each joint clinic in the first
    free room open to any department, shared by its doctors."""
    placed = assign_rooms(scenario, site_id, [d for d in doctor_ids if d not in seated])
    taken = {room.room_id for room in placed.values()}
    free = [r for r in scenario.rooms if r.site_id == site_id and r.department is None and r.room_id not in taken]
    for i, name in enumerate(sorted(set(seated.values()))):
        room = free[i] if i < len(free) else Room(site_id, "", None)  # only without the room rule
        placed.update({doctor_id: room for doctor_id, clinic in seated.items() if clinic == name})
    return placed


def extract_roster(roster_model, solver: cp_model.CpSolver) -> Roster:  # noqa: ANN001
    """The roster of a solved :class:`~scheduler.solver.build.RosterModel`."""
    ctx = roster_model.ctx
    scenario = ctx.scenario
    chosen = [key for key, var in ctx.works.items() if solver.BooleanValue(var)]
    by_site_session: dict[tuple, list[str]] = defaultdict(list)
    for doctor_id, date, session_id, site_id in chosen:
        by_site_session[(site_id, date, session_id)].append(doctor_id)
    joint = {
        (doctor_id, date, session_id): name
        for (name, doctor_id, date, session_id), var in ctx.joint_seats.items()
        if solver.BooleanValue(var)
    }
    assignments = []
    for (site_id, date, session_id), doctor_ids in by_site_session.items():
        seated = {d: joint[(d, date, session_id)] for d in doctor_ids if (d, date, session_id) in joint}
        rooms = seat_joint_clinics(scenario, site_id, doctor_ids, seated)
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
                    clinic="mdt" if doctor_id in seated else doctor.clinic,
                    start_min=session.start_min,
                    end_min=session.end_min,
                    slots=slots,
                    booking_open_slots=booking_open_slots(slots, doctor.clinic, scenario.targets),
                )
            )
    assignments.sort(key=lambda a: (a.date, a.start_min, a.site_id, a.room_id, a.doctor_id))
    return Roster(tuple(assignments))
