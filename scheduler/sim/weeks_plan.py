"""The rolling booking simulation's plan: the roster repeated over weeks, slots by channel, demand.

Built once per simulation by :func:`build_weeks_plan` (see
:mod:`scheduler.sim.rolling` for how it is run); immutable and picklable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from scheduler.model import Roster, Scenario
from scheduler.sim.booking_profile import LEAD_DAYS_QUANTILES
from scheduler.sim.distributions import default_models
from scheduler.sim.plan import open_slot_indices, stream_key
from scheduler.slots import consult_min_for, followup_shares, roster_slot_plan

MINUTES_PER_DAY = 24 * 60
#: Channel codes of a slot.
OPEN, FOLLOWUP_HELD, SAME_DAY_HELD = 0, 1, 2

PoolId = int


@dataclass(frozen=True)
class SessionInstance:
    """One roster row in one repetition of the roster period."""

    day: int  #: day index from the scenario start [days]
    start: int  #: start [min from the scenario start]
    pool: PoolId  #: (site, department, clinic) pool
    department: str
    clinic: str
    slots: int
    open: int
    followup_held: int
    consult_min: float
    measured: bool  #: inside the measured weeks


@dataclass(frozen=True)
class DemandTemplate:
    """One demand row, as the booking simulation uses it."""

    key: int  #: stable random-number key of the row
    day: int  #: demand date, days from the scenario start
    site_id: str
    department: str
    patients: int
    expert_share: float
    followup_share: float  #: share of its visits that are follow-ups [-]


@dataclass(frozen=True)
class WeeksPlan:
    """Everything a replication of the booking simulation needs (picklable)."""

    period_days: int  #: length of the repeated roster [days]
    weeks: int  #: periods measured (after the warm-up)
    warmup_weeks: int  #: leading periods not measured
    run_days: int  #: the run stops at the start of this day [days from the scenario start]
    horizon_days: int  #: days with sessions (with the periods booked into after the run stops)
    sessions: tuple[SessionInstance, ...]
    slot_time: tuple[int, ...]  #: start of each slot [min from the scenario start]
    slot_session: tuple[int, ...]  #: session index of each slot
    slot_channel: tuple[int, ...]  #: OPEN, FOLLOWUP_HELD or SAME_DAY_HELD (extra overbooked entries OPEN)
    slot_extra: tuple[bool, ...]  #: an overbooking entry beyond the session's slots
    pools: tuple[tuple[str, str, str], ...]  #: (site, department, clinic) of each pool id
    pools_for: dict[tuple[str, str, bool], tuple[PoolId, ...]]  #: (site, dept, needs expert) -> pools
    demand: tuple[DemandTemplate, ...]
    #: (site, department) -> probability that a consultation needs a follow-up (see
    #: :func:`followup_probability`)
    followup_share: dict[tuple[str, str], float]
    opening_min: dict[int, tuple[int, int]]  #: day of period -> (first start, last end) [min of day]
    session_weekdays: dict[PoolId, tuple[int, ...]]  #: weekdays (0 = Monday) with sessions, per pool
    no_show_by_lead: tuple[float, ...]  #: no-show probability by lead time [days]
    walk_in_share: float
    booking_window_days: int
    max_ahead_days: int
    release_horizon_min: float | None  #: None = no release
    preferred_day_share: float
    followup_due_days: int
    followup_window_days: int
    start_weekday: int  #: weekday of day 0 (0 = Monday)
    general_first: bool = False  #: patients needing no expert try general clinics first
    departments: tuple[str, ...] = field(default=())

    @property
    def measured_days(self) -> tuple[int, int]:
        """First and one-past-last day of the measured periods."""
        return self.warmup_weeks * self.period_days, self.weeks * self.period_days


def followup_probability(share: float, no_show_by_lead: np.ndarray, same_day_share: float,
                         max_ahead_days: int, due_days: int) -> float:
    """Probability that a consultation needs a follow-up, so that follow-ups are ``share`` of booked visits.

    Only patients who come generate follow-ups, so in steady state follow-ups
    are ``p * (1 - q)`` of the booked visits, ``q`` their mean no-show rate.
    ``p = share / (1 - q)`` (at most 1) makes that ``share``, and the booked
    visits match the demand. ``q`` is estimated from the lead-time mix:
    ``1 - share`` new patients (``same_day_share`` same day, the rest with the
    log's advance notice capped at ``max_ahead_days``) and ``share``
    follow-ups at ``due_days``.
    """
    if share <= 0:
        return 0.0
    q = np.asarray(LEAD_DAYS_QUANTILES, dtype=float)
    fine = np.interp(np.linspace(0, q.size - 1, 2001), np.arange(q.size), q)
    notice = np.minimum(np.floor(fine), max_ahead_days).astype(np.int64)
    last = no_show_by_lead.size - 1
    new_rate = same_day_share * no_show_by_lead[0] + (1 - same_day_share) * float(
        no_show_by_lead[np.minimum(notice, last)].mean())
    mean_no_show = (1 - share) * new_rate + share * float(no_show_by_lead[min(due_days, last)])
    return min(1.0, share / (1.0 - mean_no_show))


def build_weeks_plan(scenario: Scenario, roster: Roster) -> WeeksPlan:
    """Compile ``scenario`` and ``roster`` for :func:`run_weeks`."""
    booking = scenario.simulation.booking
    period = scenario.days
    max_ahead = int(scenario.simulation.booked_days_ahead_max)
    reach = max(max_ahead, booking.followup_due_days + booking.followup_window_days)
    # requests of the measured periods may ask again for up to max_ahead days: the run goes on that long
    run_days = booking.weeks * period + max_ahead
    total_periods = math.ceil((run_days + reach + 1) / period)
    warmup = min(booking.warmup_weeks, max(0, booking.weeks - 1))
    start_ord = scenario.start_date.toordinal()
    split = roster_slot_plan(scenario, roster)
    pool_index: dict[tuple[str, str, str], int] = {}
    sessions: list[SessionInstance] = []
    slot_time: list[int] = []
    slot_session: list[int] = []
    slot_channel: list[int] = []
    slot_extra: list[bool] = []
    weekdays: dict[int, set[int]] = {}
    for rep in range(total_periods):
        for a, plan in zip(roster.assignments, split, strict=True):
            pool = pool_index.setdefault((a.site_id, a.department, a.clinic), len(pool_index))
            day = a.date.toordinal() - start_ord + rep * period
            weekdays.setdefault(pool, set()).add(a.date.weekday())
            consult = float(consult_min_for(scenario.departments[a.department], a.clinic))
            index = len(sessions)
            sessions.append(SessionInstance(
                day=day, start=day * MINUTES_PER_DAY + a.start_min, pool=pool, department=a.department,
                clinic=a.clinic, slots=a.slots, open=plan.open, followup_held=plan.followup_held,
                consult_min=consult, measured=warmup <= rep < booking.weeks,
            ))
            open_set = set(open_slot_indices(a.slots, plan.open))
            held = [k for k in range(a.slots) if k not in open_set]
            channel = {k: OPEN for k in open_set}
            channel.update({k: FOLLOWUP_HELD for k in held[: plan.followup_held]})
            channel.update({k: SAME_DAY_HELD for k in held[plan.followup_held:]})
            for k in range(a.slots):
                slot_time.append(sessions[-1].start + int(k * consult))
                slot_session.append(index)
                slot_channel.append(channel[k])
                slot_extra.append(False)
            extra = int(math.floor(plan.open * booking.overbooking_share + 1e-9))
            for j in open_slot_indices(plan.open, extra):
                k = sorted(open_set)[j]
                slot_time.append(sessions[-1].start + int(k * consult))
                slot_session.append(index)
                slot_channel.append(OPEN)
                slot_extra.append(True)
    pools = tuple(sorted(pool_index, key=pool_index.get))
    site_depts = {(p[0], p[1]) for p in pools} | {(r.site_id, r.department) for r in scenario.demand}
    pools_for = {
        (site, dept, expert): tuple(
            i for i, (s, d, c) in enumerate(pools) if s == site and d == dept and (c == "expert" or not expert)
        )
        for site, dept in site_depts
        for expert in (False, True)
    }
    no_show = default_models(scenario.simulation).no_show
    leads = np.arange(0, total_periods * period + 1, dtype=float)
    no_show_by_lead = np.asarray(no_show(leads), dtype=float)
    shares = {
        key: followup_probability(share, no_show_by_lead, float(scenario.simulation.walk_in_share),
                                  max_ahead, booking.followup_due_days)
        for key, share in followup_shares(scenario).items()
    }
    demand = tuple(
        DemandTemplate(
            key=stream_key("weeks", r.date.isoformat(), r.site_id, r.department, r.session_id or "", i),
            day=r.date.toordinal() - start_ord, site_id=r.site_id, department=r.department,
            patients=int(r.patients), expert_share=float(r.expert_share or 0.0),
            followup_share=float(r.followup_share or 0.0),
        )
        for i, r in enumerate(scenario.demand)
    )
    opening = {}
    for day, date in enumerate(scenario.dates):
        open_sessions = scenario.open_sessions(date)
        if open_sessions:
            opening[day] = (min(s.start_min for s in open_sessions), max(s.end_min for s in open_sessions))
    return WeeksPlan(
        period_days=period,
        weeks=booking.weeks,
        warmup_weeks=warmup,
        run_days=run_days,
        horizon_days=total_periods * period,
        sessions=tuple(sessions),
        slot_time=tuple(slot_time),
        slot_session=tuple(slot_session),
        slot_channel=tuple(slot_channel),
        slot_extra=tuple(slot_extra),
        pools=pools,
        pools_for=pools_for,
        demand=demand,
        followup_share=shares,
        opening_min=opening,
        session_weekdays={p: tuple(sorted(w)) for p, w in weekdays.items()},
        no_show_by_lead=tuple(float(p) for p in no_show_by_lead),
        walk_in_share=float(scenario.simulation.walk_in_share),
        booking_window_days=int(scenario.targets.booking_window_days),
        max_ahead_days=max_ahead,
        release_horizon_min=None if booking.release_horizon_h is None else booking.release_horizon_h * 60.0,
        preferred_day_share=float(booking.preferred_day_share),
        followup_due_days=int(booking.followup_due_days),
        followup_window_days=int(booking.followup_window_days),
        start_weekday=scenario.start_date.weekday(),
        general_first=bool(booking.general_first),
        departments=tuple(sorted(scenario.departments)),
    )
