"""One replication: draw patients, book, run every site-day, collect per-patient outcomes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scheduler.sim.booking import BOOKED, STATUS_NAMES, WALK_IN, Booking, book
from scheduler.sim.day import DayDoctor, DayPatient, simulate_day
from scheduler.sim.distributions import Models
from scheduler.sim.patients import PatientDraws, draw_patients
from scheduler.sim.plan import SimPlan, date_of
from scheduler.sim.records import Visit


@dataclass(frozen=True)
class Outcome:
    """Per-patient arrays of one replication (NaN / -1 where a step did not happen)."""

    replication: int
    draws: PatientDraws
    booking: Booking
    no_show: np.ndarray  #: booked patient did not come (bool)
    arrival_min: np.ndarray  #: arrival at registration [min after midnight]
    registration_start_min: np.ndarray
    queue_join_min: np.ndarray
    consult_start_min: np.ndarray
    consult_end_min: np.ndarray
    payment_start_min: np.ndarray
    payment_end_min: np.ndarray
    served_by: np.ndarray  #: doctor-session index that saw the patient, -1 if none
    doctor_finish_min: np.ndarray  #: per doctor-session: when they left [min]
    doctor_busy_min: np.ndarray  #: per doctor-session: consultation minutes [min]
    max_queue_len: int  #: longest consultation queue over all site-days

    @property
    def seen(self) -> np.ndarray:
        """Patients who had a consultation."""
        return self.served_by >= 0


def run_replication(plan: SimPlan, models: Models, seed: int, replication: int) -> Outcome:
    """Simulate one replication of the whole horizon."""
    draws = draw_patients(plan, models, seed, replication)
    booking = book(plan, draws)
    n = len(draws)
    booked = booking.status == BOOKED
    probability = np.zeros(n)
    if booked.any():
        probability[booked] = models.no_show(booking.lead_days[booked])
    no_show = booked & (draws.no_show_u < probability)

    arrival = np.full(n, math.nan)
    shows = booked & ~no_show
    arrival[shows] = booking.appointment_min[shows] + draws.punctuality_min[shows]
    walk_ins = booking.status == WALK_IN
    if walk_ins.any():
        start = np.array([g.start_min for g in plan.groups], dtype=float)
        end = np.array([g.end_min for g in plan.groups], dtype=float)
        g = booking.group[walk_ins]
        arrival[walk_ins] = start[g] + draws.walk_in_fraction[walk_ins] * (end[g] - start[g])
    np.maximum(arrival, 0.0, out=arrival)
    registration = draws.registration_ratio * plan.registration_min
    payment = draws.payment_ratio * plan.payment_min

    stamps = {k: np.full(n, math.nan) for k in ("reg", "join", "cs", "ce", "ps", "pe")}
    served_by = np.full(n, -1, dtype=np.int64)
    finish = np.array([float(d.end_min) for d in plan.doctors])
    busy = np.zeros(len(plan.doctors))
    longest = 0

    comes = np.flatnonzero(shows | walk_ins)
    site_of_row = [row.site_id for row in plan.demand]
    by_day: dict[tuple[int, str], list[int]] = {}
    visit_list = booking.visit_date_ord.tolist()
    row_list = draws.row.tolist()
    for i in comes.tolist():
        by_day.setdefault((visit_list[i], site_of_row[row_list[i]]), []).append(i)
    doctors_by_day: dict[tuple[int, str], list[int]] = {}
    for d in plan.doctors:
        doctors_by_day.setdefault((d.date_ord, d.site_id), []).append(d.index)

    doctor_of = booking.doctor.tolist()
    group_of = booking.group.tolist()
    consult_ratio = draws.consult_ratio.tolist()
    arrival_list = arrival.tolist()
    registration_list = registration.tolist()
    payment_list = payment.tolist()
    for key, patients in by_day.items():
        doctor_ids = doctors_by_day[key]
        local_doctor = {d: k for k, d in enumerate(doctor_ids)}
        group_ids = sorted({plan.doctors[d].group for d in doctor_ids})
        local_group = {g: k for k, g in enumerate(group_ids)}
        day_doctors = [
            DayDoctor(
                start_min=plan.doctors[d].start_min,
                end_min=plan.doctors[d].end_min,
                consult_min=plan.doctors[d].consult_min,
                group=local_group[plan.doctors[d].group],
            )
            for d in doctor_ids
        ]
        day_patients = [
            DayPatient(
                arrival_min=arrival_list[i],
                registration_min=registration_list[i],
                consult_ratio=consult_ratio[i],
                payment_min=payment_list[i],
                doctor=local_doctor[doctor_of[i]] if doctor_of[i] >= 0 else -1,
                group=local_group[group_of[i]] if group_of[i] >= 0 else -1,
            )
            for i in patients
        ]
        result = simulate_day(
            day_doctors,
            day_patients,
            len(group_ids),
            plan.registration_desks,
            plan.cashiers,
            models.queue_discipline,
        )
        index = np.asarray(patients, dtype=np.int64)
        stamps["reg"][index] = result.registration_start
        stamps["join"][index] = result.queue_join
        stamps["cs"][index] = result.consult_start
        stamps["ce"][index] = result.consult_end
        stamps["ps"][index] = result.payment_start
        stamps["pe"][index] = result.payment_end
        served_by[index] = np.asarray(doctor_ids, dtype=np.int64)[np.asarray(result.served_by)]
        finish[doctor_ids] = result.doctor_finish
        busy[doctor_ids] = result.doctor_busy
        longest = max(longest, result.max_queue_len)
    return Outcome(
        replication=replication,
        draws=draws,
        booking=booking,
        no_show=no_show,
        arrival_min=arrival,
        registration_start_min=stamps["reg"],
        queue_join_min=stamps["join"],
        consult_start_min=stamps["cs"],
        consult_end_min=stamps["ce"],
        payment_start_min=stamps["ps"],
        payment_end_min=stamps["pe"],
        served_by=served_by,
        doctor_finish_min=finish,
        doctor_busy_min=busy,
        max_queue_len=longest,
    )


def visit_rows(plan: SimPlan, outcome: Outcome) -> list[Visit]:
    """The outcome as immutable per-patient rows."""
    draws, booking = outcome.draws, outcome.booking
    n = len(draws)
    doctor = np.where(outcome.served_by >= 0, outcome.served_by, booking.doctor).tolist()
    status = booking.status.tolist()
    no_show = outcome.no_show.tolist()
    walk_in = draws.walk_in.tolist()
    lead = booking.lead_days.tolist()
    window = plan.booking_window_days
    iso: dict[int, str] = {}

    def iso_of(ordinal: int) -> str:
        if ordinal < 0:
            return ""
        if ordinal not in iso:
            iso[ordinal] = date_of(ordinal).isoformat()
        return iso[ordinal]

    columns = [
        draws.date_ord.tolist(),
        booking.visit_date_ord.tolist(),
        draws.row.tolist(),
        booking.group.tolist(),
        draws.needs_expert.tolist(),
        booking.appointment_min.tolist(),
        outcome.arrival_min.tolist(),
        outcome.registration_start_min.tolist(),
        outcome.queue_join_min.tolist(),
        outcome.consult_start_min.tolist(),
        outcome.consult_end_min.tolist(),
        outcome.payment_end_min.tolist(),
    ]
    rows: list[Visit] = []
    doctors, groups, demand = plan.doctors, plan.groups, plan.demand
    for i in range(n):
        (demand_ord, visit_ord, r, g, expert, appt, arr, reg, join, cs, ce, pe) = (
            c[i] for c in columns
        )
        d = doctor[i]
        row = demand[r]
        if d >= 0:
            session, doctor_id, clinic = (
                doctors[d].session_id, doctors[d].doctor_id, doctors[d].clinic,
            )
        elif g >= 0:
            session, doctor_id, clinic = groups[g].key[3], "", ""
        else:
            session, doctor_id, clinic = row.session_id or "", "", ""
        seen = d >= 0 and cs == cs
        name = "seen" if seen else ("no_show" if no_show[i] else STATUS_NAMES[status[i]])
        if name in ("booked", "walk_in"):  # came but never started: cannot happen
            name = "not_seen"
        queues = int(reg == reg) + int(cs == cs) + int(pe == pe)
        rows.append(
            Visit(
                replication=outcome.replication,
                patient_id=i,
                demand_date=iso_of(demand_ord),
                visit_date=iso_of(visit_ord),
                site_id=row.site_id,
                department=row.department,
                session_id=session,
                doctor_id=doctor_id,
                clinic=clinic,
                channel="walk_in" if walk_in[i] else "booked",
                needs_expert=bool(expert),
                status=name,
                no_show=bool(no_show[i]),
                lead_days=lead[i],
                within_window=bool(lead[i] <= window),
                appointment_min=appt,
                arrival_min=arr,
                registration_start_min=reg,
                queue_join_min=join,
                consult_start_min=cs,
                consult_end_min=ce,
                payment_end_min=pe,
                wait_min=cs - join,
                consult_min=ce - cs,
                queues=queues,
            )
        )
    return rows
