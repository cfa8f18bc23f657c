"""One site on one day: the patient flow through the stations, on a SimPy clock.

A patient's visit (``full`` flow), each station first come, first served with
parallel servers:

1. arrival; registration at a desk or kiosk (none with mobile registration);
2. the consultation queue: a booked patient their own doctor's, a walk-in
   their department-and-session queue, which any doctor of the group may
   serve (by default a doctor sees walk-ins only when their own queue is
   empty, :func:`~scheduler.sim.disciplines.booked_first`);
3. with ``pay_each_step``, a cashier after each consultation that orders
   something (always after the first one; after the return consultation when
   it prescribes);
4. if tests were ordered: the laboratory, then imaging; the patient waits for
   the later result (turnaround) and rejoins the same doctor's own queue for a
   return consultation;
5. the pharmacy if prescribed;
6. with ``settle_at_end`` (treat first, settle later), one settlement at a
   cashier before leaving.

With ``consult_only`` flow the visit is step 2 alone. Doctors start at their
session start and stay until nobody is left for them, including patients
away at tests who will come back (overtime = finish after session end).

The engine is a minimal discrete-event loop (:class:`Clock`): a heap of
``(time, sequence, callback, argument)``, events at equal times in the order
they were scheduled, the ordering SimPy's environment uses, without its
per-event objects: a visit costs a few heap operations and callbacks.
Times are minutes after local midnight of the day. A consultation-only day
(``full=False``) runs the same events in one loop that dispatches them in
place, without callbacks (:func:`_consultation_day`).

This is the default engine (``simulation.engine: fast``). The reference
engine, :mod:`scheduler.sim.day_simpy` (``simulation.engine: simpy``), runs
the same day on a :class:`simpy.Environment` with the same inputs and
:class:`DayResult`; ``tests/sim/test_sim_engines.py`` requires the two to give
identical per-visit records.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from heapq import heapify, heappop, heappush
from itertools import count
from typing import Any, NamedTuple

from scheduler.sim.disciplines import QueueDiscipline, booked_first

#: The steps of a visit, as row indices of the time-stamp tables.
REGISTRATION, CONSULT, PAYMENT, LAB, IMAGING, RETURN, PAYMENT2, PHARMACY, SETTLEMENT = range(9)
STEP_NAMES = (
    "registration", "consultation", "payment", "lab", "imaging",
    "return_consultation", "payment2", "pharmacy", "settlement",
)
#: The station that serves each step (payments and settlement share the cashiers).
STEP_STATION = (
    "registration", "consultation", "cashier", "lab", "imaging",
    "consultation", "cashier", "pharmacy", "cashier",
)
#: Queue-length log: (time [min], patients waiting) at every change.
QueueLog = list[tuple[float, int]]


@dataclass(frozen=True)
class DayDoctor:
    """A doctor-session of the day, with its local walk-in group index."""

    start_min: float  #: session start [min]
    end_min: float  #: session end [min]
    consult_min: float  #: mean consultation time of the clinic [min]
    group: int  #: local walk-in group (department and session)


@dataclass(frozen=True)
class DayServers:
    """Servers of the site's stations; 0 registration servers = mobile registration."""

    registration: int
    cashiers: int
    lab: int
    imaging: int
    pharmacy: int


@dataclass(frozen=True)
class DayPatients:
    """The patients who turn up at a site on a day, one list element per patient.

    Service times are minutes; NaN in ``lab_min``, ``imaging_min`` or
    ``pharmacy_min`` means the step is not needed.
    """

    arrival_min: list[float]  #: arrival [min]
    doctor: list[int]  #: local doctor index of a booked patient, -1 for a walk-in
    group: list[int]  #: local walk-in group of a walk-in, -1 for a booked patient
    consult_ratio: list[float]  #: consultation over the serving clinic's mean [-]
    registration_min: list[float]
    payment_min: list[float]  #: first payment (or the settlement)
    payment2_min: list[float]  #: payment after the return consultation
    lab_min: list[float]
    lab_turnaround_min: list[float]
    imaging_min: list[float]
    imaging_turnaround_min: list[float]
    return_ratio: list[float]  #: return consultation over the clinic's mean [-]
    pharmacy_min: list[float]

    def __len__(self) -> int:
        return len(self.arrival_min)


