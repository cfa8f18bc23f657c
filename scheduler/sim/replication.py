"""One replication: draw patients, book (or place textbook walk-ins), run every site-day."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from scheduler.sim.booking import BOOKED, STATUS_NAMES, TURNED_AWAY, WALK_IN, Booking, book
from scheduler.sim.day import (
    CONSULT,
    PAYMENT,
    REGISTRATION,
    SETTLEMENT,
    STEP_NAMES,
    STEP_STATION,
    DayDoctor,
    DayPatients,
    DayResult,
    DayServers,
    simulate_day,
)
from scheduler.sim.day_simpy import simulate_day as simpy_day
from scheduler.sim.distributions import Models
from scheduler.sim.patients import PatientDraws, draw_patients, draw_poisson_walk_ins
from scheduler.sim.plan import SimPlan, date_of, derived
from scheduler.sim.queue_series import SeriesKey, SeriesSum, bin_log, log_area
from scheduler.sim.records import Visit
from scheduler.sim.stations import FlowPlan

#: Stations with a shared queue per site (the consultation queues are per doctor or group).
SHARED_STATIONS = ("registration", "cashier", "lab", "imaging", "pharmacy")


class _PatientViews:
    """What one replication's outcome and a block of them derive alike from their per-patient
    arrays (``served_by`` and the ``step_*`` stamps)."""

    @property
    def seen(self) -> np.ndarray:
        """Patients who had a consultation."""
        return self.served_by >= 0

    @cached_property
    def wait_matrix(self) -> np.ndarray:
        """Minutes queued per station and patient (:func:`wait_matrix`), computed once."""
        return wait_matrix(self)

    @cached_property
    def queues(self) -> np.ndarray:
        """Queues joined per patient (:func:`queues_joined`), computed once."""
        return queues_joined(self)


@dataclass(frozen=True)
class Outcome(_PatientViews):
    """Per-patient arrays of one replication (NaN / -1 where a step did not happen).

    ``step_join``, ``step_start``, ``step_end`` have one row per visit step
    (:data:`scheduler.sim.day.STEP_NAMES`) and one column per patient [min].
    """

    replication: int
    draws: PatientDraws
    booking: Booking
    no_show: np.ndarray  #: booked patient did not come (bool)
    arrival_min: np.ndarray  #: arrival at the hospital [min after midnight]
    step_join: np.ndarray
    step_start: np.ndarray
    step_end: np.ndarray
    exit_min: np.ndarray  #: left the hospital [min]
    served_by: np.ndarray  #: doctor-session index that saw the patient, -1 if none
    doctor_finish_min: np.ndarray  #: per doctor-session: when they left [min]
    doctor_busy_min: np.ndarray  #: per doctor-session: consultation minutes [min]
    max_queue_len: int  #: longest consultation queue over all site-days
    #: per shared station: [patient-minutes waited, minutes observed, longest queue]
    station_queues: dict[str, list[float]] = field(default_factory=dict)

    @property
    def payment_end_min(self) -> np.ndarray:
        """End of the first payment or of the settlement [min]."""
        return np.where(np.isnan(self.step_end[PAYMENT]), self.step_end[SETTLEMENT], self.step_end[PAYMENT])

    @cached_property
    def waits(self) -> dict[str, np.ndarray]:
        """Minutes queued per patient and station (:func:`station_waits`), computed once."""
        return station_waits(self)

    # views kept for readers of the earlier single-payment layout
    @property
    def registration_start_min(self) -> np.ndarray:
        """Start of registration [min] (NaN with mobile registration)."""
        return self.step_start[REGISTRATION]

    @property
    def queue_join_min(self) -> np.ndarray:
        """Joined the (first) consultation queue [min]."""
        return self.step_join[CONSULT]

    @property
    def consult_start_min(self) -> np.ndarray:
        """Start of the (first) consultation [min]."""
        return self.step_start[CONSULT]

    @property
    def consult_end_min(self) -> np.ndarray:
        """End of the (first) consultation [min]."""
        return self.step_end[CONSULT]

    @property
    def payment_start_min(self) -> np.ndarray:
        """Start of the first payment or of the settlement [min]."""
        return np.where(np.isnan(self.step_start[PAYMENT]), self.step_start[SETTLEMENT], self.step_start[PAYMENT])


@dataclass(frozen=True)
class OutcomeBlock(_PatientViews):
    """Several replications' outcomes, their patients concatenated in the given order.

    Per-patient arrays as in :class:`Outcome` (``step_*`` with one column per
    patient of every replication); per-doctor arrays have one row per
    replication; ``position`` is each patient's replication position in the block.
    """

    replications: np.ndarray  #: replication numbers, one per outcome (int)
    sizes: np.ndarray  #: patients of each replication (int)
    position: np.ndarray  #: per patient: index of its replication in ``replications`` (int)
    patient_id: np.ndarray  #: per patient: index within its replication (int)
    row: np.ndarray
    date_ord: np.ndarray
    walk_in: np.ndarray
    needs_expert: np.ndarray
    status: np.ndarray
    doctor: np.ndarray
    group: np.ndarray
    visit_date_ord: np.ndarray
    appointment_min: np.ndarray
    lead_days: np.ndarray
    no_show: np.ndarray
    arrival_min: np.ndarray
    step_join: np.ndarray
    step_start: np.ndarray
    step_end: np.ndarray
    exit_min: np.ndarray
    served_by: np.ndarray
    doctor_finish_min: np.ndarray  #: replications x doctor-sessions [min]
    doctor_busy_min: np.ndarray  #: replications x doctor-sessions [min]
    max_queue_len: np.ndarray  #: per replication
    station_queues: tuple[dict[str, list[float]], ...]  #: per replication

    def __len__(self) -> int:
        return int(self.position.size)


def stack_outcomes(outcomes: Sequence[Outcome]) -> OutcomeBlock:
    """The outcomes as one :class:`OutcomeBlock`, patients in the order of ``outcomes``."""
    sizes = np.array([len(o.draws) for o in outcomes], dtype=np.int64)
    total = int(sizes.sum())
    position = np.repeat(np.arange(len(outcomes), dtype=np.int64), sizes)
    first = np.cumsum(sizes) - sizes

    def joined(get: Callable[[Outcome], np.ndarray], axis: int = 0) -> np.ndarray:
        arrays = [get(o) for o in outcomes]
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays, axis=axis)

    return OutcomeBlock(
        replications=np.array([o.replication for o in outcomes], dtype=np.int64),
        sizes=sizes,
        position=position,
        patient_id=np.arange(total, dtype=np.int64) - first[position],
        row=joined(lambda o: o.draws.row),
        date_ord=joined(lambda o: o.draws.date_ord),
        walk_in=joined(lambda o: o.draws.walk_in),
        needs_expert=joined(lambda o: o.draws.needs_expert),
        status=joined(lambda o: o.booking.status),
        doctor=joined(lambda o: o.booking.doctor),
        group=joined(lambda o: o.booking.group),
        visit_date_ord=joined(lambda o: o.booking.visit_date_ord),
        appointment_min=joined(lambda o: o.booking.appointment_min),
        lead_days=joined(lambda o: o.booking.lead_days),
        no_show=joined(lambda o: o.no_show),
        arrival_min=joined(lambda o: o.arrival_min),
        step_join=joined(lambda o: o.step_join, 1),
        step_start=joined(lambda o: o.step_start, 1),
        step_end=joined(lambda o: o.step_end, 1),
        exit_min=joined(lambda o: o.exit_min),
        served_by=joined(lambda o: o.served_by),
        doctor_finish_min=np.array([o.doctor_finish_min for o in outcomes], dtype=float),
        doctor_busy_min=np.array([o.doctor_busy_min for o in outcomes], dtype=float),
        max_queue_len=np.array([o.max_queue_len for o in outcomes], dtype=np.int64),
        station_queues=tuple(o.station_queues for o in outcomes),
    )


def place_walk_ins(plan: SimPlan, draws: PatientDraws) -> tuple[Booking, np.ndarray]:
    """Textbook mode: each walk-in's session and arrival time from its open-time position.

    The open time of a demand row is the union of its department's sessions at
    its site that day (its preferred session only, if it has one); ``session_u``
    is a uniform position in it, so the arrivals of a Poisson count form a
    Poisson process over the open time. Rows with no session open are turned away.
    """
    n = len(draws)
    status = np.full(n, TURNED_AWAY, dtype=np.int64)
    none = np.full(n, -1, dtype=np.int64)
    group, visit = none.copy(), none.copy()
    missing = np.full(n, math.nan)
    arrival = missing.copy()
    rows = draws.row
    bounds = np.searchsorted(rows, np.arange(len(plan.demand) + 1)).tolist()
    open_times = derived(plan, "replication.open_times", _open_times)
    for row in plan.demand:
        lo, hi = bounds[row.index], bounds[row.index + 1]
        if lo == hi or open_times[row.index] is None:
            continue
        options, starts, cumulative = open_times[row.index]
        position = draws.session_u[lo:hi] * cumulative[-1]
        k = np.minimum(np.searchsorted(cumulative, position, side="right") - 1, len(options) - 1)
        status[lo:hi] = WALK_IN
        group[lo:hi] = options[k]
        visit[lo:hi] = row.date_ord
        arrival[lo:hi] = starts[k] + position - cumulative[k]
    lead = np.where(visit >= 0, 0.0, math.nan)
    booking = Booking(status, none, none.copy(), group, visit, missing, lead)
    return booking, arrival


def _open_times(plan: SimPlan) -> list[tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
    """Per demand row: its walk-in groups open that day, their starts [min] and cumulative open
    minutes from 0 [min]; None when no session is open for it (:func:`place_walk_ins`)."""
    out: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None] = []
    for row in plan.demand:
        options = plan.groups_by_day.get((row.date_ord, row.site_id, row.department), ())
        if row.session_id is not None:
            options = tuple(g for g in options if plan.groups[g].key[3] == row.session_id)
        if not options:
            out.append(None)
            continue
        starts = np.array([plan.groups[g].start_min for g in options], dtype=float)
        lengths = np.array([plan.groups[g].end_min - plan.groups[g].start_min for g in options], dtype=float)
        out.append((np.asarray(options), starts, np.concatenate(([0.0], np.cumsum(lengths)))))
    return out


def _arrivals(plan: SimPlan, draws: PatientDraws, booking: Booking, no_show: np.ndarray) -> np.ndarray:
    """Arrival times of booked patients who show and of admitted walk-ins [min]."""
    n = len(draws)
    arrival = np.full(n, math.nan)
    shows = (booking.status == BOOKED) & ~no_show
    arrival[shows] = booking.appointment_min[shows] + draws.punctuality_min[shows]
    walk_ins = booking.status == WALK_IN
    if walk_ins.any():
        start = np.array([g.start_min for g in plan.groups], dtype=float)
        end = np.array([g.end_min for g in plan.groups], dtype=float)
        g = booking.group[walk_ins]
        arrival[walk_ins] = start[g] + draws.walk_in_fraction[walk_ins] * (end[g] - start[g])
    return np.maximum(arrival, 0.0)


def _service_minutes(plan: SimPlan, flow: FlowPlan, draws: PatientDraws) -> dict[str, np.ndarray]:
    """Every patient's service minutes at each station of their site (NaN = not needed)."""
    site_ids = sorted(flow.sites)
    code = {s: k for k, s in enumerate(site_ids)}
    site = np.array([code[row.site_id] for row in plan.demand], dtype=np.int64)[draws.row]

    def per_site(attribute: str, what: str) -> np.ndarray:
        return np.array([getattr(getattr(flow.sites[s], attribute), what) for s in site_ids], dtype=float)[site]

    def routed(attribute: str, u: np.ndarray, ratio: np.ndarray) -> np.ndarray:
        return np.where(u < per_site(attribute, "share"), ratio * per_site(attribute, "service_min"), math.nan)

    return {
        "registration": draws.registration_ratio * per_site("registration", "service_min"),
        "payment": draws.payment_ratio * per_site("cashier", "service_min"),
        "payment2": draws.payment2_ratio * per_site("cashier", "service_min"),
        "lab": routed("lab", draws.lab_u, draws.lab_ratio),
        "lab_turnaround": draws.lab_turnaround_ratio * per_site("lab", "turnaround_min"),
        "imaging": routed("imaging", draws.imaging_u, draws.imaging_ratio),
        "imaging_turnaround": draws.imaging_turnaround_ratio * per_site("imaging", "turnaround_min"),
        "pharmacy": routed("pharmacy", draws.pharmacy_u, draws.pharmacy_ratio),
        "return": draws.return_consult_ratio * flow.return_consult_share,
    }


