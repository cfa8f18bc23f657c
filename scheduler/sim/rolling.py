"""Booking over several weeks: a rolling horizon in which the roster's week repeats.

The roster (``scenario.days`` long, usually one week) is repeated back to back
for ``simulation.booking.weeks`` periods (plus enough periods after them to
book into); each repetition's demand is ``demand.csv`` shifted by the period.
Time runs in minutes from the scenario's start date. Events, in time order:

* **booking request** of a new patient (not a follow-up) who wants a visit
  on a demand row's date: with probability ``walk_in_share`` on that day
  itself (a same-day patient, at a uniform time within the day's opening
  hours), else ``notice`` days before it, ``notice`` drawn from the real
  log's lead times of advance bookings (capped at ``booked_days_ahead_max``),
  at a time of day drawn from the real booking-hour profile
  (:mod:`scheduler.sim.booking_profile`). The patient takes the earliest free
  bookable slot on or after the wanted day that starts after the request, at
  most ``booked_days_ahead_max`` days after the request, at their site and
  department (an expert clinic if they need one, else any clinic, or with
  ``booking.general_first`` a general clinic unless none has a slot): an open
  slot, a released slot, or when booking for the same day a same-day held
  slot. With ``booking.preferred_day_share``, that share of patients wait for
  the first such slot on their preferred weekday (drawn uniformly among the
  weekdays with sessions). No such slot within ``booked_days_ahead_max``
  days: the patient joins the site and department's **waiting list** and asks
  again the next day, until ``booked_days_ahead_max`` days after the wanted
  day or the end of the run (then unserved).
* **release**: ``booking.release_horizon_h`` hours before a session starts, its
  follow-up held slots still free become open to booking (dynamic release).
  Each released slot is first offered to the waiting list, longest waiting
  first (a patient it suits: the right clinic type, on or after the wanted
  day and on the preferred weekday, if any); slots nobody on the list can
  take stay open to any request. With no release horizon the hold is static:
  only follow-ups may take them.
* **visit** at the slot time: the patient does not come with the probability
  of the scenario's no-show model at their lead time (rising from about 5%
  same day to 33% beyond a month, as the real log shows).
* **follow-up booking** at the end of a consultation, with the probability
  that makes follow-ups the demand's ``followup_share`` of booked visits
  (:func:`~scheduler.sim.weeks_plan.followup_probability`): a slot of the
  same clinic on the day nearest the due day, ``followup_due_days`` later,
  within +- ``followup_window_days`` days (the earlier of two equally near
  days), a follow-up held slot of that day if one is free, else an open one.
  Booked there: booked in clinic. Otherwise the patient calls later, as an
  ordinary booking request at the start of the due window.

Demand is generated for every period, the ones after the last measured one
included (so that slots ahead of the measured weeks fill as they would). The
run stops ``booked_days_ahead_max`` days after the end of the last measured
period, so that a request first made in the measured periods has had at
least that long to find a slot before it counts as unserved (a patient still
asking when the run stops is unserved). Because follow-ups arise
from visits, only the other ``1 - followup_share`` of the demand books from
outside; in steady state follow-ups are again about ``followup_share`` of the
booked visits, and the booked visits about the demand. Follow-ups due before
the first consultations' follow-ups fall due (``followup_due_days``) come from
consultations before the run: they are booked at the start as they would have
been in clinic (held slots of the day nearest the due day first, in a clinic
of the patient's type), or, when nothing is free, book from outside, so the
run starts near that steady state. Overbooking (``booking.overbooking_share``)
adds that share of each session's open slots as extra bookable entries.
KPIs are measured after ``booking.warmup_weeks`` periods
(:mod:`scheduler.sim.booking_kpis`).
"""

from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass, field

import numpy as np

from scheduler.sim.booking_profile import advance_notice_days, booking_minutes
from scheduler.sim.weeks_plan import (
    FOLLOWUP_HELD,
    MINUTES_PER_DAY,
    OPEN,
    DemandTemplate,
    WeeksPlan,
)

#: Event kinds, in the order they are handled at equal times.
SAMPLE, RELEASE, VISIT, FOLLOWUP, REQUEST = range(5)
#: Third-next-available when fewer than three slots are bookable: this many days past the horizon.
TNA_BEYOND_DAYS = 1
#: Time of day an unbooked follow-up patient calls, at the start of the due window [min].
REBOOK_CALL_MIN = 9 * 60
#: Spawn-key tag of the generator drawing visit-time outcomes (no-show, follow-up need).
VISIT_STREAM = 0x5EED

