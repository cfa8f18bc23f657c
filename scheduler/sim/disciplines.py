"""Queue disciplines: which waiting patient a free doctor sees next.

A discipline is a callable ``(own, walk_ins) -> queue | None``: given the
doctor's own booked queue and their department's walk-in queue (deques of
patient indices, oldest first), it returns the queue whose head the doctor
sees next, or None when both are empty. Each queue is first come, first served.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

QueueDiscipline = Callable[[deque, deque], "deque | None"]


def booked_first(own: deque, walk_ins: deque) -> deque | None:
    """The doctor's own booked patients first, walk-ins only when none is waiting."""
    if own:
        return own
    return walk_ins if walk_ins else None


def walk_ins_first(own: deque, walk_ins: deque) -> deque | None:
    """Walk-ins first (e.g. to test a same-day-priority policy)."""
    if walk_ins:
        return walk_ins
    return own if own else None
