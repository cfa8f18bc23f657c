"""KPIs of one replication, and their mean and 95% confidence half-width over replications.

The KPIs of a block of replications are computed at once (:func:`block_kpis`,
vectorised over their patients with a replication index); a mean adds its
replication's values in patient order, so a replication's KPIs do not depend
on the other replications of its block.

Per replication (empty sets give 0):

``mean_wait_min``, ``p90_wait_min``, ``max_wait_min``
    consultation-queue join to consultation start over seen patients [min].
``max_queue_len``
    longest consultation queue (own-doctor or department walk-in queue) [patients].
``mean_queues_per_patient``
    stations queued at per seen patient (registration, consultation, payment).
``doctor_utilisation``
    consultation minutes / rostered session minutes [-] (over 1 with overtime).
``overtime_min_per_session``
    minutes doctors stay past session end, per doctor-session [min].
``booking_lead_days_mean``, ``booking_lead_days_p90``
    slot date - demand date of booked patients [days].
``within_booking_window_share``
    patients booked with lead time within ``booking_window_days`` or seen as
    walk-ins, over all demand patients [-].
``unserved_patients``
    booked patients with no slot plus walk-ins turned away.
``patients``
    demand patients.

Extras: ``seen_patients``, ``booked_patients``, ``no_slot_patients``,
``walk_in_patients``, ``walk_ins_turned_away``, ``walk_in_share_served``,
``no_shows``, ``no_show_rate`` (of booked patients), ``mean_wait_booked_min``,
``mean_wait_walk_in_min``, ``max_overtime_min``, ``doctor_sessions``, and the
visit flow's (:data:`FLOW_KEYS`), over patients seen:

``mean_time_in_hospital_min``, ``p90_time_in_hospital_min``
    arrival to leaving the hospital [min] (``mean_time_in_clinic_min``: the same).
``mean_total_wait_min``
    minutes queued per patient, all stations together [min].
``mean_<station>_wait_min``
    for ``registration``, ``return`` (return consultation), ``cashier`` (all
    payments of a patient together; ``mean_payment_wait_min``: the same),
    ``lab``, ``imaging``, ``pharmacy``: minutes queued there per patient who
    queued there [min].
``payments_per_patient``
    cashier visits per patient (payments and settlement) [-].
``mean_queue_len_<station>``, ``max_queue_len_<station>``
    time-averaged and longest queue of the shared stations (``registration``,
    ``cashier``, ``lab``, ``imaging``, ``pharmacy``) [patients], the mean over
    the minutes from a site-day's first queue to its last patient leaving.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import stats

from scheduler.sim.booking import BOOKED, NO_SLOT, TURNED_AWAY, WALK_IN
from scheduler.sim.day import CONSULT, PAYMENT, PAYMENT2, SETTLEMENT
from scheduler.sim.plan import SimPlan, derived
from scheduler.sim.replication import SHARED_STATIONS, WAIT_STATIONS, Outcome, OutcomeBlock, stack_outcomes

#: The KPI keys kpis.json must carry (CONTRACT.md), each also with ``_ci95``.
CONTRACT_KEYS: tuple[str, ...] = (
    "mean_wait_min",
    "p90_wait_min",
    "max_queue_len",
    "mean_queues_per_patient",
    "doctor_utilisation",
    "overtime_min_per_session",
    "booking_lead_days_mean",
    "booking_lead_days_p90",
    "within_booking_window_share",
    "unserved_patients",
    "patients",
)

#: Per-station mean wait KPI keys, by :func:`~scheduler.sim.replication.station_waits` station.
STATION_WAIT_KEYS: dict[str, str] = {
    "registration": "mean_registration_wait_min",
    "consultation": "mean_consultation_wait_min",
    "return_consultation": "mean_return_wait_min",
    "cashier": "mean_cashier_wait_min",
    "lab": "mean_lab_wait_min",
    "imaging": "mean_imaging_wait_min",
    "pharmacy": "mean_pharmacy_wait_min",
}
#: Visit-flow KPIs a comparison shows after the contract keys (queues joined,
#: time in hospital, waits per station).
FLOW_KEYS: tuple[str, ...] = (
    "mean_time_in_hospital_min",
    "p90_time_in_hospital_min",
    "mean_total_wait_min",
    "payments_per_patient",
    *STATION_WAIT_KEYS.values(),
)


def _doctor_sessions(plan: SimPlan) -> tuple[float, np.ndarray]:
    """Total session minutes of the plan's doctor-sessions [min] and each one's end [min after midnight]."""
    session_min = np.array([d.end_min - d.start_min for d in plan.doctors], dtype=float)
    return session_min.sum(), np.array([d.end_min for d in plan.doctors], dtype=float)


def _ratios(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` element by element, 0 where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    return np.divide(numerator, denominator, out=np.zeros(numerator.shape), where=denominator != 0)


class _Segments:
    """Per-replication reductions of a block's per-patient values (one result per replication).

    Sums add each replication's values in patient order (left to right), so a
    replication's KPIs do not depend on the other replications of its block.
    """

    def __init__(self, position: np.ndarray, replications: int) -> None:
        self.position = position  #: replication position of each element
        self.k = replications

    def subset(self, mask: np.ndarray) -> _Segments:
        """The segments of the elements where ``mask`` holds."""
        return _Segments(self.position[mask], self.k)

    def count(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Elements (where ``mask`` holds) per replication, as floats."""
        position = self.position if mask is None else self.position[mask]
        return np.bincount(position, minlength=self.k).astype(float)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum per replication, in element order."""
        return np.bincount(self.position, weights=values, minlength=self.k)

    def mean(self, values: np.ndarray) -> np.ndarray:
        """Mean per replication (sum in element order / count); 0 when empty."""
        return _ratios(self.sum(values), self.count())

    def p90_and_max(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """90th percentile (linear interpolation, as ``np.percentile``) and maximum per replication; 0 when empty."""
        counts = np.bincount(self.position, minlength=self.k)
        p90, top = np.zeros(self.k), np.zeros(self.k)
        some = counts > 0
        if not some.any():
            return p90, top
        ordered = values[np.lexsort((values, self.position))]
        first = (np.cumsum(counts) - counts)[some]
        size = counts[some]
        position = 0.9 * (size - 1)
        low = position.astype(np.int64)
        high = np.minimum(low + 1, size - 1)
        below, above = ordered[first + low], ordered[first + high]
        p90[some] = below + (above - below) * (position - low)
        top[some] = ordered[first + size - 1]
        return p90, top


def replication_kpis(plan: SimPlan, outcome: Outcome) -> dict[str, float]:
    """Every KPI of one replication (see the module docstring for definitions and units)."""
    return {key: float(values[0]) for key, values in block_kpis(plan, stack_outcomes([outcome])).items()}


def block_kpis(plan: SimPlan, block: OutcomeBlock) -> dict[str, np.ndarray]:
    """Every KPI of each replication of a block, one array element per replication (in block order)."""
    k = len(block.replications)
    every = _Segments(block.position, k)
    status = block.status
    seen = block.seen
    seen_segments = every.subset(seen)
    wait = (block.step_start[CONSULT] - block.step_join[CONSULT])[seen]
    booked = status == BOOKED
    admitted_walk_ins = status == WALK_IN
    session_total_min, ends = derived(plan, "kpis.doctor_sessions", _doctor_sessions)
    overtime = np.maximum(block.doctor_finish_min - ends, 0.0)
    doctors = overtime.shape[1]
    within = (booked & (block.lead_days <= plan.booking_window_days)) | admitted_walk_ins
    n = every.count()
    no_slot = status == NO_SLOT
    turned_away = status == TURNED_AWAY
    no_shows = every.count(block.no_show)
    n_booked = every.count(booked)
    n_walk_in = every.count(block.walk_in)
    p90_wait, max_wait = seen_segments.p90_and_max(wait)
    booked_segments = every.subset(booked)
    lead = block.lead_days[booked]
    zeros = np.zeros(k)
    kpis = {
        "patients": n,
        "mean_wait_min": seen_segments.mean(wait),
        "p90_wait_min": p90_wait,
        "max_wait_min": max_wait,
        "max_queue_len": block.max_queue_len.astype(float),
        "mean_queues_per_patient": seen_segments.mean(block.queues[seen].astype(float)),
        "doctor_utilisation": _ratios(block.doctor_busy_min.sum(axis=1), np.full(k, session_total_min)),
        "overtime_min_per_session": overtime.sum(axis=1) / doctors if doctors else zeros,
        "max_overtime_min": overtime.max(axis=1) if doctors else zeros,
        "doctor_sessions": np.full(k, float(len(plan.doctors))),
        "booking_lead_days_mean": booked_segments.mean(lead),
        "booking_lead_days_p90": booked_segments.p90_and_max(lead)[0],
        "within_booking_window_share": _ratios(every.count(within), n),
        "unserved_patients": every.count(no_slot | turned_away),
        "seen_patients": seen_segments.count(),
        "booked_patients": n_booked,
        "no_slot_patients": every.count(no_slot),
        "walk_in_patients": n_walk_in,
        "walk_ins_turned_away": every.count(turned_away),
        "walk_in_share_served": _ratios(every.count(admitted_walk_ins), n_walk_in),
        "no_shows": no_shows,
        "no_show_rate": _ratios(no_shows, n_booked),
        "mean_wait_booked_min": seen_segments.subset(booked[seen]).mean(wait[booked[seen]]),
        "mean_wait_walk_in_min": seen_segments.subset(admitted_walk_ins[seen]).mean(wait[admitted_walk_ins[seen]]),
    }
    kpis.update(_flow_kpis(block, seen_segments))
    return kpis


def flow_kpis(outcome: Outcome) -> dict[str, float]:
    """The visit-flow KPIs of one replication (:data:`FLOW_KEYS` and per-station queues)."""
    block = stack_outcomes([outcome])
    segments = _Segments(block.position, 1).subset(block.seen)
    return {key: float(values[0]) for key, values in _flow_kpis(block, segments).items()}


def _flow_kpis(block: OutcomeBlock, seen_segments: _Segments) -> dict[str, np.ndarray]:
    """The visit-flow KPIs of each replication of a block; ``seen_segments`` its seen patients."""
    seen = block.seen
    stay = (block.exit_min - block.arrival_min)[seen]
    stayed = np.isfinite(stay)
    stay_segments = seen_segments.subset(stayed)
    stay = stay[stayed]
    waits = block.wait_matrix[:, seen]
    queued = np.isfinite(waits)
    minutes = np.where(queued, waits, 0.0)
    mean_stay = stay_segments.mean(stay)
    payments = np.isfinite(block.step_join[[PAYMENT, PAYMENT2, SETTLEMENT]][:, seen]).sum(axis=0).astype(float)
    kpis: dict[str, np.ndarray] = {
        "mean_time_in_hospital_min": mean_stay,
        "p90_time_in_hospital_min": stay_segments.p90_and_max(stay)[0],
        "mean_time_in_clinic_min": mean_stay.copy(),
        "payments_per_patient": seen_segments.mean(payments),
    }
    for station, station_minutes, station_queued in zip(WAIT_STATIONS, minutes, queued, strict=True):
        kpis[STATION_WAIT_KEYS[station]] = (
            seen_segments.sum(station_minutes) / np.maximum(seen_segments.count(station_queued), 1)
        )
    kpis["mean_payment_wait_min"] = kpis["mean_cashier_wait_min"].copy()
    kpis["mean_total_wait_min"] = seen_segments.mean(minutes.sum(axis=0))
    totals = np.array([[q[name] for name in SHARED_STATIONS] for q in block.station_queues], dtype=float)
    for s, station in enumerate(SHARED_STATIONS):
        kpis[f"mean_queue_len_{station}"] = _ratios(totals[:, s, 0], totals[:, s, 1])
        kpis[f"max_queue_len_{station}"] = totals[:, s, 2].copy()
    return kpis


def ci95_half_width(values: Sequence[float] | np.ndarray) -> float:
    """Half-width of the 95% Student-t confidence interval of the mean; 0 for < 2 values."""
    x = np.asarray(values, dtype=float)
    if x.size < 2:
        return 0.0
    sd = float(x.std(ddof=1))
    return float(_t975(x.size - 1) * sd / math.sqrt(x.size)) if sd > 0 else 0.0


@functools.lru_cache(maxsize=64)
def _t975(degrees_of_freedom: int) -> float:
    """The 97.5% quantile of Student's t (computed once per sample size)."""
    return float(stats.t.ppf(0.975, degrees_of_freedom))


def summarise(per_replication: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Mean of every KPI over replications, plus ``<key>_ci95`` half-widths."""
    if not per_replication:
        return {}
    return summarise_columns({key: [kpis[key] for kpis in per_replication] for key in per_replication[0]})


def summarise_columns(columns: Mapping[str, Sequence[float] | np.ndarray]) -> dict[str, float]:
    """:func:`summarise` of KPIs given as one sequence of per-replication values per key."""
    summary: dict[str, float] = {}
    if not columns:
        return summary
    keys = list(columns)
    table = np.array([np.asarray(columns[key], dtype=float) for key in keys], dtype=float)
    means = table.mean(axis=1).tolist()
    replications = table.shape[1]
    if replications >= 2:
        sd = table.std(axis=1, ddof=1)
        half = np.where(sd > 0, _t975(replications - 1) * sd / math.sqrt(replications), 0.0).tolist()
    else:
        half = [0.0] * len(keys)
    for key, mean, width in zip(keys, means, half, strict=True):
        summary[key] = mean
        summary[f"{key}_ci95"] = width
    return summary
