"""The contract's hard rules as CP-SAT constraints, one function per rule.

Each :class:`HardRule` has up to two parts with uniform signatures:

* ``forbids(scenario, doctor, date, session, site_id) -> reason | None``: the
  rule rules a single decision out, so no variable is created for it;
* ``constrain(ctx)``: the rule links several decisions, so it adds constraints.

:data:`HARD_RULES` lists them in contract order, then the optional rules:
contracted sessions, and the planner's site-change limit, partner support and
joint clinics (:mod:`scheduler.solver.planner_rules`). The independent checker
is :mod:`scheduler.check`; it shares none of this code.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from scheduler.model import Doctor, Scenario, SessionTemplate
from scheduler.solver.context import BuildContext, seven_day_windows
from scheduler.solver.planner_rules import (
    joint_clinics,
    joint_room_terms,
    max_site_changes,
    partner_support,
)

__all__ = ["HARD_RULES", "HardRule", "forbidding_rule", "seven_day_windows"]

Forbids = Callable[[Scenario, Doctor, dt.date, SessionTemplate, str], str | None]
Constrain = Callable[[BuildContext], None]


@dataclass(frozen=True)
class HardRule:
    """A hard rule: its contract number, a short name, and how it is enforced."""

    number: int | None  #: the contract's rule number; None for optional rules
    name: str
    forbids: Forbids | None = None
    constrain: Constrain | None = None


# --- rule 1: one place per session, registered sites only ---------------------
def _forbid_unregistered_site(
    scenario: Scenario, doctor: Doctor, date: dt.date, session: SessionTemplate, site_id: str
) -> str | None:
    if site_id not in doctor.sites:
        return f"not registered at {site_id}"
    return None


def _one_place_per_session(ctx: BuildContext) -> None:
    sessions = ctx.scenario.sessions
    overlapping = [
        (a.session_id, b.session_id)
        for i, a in enumerate(sessions)
        for b in sessions[i + 1 :]
        if a.start_min < b.end_min and b.start_min < a.end_min
    ]
    for keys in ctx.by_doctor_session.values():
        if len(keys) > 1:
            ctx.model.Add(ctx.sum_works(keys) <= 1)
    for doctor_id, date in ctx.by_doctor_day:
        for a, b in overlapping:
            keys = ctx.by_doctor_session.get((doctor_id, date, a), []) + ctx.by_doctor_session.get(
                (doctor_id, date, b), []
            )
            if keys:
                ctx.model.Add(ctx.sum_works(keys) <= 1)


# --- rule 2: rooms --------------------------------------------------------------
def _forbid_no_room(
    scenario: Scenario, doctor: Doctor, date: dt.date, session: SessionTemplate, site_id: str
) -> str | None:
    if not scenario.usable_rooms(site_id, doctor.department):
        return f"no room at {site_id} that {doctor.department} may use"
    return None


def _room_capacity(ctx: BuildContext) -> None:
    """Per site and session: each department fits its own rooms plus shared ones.

    Rooms of a site are interchangeable within a department, so counts suffice:
    ``doctors(dept) <= own_rooms(dept) + shared_used(dept)`` and
    ``sum shared_used <= shared_rooms``.
    """
    own_rooms: dict[tuple[str, str], int] = defaultdict(int)
    shared_rooms: dict[str, int] = defaultdict(int)
    for room in ctx.scenario.rooms:
        if room.department is None:
            shared_rooms[room.site_id] += 1
        else:
            own_rooms[(room.site_id, room.department)] += 1
    departments = {d.doctor_id: d.department for d in ctx.scenario.doctors}
    for (site_id, date, session_id), keys in ctx.by_site_session.items():
        per_department: dict[str, list] = defaultdict(list)
        for key in keys:
            per_department[departments[key[0]]].append(key)
        # a joint clinic seats its doctors together in one shared room
        held, seated = joint_room_terms(ctx, site_id, date, session_id)
        shared_terms = list(held)
        for department, dept_keys in per_department.items():
            own = own_rooms[(site_id, department)]
            if len(dept_keys) <= own:
                continue
            shared = shared_rooms[site_id]
            in_rooms = ctx.sum_works(dept_keys) - sum(seated.get(department, []))
            if shared == 0:
                ctx.model.Add(in_rooms <= own)
                continue
            used = ctx.model.NewIntVar(
                0, min(shared, len(dept_keys)), f"shared_rooms({site_id},{date},{session_id},{department})"
            )
            ctx.model.Add(in_rooms <= own + used)
            shared_terms.append(used)
            ctx.shared_used.append((used, min(shared, len(dept_keys))))
        if len(shared_terms) > 1:
            ctx.model.Add(sum(shared_terms) <= shared_rooms[site_id])


# --- rule 3: opening ------------------------------------------------------------
def _forbid_closed_session(
    scenario: Scenario, doctor: Doctor, date: dt.date, session: SessionTemplate, site_id: str
) -> str | None:
    if session not in scenario.open_sessions(date):
        return f"{session.session_id} does not run on a {scenario.day_kind(date)}"
    return None


# --- rule 4: availability ---------------------------------------------------------
def _forbid_unavailable(
    scenario: Scenario, doctor: Doctor, date: dt.date, session: SessionTemplate, site_id: str
) -> str | None:
    entry = scenario.unavailable(doctor.doctor_id, date, session.session_id)
    return entry.reason if entry is not None else None


# --- rule 5: sessions per 7 days ----------------------------------------------------
def _max_sessions_per_week(ctx: BuildContext) -> None:
    windows = seven_day_windows(ctx.scenario.dates)
    for doctor in ctx.scenario.doctors:
        for window in windows:
            keys = [k for day in window for k in ctx.by_doctor_day.get((doctor.doctor_id, day), [])]
            if len(keys) > doctor.max_sessions_per_week:
                ctx.model.Add(ctx.sum_works(keys) <= doctor.max_sessions_per_week)


def _contracted_sessions(ctx: BuildContext) -> None:
    """Optional ``min_sessions_per_week``: at least that many in every 7-day window."""
    windows = seven_day_windows(ctx.scenario.dates)
    for doctor in ctx.scenario.doctors:
        if doctor.min_sessions_per_week <= 0:
            continue
        for window in windows:
            keys = [k for day in window for k in ctx.by_doctor_day.get((doctor.doctor_id, day), [])]
            literal = ctx.require(
                f"{doctor.doctor_id} contracted for {doctor.min_sessions_per_week} sessions "
                f"in the 7 days from {window[0]}"
            )
            ctx.model.Add(ctx.sum_works(keys) >= doctor.min_sessions_per_week).OnlyEnforceIf(literal)


# --- rule 6: evening and weekend eligibility ------------------------------------------
def _forbid_ineligible_unsocial(
    scenario: Scenario, doctor: Doctor, date: dt.date, session: SessionTemplate, site_id: str
) -> str | None:
    if session.evening and not doctor.evening:
        return "not available for evening sessions"
    if not scenario.may_work_day(doctor, date):
        return f"not available for {scenario.day_kind(date)} sessions"
    return None


# --- rule 7: rest after an evening session -------------------------------------------
def _rest_after_evening(ctx: BuildContext) -> None:
    if not ctx.scenario.rules.rest_after_evening:
        return
    dates = ctx.scenario.dates
    evenings = [s.session_id for s in ctx.scenario.sessions if s.evening]
    mornings = [s.session_id for s in ctx.scenario.sessions if s.is_morning]
    for doctor in ctx.scenario.doctors:
        for today, tomorrow in zip(dates, dates[1:], strict=False):
            for eve in evenings:
                eve_keys = ctx.by_doctor_session.get((doctor.doctor_id, today, eve), [])
                if not eve_keys:
                    continue
                for morning in mornings:
                    morning_keys = ctx.by_doctor_session.get((doctor.doctor_id, tomorrow, morning), [])
                    if morning_keys:
                        ctx.model.Add(ctx.sum_works(eve_keys) + ctx.sum_works(morning_keys) <= 1)


# --- rule 8: travel between sites on one day -------------------------------------------
def _travel_time(ctx: BuildContext) -> None:
    scenario = ctx.scenario
    for keys in ctx.by_doctor_day.values():
        for first in keys:
            for second in keys:
                if first[3] == second[3]:
                    continue
                early, late = scenario.session(first[2]), scenario.session(second[2])
                if early.start_min >= late.start_min:
                    continue
                gap = late.start_min - early.end_min
                travel = scenario.travel(first[3], second[3])
                if travel is None or travel > gap:
                    ctx.model.AddBoolOr([ctx.works[first].Not(), ctx.works[second].Not()])


HARD_RULES: tuple[HardRule, ...] = (
    HardRule(1, "one_place_per_session", _forbid_unregistered_site, _one_place_per_session),
    HardRule(2, "room_capacity", _forbid_no_room, _room_capacity),
    HardRule(3, "opening_hours", _forbid_closed_session, None),
    HardRule(4, "availability", _forbid_unavailable, None),
    HardRule(5, "max_sessions_per_week", None, _max_sessions_per_week),
    HardRule(6, "evening_weekend_eligibility", _forbid_ineligible_unsocial, None),
    HardRule(7, "rest_after_evening", None, _rest_after_evening),
    HardRule(8, "travel_between_sites", None, _travel_time),
    HardRule(None, "contracted_sessions", None, _contracted_sessions),
    HardRule(None, "max_site_changes_per_week", None, max_site_changes),
    HardRule(None, "partner_support", None, partner_support),
    HardRule(None, "joint_clinics", None, joint_clinics),
)


def forbidding_rule(
    scenario: Scenario, doctor: Doctor, date: dt.date, session: SessionTemplate, site_id: str,
    rules: tuple[HardRule, ...] = HARD_RULES,
) -> tuple[HardRule, str] | None:
    """The first rule (and its reason) that rules this decision out, if any."""
    for rule in rules:
        if rule.forbids is not None:
            reason = rule.forbids(scenario, doctor, date, session, site_id)
            if reason is not None:
                return rule, reason
    return None
