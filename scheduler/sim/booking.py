"""Advance booking into booking-open slots and the allocation of walk-ins to sessions.

Booked patients ask in order of demand date, ties in a random order drawn per
replication (``order_u``), and each takes the earliest free booking-open slot
(by date, then appointment time, then roster order) at their site and
department on or after their demand date, in their preferred session if any,
in an expert clinic if they need one (others take any clinic), with a lead
time of at most ``booked_days_ahead_max`` days. Patients with no such slot in
the roster are unserved.

Walk-ins come on their demand date. In a random order they take the slots of
their department at their site that day that booking left over (held slots
plus booking-open slots nobody booked), in their preferred session or else in a
session drawn in proportion to its leftover slots; walk-ins beyond that
capacity are turned away (unserved). A walk-in queues for the department, so
any doctor of it may see them: ``expert_share`` only constrains booking.

Follow-up visits (``followup_share``) book here like any other patient, into
one week's slots. Follow-ups booked at the end of a consultation, held slots
by channel and their release are modelled over several weeks by
:mod:`scheduler.sim.rolling` (its KPIs join each replication).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scheduler.sim.patients import PatientDraws
from scheduler.sim.plan import SimPlan

#: Patient status codes after booking (``STATUS_NAMES`` gives the words).
BOOKED, NO_SLOT, WALK_IN, TURNED_AWAY = 0, 1, 2, 3
STATUS_NAMES = ("booked", "no_slot", "walk_in", "turned_away")


@dataclass(frozen=True)
class Booking:
    """Where each patient of a replication is to be seen (arrays as in PatientDraws)."""

    status: np.ndarray  #: one of BOOKED, NO_SLOT, WALK_IN, TURNED_AWAY (int)
    doctor: np.ndarray  #: booked doctor-session index, -1 if none (int)
    slot: np.ndarray  #: slot index in that session, -1 if none (int)
    group: np.ndarray  #: walk-in group index of an admitted walk-in, else -1 (int)
    visit_date_ord: np.ndarray  #: date of the visit, ordinal [days]; -1 if unserved (int)
    appointment_min: np.ndarray  #: booked appointment [min after midnight]; NaN otherwise
    lead_days: np.ndarray  #: visit date - demand date [days]; NaN if unserved


def book(plan: SimPlan, draws: PatientDraws) -> Booking:
    """Book advance patients and allocate walk-ins for one replication."""
    n = len(draws)
    status = np.full(n, NO_SLOT, dtype=np.int64)
    doctor = np.full(n, -1, dtype=np.int64)
    slot = np.full(n, -1, dtype=np.int64)
    group = np.full(n, -1, dtype=np.int64)
    visit = np.full(n, -1, dtype=np.int64)
    appointment = np.full(n, math.nan)
    lead = np.full(n, math.nan)

    booked_per_doctor = _book_advance(plan, draws, status, doctor, slot, visit, appointment)
    _admit_walk_ins(plan, draws, booked_per_doctor, status, group, visit)
    served = visit >= 0
    lead[served] = visit[served] - draws.date_ord[served]
    return Booking(status, doctor, slot, group, visit, appointment, lead)


def _book_advance(
    plan: SimPlan,
    draws: PatientDraws,
    status: np.ndarray,
    doctor: np.ndarray,
    slot: np.ndarray,
    visit: np.ndarray,
    appointment: np.ndarray,
) -> list[int]:
    """Give each booked patient the earliest eligible free slot; return bookings per doctor."""
    booked_per_doctor = [0] * len(plan.doctors)
    pointer = {key: 0 for key in plan.pools}
    candidates = np.flatnonzero(~draws.walk_in)
    order = candidates[np.lexsort((draws.order_u[candidates], draws.date_ord[candidates]))]
    rows = plan.demand
    row_of = draws.row.tolist()
    expert_of = draws.needs_expert.tolist()
    max_ahead = plan.booked_days_ahead_max
    for i in order.tolist():
        row = rows[row_of[i]]
        day = row.date_ord
        best = None
        best_key = None
        pool_key = (row.site_id, row.department, row.session_id, expert_of[i])
        for key in plan.pools_for.get(pool_key, ()):
            slots = plan.pools[key]
            p = pointer[key]
            while p < len(slots) and slots[p][0] < day:
                p += 1
            pointer[key] = p
            if p < len(slots) and (best is None or slots[p] < best):
                best, best_key = slots[p], key
        if best is None or best[0] - day > max_ahead:
            continue
        pointer[best_key] += 1
        date_ord, time_min, d, k = best
        status[i] = BOOKED
        doctor[i], slot[i], visit[i], appointment[i] = d, k, date_ord, time_min
        booked_per_doctor[d] += 1
    return booked_per_doctor


def _admit_walk_ins(
    plan: SimPlan,
    draws: PatientDraws,
    booked_per_doctor: list[int],
    status: np.ndarray,
    group: np.ndarray,
    visit: np.ndarray,
) -> None:
    """Allocate walk-ins to sessions with leftover slots, or turn them away."""
    leftover = [0] * len(plan.groups)
    for d in plan.doctors:
        leftover[d.group] += d.slots - booked_per_doctor[d.index]
    walk_ins = np.flatnonzero(draws.walk_in)
    order = walk_ins[np.lexsort((draws.order_u[walk_ins], draws.date_ord[walk_ins]))]
    rows = plan.demand
    row_of = draws.row.tolist()
    session_u = draws.session_u.tolist()
    for i in order.tolist():
        row = rows[row_of[i]]
        status[i] = TURNED_AWAY
        options = plan.groups_by_day.get((row.date_ord, row.site_id, row.department), ())
        if row.session_id is not None:
            options = tuple(g for g in options if plan.groups[g].key[3] == row.session_id)
        total = sum(leftover[g] for g in options)
        if total <= 0:
            continue
        target = session_u[i] * total
        chosen = options[-1]
        for g in options:
            if target < leftover[g]:
                chosen = g
                break
            target -= leftover[g]
        while leftover[chosen] <= 0:  # guard against rounding at the top end
            chosen = next(g for g in options if leftover[g] > 0)
        leftover[chosen] -= 1
        status[i] = WALK_IN
        group[i] = chosen
        visit[i] = row.date_ord