FreeList = list[tuple[int, int]]  #: sorted (slot start [min], slot index) of free slots


@dataclass
class _Waiting:
    """A booking request that found no slot and waits for one (see :meth:`_Engine._release`)."""

    expert: bool  #: needs an expert clinic
    weekday: int  #: preferred weekday (0 = Monday), -1 for any
    rebook: bool  #: a follow-up not booked in clinic
    wanted_day: int  #: day the patient wanted [days]
    first_day: int  #: day the patient first asked [days]
    done: bool = False  #: booked, or given up


@dataclass
class WeeksOutcome:
    """What happened in one replication (lists are parallel per record kind)."""

    request_day: list[int] = field(default_factory=list)  #: booking requests: day first asked
    request_lead: list[int] = field(default_factory=list)  #: days from booking to the visit; -1 = no slot
    request_wait: list[int] = field(default_factory=list)  #: days from the wanted day to the visit; -1
    request_rebook: list[bool] = field(default_factory=list)  #: a follow-up not booked in clinic
    request_department: list[str] = field(default_factory=list)
    visit_day: list[int] = field(default_factory=list)  #: booked visits
    visit_lead: list[int] = field(default_factory=list)  #: visit day - booking day [days]
    visit_no_show: list[bool] = field(default_factory=list)
    followup_day: list[int] = field(default_factory=list)  #: consultations needing a follow-up
    followup_department: list[str] = field(default_factory=list)
    followup_booked: list[bool] = field(default_factory=list)  #: booked in clinic
    tna_day: list[int] = field(default_factory=list)  #: third-next-available samples
    tna_department: list[str] = field(default_factory=list)
    tna_days: list[int] = field(default_factory=list)
    attended: list[int] = field(default_factory=list)  #: patients seen per session instance
    booked: list[int] = field(default_factory=list)  #: patients booked per session instance (no-shows too)
    released: int = 0  #: held slots of the measured sessions released to booking


