"""How many appointments a session offers, and how they split between booking channels.

A session's slots are open to advance booking (the open-share target of its
clinic type: all of a general clinic's, half of an expert clinic's by default),
held for follow-ups booked at the end of a consultation, or held for patients
who ask on the day. :func:`roster_slot_plan` gives every roster row its split;
the roster's ``booking_open_slots`` is the ``open`` part.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from scheduler.model import Department, Roster, Scenario, SessionTemplate, Targets


def consult_min_for(department: Department, clinic: str) -> float:
    """Mean consultation minutes of a clinic type in a department."""
    return department.expert_consult_min if clinic == "expert" else department.consult_min


def session_slots(session: SessionTemplate, department: Department, clinic: str) -> int:
    """Appointments in one session: whole consultations that fit its length.

    ``floor(duration_min / consult_min)``, e.g. a 240-min session of 12-min
    consultations offers 20 slots.
    """
    return int(math.floor(session.duration_min / consult_min_for(department, clinic) + 1e-9))


def booking_open_slots(slots: int, clinic: str, targets: Targets) -> int:
    """Slots open to advance booking: at least the target share, rounded up."""
    share = (
        targets.expert_booking_open_share
        if clinic == "expert"
        else targets.general_booking_open_share
    )
    return min(slots, int(math.ceil(slots * share - 1e-9)))


@dataclass(frozen=True)
class SessionSlots:
    """How one session's slots are split between booking channels (they sum to ``slots``)."""

    slots: int  #: appointments the session offers
    open: int  #: open to advance booking from the start
    followup_held: int  #: held for follow-ups booked in clinic (released at the release horizon)
    same_day_held: int  #: held for patients who ask on the day (walk-ins, same-day calls)

    @property
    def held(self) -> int:
        """Slots not open to advance booking."""
        return self.followup_held + self.same_day_held


def session_slot_plan(slots: int, clinic: str, targets: Targets, followup_need: float) -> SessionSlots:
    """Split a session's ``slots`` into channels.

    ``open`` meets the clinic type's open-share target (:func:`booking_open_slots`);
    of the held rest, ``ceil(slots * followup_need)`` (at most all of them) are
    held for follow-ups, the others for same-day patients.

    Parameters
    ----------
    followup_need
        Expected follow-up bookings per visit this clinic must take in clinic:
        share of visits needing a follow-up times the department's target
        follow-up booking rate [-].
    """
    open_slots = booking_open_slots(slots, clinic, targets)
    held = slots - open_slots
    followup = min(held, int(math.ceil(slots * max(0.0, followup_need) - 1e-9)))
    return SessionSlots(slots, open_slots, followup, held - followup)


def followup_shares(scenario: Scenario) -> dict[tuple[str, str], float]:
    """Share of visits needing a follow-up per (site, department): the demand's
    patient-weighted ``followup_share`` (0 where not given) [-]."""
    weighted: dict[tuple[str, str], list[float]] = {}
    for row in scenario.demand:
        acc = weighted.setdefault((row.site_id, row.department), [0.0, 0.0])
        acc[0] += row.patients * (row.followup_share or 0.0)
        acc[1] += row.patients
    return {key: (num / den if den else 0.0) for key, (num, den) in weighted.items()}


def roster_slot_plan(scenario: Scenario, roster: Roster) -> list[SessionSlots]:
    """The slot plan of every roster row, in roster order.

    ``open`` is the row's ``booking_open_slots`` (which the solver sets from
    :func:`booking_open_slots`; a hand-written roster may differ), so the plan
    never contradicts the published roster.
    """
    shares = followup_shares(scenario)
    plan = []
    for a in roster.assignments:
        need = shares.get((a.site_id, a.department), 0.0) * scenario.followup_booking_rate(a.department)
        split = session_slot_plan(a.slots, a.clinic, scenario.targets, need)
        open_slots = min(a.slots, a.booking_open_slots)
        held = a.slots - open_slots
        followup = min(held, split.followup_held + max(0, split.open - open_slots))
        plan.append(SessionSlots(a.slots, open_slots, followup, held - followup))
    return plan


#: Columns of slot_plan.csv: the roster row's keys, then its split.
SLOT_PLAN_COLUMNS = ("date", "session", "site_id", "department", "doctor_id", "clinic",
                     "slots", "open", "followup_held", "same_day_held")


def slot_plan_csv(scenario: Scenario, roster: Roster) -> str:
    """The slot plan of every roster row as CSV text (:data:`SLOT_PLAN_COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SLOT_PLAN_COLUMNS)
    for a, plan in zip(roster.assignments, roster_slot_plan(scenario, roster), strict=True):
        writer.writerow((a.date.isoformat(), a.session_id, a.site_id, a.department, a.doctor_id, a.clinic,
                         plan.slots, plan.open, plan.followup_held, plan.same_day_held))
    return buffer.getvalue()