@dataclass(frozen=True)
class DayResult:
    """Time stamps of one site-day; patient lists follow the input order.

    ``join[s][i]``, ``start[s][i]``, ``end[s][i]``: when patient ``i`` joined
    the queue of step ``s`` (:data:`STEP_NAMES`), began and ended its service
    [min]; NaN when the step did not happen.
    """

    join: list[list[float]]
    start: list[list[float]]
    end: list[list[float]]
    exit_min: list[float]  #: left the hospital [min]
    served_by: list[int]  #: local doctor index of the (first) consultation, -1 if none
    doctor_finish: list[float]  #: when each doctor left, at least session end [min]
    doctor_busy: list[float]  #: consultation minutes per doctor [min]
    max_queue_len: int  #: longest consultation queue seen (patients waiting)
    station_logs: dict[str, QueueLog]  #: queue length changes per station
    doctor_logs: list[QueueLog]  #: per doctor: their own queue's length changes
    group_logs: list[QueueLog]  #: per walk-in group: its queue's length changes


class Clock:
    """A discrete-event clock: callbacks run in time order, ties in scheduling order.

    ``reserve(k)`` sets aside ``k`` sequence numbers, so that events known in
    advance (the arrivals) can be scheduled later, one at a time, and still
    order among equal times as if they had all been scheduled now.
    """

    __slots__ = ("now", "_heap", "_sequence")

    def __init__(self) -> None:
        self.now = 0.0  #: current time [min]
        self._heap: list[tuple[float, int, Callable[[Any], None], Any]] = []
        self._sequence = 0

    def after(self, delay: float, callback: Callable[[Any], None], argument: Any) -> None:
        """Run ``callback(argument)`` ``delay`` minutes from now."""
        heappush(self._heap, (self.now + delay, self._sequence, callback, argument))
        self._sequence += 1

    def reserve(self, count: int) -> int:
        """Set aside ``count`` sequence numbers; returns the first."""
        first = self._sequence
        self._sequence += count
        return first

    def at(self, time: float, sequence: int, callback: Callable[[Any], None], argument: Any) -> None:
        """Run ``callback(argument)`` at ``time`` with a reserved ``sequence`` number."""
        heappush(self._heap, (time, sequence, callback, argument))

    def run(self) -> None:
        """Run events until none is left."""
        heap = self._heap
        while heap:
            self.now, _, callback, argument = heappop(heap)
            callback(argument)


class _Station:
    """Parallel servers with one first-come-first-served queue, driven by callbacks."""

    __slots__ = ("env", "servers", "busy", "queue", "log", "join", "start", "end")

    def __init__(self, env: Clock, servers: int, stamps: tuple[list, list, list]) -> None:
        self.env = env
        self.servers = servers
        self.busy = 0
        self.queue: deque[tuple[int, int, float, Callable[[int], None]]] = deque()
        self.log: QueueLog = []
        self.join, self.start, self.end = stamps

    def enter(self, i: int, step: int, duration: float, then: Callable[[int], None]) -> None:
        """Patient ``i`` joins for ``step``; ``then(i)`` runs when served."""
        now = self.env.now
        self.join[step][i] = now
        if self.busy < self.servers:
            self.busy += 1
            self._serve(i, step, duration, then)
        else:
            self.queue.append((i, step, duration, then))
            self.log.append((now, len(self.queue)))

    def _serve(self, i: int, step: int, duration: float, then: Callable[[int], None]) -> None:
        self.start[step][i] = self.env.now
        self.env.after(duration, self._done, (i, step, then))

    def _done(self, value: tuple[int, int, Callable[[int], None]]) -> None:
        i, step, then = value
        self.end[step][i] = self.env.now
        if self.queue:
            self._serve(*self.queue.popleft())
            self.log.append((self.env.now, len(self.queue)))
        else:
            self.busy -= 1
        then(i)


class _DoctorQueues(NamedTuple):
    """The consultation queues of a site-day and their doctors' state, as both event loops start."""

    finish: list[float]  #: per doctor-session: when they left [min] (NaN until then)
    busy: list[float]  #: per doctor-session: consultation minutes so far [min]
    state: list[int]  #: per doctor-session: 0 before start, 1 idle, 2 consulting, 3 gone
    own: list[deque[int]]  #: per doctor-session: its booked patients waiting
    walk: list[deque[int]]  #: per walk-in group: walk-ins waiting
    doctor_logs: list[QueueLog]  #: per doctor-session: (time, length) of its own queue
    group_logs: list[QueueLog]  #: per walk-in group: (time, length) of its queue
    own_pending: list[int]  #: per doctor-session: booked patients yet to join its queue
    walk_pending: list[int]  #: per walk-in group: walk-ins yet to join its queue
    active: list[int]  #: per walk-in group: its doctors not gone
    members: list[list[int]]  #: per walk-in group: its doctor-sessions
    consult_mean: list[float]  #: per doctor-session: mean consultation time [min]
    group_of_doctor: list[int]  #: per doctor-session: its walk-in group
    ends: list[float]  #: per doctor-session: session end [min]


