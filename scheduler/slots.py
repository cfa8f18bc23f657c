"""How many appointments a session offers, and how many open to advance booking."""

from __future__ import annotations

import math

from scheduler.model import Department, SessionTemplate, Targets


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
