"""An independent checker of the contract's hard rules for any roster.

It reads only the domain model (:mod:`scheduler.model`), never solver code,
so a solved roster and a hand-written one are judged by the same, separately
written rules.

Each rule is one function ``(scenario, roster) -> list[Violation]`` listed in
:data:`HARD_RULES`, in contract order:

1. **one place per session** - a doctor is in at most one place at a time
   (rows of one doctor whose times overlap), and only at a site listed in the
   doctor's ``sites``.
2. **one doctor per room** - a room holds at most one doctor at a time; a room
   reserved for a department is used only by that department; the room must
   be a room of the row's site.
3. **session opening** - a session runs only where ``opening`` allows it on
   that kind of day; also flags dates outside the horizon and session ids the
   scenario does not define.
4. **availability** - no doctor works a session (or day) listed for them in
   availability.csv; the message gives the reason.
5. **sessions per week** - at most ``max_sessions_per_week`` sessions in any 7
   consecutive days of the horizon (the whole horizon when it is shorter).
   Consecutive over-limit windows of one doctor are reported once, at the
   fullest window.
6. **evening and weekend** - evening sessions only for ``evening = yes``
   doctors; Saturday, Sunday and holiday sessions only for ``weekend = yes``.
7. **rest after evening** - with ``rules.rest_after_evening``, no morning
   session (:attr:`SessionTemplate.is_morning`) the day after an evening one.
8. **travel between sites** - consecutive sessions of one doctor on one day at
   different sites leave at least the travel minutes between the end of the
   first and the start of the second; with no travel entry between the two
   sites the doctor cannot change sites that day.
9. **roster row consistency** (not in the contract's list; a project addition)
   - each row names a known doctor and department, the doctor belongs to the
   row's department, the clinic matches the doctor's title (chief and
   associate_chief hold expert clinics, others general; ``mdt`` allowed for
   anyone), the times are the session template's, and
   ``0 <= booking_open_slots <= slots``.
10. **site changes per week** (scenario rule ``max_site_changes_per_week``) - two
    consecutive sessions of a doctor (time order, across days) at different sites
    are a site change, counted in the 7-day window of the later one; at most the
    limit in any window.
11. **partner support** (scenario ``partner_support``) - in every 7-day window the
    site holds at least the given doctor-sessions of doctors whose home site (first
    registered site) is the partner site, of the listed departments if any.
12. **joint clinics** (scenario ``joint_clinics``) - a joint clinic is held in a
    session when rows with ``clinic = mdt`` in one room open to any department at
    its site seat one doctor of each of its departments; held at least
    ``sessions_per_week`` times in every 7-day window. Rule 2 lets exactly such a
    group of ``mdt`` rows (one doctor per department) share a room.

Rows that another rule already reports as unknown (doctor, session, site) are
skipped by rules that need them, so one mistake is reported once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from scheduler.model import (
    CLINIC_TYPES,
    Assignment,
    Doctor,
    Room,
    Roster,
    Scenario,
    SessionTemplate,
    format_hhmm,
)

#: Days in the sliding window of rule 5.
WEEK_DAYS = 7

#: Rule number -> short name, in contract order (rule 9 is a project addition).
RULE_NAMES: dict[int, str] = {
    1: "one place per session",
    2: "one doctor per room",
    3: "session opening",
    4: "availability",
    5: "sessions per week",
    6: "evening and weekend",
    7: "rest after evening",
    8: "travel between sites",
    9: "roster row consistency",
    10: "site changes per week",
    11: "partner support",
    12: "joint clinics",
}


@dataclass(frozen=True)
class Violation:
    """One broken hard rule, located and explained.

    Attributes
    ----------
    rule
        Rule number (see :data:`HARD_RULES`).
    rule_name
        Short name of the rule, e.g. ``"rest after evening"``.
    message
        What is wrong, in words a department head understands.
    date
        Day of the violation (the first day of the window for rule 5).
    doctor_id
        Doctor concerned, or None (e.g. a double-booked room).
    session_id
        Session concerned, or None (e.g. a whole week).
    site_id
        Site concerned, or None.
    room_id
        Room concerned, or None.
    """

    rule: int
    rule_name: str
    message: str
    date: dt.date
    doctor_id: str | None = None
    session_id: str | None = None
    site_id: str | None = None
    room_id: str | None = None


RuleCheck = Callable[[Scenario, Roster], list[Violation]]


@dataclass(frozen=True)
class HardRule:
    """A registered hard rule: its number, short name and check function."""

    number: int
    name: str
    check: RuleCheck


# --- wording helpers ----------------------------------------------------------


def _violation(
    rule: int,
    message: str,
    date: dt.date,
    *,
    doctor_id: str | None = None,
    session_id: str | None = None,
    site_id: str | None = None,
    room_id: str | None = None,
) -> Violation:
    return Violation(
        rule=rule,
        rule_name=RULE_NAMES[rule],
        message=message,
        date=date,
        doctor_id=doctor_id,
        session_id=session_id,
        site_id=site_id,
        room_id=room_id,
    )


def _violation_at(rule: int, message: str, a: Assignment) -> Violation:
    """A violation located at one roster row: its date, doctor, session, site and room."""
    return _violation(
        rule, message, a.date,
        doctor_id=a.doctor_id, session_id=a.session_id, site_id=a.site_id, room_id=a.room_id,
    )


#: Day kinds as words in a sentence.
_KIND_WORDS = {"weekday": "weekday", "saturday": "Saturday", "sunday": "Sunday",
               "holiday": "holiday"}


def _day(date: dt.date) -> str:
    """``Tue 2026-12-01``."""
    return f"{date:%a} {date.isoformat()}"


def _doctor_name(scenario: Scenario, doctor_id: str) -> str:
    """``Dr Wang Li (D0042)``, or ``doctor D0042`` when unknown."""
    doctor = _find_doctor(scenario, doctor_id)
    return f"Dr {doctor.name} ({doctor_id})" if doctor else f"doctor {doctor_id}"


def _place(a: Assignment) -> str:
    """``room C101 at CG-MAIN``."""
    return f"room {a.room_id} at {a.site_id}"


def _when(a: Assignment) -> str:
    """``Tue 2026-12-01 AM``."""
    return f"{_day(a.date)} {a.session_id}"


def _times(a: Assignment) -> str:
    return f"{format_hhmm(a.start_min)}-{format_hhmm(a.end_min)}"


def _with_article(noun: str) -> str:
    """``a chief``, ``an attending``."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _and_list(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# --- lookup helpers (rosters may name ids the scenario lacks) -----------------