def _doctor_queues(doctors: Sequence[DayDoctor], patients: DayPatients, groups: int) -> _DoctorQueues:
    """Empty queues, every patient pending, no doctor started yet."""
    n_doctors = len(doctors)
    own_pending = [0] * n_doctors
    walk_pending = [0] * groups
    active = [0] * groups
    members: list[list[int]] = [[] for _ in range(groups)]
    for d, doc in enumerate(doctors):
        members[doc.group].append(d)
        active[doc.group] += 1
    doctor_of, group_of = patients.doctor, patients.group
    for k in range(len(patients)):
        if doctor_of[k] >= 0:
            own_pending[doctor_of[k]] += 1
        else:
            walk_pending[group_of[k]] += 1
    return _DoctorQueues(
        finish=[math.nan] * n_doctors,
        busy=[0.0] * n_doctors,
        state=[0] * n_doctors,
        own=[deque() for _ in doctors],
        walk=[deque() for _ in range(groups)],
        doctor_logs=[[] for _ in doctors],
        group_logs=[[] for _ in range(groups)],
        own_pending=own_pending,
        walk_pending=walk_pending,
        active=active,
        members=members,
        consult_mean=[doc.consult_min for doc in doctors],
        group_of_doctor=[doc.group for doc in doctors],
        ends=[doc.end_min for doc in doctors],
    )


