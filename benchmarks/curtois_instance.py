"""Reading a Curtois & Qu shift-scheduling instance (``InstanceN.txt``).

The format (sections, fields, the objective) is described in
``../shared/data/curtois/FORMAT.md``. The solver adapter
(:mod:`benchmarks.curtois`) reads instances with :func:`read_instance`; the
evaluator (:mod:`benchmarks.curtois_eval`) has its own reader on purpose, so
a parsing mistake here cannot hide behind the same mistake there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.errors import InputError


@dataclass(frozen=True)
class ShiftType:
    """A shift type: its id, length [min] and the shift ids barred on the next day."""

    shift_id: str
    length_min: int
    forbidden_next: tuple[str, ...]


@dataclass(frozen=True)
class Employee:
    """One employee's hard limits (minutes in [min], counts in shifts, days or weekends)."""

    employee_id: str
    max_shifts: dict[str, int]  #: shift id -> most shifts of that type (0 = not qualified)
    max_total_min: int
    min_total_min: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class ShiftRequest:
    """A wish to work (``on``) or not work (``off``) a shift on a day, with its weight."""

    employee_id: str
    day: int
    shift_id: str
    weight: int


@dataclass(frozen=True)
class Cover:
    """Wanted staff on a (day, shift type) and the weights per missing and extra person."""

    day: int
    shift_id: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True)
class Instance:
    """A whole instance; day 0 is a Monday."""

    name: str
    horizon_days: int
    shifts: tuple[ShiftType, ...]
    employees: tuple[Employee, ...]
    days_off: dict[str, frozenset[int]]  #: employee id -> days they must not work
    on_requests: tuple[ShiftRequest, ...]
    off_requests: tuple[ShiftRequest, ...]
    cover: tuple[Cover, ...]

    @property
    def shift_ids(self) -> tuple[str, ...]:
        """Shift ids in file order."""
        return tuple(s.shift_id for s in self.shifts)

    def shift(self, shift_id: str) -> ShiftType:
        """The shift type with this id."""
        return next(s for s in self.shifts if s.shift_id == shift_id)


def _sections(path: Path) -> dict[str, list[tuple[int, list[str]]]]:
    """Data lines per section name, each with its 1-based line number, split on commas."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(path, "file not found") from exc
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason})") from exc
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            sections[current] = []
            continue
        if current is None:
            raise InputError(path, f"data before the first SECTION_ line: {line!r}", row=number)
        sections[current].append((number, [field.strip() for field in line.split(",")]))
    return sections


def _int(path: Path, number: int, fields: list[str], index: int, column: str, minimum: int = 0) -> int:
    """Field ``index`` as an integer of at least ``minimum``, or an InputError naming it."""
    if index >= len(fields):
        raise InputError(path, "missing field", row=number, column=column)
    try:
        value = int(fields[index])
    except ValueError as exc:
        raise InputError(path, f"expected an integer, got {fields[index]!r}", row=number, column=column) from exc
    if value < minimum:
        raise InputError(path, f"expected at least {minimum}, got {value}", row=number, column=column)
    return value


def _requests(path: Path, lines: list[tuple[int, list[str]]], shifts: set[str],
              employees: set[str], horizon: int) -> tuple[ShiftRequest, ...]:
    requests = []
    for number, fields in lines:
        employee_id, shift_id = fields[0], fields[2] if len(fields) > 2 else ""
        if employee_id not in employees:
            raise InputError(path, f"unknown employee {employee_id!r}", row=number, column="EmployeeID")
        if shift_id not in shifts:
            raise InputError(path, f"unknown shift {shift_id!r}", row=number, column="ShiftID")
        day = _int(path, number, fields, 1, "Day")
        if day >= horizon:
            raise InputError(path, f"day {day} beyond the horizon of {horizon} days", row=number, column="Day")
        requests.append(ShiftRequest(employee_id, day, shift_id, _int(path, number, fields, 3, "Weight")))
    return tuple(requests)


def read_instance(path: Path) -> Instance:
    """Parse an instance file; bad content raises :class:`InputError` with the line and field."""
    path = Path(path)
    sections = _sections(path)
    for needed in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER"):
        if needed not in sections:
            raise InputError(path, f"missing section {needed}")
    number, fields = sections["SECTION_HORIZON"][0]
    horizon = _int(path, number, fields, 0, "horizon", minimum=1)

    shifts = []
    for number, fields in sections["SECTION_SHIFTS"]:
        forbidden = tuple(s for s in fields[2].split("|") if s) if len(fields) > 2 else ()
        shifts.append(ShiftType(fields[0], _int(path, number, fields, 1, "LengthMinutes", 1), forbidden))
    shift_ids = {s.shift_id for s in shifts}
    for shift in shifts:
        for other in shift.forbidden_next:
            if other not in shift_ids:
                raise InputError(path, f"unknown shift {other!r} in ForbiddenNext of {shift.shift_id}")

    employees = []
    for number, fields in sections["SECTION_STAFF"]:
        limits: dict[str, int] = {}
        for pair in (fields[1] if len(fields) > 1 else "").split("|"):
            shift_id, _, limit = pair.partition("=")
            if shift_id not in shift_ids or not limit.isdigit():
                raise InputError(path, f"expected ShiftID=limit, got {pair!r}", row=number, column="MaxShifts")
            limits[shift_id] = int(limit)
        employees.append(Employee(
            fields[0], limits,
            *(_int(path, number, fields, i, column) for i, column in enumerate(
                ("MaxTotalMinutes", "MinTotalMinutes", "MaxConsecutiveShifts", "MinConsecutiveShifts",
                 "MinConsecutiveDaysOff", "MaxWeekends"), start=2)),
        ))
    employee_ids = {e.employee_id for e in employees}

    days_off: dict[str, frozenset[int]] = {}
    for number, fields in sections.get("SECTION_DAYS_OFF", []):
        if fields[0] not in employee_ids:
            raise InputError(path, f"unknown employee {fields[0]!r}", row=number, column="EmployeeID")
        days = {_int(path, number, fields, i, "DayIndexes") for i in range(1, len(fields))}
        days_off[fields[0]] = days_off.get(fields[0], frozenset()) | frozenset(days)

    cover = []
    for number, fields in sections["SECTION_COVER"]:
        if len(fields) < 2 or fields[1] not in shift_ids:
            raise InputError(path, "unknown shift", row=number, column="ShiftID")
        cover.append(Cover(
            _int(path, number, fields, 0, "Day"), fields[1], _int(path, number, fields, 2, "Requirement"),
            _int(path, number, fields, 3, "WeightUnder"), _int(path, number, fields, 4, "WeightOver"),
        ))

    return Instance(
        name=path.stem,
        horizon_days=horizon,
        shifts=tuple(shifts),
        employees=tuple(employees),
        days_off=days_off,
        on_requests=_requests(path, sections.get("SECTION_SHIFT_ON_REQUESTS", []), shift_ids, employee_ids, horizon),
        off_requests=_requests(path, sections.get("SECTION_SHIFT_OFF_REQUESTS", []), shift_ids, employee_ids,
                               horizon),
        cover=tuple(cover),
    )