def _demand_sites(plan: SimPlan) -> tuple[list[str], np.ndarray]:
    """The demand's sites, sorted, and each demand row's index among them."""
    site_ids = sorted({row.site_id for row in plan.demand})
    return site_ids, np.array([site_ids.index(row.site_id) for row in plan.demand], dtype=np.int64)


def _site_days(
    plan: SimPlan, draws: PatientDraws, booking: Booking, comes: np.ndarray
) -> dict[tuple[int, str], list[int]]:
    """The patients who come, by (visit date, site), each list in patient order, site-days in the
    order of their first patient."""
    site_ids, site_code = derived(plan, "replication.demand_sites", _demand_sites)
    keys = booking.visit_date_ord[comes] * len(site_ids) + site_code[draws.row[comes]]
    if keys.size and keys.min() == keys.max():  # one site-day (a textbook session)
        code = int(keys[0])
        return {(code // len(site_ids), site_ids[code % len(site_ids)]): comes.tolist()}
    order = np.argsort(keys, kind="stable")
    unique, first, counts = np.unique(keys[order], return_index=True, return_counts=True)
    groups = {}
    for k in np.argsort(order[first], kind="stable").tolist():  # site-days by first patient
        members = comes[order[first[k]:first[k] + counts[k]]].tolist()
        code = int(unique[k])
        groups[(code // len(site_ids), site_ids[code % len(site_ids)])] = members
    return groups


#: Site-day functions by ``simulation.engine``; both take and return the same (:mod:`scheduler.sim.day`).
DAY_ENGINES: dict[str, Callable[..., DayResult]] = {"fast": simulate_day, "simpy": simpy_day}


def day_engine(name: str) -> Callable[..., DayResult]:
    """The site-day function of ``simulation.engine``: ``fast`` (default) or ``simpy`` (the reference)."""
    return DAY_ENGINES[name]


#: A site-day's doctor-sessions: plan indices (list and array), plan -> local doctor index,
#: walk-in groups (plan indices, sorted), plan -> local group index, and the day engine's doctors.
SiteDayDoctors = tuple[list[int], np.ndarray, dict[int, int], list[int], dict[int, int], list[DayDoctor]]


def _site_day_doctors(plan: SimPlan) -> dict[tuple[int, str], SiteDayDoctors]:
    """The doctor-sessions of each (date ordinal, site) of the plan, as :func:`run_replication` hands them
    to the day engine."""
    doctors_by_day: dict[tuple[int, str], list[int]] = {}
    for d in plan.doctors:
        doctors_by_day.setdefault((d.date_ord, d.site_id), []).append(d.index)
    out: dict[tuple[int, str], SiteDayDoctors] = {}
    for key, doctor_ids in doctors_by_day.items():
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
        out[key] = (doctor_ids, np.asarray(doctor_ids, dtype=np.int64), local_doctor, group_ids, local_group,
                    day_doctors)
    return out


def run_replication(
    plan: SimPlan, models: Models, seed: int, replication: int, flow: FlowPlan,
    series: SeriesSum | None = None,
) -> Outcome:
    """Simulate one replication of the whole horizon; add its queue series to ``series``."""
    if flow.walk_in_arrivals:
        draws = draw_poisson_walk_ins(plan, models, seed, replication, flow.full)
        booking, arrival = place_walk_ins(plan, draws)
        no_show = np.zeros(len(draws), dtype=bool)
    else:
        draws = draw_patients(plan, models, seed, replication, flow.full)
        booking = book(plan, draws)
        booked = booking.status == BOOKED
        probability = np.zeros(len(draws))
        if booked.any():
            probability[booked] = models.no_show(booking.lead_days[booked])
        no_show = booked & (draws.no_show_u < probability)
        arrival = _arrivals(plan, draws, booking, no_show)
    n = len(draws)
    minutes = {k: v.tolist() for k, v in _service_minutes(plan, flow, draws).items()} if flow.full else {}

    steps = len(STEP_NAMES)
    visited_steps = range(steps) if flow.full else (CONSULT,)
    step_join = np.full((steps, n), math.nan)
    step_start, step_end = step_join.copy(), step_join.copy()
    exit_min = np.full(n, math.nan)
    served_by = np.full(n, -1, dtype=np.int64)
    finish = derived(plan, "replication.session_ends", _session_ends).copy()
    busy = np.zeros(len(plan.doctors))
    longest = 0
    station_queues = {name: [0.0, 0.0, 0.0] for name in SHARED_STATIONS}

    run_day = day_engine(flow.engine)
    by_day = _site_days(plan, draws, booking, np.flatnonzero(np.isfinite(arrival)))
    site_day_doctors = derived(plan, "replication.site_day_doctors", _site_day_doctors)

    doctor_of = booking.doctor.tolist()
    group_of = booking.group.tolist()
    consult_ratio = draws.consult_ratio.tolist()
    arrival_list = arrival.tolist()
    for key, patients in by_day.items():
        doctor_ids, doctor_index, local_doctor, group_ids, local_group, day_doctors = site_day_doctors[key]
        unused = [math.nan] * len(patients)  # station times of a consultation-only flow

        def taken(name: str, patients: list[int] = patients, unused: list[float] = unused) -> list[float]:
            return [minutes[name][i] for i in patients] if minutes else unused

        everyone = len(patients) == n  # all patients, in patient order
        day_patients = DayPatients(
            arrival_min=arrival_list if everyone else [arrival_list[i] for i in patients],
            doctor=[local_doctor[doctor_of[i]] if doctor_of[i] >= 0 else -1 for i in patients],
            group=[local_group[group_of[i]] if group_of[i] >= 0 else -1 for i in patients],
            consult_ratio=consult_ratio if everyone else [consult_ratio[i] for i in patients],
            registration_min=taken("registration"),
            payment_min=taken("payment"),
            payment2_min=taken("payment2"),
            lab_min=taken("lab"),
            lab_turnaround_min=taken("lab_turnaround"),
            imaging_min=taken("imaging"),
            imaging_turnaround_min=taken("imaging_turnaround"),
            return_ratio=taken("return"),
            pharmacy_min=taken("pharmacy"),
        )
        stations = flow.sites[key[1]]
        servers = DayServers(
            registration=stations.registration.servers,
            cashiers=stations.cashier.servers,
            lab=stations.lab.servers,
            imaging=stations.imaging.servers,
            pharmacy=stations.pharmacy.servers,
        )
        result = run_day(
            day_doctors, day_patients, len(group_ids), servers,
            full=flow.full, pay_each_step=flow.pay_each_step, discipline=models.queue_discipline,
        )
        index = np.asarray(patients, dtype=np.int64)
        for step in visited_steps:
            step_join[step, index] = result.join[step]
            step_start[step, index] = result.start[step]
            step_end[step, index] = result.end[step]
        exit_min[index] = result.exit_min
        served_by[index] = doctor_index[np.asarray(result.served_by)]
        finish[doctor_ids] = result.doctor_finish
        busy[doctor_ids] = result.doctor_busy
        longest = max(longest, result.max_queue_len)
        day_end = max(result.exit_min, default=0.0)  # everyone who comes leaves: no NaN
        for name, log in result.station_logs.items():
            if not log:
                continue
            area, span, peak = log_area(log, day_end)
            totals = station_queues[name]
            totals[0] += area
            totals[1] += span
            totals[2] = max(totals[2], peak)
        if series is not None:
            _add_series(series, plan, key, result, day_end)
    return Outcome(
        replication=replication,
        draws=draws,
        booking=booking,
        no_show=no_show,
        arrival_min=arrival,
        step_join=step_join,
        step_start=step_start,
        step_end=step_end,
        exit_min=exit_min,
        served_by=served_by,
        doctor_finish_min=finish,
        doctor_busy_min=busy,
        max_queue_len=longest,
        station_queues=station_queues,
    )


def _session_ends(plan: SimPlan) -> np.ndarray:
    """Each doctor-session's end [min after midnight] (where a doctor with no patient leaves)."""
    return np.array([float(d.end_min) for d in plan.doctors])


def _series_keys(plan: SimPlan) -> dict[tuple[int, str], tuple[list[SeriesKey], list[SeriesKey]]]:
    """Per site-day of the plan: the queue-series keys of its doctors' and walk-in groups' queues."""
    out = {}
    for key, (doctor_ids, _, _, group_ids, _, _) in derived(plan, "replication.site_day_doctors",
                                                            _site_day_doctors).items():
        date_ord, site_id = key
        out[key] = (
            [(date_ord, site_id, f"doctor:{plan.doctors[d].doctor_id}:{plan.doctors[d].session_id}")
             for d in doctor_ids],
            [(date_ord, site_id, f"walk_in:{plan.groups[g].key[2]}:{plan.groups[g].key[3]}") for g in group_ids],
        )
    return out


def _add_series(series: SeriesSum, plan: SimPlan, key: tuple[int, str], result: DayResult,
                day_end: float) -> None:
    """Add one site-day's queue logs to the running series (queues nobody waited in add nothing)."""
    width = series.width_min
    date_ord, site_id = key
    doctor_keys, group_keys = derived(plan, "replication.series_keys", _series_keys)[key]
    for name, log in result.station_logs.items():
        if log:
            series.add((date_ord, site_id, name), bin_log(log, width, day_end))
    for series_key, log in zip(doctor_keys, result.doctor_logs, strict=True):
        if log:
            series.add(series_key, bin_log(log, width, day_end))
    for series_key, log in zip(group_keys, result.group_logs, strict=True):
        if log:
            series.add(series_key, bin_log(log, width, day_end))


@dataclass(frozen=True)
class VisitTables:
    """Text lookups of a plan for :func:`visit_columns`: the last element of each is ''."""

    row_session: np.ndarray
    row_site: np.ndarray
    row_department: np.ndarray
    group_session: np.ndarray
    doctor_session: np.ndarray
    doctor_id: np.ndarray
    doctor_clinic: np.ndarray
    first_date_ord: int  #: ordinal of ``dates[0]``
    dates: np.ndarray  #: ISO dates from the first to the last date of the plan, then ''

    @classmethod
    def of(cls, plan: SimPlan) -> VisitTables:
        """The tables of ``plan``."""
        def table(values: list[str]) -> np.ndarray:
            return np.asarray([*values, ""], dtype=object)

        ordinals = [row.date_ord for row in plan.demand] + [d.date_ord for d in plan.doctors]
        first, last = (min(ordinals), max(ordinals)) if ordinals else (0, -1)
        return cls(
            row_session=table([row.session_id or "" for row in plan.demand]),
            row_site=table([row.site_id for row in plan.demand]),
            row_department=table([row.department for row in plan.demand]),
            group_session=table([g.key[3] for g in plan.groups]),
            doctor_session=table([d.session_id for d in plan.doctors]),
            doctor_id=table([d.doctor_id for d in plan.doctors]),
            doctor_clinic=table([d.clinic for d in plan.doctors]),
            first_date_ord=first,
            dates=table([date_of(o).isoformat() for o in range(first, last + 1)]),
        )

    def iso(self, ordinals: np.ndarray) -> np.ndarray:
        """ISO dates of ordinals; '' for -1."""
        index = ordinals - self.first_date_ord
        return self.dates[np.where(ordinals >= 0, index, len(self.dates) - 1)]


_TABLES: dict[int, tuple[SimPlan, VisitTables]] = {}


def _tables(plan: SimPlan) -> VisitTables:
    """The plan's :class:`VisitTables`, built once per plan (per process)."""
    held = _TABLES.get(id(plan))
    if held is None or held[0] is not plan:
        _TABLES.clear()
        held = _TABLES[id(plan)] = (plan, VisitTables.of(plan))
    return held[1]


#: Visit status names by code: booking statuses, then not seen, no-show, seen.
_VISIT_STATUS = np.asarray([*STATUS_NAMES, "not_seen", "no_show", "seen"], dtype=object)
#: Visit channel by ``walk_in`` (0 booked, 1 walk-in).
_CHANNELS = np.asarray(["booked", "walk_in"], dtype=object)


def visit_columns(plan: SimPlan, outcome: Outcome | OutcomeBlock) -> dict[str, np.ndarray]:
    """The outcome (or a block of them) as columns of :class:`~scheduler.sim.records.Visit`, one element
    per patient."""
    block = stack_outcomes([outcome]) if isinstance(outcome, Outcome) else outcome
    seen = block.seen
    doctor = np.where(seen, block.served_by, block.doctor)
    has_doctor = doctor >= 0
    has_group = ~has_doctor & (block.group >= 0)
    rows = block.row
    tables = _tables(plan)

    def lookup(table: np.ndarray, index: np.ndarray, where: np.ndarray) -> np.ndarray:
        return table[np.where(where, index, len(table) - 1)]

    session = tables.row_session[rows]
    session = np.where(has_group, lookup(tables.group_session, block.group, has_group), session)
    session = np.where(has_doctor, lookup(tables.doctor_session, doctor, has_doctor), session)
    # booked or admitted, came, but never started cannot happen: 'not_seen' would show it
    status = block.status
    codes = np.where((status == BOOKED) | (status == WALK_IN), len(STATUS_NAMES), status)
    codes = np.where(block.no_show, len(STATUS_NAMES) + 1, codes)
    codes = np.where(seen, len(STATUS_NAMES) + 2, codes)
    waits = block.wait_matrix
    lead = block.lead_days
    step_start, step_end = block.step_start, block.step_end
    consult_start, consult_end, join = step_start[CONSULT], step_end[CONSULT], block.step_join[CONSULT]
    payment_start, payment_end = step_start[PAYMENT], step_end[PAYMENT]
    columns: dict[str, np.ndarray] = {
        "replication": block.replications[block.position],
        "patient_id": block.patient_id,
        "demand_date": tables.iso(block.date_ord),
        "visit_date": tables.iso(block.visit_date_ord),
        "site_id": tables.row_site[rows],
        "department": tables.row_department[rows],
        "session_id": session,
        "doctor_id": lookup(tables.doctor_id, doctor, has_doctor),
        "clinic": lookup(tables.doctor_clinic, doctor, has_doctor),
        "channel": _CHANNELS[block.walk_in.astype(np.intp)],
        "needs_expert": block.needs_expert.astype(bool),
        "status": _VISIT_STATUS[codes],
        "no_show": block.no_show.astype(bool),
        "lead_days": lead,
        "within_window": lead <= plan.booking_window_days,
        "appointment_min": block.appointment_min,
        "arrival_min": block.arrival_min,
        "registration_start_min": step_start[REGISTRATION],
        "queue_join_min": join,
        "consult_start_min": consult_start,
        "consult_end_min": consult_end,
        "payment_end_min": np.where(np.isnan(payment_end), step_end[SETTLEMENT], payment_end),
        "wait_min": consult_start - join,
        "consult_min": consult_end - consult_start,
        "queues": block.queues.astype(np.int64),
        "payment_start_min": np.where(np.isnan(payment_start), step_start[SETTLEMENT], payment_start),
        "exit_min": block.exit_min,
        "time_in_hospital_min": block.exit_min - block.arrival_min,
    }
    for name in VISIT_WAITS:
        columns[VISIT_WAIT_COLUMNS[name]] = waits[WAIT_STATIONS.index(name)]
    return columns


def visit_rows(plan: SimPlan, outcome: Outcome) -> list[Visit]:
    """The outcome as immutable per-patient rows."""
    columns = visit_columns(plan, outcome)
    values = [columns[name].tolist() for name in Visit._fields]
    return [Visit(*row) for row in zip(*values, strict=True)]


#: Per-station waits written per visit, in Visit field order.
VISIT_WAITS = ("registration", "return_consultation", "cashier", "lab", "imaging", "pharmacy")
VISIT_WAIT_COLUMNS = {
    "registration": "registration_wait_min", "return_consultation": "return_wait_min",
    "cashier": "cashier_wait_min", "lab": "lab_wait_min", "imaging": "imaging_wait_min",
    "pharmacy": "pharmacy_wait_min",
}


#: Stations of :func:`station_waits`, in order (the consultation split into first and return).
WAIT_STATIONS = ("registration", "consultation", "return_consultation", "cashier", "lab", "imaging", "pharmacy")
#: The visit steps each of :data:`WAIT_STATIONS` serves, in step order.
_STEPS_OF_STATION = tuple(
    tuple(step for step, name in enumerate(STEP_NAMES)
          if name == station or (name not in WAIT_STATIONS and STEP_STATION[step] == station))
    for station in WAIT_STATIONS
)


def wait_matrix(outcome: Outcome | OutcomeBlock) -> np.ndarray:
    """Minutes queued per station (rows, :data:`WAIT_STATIONS`) and patient (columns); NaN if never queued.

    A station's minutes are added over its steps in step order.
    """
    wait = outcome.step_start - outcome.step_join
    finite = np.isfinite(wait)
    minutes = np.where(finite, wait, 0.0)
    sums = np.empty((len(WAIT_STATIONS), wait.shape[1]))
    for station, steps in enumerate(_STEPS_OF_STATION):
        total, queued = minutes[steps[0]], finite[steps[0]]
        for step in steps[1:]:
            total, queued = total + minutes[step], queued | finite[step]
        sums[station] = np.where(queued, total, np.nan)
    return sums


def station_waits(outcome: Outcome) -> dict[str, np.ndarray]:
    """Per patient and station: total minutes queued there (NaN if never queued there).

    Keys: ``registration``, ``consultation`` (first consultation),
    ``return_consultation``, ``cashier`` (payments and settlement), ``lab``,
    ``imaging``, ``pharmacy``.
    """
    return dict(zip(WAIT_STATIONS, outcome.wait_matrix, strict=True))


def queues_joined(outcome: Outcome) -> np.ndarray:
    """Per patient: queues joined (stations and consultations queued for) [-]."""
    return np.isfinite(outcome.step_join).sum(axis=0)
