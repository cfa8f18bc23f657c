"""One site on one day as SimPy processes: registration, consultation, payment.

Every arriving patient registers at one of the site's desks (a
:class:`simpy.Resource`), then joins a consultation queue: a booked patient
their own doctor's, a walk-in their department-and-session queue, which any
doctor of that group may serve; by default (:func:`booked_first`) a doctor
sees walk-ins only when their own queue is empty. Queues are
first come, first served; doctors start at their session start and run over
until nobody is left for them (overtime = finish after session end). After the
consultation the patient pays at one of the site's cashiers (a Resource).

Times are minutes after local midnight of the day.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Sequence
from dataclasses import dataclass

import simpy

from scheduler.sim.disciplines import QueueDiscipline, booked_first


@dataclass(frozen=True)
class DayDoctor:
    """A doctor-session of the day, with its local walk-in group index."""

    start_min: float  #: session start [min]
    end_min: float  #: session end [min]
    consult_min: float  #: mean consultation time of the clinic [min]
    group: int  #: local walk-in group (department and session)


@dataclass(frozen=True)
class DayPatient:
    """A patient who turns up (shows or walks in)."""

    arrival_min: float  #: arrival at the registration desks [min]
    registration_min: float  #: registration service time [min]
    consult_ratio: float  #: consultation time over the serving clinic's mean [-]
    payment_min: float  #: payment service time [min]
    doctor: int  #: local doctor index of a booked patient, -1 for a walk-in
    group: int  #: local walk-in group of a walk-in, -1 for a booked patient


@dataclass(frozen=True)
class DayResult:
    """Time stamps of one site-day; patient lists follow the input order."""

    registration_start: list[float]  #: [min]
    queue_join: list[float]  #: joined the consultation queue [min]
    consult_start: list[float]  #: [min]
    consult_end: list[float]  #: [min]
    served_by: list[int]  #: local doctor index
    payment_start: list[float]  #: [min]
    payment_end: list[float]  #: [min]
    doctor_finish: list[float]  #: when each doctor left, at least session end [min]
    doctor_busy: list[float]  #: consultation minutes per doctor [min]
    max_queue_len: int  #: longest consultation queue seen (patients waiting)


def simulate_day(
    doctors: Sequence[DayDoctor],
    patients: Sequence[DayPatient],
    groups: int,
    registration_desks: int,
    cashiers: int,
    discipline: QueueDiscipline = booked_first,
) -> DayResult:
    """Run one site-day to completion and return its time stamps.

    Parameters
    ----------
    doctors, patients
        The site-day's doctor-sessions and arriving patients.
    groups
        Number of walk-in groups (department and session) in ``doctors``.
    registration_desks, cashiers
        Servers of the site's registration and payment stations.
    discipline
        Which queue a free doctor serves next (:mod:`scheduler.sim.disciplines`).
    """
    env = simpy.Environment()
    desks = simpy.Resource(env, capacity=registration_desks)
    tills = simpy.Resource(env, capacity=cashiers)
    n = len(patients)
    nan = float("nan")
    reg_start = [nan] * n
    queue_join = [nan] * n
    consult_start = [nan] * n
    consult_end = [nan] * n
    served_by = [-1] * n
    pay_start = [nan] * n
    pay_end = [nan] * n
    finish = [nan] * len(doctors)
    busy = [0.0] * len(doctors)
    own: list[deque[int]] = [deque() for _ in doctors]
    walk: list[deque[int]] = [deque() for _ in range(groups)]
    own_pending = [0] * len(doctors)
    walk_pending = [0] * groups
    active = [0] * groups
    members: list[list[int]] = [[] for _ in range(groups)]
    idle: list[simpy.Event | None] = [None] * len(doctors)
    longest = [0]
    for d, doc in enumerate(doctors):
        members[doc.group].append(d)
        active[doc.group] += 1
    for p in patients:
        if p.doctor >= 0:
            own_pending[p.doctor] += 1
        else:
            walk_pending[p.group] += 1

    def wake(d: int) -> None:
        event = idle[d]
        if event is not None and not event.triggered:
            event.succeed()

    def patient(i: int) -> Generator[simpy.Event, object, None]:
        p = patients[i]
        if p.arrival_min > env.now:
            yield env.timeout(p.arrival_min - env.now)
        request = desks.request()
        yield request
        reg_start[i] = env.now
        yield env.timeout(p.registration_min)
        desks.release(request)
        queue_join[i] = env.now
        if p.doctor >= 0:
            queue = own[p.doctor]
            queue.append(i)
            own_pending[p.doctor] -= 1
            wake(p.doctor)
        else:
            queue = walk[p.group]
            queue.append(i)
            walk_pending[p.group] -= 1
            for d in members[p.group]:
                wake(d)
        if len(queue) > longest[0]:
            longest[0] = len(queue)

    def pay(i: int) -> Generator[simpy.Event, object, None]:
        request = tills.request()
        yield request
        pay_start[i] = env.now
        yield env.timeout(patients[i].payment_min)
        tills.release(request)
        pay_end[i] = env.now

    def doctor(d: int) -> Generator[simpy.Event, object, None]:
        doc = doctors[d]
        mine, walk_ins, g = own[d], walk[doc.group], doc.group
        if doc.start_min > env.now:
            yield env.timeout(doc.start_min - env.now)
        while True:
            queue = discipline(mine, walk_ins)
            if queue is not None:
                i = queue.popleft()
            else:
                if (
                    env.now >= doc.end_min
                    and own_pending[d] == 0
                    and (walk_pending[g] == 0 or active[g] > 1)
                ):
                    break
                event = env.event()
                idle[d] = event
                yield event
                idle[d] = None
                continue
            consult_start[i] = env.now
            served_by[i] = d
            duration = patients[i].consult_ratio * doc.consult_min
            busy[d] += duration
            yield env.timeout(duration)
            consult_end[i] = env.now
            env.process(pay(i))
        active[g] -= 1
        finish[d] = max(env.now, doc.end_min)

    for d, doc in enumerate(doctors):
        env.process(doctor(d))
        # wake an idle doctor at session end, to check whether they may leave
        env.timeout(doc.end_min).callbacks.append(lambda _event, d=d: wake(d))
    for i in range(n):
        env.process(patient(i))
    env.run()
    return DayResult(
        registration_start=reg_start,
        queue_join=queue_join,
        consult_start=consult_start,
        consult_end=consult_end,
        served_by=served_by,
        payment_start=pay_start,
        payment_end=pay_end,
        doctor_finish=finish,
        doctor_busy=busy,
        max_queue_len=longest[0],
    )
