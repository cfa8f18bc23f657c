"""Compile a scenario and a roster into the flat tables the simulator runs on.

Done once per :func:`~scheduler.sim.simulate` call, in the parent process; the
result (:class:`SimPlan`) is small, immutable and picklable, and every
replication reads it without touching the domain objects again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scheduler.model import Roster, Scenario
from scheduler.slots import consult_min_for

#: Key of a booking pool: (site_id, department, session_id, expert clinic).
PoolKey = tuple[str, str, str, bool]
#: A bookable slot: (date ordinal [days], appointment [min after midnight],
#: assignment index, slot index in the session).
Slot = tuple[int, float, int, int]
#: Key of a walk-in group: (date ordinal, site_id, department, session_id).
GroupKey = tuple[int, str, str, str]


@dataclass(frozen=True)
class DoctorSession:
    """One roster row as the simulator sees it."""

    index: int  #: position in the roster
    date_ord: int  #: date as a proleptic Gregorian ordinal [days]
    session_id: str
    site_id: str
    department: str
    doctor_id: str
    clinic: str
    start_min: int  #: session start [min after midnight]
    end_min: int  #: session end [min after midnight]
    slots: int  #: appointments offered
    booking_open_slots: int  #: of which open to advance booking
    consult_min: float  #: mean consultation time of this clinic [min]
    group: int  #: walk-in group index (date, site, department, session)


@dataclass(frozen=True)
class DemandRow:
    """One row of the demand forecast, with a stable random-number key."""

    index: int  #: position in ``scenario.demand``
    stream_key: int  #: 64-bit hash of the row's content (common random numbers)
    date_ord: int  #: date the patients want to be seen from [ordinal days]
    site_id: str
    department: str
    session_id: str | None  #: preferred session; None = any
    patients: int
    expert_share: float  #: share needing an expert clinic (0 when not given)


@dataclass(frozen=True)
class WalkInGroup:
    """The doctors of one department at one site in one session of one day."""

    key: GroupKey
    start_min: int  #: earliest start of its doctors [min after midnight]
    end_min: int  #: latest end of its doctors [min after midnight]
    doctors: tuple[int, ...]  #: doctor-session indices


@dataclass(frozen=True)
class SimPlan:
    """Everything one replication needs, precomputed from a scenario and a roster.

    Attributes
    ----------
    doctors
        Roster rows, in roster order.
    groups
        Walk-in groups; ``DoctorSession.group`` indexes this tuple.
    groups_by_day
        (date ordinal, site, department) -> group indices, by session start.
    pools
        Booking-open slots by pool, each list sorted by date, time, roster order.
    pools_for
        (site, department, preferred session or None, needs expert) -> pool keys
        a booked patient may use.
    demand
        Demand rows in scenario order.
    """

    doctors: tuple[DoctorSession, ...]
    groups: tuple[WalkInGroup, ...]
    groups_by_day: dict[tuple[int, str, str], tuple[int, ...]]
    pools: dict[PoolKey, tuple[Slot, ...]]
    pools_for: dict[tuple[str, str, str | None, bool], tuple[PoolKey, ...]]
    demand: tuple[DemandRow, ...]
    walk_in_share: float  #: share of patients who come without booking [0-1]
    booking_window_days: int  #: target lead time [days]
    booked_days_ahead_max: int  #: longest bookable lead time [days]
    registration_min: float  #: mean registration time [min]
    registration_desks: int
    payment_min: float  #: mean payment time [min]
    cashiers: int

    @property
    def patients(self) -> int:
        """Total demand patients."""
        return sum(row.patients for row in self.demand)


def open_slot_indices(slots: int, open_slots: int) -> list[int]:
    """Which slot indices are open to advance booking: spread evenly over the session.

    ``floor(j * slots / open_slots)`` for ``j < open_slots``, so held slots (for
    follow-ups and same-day patients) are interleaved with booked ones; all
    slots when ``open_slots >= slots``.
    """
    open_slots = max(0, min(open_slots, slots))
    return [(j * slots) // open_slots for j in range(open_slots)] if open_slots else []


def stream_key(*parts: object) -> int:
    """A stable 64-bit integer from the parts' text (same on every run and machine)."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def build_plan(scenario: Scenario, roster: Roster) -> SimPlan:
    """Compile ``scenario`` and ``roster`` into a :class:`SimPlan`."""
    settings = scenario.simulation
    group_index: dict[GroupKey, int] = {}
    group_members: list[list[int]] = []
    doctors: list[DoctorSession] = []
    for index, a in enumerate(roster.assignments):
        key: GroupKey = (a.date.toordinal(), a.site_id, a.department, a.session_id)
        if key not in group_index:
            group_index[key] = len(group_members)
            group_members.append([])
        group = group_index[key]
        group_members[group].append(index)
        doctors.append(
            DoctorSession(
                index=index,
                date_ord=a.date.toordinal(),
                session_id=a.session_id,
                site_id=a.site_id,
                department=a.department,
                doctor_id=a.doctor_id,
                clinic=a.clinic,
                start_min=a.start_min,
                end_min=a.end_min,
                slots=a.slots,
                booking_open_slots=a.booking_open_slots,
                consult_min=float(consult_min_for(scenario.departments[a.department], a.clinic)),
                group=group,
            )
        )
    groups = tuple(
        WalkInGroup(
            key=key,
            start_min=min(doctors[i].start_min for i in group_members[g]),
            end_min=max(doctors[i].end_min for i in group_members[g]),
            doctors=tuple(group_members[g]),
        )
        for key, g in group_index.items()
    )
    by_day: dict[tuple[int, str, str], list[int]] = {}
    for g, group in enumerate(groups):
        by_day.setdefault(group.key[:3], []).append(g)
    groups_by_day = {
        k: tuple(sorted(v, key=lambda g: groups[g].start_min)) for k, v in by_day.items()
    }

    pool_lists: dict[PoolKey, list[Slot]] = {}
    for d in doctors:
        pool: PoolKey = (d.site_id, d.department, d.session_id, d.clinic == "expert")
        target = pool_lists.setdefault(pool, [])
        for k in open_slot_indices(d.slots, d.booking_open_slots):
            target.append((d.date_ord, d.start_min + k * d.consult_min, d.index, k))
    pools = {key: tuple(sorted(slots)) for key, slots in pool_lists.items()}

    pools_for: dict[tuple[str, str, str | None, bool], tuple[PoolKey, ...]] = {}
    session_ids: set[str | None] = {s.session_id for s in scenario.sessions} | {None}
    site_depts = {(k[0], k[1]) for k in pools}
    site_depts |= {(r.site_id, r.department) for r in scenario.demand}
    for site, dept in site_depts:
        for session in session_ids:
            for expert in (False, True):
                pools_for[(site, dept, session, expert)] = tuple(
                    k
                    for k in sorted(pools)
                    if k[0] == site
                    and k[1] == dept
                    and (session is None or k[2] == session)
                    and (k[3] or not expert)
                )

    demand: list[DemandRow] = []
    seen: dict[tuple[object, ...], int] = {}
    for index, row in enumerate(scenario.demand):
        content = (row.date.isoformat(), row.site_id, row.department, row.session_id or "")
        occurrence = seen.get(content, 0)
        seen[content] = occurrence + 1
        demand.append(
            DemandRow(
                index=index,
                stream_key=stream_key(*content, occurrence),
                date_ord=row.date.toordinal(),
                site_id=row.site_id,
                department=row.department,
                session_id=row.session_id,
                patients=int(row.patients),
                expert_share=float(row.expert_share or 0.0),
            )
        )
    return SimPlan(
        doctors=tuple(doctors),
        groups=groups,
        groups_by_day=groups_by_day,
        pools=pools,
        pools_for=pools_for,
        demand=tuple(demand),
        walk_in_share=float(settings.walk_in_share),
        booking_window_days=int(scenario.targets.booking_window_days),
        booked_days_ahead_max=int(settings.booked_days_ahead_max),
        registration_min=float(settings.registration_min),
        registration_desks=int(settings.registration_desks),
        payment_min=float(settings.payment_min),
        cashiers=int(settings.cashiers),
    )


def date_of(ordinal: int) -> dt.date:
    """The date of a proleptic Gregorian ordinal."""
    return dt.date.fromordinal(ordinal)


_DERIVED: dict[int, tuple[SimPlan, dict[str, Any]]] = {}


def derived(plan: SimPlan, name: str, build: Callable[[SimPlan], Any]) -> Any:
    """``build(plan)``, computed once per plan and ``name`` (per process) and reused by every replication.

    The value must be treated as read-only: replications share it.
    """
    held = _DERIVED.get(id(plan))
    if held is None or held[0] is not plan:
        _DERIVED.clear()  # one plan at a time: a new plan drops the old one's tables
        held = _DERIVED[id(plan)] = (plan, {})
    values = held[1]
    if name not in values:
        values[name] = build(plan)
    return values[name]