def _find_doctor(scenario: Scenario, doctor_id: str) -> Doctor | None:
    return next((d for d in scenario.doctors if d.doctor_id == doctor_id), None)


def _find_template(scenario: Scenario, session_id: str) -> SessionTemplate | None:
    return next((s for s in scenario.sessions if s.session_id == session_id), None)


def _time_order(assignments: Iterable[Assignment]) -> list[Assignment]:
    return sorted(assignments, key=lambda a: (a.date, a.start_min, a.end_min, a.site_id, a.room_id))


def _overlap_groups(assignments: Iterable[Assignment]) -> list[list[Assignment]]:
    """Groups of two or more assignments whose time intervals chain-overlap.

    Within one day, intervals are ``[start, end)``: a session ending at 12:00
    does not overlap one starting at 12:00.
    """
    groups: list[list[Assignment]] = []
    current: list[Assignment] = []
    current_end = -1
    current_date: dt.date | None = None
    for a in _time_order(assignments):
        if current and a.date == current_date and a.start_min < current_end:
            current.append(a)
            current_end = max(current_end, a.end_min)
            continue
        if len(current) > 1:
            groups.append(current)
        current, current_end, current_date = [a], a.end_min, a.date
    if len(current) > 1:
        groups.append(current)
    return groups


def _group_by(assignments: Iterable[Assignment], key: Callable[[Assignment], object]) -> dict:
    grouped: dict = {}
    for a in assignments:
        grouped.setdefault(key(a), []).append(a)
    return grouped


