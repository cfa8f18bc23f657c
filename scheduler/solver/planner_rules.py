"""The planner's hard rules beyond the contract's eight: site changes per week,
partner support and joint (multidisciplinary) clinics.

Each ``constrain(ctx)`` function follows :mod:`scheduler.solver.hard_rules` and is
registered in its ``HARD_RULES``. The independent checks are in
:mod:`scheduler.check` (rules 10 to 12); they share none of this code.

Definitions (the checker uses the same words):

* **site change**: two consecutive sessions of a doctor (in time order, across
  days) at different sites; it counts in the 7-day window of the later session.
* **partner support**: in every 7-day window, site X holds at least K
  doctor-sessions of doctors whose home site (first registered site) is Y.
* **joint clinic**: held in a session when one doctor of each of its
  departments sits in the same room open to any department at its site; held at
  least ``sessions_per_week`` times in every 7-day window.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.solver.context import AtLeast, BuildContext, WorkKey, seven_day_windows


# --- site changes ---------------------------------------------------------------------
def max_site_changes(ctx: BuildContext) -> None:
    """At most ``rules.max_site_changes_per_week`` moves between sites per doctor in any
    7 consecutive days.

    Changeover formulation: ``at(t, s)`` says where the doctor is at time slot ``t``
    (exactly one site per slot, the site worked at when working); ``switch(t)`` is 1
    when ``at`` differs from the slot before. The fewest switches equal the moves
    between consecutive sessions worked. With one 7-day window (horizons of at most
    7 days) a switch may sit at any idle slot between the two sessions; with several
    windows idle slots keep the site, so a switch falls on the later session's date
    as the checker counts it.
    """
    limit = ctx.scenario.rules.max_site_changes_per_week
    if limit is None:
        return
    model = ctx.model
    order = {s.session_id: s.start_min for s in ctx.scenario.sessions}
    windows = seven_day_windows(ctx.scenario.dates)
    carry = len(windows) > 1
    for doctor_id, keys in ctx.by_doctor.items():
        sites = sorted({k[3] for k in keys})
        if len(sites) < 2:
            continue
        slots = sorted({(k[1], k[2]) for k in keys}, key=lambda t: (t[0], order[t[1]]))
        switches: dict[dt.date, list[cp_model.IntVar]] = defaultdict(list)
        previous: dict[str, cp_model.IntVar] | None = None
        for date, session_id in slots:
            at = {site: model.NewBoolVar(f"at({doctor_id},{date},{session_id},{site})") for site in sites}
            model.AddExactlyOne(at.values())
            here = [ctx.works[k] for k in ((doctor_id, date, session_id, site) for site in sites) if k in ctx.works]
            for site, var in at.items():
                key = (doctor_id, date, session_id, site)
                if key in ctx.works:
                    model.AddImplication(ctx.works[key], var)
                if carry and previous is not None:  # idle: stay where the last session was
                    model.Add(var >= previous[site] - sum(here))
            if previous is not None:
                switch = model.NewBoolVar(f"site_move({doctor_id},{date},{session_id})")
                for site, var in at.items():
                    model.Add(switch >= var - previous[site])
                switches[date].append(switch)
            previous = at
        for window in windows:
            counted = [m for date in window for m in switches.get(date, [])]
            if len(counted) > limit:
                model.Add(sum(counted) <= limit)


# --- partner support ----------------------------------------------------------------------
def partner_keys(ctx: BuildContext, rule, window: list[dt.date]) -> list[WorkKey]:  # noqa: ANN001
    """Work decisions that count for a partner-support rule in a window."""
    home = {d.doctor_id: d.home_site for d in ctx.scenario.doctors}
    department = {d.doctor_id: d.department for d in ctx.scenario.doctors}
    days = set(window)
    return [
        key
        for key in ctx.works
        if key[3] == rule.site_id and key[1] in days and home[key[0]] == rule.from_home_site
        and (not rule.departments or department[key[0]] in rule.departments)
    ]


def partner_support(ctx: BuildContext) -> None:
    """Each partner-support rule, in every 7-day window, as a named requirement."""
    for rule in ctx.scenario.partner_support:
        for window in seven_day_windows(ctx.scenario.dates):
            keys = partner_keys(ctx, rule, window)
            literal = ctx.require(f"{rule.describe()} (7 days from {window[0]})")
            ctx.requirement_terms[literal.Index()] = AtLeast(
                tuple(keys), rule.min_sessions_per_week, rule, tuple(window)
            )
            ctx.model.Add(ctx.sum_works(keys) >= rule.min_sessions_per_week).OnlyEnforceIf(literal)


# --- joint clinics ----------------------------------------------------------------------------
def joint_variables(ctx: BuildContext) -> None:
    """Create ``held`` and ``seat`` variables of every joint clinic once.

    ``seat(clinic, doctor, date, session) <= works(doctor, date, session, site)``;
    each department of a held clinic seats exactly one doctor; a doctor sits in at
    most one joint clinic per session; a site without a shared room holds none; a
    clinic is held at most ``sessions_per_week`` times in any 7-day window (its
    doctors' slots count as ordinary capacity, so more joint sessions would only
    squeeze doctors into fewer rooms).
    """
    if ctx.joint_built:
        return
    ctx.joint_built = True
    scenario = ctx.scenario
    department = {d.doctor_id: d.department for d in scenario.doctors}
    shared_sites = {r.site_id for r in scenario.rooms if r.department is None}
    seats_of_work: dict[WorkKey, list[cp_model.IntVar]] = defaultdict(list)
    for clinic in scenario.joint_clinics:
        for date in scenario.dates:
            for session in scenario.open_sessions(date):
                sid = session.session_id
                keys = ctx.by_site_session.get((clinic.site_id, date, sid), [])
                held = ctx.model.NewBoolVar(f"joint_clinic({clinic.name},{date},{sid})")
                ctx.joint_held[(clinic.name, date, sid)] = held
                if clinic.site_id not in shared_sites:
                    ctx.model.Add(held == 0)
                for member in clinic.departments:
                    seats = []
                    for key in keys:
                        if department[key[0]] != member:
                            continue
                        seat = ctx.model.NewBoolVar(f"joint_seat({clinic.name},{key[0]},{date},{sid})")
                        ctx.joint_seats[(clinic.name, key[0], date, sid)] = seat
                        seats_of_work[key].append(seat)
                        seats.append(seat)
                    ctx.model.Add(sum(seats) == held)
    for key, seats in seats_of_work.items():
        ctx.model.Add(sum(seats) <= ctx.works[key])
    for clinic in scenario.joint_clinics:
        for window in seven_day_windows(scenario.dates):
            ctx.model.Add(sum(_held_in(ctx, clinic.name, window)) <= clinic.sessions_per_week)


def _held_in(ctx: BuildContext, name: str, window: list[dt.date]) -> list[cp_model.IntVar]:
    days = set(window)
    return [v for (clinic, day, _), v in ctx.joint_held.items() if clinic == name and day in days]


def joint_room_terms(
    ctx: BuildContext, site_id: str, date: dt.date, session_id: str
) -> tuple[list[cp_model.IntVar], dict[str, list[cp_model.IntVar]]]:
    """For the room rule: joint clinics held at a site and session (each takes one shared
    room), and per department the seats of its doctors in them (they need no room of their own)."""
    joint_variables(ctx)
    held = [
        var for (name, day, sid), var in ctx.joint_held.items()
        if day == date and sid == session_id and _clinic(ctx, name).site_id == site_id
    ]
    seated: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    department = {d.doctor_id: d.department for d in ctx.scenario.doctors}
    for (name, doctor_id, day, sid), var in ctx.joint_seats.items():
        if day == date and sid == session_id and _clinic(ctx, name).site_id == site_id:
            seated[department[doctor_id]].append(var)
    return held, seated


def _clinic(ctx: BuildContext, name: str):  # noqa: ANN202
    return next(c for c in ctx.scenario.joint_clinics if c.name == name)


def joint_clinics(ctx: BuildContext) -> None:
    """Each joint clinic held at least ``sessions_per_week`` times in every 7-day window."""
    joint_variables(ctx)
    for clinic in ctx.scenario.joint_clinics:
        for window in seven_day_windows(ctx.scenario.dates):
            held = _held_in(ctx, clinic.name, window)
            literal = ctx.require(
                f"joint clinic {clinic.name} ({' + '.join(clinic.departments)}) at {clinic.site_id} "
                f"{clinic.sessions_per_week} sessions in the 7 days from {window[0]}"
            )
            ctx.model.Add(sum(held) >= clinic.sessions_per_week).OnlyEnforceIf(literal)
