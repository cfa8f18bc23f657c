"""Reading and writing ``roster.csv`` (see CONTRACT.md, "roster.csv").

:func:`write_roster` writes any :class:`~scheduler.model.Roster` in the
contract's column order; :func:`read_roster` reads a solved or hand-written
roster back, checking every cell against the scenario's ids.

Reading validates the *cells* only (dates, times, numbers, known ids); it
deliberately accepts rosters that break hard rules (double bookings, sites a
doctor is not registered at, dates outside the horizon, closed sessions ...),
because reporting those in words is the job of :mod:`scheduler.check`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from scheduler.model import CLINIC_TYPES, Assignment, Roster, Scenario, format_hhmm
from scheduler.output import write_text_safely
from scheduler.tables import Row, read_table

#: roster.csv columns, in contract order.
ROSTER_COLUMNS: tuple[str, ...] = (
    "date",
    "session",
    "site_id",
    "room_id",
    "department",
    "doctor_id",
    "clinic",
    "start",
    "end",
    "slots",
    "booking_open_slots",
)



def _sort_key(a: Assignment) -> tuple:
    """Row order of roster.csv: date, start, site, room, doctor."""
    return (a.date, a.start_min, a.site_id, a.room_id, a.doctor_id, a.session_id)


def _row_cells(a: Assignment) -> list[str]:
    return [
        a.date.isoformat(),
        a.session_id,
        a.site_id,
        a.room_id,
        a.department,
        a.doctor_id,
        a.clinic,
        format_hhmm(a.start_min),
        format_hhmm(a.end_min),
        str(a.slots),
        str(a.booking_open_slots),
    ]


def roster_csv_text(roster: Roster) -> str:
    """roster.csv content: header plus rows sorted by date, start, site, room, doctor."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ROSTER_COLUMNS)
    for assignment in sorted(roster.assignments, key=_sort_key):
        writer.writerow(_row_cells(assignment))
    return buffer.getvalue()


def write_roster(roster: Roster, path: Path) -> Path | None:
    """Write ``roster`` to ``path`` as roster.csv (times ``HH:MM``).

    Written atomically through :func:`scheduler.output.write_text_safely`: a
    different file already at ``path`` (a hand-edited roster, say) is kept as a
    numbered backup, whose path is returned.
    """
    return write_text_safely(Path(path), roster_csv_text(roster))


def read_roster(path: Path, scenario: Scenario) -> Roster:
    """Read a roster.csv written by :func:`write_roster` or by hand.

    Every bad cell raises :class:`~scheduler.errors.InputError` naming the
    file, the row (header = row 1) and the column: a malformed date or time,
    an ``end`` not after ``start``, a negative or non-integer ``slots``,
    ``booking_open_slots`` above ``slots``, an unknown ``doctor_id``,
    ``site_id``, ``session`` or ``department``, a ``room_id`` that is not a
    room of the row's site, and a ``clinic`` other than general, expert or mdt.

    Hard-rule violations are *not* errors here; see :func:`scheduler.check.check_roster`.

    Parameters
    ----------
    path
        The roster.csv file.
    scenario
        The scenario whose ids the roster must use.

    Returns
    -------
    Roster
        The assignments in file order.
    """
    path = Path(path)
    rows = read_table(path, ROSTER_COLUMNS)
    return Roster(tuple(_assignment(row, scenario) for row in rows))


def _assignment(row: Row, scenario: Scenario) -> Assignment:
    date = row.date("date")
    session_id = _known(row, "session", {s.session_id for s in scenario.sessions}, "session")
    site_id = _known(row, "site_id", set(scenario.sites), "site")
    site_rooms = {r.room_id for r in scenario.rooms if r.site_id == site_id}
    room_id = row.text("room_id")
    if room_id not in site_rooms:
        elsewhere = sorted(r.site_id for r in scenario.rooms if r.room_id == room_id)
        hint = f" (it is a room of {', '.join(elsewhere)})" if elsewhere else ""
        raise row.error("room_id", f"'{room_id}' is not a room of site '{site_id}'{hint}")
    department = _known(row, "department", set(scenario.departments), "department")
    doctor_id = _known(row, "doctor_id", {d.doctor_id for d in scenario.doctors}, "doctor")
    clinic = row.choice("clinic", CLINIC_TYPES)
    start_min = row.hhmm("start")
    end_min = row.hhmm("end")
    if end_min <= start_min:
        raise row.error(
            "end", f"must be after start ({row.values['start']}), got '{row.values['end']}'"
        )
    slots = row.integer("slots", minimum=0)
    booking_open_slots = row.integer("booking_open_slots", minimum=0)
    if booking_open_slots > slots:
        raise row.error(
            "booking_open_slots",
            f"must be at most slots ({slots}), got {booking_open_slots}",
        )
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


def _known(row: Row, column: str, ids: set[str], what: str) -> str:
    """The cell's text, which must be one of ``ids``."""
    value = row.text(column)
    if value not in ids:
        shown = ", ".join(sorted(ids)[:10]) + (" ..." if len(ids) > 10 else "")
        raise row.error(column, f"unknown {what} '{value}'; expected one of {shown}")
    return value