def _session_label(group: Sequence[Assignment]) -> str:
    """``Tue 2026-12-01 AM`` or ``Tue 2026-12-01 AM/EVE`` for mixed sessions."""
    sessions = list(dict.fromkeys(a.session_id for a in group))
    return f"{_day(group[0].date)} {'/'.join(sessions)}"


# --- the rules ------------------------------------------------------------------


def one_place_per_session(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 1: at most one place at a time per doctor, only at registered sites."""
    found: list[Violation] = []
    for doctor_id, rows in _group_by(roster.assignments, lambda a: a.doctor_id).items():
        for group in _overlap_groups(rows):
            mixed = len({a.session_id for a in group}) > 1
            places = [_place(a) + (f" ({a.session_id} {_times(a)})" if mixed else "")
                      for a in group]
            found.append(_violation_at(
                1,
                f"{_doctor_name(scenario, doctor_id)} is rostered {_times_word(len(group))} on "
                f"{_session_label(group)}: {_and_list(places)}",
                group[0],
            ))
        doctor = _find_doctor(scenario, doctor_id)
        if doctor is None:
            continue  # rule 9 reports the unknown doctor
        for a in rows:
            if a.site_id in doctor.sites:
                continue
            if a.site_id in scenario.sites:
                why = (f"is not registered to practise at {a.site_id} "
                       f"(registered sites: {', '.join(doctor.sites)})")
            else:
                why = f"{a.site_id} is not a registered site of this scenario"
            found.append(_violation_at(
                1,
                f"{_doctor_name(scenario, doctor_id)} is rostered in {_place(a)} on {_when(a)}, "
                f"but {why}",
                a,
            ))
    return found


def _times_word(count: int) -> str:
    return {2: "twice", 3: "three times"}.get(count, f"{count} times")


def one_doctor_per_room(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 2: one doctor per room at a time; department rooms used by their department."""
    rooms = {(r.site_id, r.room_id): r for r in scenario.rooms}
    found: list[Violation] = []
    by_room = _group_by(roster.assignments, lambda a: (a.site_id, a.room_id))
    for (site_id, room_id), rows in by_room.items():
        for group in _overlap_groups(rows):
            if _is_joint_seating(scenario, group, rooms.get((site_id, room_id))):
                continue
            who = [_doctor_name(scenario, a.doctor_id) for a in group]
            found.append(_violation(
                2,
                f"Room {room_id} at {site_id} is given to {len(group)} doctors on "
                f"{_session_label(group)}: {_and_list(who)}",
                group[0].date,
                session_id=group[0].session_id,
                site_id=site_id,
                room_id=room_id,
            ))
    for a in roster.assignments:
        room = rooms.get((a.site_id, a.room_id))
        if room is None:
            found.append(_violation_at(
                2,
                f"{_doctor_name(scenario, a.doctor_id)} is rostered on {_when(a)} in room "
                f"{a.room_id}, which is not a room of site {a.site_id}",
                a,
            ))
        elif room.department is not None and room.department != a.department:
            found.append(_violation_at(
                2,
                f"Room {a.room_id} at {a.site_id} is reserved for {room.department} but "
                f"{_doctor_name(scenario, a.doctor_id)} holds a {a.department} clinic there "
                f"on {_when(a)}",
                a,
            ))
    return found


def _is_joint_seating(scenario: Scenario, group: Sequence[Assignment], room: Room | None) -> bool:
    """``mdt`` rows of one session in a room open to any department, one doctor of each
    department of a joint clinic of the scenario at that site."""
    if room is None or room.department is not None or len({a.session_id for a in group}) > 1:
        return False
    if any(a.clinic != "mdt" for a in group):
        return False
    departments = sorted(a.department for a in group)
    return any(
        sorted(c.departments) == departments and c.site_id == room.site_id for c in scenario.joint_clinics
    )


def session_opening(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 3: sessions run only where ``opening`` allows, inside the horizon."""
    horizon = set(scenario.dates)
    last_day = scenario.start_date + dt.timedelta(days=scenario.days - 1)
    found: list[Violation] = []
    for a in roster.assignments:
        who = _doctor_name(scenario, a.doctor_id)
        if a.date not in horizon:
            found.append(_violation_at(
                3,
                f"{who} is rostered on {_when(a)}, outside the planning horizon "
                f"{_day(scenario.start_date)} to {_day(last_day)}",
                a,
            ))
            continue
        if _find_template(scenario, a.session_id) is None:
            known = ", ".join(s.session_id for s in scenario.sessions)
            found.append(_violation_at(
                3,
                f"{who} is rostered on {_when(a)}, but {a.session_id} is not a session of "
                f"this scenario (sessions: {known})",
                a,
            ))
            continue
        open_ids = [s.session_id for s in scenario.open_sessions(a.date)]
        if a.session_id not in open_ids:
            kind = _KIND_WORDS[scenario.day_kind(a.date)]
            allowed = f"only {', '.join(open_ids)} may run" if open_ids else "no session may run"
            found.append(_violation_at(
                3,
                f"{who} is rostered on {_when(a)}, but on a {kind} {allowed}",
                a,
            ))
    return found


def availability(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 4: nobody works a session listed for them in availability.csv."""
    found: list[Violation] = []
    for a in roster.assignments:
        entry = scenario.unavailable(a.doctor_id, a.date, a.session_id)
        if entry is None:
            continue
        span = "all day" if entry.session_id is None else f"for {entry.session_id}"
        reason = entry.reason or "no reason given"
        found.append(_violation_at(
            4,
            f"{_doctor_name(scenario, a.doctor_id)} is rostered on {_when(a)} in {_place(a)} "
            f"but is unavailable {span} ({reason})",
            a,
        ))
    return found


def week_windows(scenario: Scenario) -> list[tuple[dt.date, int]]:
    """Rule 5's windows as ``(first day, length in days)``.

    Every run of :data:`WEEK_DAYS` consecutive days inside the horizon; one
    window of the whole horizon when it is shorter than that.
    """
    if scenario.days <= WEEK_DAYS:
        return [(scenario.start_date, scenario.days)]
    return [
        (scenario.start_date + dt.timedelta(days=i), WEEK_DAYS)
        for i in range(scenario.days - WEEK_DAYS + 1)
    ]


def sessions_per_week(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 5: at most ``max_sessions_per_week`` sessions in any 7 consecutive days.

    A doctor's sessions are counted as distinct (date, session) pairs, so a
    double booking (rule 1) is not counted twice.
    """
    windows = week_windows(scenario)
    found: list[Violation] = []
    for doctor_id, rows in _group_by(roster.assignments, lambda a: a.doctor_id).items():
        doctor = _find_doctor(scenario, doctor_id)
        if doctor is None:
            continue  # rule 9 reports the unknown doctor
        worked = {(a.date, a.session_id) for a in rows}
        counts = [
            sum(1 for date, _ in worked if first <= date < first + dt.timedelta(days=length))
            for first, length in windows
        ]
        run: list[int] = []  # indices of consecutive over-limit windows
        for i, count in enumerate([*counts, -1]):  # sentinel closes the last run
            if count > doctor.max_sessions_per_week:
                run.append(i)
                continue
            if run:
                worst = max(run, key=lambda j: (counts[j], -j))
                first, length = windows[worst]
                last = first + dt.timedelta(days=length - 1)
                found.append(_violation(
                    5,
                    f"{_doctor_name(scenario, doctor_id)} is rostered {counts[worst]} sessions "
                    f"in the {length} days {_day(first)} to {_day(last)}; "
                    f"the limit is {doctor.max_sessions_per_week}",
                    first,
                    doctor_id=doctor_id,
                ))
                run = []
    return found


def evening_and_weekend(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 6: evenings only for evening=yes, weekends/holidays only for weekend=yes."""
    found: list[Violation] = []
    for a in roster.assignments:
        doctor = _find_doctor(scenario, a.doctor_id)
        template = _find_template(scenario, a.session_id)
        if doctor is None:
            continue  # rule 9 reports the unknown doctor
        who = _doctor_name(scenario, a.doctor_id)
        if template is not None and template.evening and not doctor.evening:
            found.append(_violation_at(
                6,
                f"{who} does not work evenings but is rostered for the evening session "
                f"{_when(a)} ({_times(a)})",
                a,
            ))
        if scenario.is_weekend_or_holiday(a.date) and not doctor.weekend:
            kind = _KIND_WORDS[scenario.day_kind(a.date)]
            found.append(_violation_at(
                6,
                f"{who} does not work weekends or holidays but is rostered on {_when(a)} "
                f"(a {kind})",
                a,
            ))
        elif scenario.day_kind(a.date) == "holiday" and not doctor.holiday:
            name = scenario.holiday_names.get(a.date, "a public holiday")
            found.append(_violation_at(
                6,
                f"{who} does not work public holidays (doctors.csv, holiday = no) but is "
                f"rostered on {_when(a)} ({name})",
                a,
            ))
    return found


def rest_after_evening(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 7: with ``rest_after_evening``, no morning session after an evening one."""
    if not scenario.rules.rest_after_evening:
        return []
    found: list[Violation] = []
    for doctor_id, rows in _group_by(roster.assignments, lambda a: a.doctor_id).items():
        evenings: dict[dt.date, Assignment] = {}
        for a in _time_order(rows):
            template = _find_template(scenario, a.session_id)
            if template is not None and template.evening:
                evenings.setdefault(a.date, a)
        for a in _time_order(rows):
            template = _find_template(scenario, a.session_id)
            evening = evenings.get(a.date - dt.timedelta(days=1))
            if template is None or not template.is_morning or evening is None:
                continue
            found.append(_violation_at(
                7,
                f"{_doctor_name(scenario, doctor_id)} works the evening session "
                f"{_when(evening)} (until {format_hhmm(evening.end_min)}) and is rostered "
                f"again the next morning, {_when(a)} (from {format_hhmm(a.start_min)}): "
                f"no rest after the evening clinic",
                a,
            ))
    return found


def travel_between_sites(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 8: enough travel time between consecutive sessions at different sites."""
    found: list[Violation] = []
    by_doctor_day = _group_by(roster.assignments, lambda a: (a.doctor_id, a.date))
    for (doctor_id, date), rows in by_doctor_day.items():
        ordered = _time_order(rows)
        for first, second in pairwise(ordered):
            if first.site_id == second.site_id or second.start_min < first.end_min:
                continue  # same site, or overlapping (rule 1 reports it)
            if first.site_id not in scenario.sites or second.site_id not in scenario.sites:
                continue  # an unknown site (rule 1 reports it)
            who = _doctor_name(scenario, doctor_id)
            minutes = scenario.travel(first.site_id, second.site_id)
            gap_min = second.start_min - first.end_min
            if minutes is None:
                found.append(_violation_at(
                    8,
                    f"{who} is rostered at {first.site_id} ({_when(first)}) and then at "
                    f"{second.site_id} ({second.session_id}) on the same day, but no travel "
                    f"time between {first.site_id} and {second.site_id} is given, so the "
                    f"doctor cannot change sites that day",
                    second,
                ))
            elif gap_min < minutes:
                found.append(_violation_at(
                    8,
                    f"{who} has {gap_min} min between {first.session_id} at {first.site_id} "
                    f"(ends {format_hhmm(first.end_min)}) and {second.session_id} at "
                    f"{second.site_id} (starts {format_hhmm(second.start_min)}) on "
                    f"{_day(date)}, but the journey takes {minutes} min",
                    second,
                ))
    return found


def row_consistency(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 9 (project addition): each row agrees with the doctor and the session template."""
    found: list[Violation] = []
    for a in roster.assignments:
        doctor = _find_doctor(scenario, a.doctor_id)
        who = _doctor_name(scenario, a.doctor_id)
        problems: list[str] = []
        if doctor is None:
            problems.append(f"{a.doctor_id} is not a doctor of this scenario")
        if a.department not in scenario.departments:
            problems.append(f"{a.department} is not a department of this scenario")
        elif doctor is not None and doctor.department != a.department:
            problems.append(
                f"the row is a {a.department} clinic but the doctor works in {doctor.department}"
            )
        if a.clinic not in CLINIC_TYPES:
            problems.append(
                f"clinic '{a.clinic}' is not one of {', '.join(CLINIC_TYPES)}"
            )
        elif doctor is not None and a.clinic != "mdt" and a.clinic != doctor.clinic:
            problems.append(
                f"{_with_article(doctor.title.replace('_', ' '))} holds {doctor.clinic} clinics, "
                f"not {a.clinic} clinics"
            )
        template = _find_template(scenario, a.session_id)
        if template is not None and (a.start_min, a.end_min) != (
            template.start_min, template.end_min
        ):
            problems.append(
                f"the row's times {_times(a)} differ from session {a.session_id} "
                f"({format_hhmm(template.start_min)}-{format_hhmm(template.end_min)})"
            )
        if a.slots < 0 or not 0 <= a.booking_open_slots <= a.slots:
            problems.append(
                f"slots {a.slots} and booking_open_slots {a.booking_open_slots} are "
                f"inconsistent (need 0 <= booking_open_slots <= slots)"
            )
        for problem in problems:
            found.append(_violation_at(9, f"{who} on {_when(a)} in {_place(a)}: {problem}", a))
    return found


def _window_words(first: dt.date, length: int) -> str:
    return f"the {length} days {_day(first)} to {_day(first + dt.timedelta(days=length - 1))}"


def site_changes_per_week(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 10: at most ``max_site_changes_per_week`` moves between sites per doctor
    in any 7 consecutive days (a move counts in the window of its later session)."""
    limit = scenario.rules.max_site_changes_per_week
    if limit is None:
        return []
    found: list[Violation] = []
    for doctor_id, rows in _group_by(roster.assignments, lambda a: a.doctor_id).items():
        ordered = _time_order(rows)
        moves = [(b, a) for a, b in pairwise(ordered) if a.site_id != b.site_id]
        for first, length in week_windows(scenario):
            inside = [(b, a) for b, a in moves if first <= b.date < first + dt.timedelta(days=length)]
            if len(inside) <= limit:
                continue
            steps = [f"{a.site_id} -> {b.site_id} ({_when(b)})" for b, a in inside]
            found.append(_violation(
                10,
                f"{_doctor_name(scenario, doctor_id)} changes site {len(inside)} times in "
                f"{_window_words(first, length)}: {_and_list(steps)}; the limit is {limit}",
                first,
                doctor_id=doctor_id,
            ))
    return found


def partner_support(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 11: each partner-support rule's sessions in every 7-day window."""
    found: list[Violation] = []
    for rule in scenario.partner_support:
        for first, length in week_windows(scenario):
            last = first + dt.timedelta(days=length - 1)
            held = [
                a for a in roster.assignments
                if a.site_id == rule.site_id and first <= a.date <= last
                and (doctor := _find_doctor(scenario, a.doctor_id)) is not None
                and doctor.home_site == rule.from_home_site
                and (not rule.departments or a.department in rule.departments)
            ]
            sessions = len({(a.doctor_id, a.date, a.session_id) for a in held})
            if sessions >= rule.min_sessions_per_week:
                continue
            found.append(_violation(
                11,
                f"{rule.site_id} receives {sessions} sessions from doctors based at "
                f"{rule.from_home_site} in {_window_words(first, length)}, "
                f"{rule.min_sessions_per_week - sessions} short of the {rule.min_sessions_per_week} "
                f"the partner-support rule asks",
                first,
                site_id=rule.site_id,
            ))
    return found


def joint_clinics(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Rule 12: each joint clinic held ``sessions_per_week`` times in every 7-day window."""
    rooms = {(r.site_id, r.room_id): r for r in scenario.rooms}
    found: list[Violation] = []
    for clinic in scenario.joint_clinics:
        held: set[tuple[dt.date, str]] = set()
        mdt = [a for a in roster.assignments if a.clinic == "mdt" and a.site_id == clinic.site_id]
        for (date, session_id, room_id), rows in _group_by(
            mdt, lambda a: (a.date, a.session_id, a.room_id)
        ).items():
            room = rooms.get((clinic.site_id, room_id))
            departments = sorted(a.department for a in rows)
            if room is not None and room.department is None and departments == sorted(clinic.departments):
                held.add((date, session_id))
        for first, length in week_windows(scenario):
            count = sum(1 for date, _ in held if first <= date < first + dt.timedelta(days=length))
            if count >= clinic.sessions_per_week:
                continue
            found.append(_violation(
                12,
                f"Joint clinic {clinic.name} ({_and_list(list(clinic.departments))}) at {clinic.site_id} "
                f"is held {count} times in {_window_words(first, length)}; it should be held "
                f"{clinic.sessions_per_week} times (one doctor of each department together in one "
                f"shared room, clinic = mdt)",
                first,
                site_id=clinic.site_id,
            ))
    return found


#: Every hard rule, in order. ``check_roster`` runs them all.
HARD_RULES: tuple[HardRule, ...] = tuple(
    HardRule(number, RULE_NAMES[number], check)
    for number, check in (
        (1, one_place_per_session),
        (2, one_doctor_per_room),
        (3, session_opening),
        (4, availability),
        (5, sessions_per_week),
        (6, evening_and_weekend),
        (7, rest_after_evening),
        (8, travel_between_sites),
        (9, row_consistency),
        (10, site_changes_per_week),
        (11, partner_support),
        (12, joint_clinics),
    )
)


def _sort_key(scenario: Scenario) -> Callable[[Violation], tuple]:
    order = {s.session_id: i for i, s in enumerate(scenario.sessions)}

    def key(v: Violation) -> tuple:
        session_rank = -1 if v.session_id is None else order.get(v.session_id, len(order))
        return (v.date, session_rank, v.session_id or "", v.doctor_id or "", v.rule, v.message)

    return key


def check_roster(scenario: Scenario, roster: Roster) -> list[Violation]:
    """Every hard-rule violation of ``roster``, sorted by date, session and doctor.

    Parameters
    ----------
    scenario
        The validated scenario the roster is for.
    roster
        Any roster, solved or hand-written (e.g. from :func:`scheduler.roster_io.read_roster`).

    Returns
    -------
    list[Violation]
        Empty when the roster obeys every rule of :data:`HARD_RULES`.
    """
    found = [v for rule in HARD_RULES for v in rule.check(scenario, roster)]
    return sorted(found, key=_sort_key(scenario))


def format_violations(violations: Sequence[Violation]) -> str:
    """A readable report: one heading per broken rule, in rule order, one line per violation.

    Example::

        3 hard-rule violations

        Rule 1, one place per session (1)
          - Dr Wang Li (D0042) is rostered twice on Tue 2026-12-01 AM: ...
    """
    if not violations:
        return "No hard-rule violations."
    count = len(violations)
    lines = [f"{count} hard-rule violation{'s' if count != 1 else ''}"]
    names = {rule.number: rule.name for rule in HARD_RULES}
    by_rule = _group_by(violations, lambda v: v.rule)
    for number in sorted(by_rule):
        rows = by_rule[number]
        lines.append("")
        lines.append(f"Rule {number}, {names.get(number, rows[0].rule_name)} ({len(rows)})")
        lines.extend(f"  - {v.message}" for v in rows)
    return "\n".join(lines)