def simulate_day(
    doctors: Sequence[DayDoctor],
    patients: DayPatients,
    groups: int,
    servers: DayServers,
    *,
    full: bool = True,
    pay_each_step: bool = True,
    discipline: QueueDiscipline = booked_first,
) -> DayResult:
    """Run one site-day to completion and return its time stamps.

    Parameters
    ----------
    doctors, patients
        The site-day's doctor-sessions and arriving patients.
    groups
        Number of walk-in groups (department and session) in ``doctors``.
    servers
        Servers of the site's stations.
    full
        The whole visit flow; False = the consultation queue alone.
    pay_each_step
        Pay after each consultation; False = one settlement at the end.
    discipline
        Which queue a free doctor serves next (:mod:`scheduler.sim.disciplines`).
    """
    if not full:
        return _consultation_day(doctors, patients, groups, discipline)
    env = Clock()
    n = len(patients)
    nan = math.nan
    join = [[nan] * n for _ in STEP_NAMES]
    start = [[nan] * n for _ in STEP_NAMES]
    end = [[nan] * n for _ in STEP_NAMES]
    stamps = (join, start, end)
    exit_min = [nan] * n
    served_by = [-1] * n
    returning = [False] * n
    results_ready = [0.0] * n
    (finish, busy, state, own, walk, doctor_logs, group_logs, own_pending, walk_pending, active, members,
     consult_mean, group_of_doctor, ends) = _doctor_queues(doctors, patients, groups)
    longest = [0]
    arrival, doctor_of, group_of = patients.arrival_min, patients.doctor, patients.group
    consult_ratio, return_ratio = patients.consult_ratio, patients.return_ratio
    lab_min, imaging_min, pharmacy_min = patients.lab_min, patients.imaging_min, patients.pharmacy_min
    lab_tat, imaging_tat = patients.lab_turnaround_min, patients.imaging_turnaround_min

    registration = _Station(env, servers.registration, stamps)
    cashier = _Station(env, servers.cashiers, stamps)
    lab = _Station(env, servers.lab, stamps)
    imaging = _Station(env, servers.imaging, stamps)
    pharmacy = _Station(env, servers.pharmacy, stamps)

    # --- doctors --------------------------------------------------------------
    def serve_next(d: int) -> None:
        g = group_of_doctor[d]
        queue = discipline(own[d], walk[g])
        now = env.now
        if queue is None:
            if now >= ends[d] and own_pending[d] == 0 and (walk_pending[g] == 0 or active[g] > 1):
                state[d] = 3
                active[g] -= 1
                finish[d] = max(now, ends[d])
            else:
                state[d] = 1
            return
        i = queue.popleft()
        if queue is walk[g]:
            group_logs[g].append((now, len(queue)))
        else:
            doctor_logs[d].append((now, len(queue)))
        state[d] = 2
        if returning[i]:
            step, duration = RETURN, return_ratio[i] * consult_mean[d]
        else:
            step, duration = CONSULT, consult_ratio[i] * consult_mean[d]
            served_by[i] = d
        start[step][i] = now
        busy[d] += duration
        env.after(duration, consult_done, (d, i, step))

    def consult_done(value: tuple[int, int, int]) -> None:
        d, i, step = value
        end[step][i] = env.now
        if full:
            after_consult(i, step)
        else:
            exit_min[i] = env.now
        serve_next(d)

    def join_consult(i: int) -> None:
        now = env.now
        if returning[i]:
            d = served_by[i]
            join[RETURN][i] = now
        else:
            d = doctor_of[i]
            join[CONSULT][i] = now
        if d >= 0:
            queue = own[d]
            queue.append(i)
            own_pending[d] -= 1
            doctor_logs[d].append((now, len(queue)))
            if state[d] == 1:
                serve_next(d)
        else:
            g = group_of[i]
            queue = walk[g]
            queue.append(i)
            walk_pending[g] -= 1
            group_logs[g].append((now, len(queue)))
            for m in members[g]:
                if state[m] == 1:
                    serve_next(m)
                    break
        if len(queue) > longest[0]:
            longest[0] = len(queue)

    def session_ends(d: int) -> None:
        if state[d] == 1:
            serve_next(d)

    # --- patients -------------------------------------------------------------
    def leave(i: int) -> None:
        exit_min[i] = env.now

    def after_consult(i: int, step: int) -> None:
        if not full:
            leave(i)
        elif step == CONSULT and (lab_min[i] == lab_min[i] or imaging_min[i] == imaging_min[i]):
            own_pending[served_by[i]] += 1  # the doctor waits for the results
            if pay_each_step:
                cashier.enter(i, PAYMENT, patients.payment_min[i], to_lab)
            else:
                to_lab(i)
        elif pay_each_step and step == CONSULT:
            cashier.enter(i, PAYMENT, patients.payment_min[i], to_pharmacy)
        elif pay_each_step and pharmacy_min[i] == pharmacy_min[i]:
            cashier.enter(i, PAYMENT2, patients.payment2_min[i], to_pharmacy)
        else:
            to_pharmacy(i)

    def to_lab(i: int) -> None:
        if lab_min[i] == lab_min[i]:
            lab.enter(i, LAB, lab_min[i], to_imaging)
        else:
            to_imaging(i)

    def to_imaging(i: int) -> None:
        if lab_min[i] == lab_min[i]:
            results_ready[i] = end[LAB][i] + lab_tat[i]
        if imaging_min[i] == imaging_min[i]:
            imaging.enter(i, IMAGING, imaging_min[i], await_results)
        else:
            await_results(i)

    def await_results(i: int) -> None:
        ready = results_ready[i]
        if imaging_min[i] == imaging_min[i]:
            ready = max(ready, env.now + imaging_tat[i])
        returning[i] = True
        env.after(max(ready - env.now, 0.0), join_consult, i)

    def to_pharmacy(i: int) -> None:
        if pharmacy_min[i] == pharmacy_min[i]:
            pharmacy.enter(i, PHARMACY, pharmacy_min[i], to_settlement)
        else:
            to_settlement(i)

    def to_settlement(i: int) -> None:
        if pay_each_step:
            leave(i)
        else:
            cashier.enter(i, SETTLEMENT, patients.payment_min[i], leave)

    def arrives(k: int) -> None:
        i = order[k]
        if k + 1 < n:
            env.at(times[k + 1], first_arrival + order[k + 1], arrives, k + 1)
        if full and servers.registration > 0:
            registration.enter(i, REGISTRATION, patients.registration_min[i], join_consult)
        else:
            join_consult(i)

    for d, doc in enumerate(doctors):
        env.after(doc.start_min, serve_next, d)
        env.after(doc.end_min, session_ends, d)
    # arrivals one at a time in time order (a small heap), with the sequence numbers
    # they would have had if all were scheduled now in patient order
    first_arrival = env.reserve(n)
    times = [max(t, 0.0) for t in arrival]
    order = sorted(range(n), key=times.__getitem__)  # stable: ties keep patient order
    times = [times[i] for i in order]
    if n:
        env.at(times[0], first_arrival + order[0], arrives, 0)
    env.run()
    return DayResult(
        join=join,
        start=start,
        end=end,
        exit_min=exit_min,
        served_by=served_by,
        doctor_finish=finish,
        doctor_busy=busy,
        max_queue_len=longest[0],
        station_logs={
            "registration": registration.log, "cashier": cashier.log, "lab": lab.log,
            "imaging": imaging.log, "pharmacy": pharmacy.log,
        },
        doctor_logs=doctor_logs,
        group_logs=group_logs,
    )