class _Engine:
    """One replication: free-slot lists per pool and channel, and an event heap."""

    def __init__(self, plan: WeeksPlan, seed: int, replication: int) -> None:
        self.plan = plan
        self.seed = seed
        self.replication = replication
        self.rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replication, VISIT_STREAM)))
        self.out = WeeksOutcome(attended=[0] * len(plan.sessions), booked=[0] * len(plan.sessions))
        self.open_free: list[FreeList] = [[] for _ in plan.pools]
        self.followup_free: list[FreeList] = [[] for _ in plan.pools]
        self.same_day_free: dict[tuple[int, int], FreeList] = {}
        self.session_followup: list[list[int]] = [[] for _ in plan.sessions]
        for slot, (time, session, channel) in enumerate(
            zip(plan.slot_time, plan.slot_session, plan.slot_channel, strict=True)
        ):
            pool = plan.sessions[session].pool
            entry = (time, slot)
            if channel == OPEN:
                self.open_free[pool].append(entry)
            elif channel == FOLLOWUP_HELD:
                self.followup_free[pool].append(entry)
                self.session_followup[session].append(slot)
            else:
                self.same_day_free.setdefault((pool, plan.sessions[session].day), []).append(entry)
        for lists in (self.open_free, self.followup_free, list(self.same_day_free.values())):
            for free in lists:
                free.sort()
        self.taken = bytearray(len(plan.slot_time))
        #: (site, department) -> requests waiting for a slot, in the order they first found none
        self.waiting: dict[tuple[str, str], list[_Waiting]] = {}
        self.events: list[tuple[int, int, int, tuple[object, ...]]] = []
        self.seq = 0
        self.end = plan.run_days * MINUTES_PER_DAY  #: the run stops here [min]

    # --- events ------------------------------------------------------------
    def push(self, time: int, kind: int, payload: tuple[object, ...]) -> None:
        """Schedule an event (events at or after the end of the run are dropped)."""
        if time < self.end:
            self.seq += 1
            heapq.heappush(self.events, (time, kind, self.seq, payload))

    def seed_events(self) -> None:
        """Demand, releases and third-next-available samples of the whole run."""
        plan = self.plan
        asked_in_time = -(-(plan.run_days + plan.max_ahead_days) // plan.period_days)  # later: asked after the end
        for period in range(min(plan.horizon_days // plan.period_days, asked_in_time)):
            for row in plan.demand:
                self._demand_row(row, period)
        if plan.release_horizon_min is not None:
            for index, session in enumerate(plan.sessions):
                if session.followup_held:
                    self.push(int(session.start - plan.release_horizon_min), RELEASE, (index,))
        first, last = plan.measured_days
        for day in range(first, last):
            self.push(day * MINUTES_PER_DAY, SAMPLE, ())

    def _demand_row(self, row: DemandTemplate, period: int) -> None:
        plan = self.plan
        key = (self.replication, row.key, period)
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))
        n = row.patients
        day = row.day + period * plan.period_days
        # follow-ups due before the first consultations' follow-ups (booked at the due day while slots are
        # free) are not generated by the run: they were booked in clinic before it (see _early_followup)
        before_start = day < plan.followup_due_days
        followup = rng.random(n) < row.followup_share
        external = ~followup | before_start
        same_day = rng.random(n) < plan.walk_in_share
        expert = rng.random(n) < row.expert_share
        notice = np.minimum(advance_notice_days(n, rng), plan.max_ahead_days)
        minute = booking_minutes(n, rng)
        prefers = rng.random(n) < plan.preferred_day_share
        weekday_u = rng.random(n)
        same_day_u = rng.random(n)
        opening = plan.opening_min.get(row.day % plan.period_days)
        options = plan.pools_for.get((row.site_id, row.department, False), ())
        weekdays = sorted({w for p in options for w in plan.session_weekdays.get(p, ())})
        for i in np.flatnonzero(external).tolist():
            if followup[i] and self._early_followup(row.site_id, row.department, bool(expert[i]), day):
                continue
            preferred = weekdays[int(weekday_u[i] * len(weekdays))] if prefers[i] and weekdays else -1
            if same_day[i] and opening is not None:
                start, end = opening
                time = day * MINUTES_PER_DAY + start + int(same_day_u[i] * max(1, end - start))
                preferred = -1
            else:
                time = (day - int(notice[i])) * MINUTES_PER_DAY + int(minute[i])
            self.push(time, REQUEST, (row.site_id, row.department, bool(expert[i]), preferred, False, day))

    def _early_followup(self, site: str, dept: str, expert: bool, day: int) -> bool:
        """Book a follow-up of a consultation before the run, due on ``day``, as one booked in clinic
        would have been (:meth:`_take_followup`: held slots of the nearest day first) in a clinic of
        the patient's type (general clinics for a patient who needs no expert, where there are any);
        False when nothing is free (it then books from outside as a request)."""
        plan = self.plan
        pools = plan.pools_for.get((site, dept, expert), ())
        if not expert:
            pools = tuple(p for p in pools if plan.pools[p][2] != "expert") or pools
        window = plan.followup_window_days
        booked_day = day - plan.followup_due_days
        low_day = max(0, day - window)
        slot = self._take_followup(pools, low_day, day + window, day)
        if slot is None:
            return False
        self.push(plan.slot_time[slot], VISIT, (slot, booked_day))
        return True

    def run(self) -> WeeksOutcome:
        """Handle events in time order until the run stops (``plan.run_days``)."""
        end = self.end
        handlers = {
            SAMPLE: self._sample, RELEASE: self._release, VISIT: self._visit,
            FOLLOWUP: self._followup, REQUEST: self._request,
        }
        while self.events and self.events[0][0] < end:
            time, kind, _, payload = heapq.heappop(self.events)
            handlers[kind](time, *payload)
        return self.out

    # --- slot search ---------------------------------------------------------
    def _first(self, free: FreeList, low: int, high: int, weekday: int = -1) -> int | None:
        """Index in ``free`` of the earliest slot starting in [low, high) (on ``weekday`` if >= 0)."""
        i = bisect.bisect_left(free, (low, -1))
        while i < len(free) and free[i][0] < high:
            if weekday < 0 or (self.plan.start_weekday + free[i][0] // MINUTES_PER_DAY) % 7 == weekday:
                return i
            i += 1
        return None

    def _take(self, candidates: list[tuple[FreeList, int, int]]) -> int | None:
        """Book the earliest of several (list, low, high[, weekday]) searches; the slot index or None."""
        best: tuple[int, FreeList, int] | None = None
        for free, low, high, *weekday in candidates:
            i = self._first(free, low, high, *weekday)
            if i is not None and (best is None or free[i] < best[1][best[2]]):
                best = (free[i][0], free, i)
        if best is None:
            return None
        _, free, i = best
        _, slot = free.pop(i)
        self.taken[slot] = 1
        return slot

    def _take_followup(self, pools: tuple[int, ...], low_day: int, high_day: int, due_day: int) -> int | None:
        """Book a follow-up on the free day nearest ``due_day`` in [low_day, high_day] (the earlier on a
        tie) in one of ``pools``: a follow-up held slot of that day if one is free, else an open one."""
        end = (high_day + 1) * MINUTES_PER_DAY
        lists = [free for free in [self.followup_free[p] for p in pools] + [self.open_free[p] for p in pools]
                 if self._first(free, low_day * MINUTES_PER_DAY, end) is not None]
        if not lists:
            return None
        for offset in range(max(due_day - low_day, high_day - due_day) + 1):
            for day in (due_day - offset, due_day + offset) if offset else (due_day,):
                if low_day <= day <= high_day:
                    start = day * MINUTES_PER_DAY
                    for free in lists:
                        i = self._first(free, start, start + MINUTES_PER_DAY)
                        if i is not None:
                            _, slot = free.pop(i)
                            self.taken[slot] = 1
                            return slot
        return None

    # --- handlers ------------------------------------------------------------
    def _request(
        self, time: int, site: str, dept: str, expert: bool, weekday: int, rebook: bool, wanted_day: int,
        waiting: _Waiting | None = None,
    ) -> None:
        if waiting is not None and waiting.done:  # booked from the waiting list in the meantime
            return
        plan = self.plan
        day = time // MINUTES_PER_DAY
        low = max(time + 1, wanted_day * MINUTES_PER_DAY)
        high = (day + plan.max_ahead_days + 1) * MINUTES_PER_DAY
        slot = None
        for pools in self._pool_tiers(site, dept, expert):
            candidates: list[tuple] = []
            for pool in pools:
                candidates.append((self.open_free[pool], low, high, weekday))
                same_day = self.same_day_free.get((pool, day))
                if same_day and wanted_day <= day and (weekday < 0 or (plan.start_weekday + day) % 7 == weekday):
                    candidates.append((same_day, low, (day + 1) * MINUTES_PER_DAY))
            slot = self._take(candidates)
            if slot is not None:
                break
        retry = (day + 1) * MINUTES_PER_DAY + REBOOK_CALL_MIN
        if slot is None and day < wanted_day + plan.max_ahead_days and retry < self.end:
            if waiting is None:
                waiting = _Waiting(expert, weekday, rebook, wanted_day, day)
                self.waiting.setdefault((site, dept), []).append(waiting)
            self.push(retry, REQUEST, (site, dept, expert, weekday, rebook, wanted_day, waiting))
            return
        if waiting is not None:
            waiting.done = True
        self._record(day, dept, rebook, wanted_day, day if waiting is None else waiting.first_day, slot)

    def _record(self, day: int, dept: str, rebook: bool, wanted_day: int, first_day: int, slot: int | None) -> None:
        """A request's outcome: booked on ``day`` into ``slot``, or unserved (``slot`` None)."""
        plan = self.plan
        self.out.request_day.append(first_day)
        self.out.request_rebook.append(rebook)
        self.out.request_department.append(dept)
        if slot is None:
            self.out.request_lead.append(-1)
            self.out.request_wait.append(-1)
            return
        visit_day = plan.slot_time[slot] // MINUTES_PER_DAY
        self.out.request_lead.append(visit_day - day)
        self.out.request_wait.append(visit_day - wanted_day)
        self.push(plan.slot_time[slot], VISIT, (slot, day))

    def _pool_tiers(self, site: str, dept: str, expert: bool) -> list[tuple[int, ...]]:
        """Pools a request searches, tier by tier: all eligible ones, or with ``general_first``
        general clinics before expert clinics for a patient who needs no expert."""
        pools = self.plan.pools_for.get((site, dept, expert), ())
        if expert or not self.plan.general_first:
            return [pools]
        return [tuple(p for p in pools if self.plan.pools[p][2] != "expert"),
                tuple(p for p in pools if self.plan.pools[p][2] == "expert")]

    def _release(self, time: int, session: int) -> None:
        """Open the session's free follow-up held slots: to the waiting list first, then to anyone."""
        plan = self.plan
        pool = plan.sessions[session].pool
        held = self.followup_free[pool]
        target = self.open_free[pool]
        released = []
        for slot in self.session_followup[session]:
            if self.taken[slot]:
                continue
            entry = (plan.slot_time[slot], slot)
            i = bisect.bisect_left(held, entry)
            if i < len(held) and held[i] == entry:
                held.pop(i)
                released.append(slot)
        if plan.sessions[session].measured:
            self.out.released += len(released)
        site, dept, clinic = plan.pools[pool]
        queue = self.waiting.get((site, dept), [])
        queue[:] = [w for w in queue if not w.done]
        day = time // MINUTES_PER_DAY
        slot_day = plan.sessions[session].day
        weekday = (plan.start_weekday + slot_day) % 7
        for slot in released:
            patient = next((w for w in queue if not w.done and w.wanted_day <= slot_day
                            and (clinic == "expert" or not w.expert) and w.weekday in (-1, weekday)), None)
            if patient is None:
                bisect.insort(target, (plan.slot_time[slot], slot))
                continue
            patient.done = True
            self.taken[slot] = 1
            self._record(day, dept, patient.rebook, patient.wanted_day, patient.first_day, slot)

    def _visit(self, time: int, slot: int, booked_day: int) -> None:
        plan = self.plan
        session = plan.slot_session[slot]
        day = time // MINUTES_PER_DAY
        lead = day - booked_day
        self.out.booked[session] += 1
        no_show = bool(self.rng.random() < plan.no_show_by_lead[min(lead, len(plan.no_show_by_lead) - 1)])
        self.out.visit_day.append(day)
        self.out.visit_lead.append(lead)
        self.out.visit_no_show.append(no_show)
        if no_show:
            return
        self.out.attended[session] += 1
        info = plan.sessions[session]
        site = plan.pools[info.pool][0]
        if self.rng.random() < plan.followup_share.get((site, info.department), 0.0):
            self.push(int(time + info.consult_min), FOLLOWUP, (session,))

    def _followup(self, time: int, session: int) -> None:
        plan = self.plan
        info = plan.sessions[session]
        day = time // MINUTES_PER_DAY
        low_day = day + plan.followup_due_days - plan.followup_window_days
        high_day = day + plan.followup_due_days + plan.followup_window_days
        slot = self._take_followup((info.pool,), low_day, high_day, day + plan.followup_due_days)
        self.out.followup_day.append(day)
        self.out.followup_department.append(info.department)
        self.out.followup_booked.append(slot is not None)
        if slot is not None:
            self.push(plan.slot_time[slot], VISIT, (slot, day))
            return
        site, dept, clinic = plan.pools[info.pool]
        self.push(low_day * MINUTES_PER_DAY + REBOOK_CALL_MIN, REQUEST,
                  (site, dept, clinic == "expert", -1, True, low_day))

    def _sample(self, time: int) -> None:
        """Third-next-available bookable slot per site and department [days from today]."""
        plan = self.plan
        day = time // MINUTES_PER_DAY
        high = (day + plan.max_ahead_days + 1) * MINUTES_PER_DAY
        for (_site, dept, expert), pools in plan.pools_for.items():
            if expert or not pools:
                continue
            times: list[int] = []
            for pool in pools:
                free = self.open_free[pool]
                i = bisect.bisect_left(free, (time, -1))
                times.extend(t for t, _ in free[i:i + 3] if t < high)
            times.sort()
            days = times[2] // MINUTES_PER_DAY - day if len(times) >= 3 else plan.max_ahead_days + TNA_BEYOND_DAYS
            self.out.tna_day.append(day)
            self.out.tna_department.append(dept)
            self.out.tna_days.append(days)


def run_weeks(plan: WeeksPlan, seed: int, replication: int) -> WeeksOutcome:
    """One replication of the rolling booking simulation."""
    engine = _Engine(plan, seed, replication)
    engine.seed_events()
    return engine.run()
