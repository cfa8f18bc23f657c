"""The reference day engine: the same site-day as :mod:`scheduler.sim.day`, on SimPy.

:func:`simulate_day` here takes the same inputs and returns the same
:class:`~scheduler.sim.day.DayResult` as :func:`scheduler.sim.day.simulate_day`
(the default, ``simulation.engine: fast``), but runs on a
:class:`simpy.Environment`: every step is a :meth:`simpy.Environment.timeout`
with a callback, so events are ordered by SimPy's own event queue (time, then
the order they were scheduled). It is the SimPy implementation the fast
engine was derived from, kept as separate code (only the data classes are
shared, not the stations, doctors or event loop) to cross-check the fast
engine's :class:`~scheduler.sim.day.Clock` (``tests/sim/test_sim_engines.py``
requires identical per-visit records) and to be selected with
``simulation.engine: simpy``; it is slower (see ``benchmarks/sim_speed.py``).
Times are minutes after local midnight.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence

import simpy

from scheduler.sim.day import (
    CONSULT,
    IMAGING,
    LAB,
    PAYMENT,
    PAYMENT2,
    PHARMACY,
    REGISTRATION,
    RETURN,
    SETTLEMENT,
    STEP_NAMES,
    DayDoctor,
    DayPatients,
    DayResult,
    DayServers,
    QueueLog,
)
from scheduler.sim.disciplines import QueueDiscipline, booked_first


class _Station:
    """Parallel servers with one first-come-first-served queue, driven by SimPy timeout callbacks."""

    __slots__ = ("env", "servers", "busy", "queue", "log", "join", "start", "end")

    def __init__(self, env: simpy.Environment, servers: int, stamps: tuple[list, list, list]) -> None:
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
        self.env.timeout(duration, (i, step, then)).callbacks.append(self._done)

    def _done(self, event: simpy.Event) -> None:
        i, step, then = event.value
        self.end[step][i] = self.env.now
        if self.queue:
            self._serve(*self.queue.popleft())
            self.log.append((self.env.now, len(self.queue)))
        else:
            self.busy -= 1
        then(i)


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
    """Run one site-day to completion on SimPy; same contract as :func:`scheduler.sim.day.simulate_day`.

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
    env = simpy.Environment()
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
    n_doctors = len(doctors)
    finish = [nan] * n_doctors
    busy = [0.0] * n_doctors
    state = [0] * n_doctors  # 0 before start, 1 idle, 2 consulting, 3 gone
    own: list[deque[int]] = [deque() for _ in doctors]
    walk: list[deque[int]] = [deque() for _ in range(groups)]
    doctor_logs: list[QueueLog] = [[] for _ in doctors]
    group_logs: list[QueueLog] = [[] for _ in range(groups)]
    own_pending = [0] * n_doctors
    walk_pending = [0] * groups
    active = [0] * groups
    members: list[list[int]] = [[] for _ in range(groups)]
    longest = [0]
    consult_mean = [doc.consult_min for doc in doctors]
    group_of_doctor = [doc.group for doc in doctors]
    ends = [doc.end_min for doc in doctors]
    for d, doc in enumerate(doctors):
        members[doc.group].append(d)
        active[doc.group] += 1
    arrival, doctor_of, group_of = patients.arrival_min, patients.doctor, patients.group
    for k in range(n):
        if doctor_of[k] >= 0:
            own_pending[doctor_of[k]] += 1
        else:
            walk_pending[group_of[k]] += 1
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
        env.timeout(duration, (d, i, step)).callbacks.append(consult_done)

    def consult_done(event: simpy.Event) -> None:
        d, i, step = event.value
        end[step][i] = env.now
        after_consult(i, step)
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

    def doctor_starts(event: simpy.Event) -> None:
        serve_next(event.value)

    def session_ends(event: simpy.Event) -> None:
        d = event.value
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
        env.timeout(max(ready - env.now, 0.0), i).callbacks.append(back_with_results)

    def back_with_results(event: simpy.Event) -> None:
        join_consult(event.value)

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

    def arrives(event: simpy.Event) -> None:
        i = event.value
        if full and servers.registration > 0:
            registration.enter(i, REGISTRATION, patients.registration_min[i], join_consult)
        else:
            join_consult(i)

    for d, doc in enumerate(doctors):
        env.timeout(doc.start_min, d).callbacks.append(doctor_starts)
        env.timeout(doc.end_min, d).callbacks.append(session_ends)
    for i in range(n):
        env.timeout(max(arrival[i], 0.0), i).callbacks.append(arrives)
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