#: Event kinds of :func:`_consultation_day`.
_SESSION_START, _SESSION_END, _ARRIVAL, _CONSULT_END = range(4)


def _consultation_day(
    doctors: Sequence[DayDoctor], patients: DayPatients, groups: int, discipline: QueueDiscipline
) -> DayResult:
    """:func:`simulate_day` of the consultation queue alone (``full=False``), in one event loop.

    The same events in the same order as the callback engine (time, then
    scheduling order, with the same sequence numbers): doctors' session starts
    and ends, arrivals one at a time, consultation ends; each event is a tuple
    ``(time, sequence, kind, doctor or arrival rank, patient)`` dispatched in
    place instead of through a callback.
    """
    n = len(patients)
    nan = math.nan
    unused = [nan] * n  # the rows of the steps that never happen (shared, never written)
    join, start, end = [nan] * n, [nan] * n, [nan] * n
    exit_min = [nan] * n
    served_by = [-1] * n
    (finish, busy, state, own, walk, doctor_logs, group_logs, own_pending, walk_pending, active, members,
     consult_mean, group_of_doctor, ends) = _doctor_queues(doctors, patients, groups)
    doctor_of, group_of, consult_ratio = patients.doctor, patients.group, patients.consult_ratio

    heap: list[tuple[float, int, int, int, int]] = []
    for d, doc in enumerate(doctors):
        heap.append((0.0 + doc.start_min, 2 * d, _SESSION_START, d, -1))
        heap.append((0.0 + doc.end_min, 2 * d + 1, _SESSION_END, d, -1))
    # arrivals one at a time in time order, with the sequence numbers they would have had
    # if all were scheduled now in patient order
    first_arrival = 2 * len(doctors)
    times = [max(t, 0.0) for t in patients.arrival_min]
    order = sorted(range(n), key=times.__getitem__)  # stable: ties keep patient order
    times = [times[i] for i in order]
    if n:
        heap.append((times[0], first_arrival + order[0], _ARRIVAL, 0, order[0]))
    heapify(heap)
    sequence = count(first_arrival + n)
    longest = 0
    now = 0.0

    def serve_next(d: int) -> None:
        g = group_of_doctor[d]
        queue = discipline(own[d], walk[g])
        if queue is None:
            if now >= ends[d] and own_pending[d] == 0 and (walk_pending[g] == 0 or active[g] > 1):
                state[d] = 3
                active[g] -= 1
                finish[d] = max(now, ends[d])
            else:
                state[d] = 1
            return
        i = queue.popleft()
        if queue is walk[g]:
            group_logs[g].append((now, len(queue)))
        else:
            doctor_logs[d].append((now, len(queue)))
        state[d] = 2
        duration = consult_ratio[i] * consult_mean[d]
        served_by[i] = d
        start[i] = now
        busy[d] += duration
        heappush(heap, (now + duration, next(sequence), _CONSULT_END, d, i))

    while heap:
        now, _, kind, d, i = heappop(heap)
        if kind == _ARRIVAL:
            k = d + 1
            if k < n:
                heappush(heap, (times[k], first_arrival + order[k], _ARRIVAL, k, order[k]))
            join[i] = now
            d = doctor_of[i]
            if d >= 0:
                queue = own[d]
                queue.append(i)
                own_pending[d] -= 1
                doctor_logs[d].append((now, len(queue)))
                if state[d] == 1:
                    serve_next(d)
            else:
                g = group_of[i]
                queue = walk[g]
                queue.append(i)
                walk_pending[g] -= 1
                group_logs[g].append((now, len(queue)))
                for m in members[g]:
                    if state[m] == 1:
                        serve_next(m)
                        break
            if len(queue) > longest:
                longest = len(queue)
        elif kind == _CONSULT_END:
            end[i] = now
            exit_min[i] = now
            serve_next(d)
        elif kind == _SESSION_START or state[d] == 1:
            serve_next(d)
    return DayResult(
        join=[join if s == CONSULT else unused for s in range(len(STEP_NAMES))],
        start=[start if s == CONSULT else unused for s in range(len(STEP_NAMES))],
        end=[end if s == CONSULT else unused for s in range(len(STEP_NAMES))],
        exit_min=exit_min,
        served_by=served_by,
        doctor_finish=finish,
        doctor_busy=busy,
        max_queue_len=longest,
        station_logs={name: [] for name in ("registration", "cashier", "lab", "imaging", "pharmacy")},
        doctor_logs=doctor_logs,
        group_logs=group_logs,
    )
