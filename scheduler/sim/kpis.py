"""KPIs of one replication, and their mean and 95% confidence half-width over replications.

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
from scheduler.sim.day import PAYMENT, PAYMENT2, SETTLEMENT
from scheduler.sim.plan import SimPlan, derived
from scheduler.sim.replication import WAIT_STATIONS, Outcome

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


def _mean(values: np.ndarray) -> float:
    """Mean of a float array (``sum / size``, the same float as ``ndarray.mean``); 0 when empty."""
    return float(values.sum() / values.size) if values.size else 0.0


def _p90(values: np.ndarray) -> float:
    """90th percentile, linear interpolation (as ``np.percentile``), without its overhead."""
    if not values.size:
        return 0.0
    ordered = np.sort(values)
    position = 0.9 * (ordered.size - 1)
    low = int(position)
    high = min(low + 1, ordered.size - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else 0.0


def _doctor_sessions(plan: SimPlan) -> tuple[float, np.ndarray]:
    """Total session minutes of the plan's doctor-sessions [min] and each one's end [min after midnight]."""
    session_min = np.array([d.end_min - d.start_min for d in plan.doctors], dtype=float)
    return session_min.sum(), np.array([d.end_min for d in plan.doctors], dtype=float)


def replication_kpis(plan: SimPlan, outcome: Outcome) -> dict[str, float]:
    """Every KPI of one replication (see the module docstring for definitions and units)."""
    status = outcome.booking.status
    seen = outcome.seen
    wait = (outcome.consult_start_min - outcome.queue_join_min)[seen]
    walk_in_demand = outcome.draws.walk_in
    booked = status == BOOKED
    admitted_walk_ins = status == WALK_IN
    lead = outcome.booking.lead_days[booked]
    session_total_min, ends = derived(plan, "kpis.doctor_sessions", _doctor_sessions)
    overtime = np.maximum(outcome.doctor_finish_min - ends, 0.0)
    within = (booked & (outcome.booking.lead_days <= plan.booking_window_days)) | admitted_walk_ins
    n = len(status)
    no_slot = status == NO_SLOT
    turned_away = status == TURNED_AWAY
    no_shows = outcome.no_show.sum()
    n_booked = booked.sum()
    n_walk_in = walk_in_demand.sum()
    kpis = {
        "patients": float(n),
        "mean_wait_min": _mean(wait),
        "p90_wait_min": _p90(wait),
        "max_wait_min": float(wait.max()) if wait.size else 0.0,
        "max_queue_len": float(outcome.max_queue_len),
        "mean_queues_per_patient": _mean(outcome.queues[seen].astype(float)),
        "doctor_utilisation": _ratio(outcome.doctor_busy_min.sum(), session_total_min),
        "overtime_min_per_session": _mean(overtime),
        "max_overtime_min": float(overtime.max()) if overtime.size else 0.0,
        "doctor_sessions": float(len(plan.doctors)),
        "booking_lead_days_mean": _mean(lead),
        "booking_lead_days_p90": _p90(lead),
        "within_booking_window_share": _ratio(within.sum(), n),
        "unserved_patients": float((no_slot | turned_away).sum()),
        "seen_patients": float(seen.sum()),
        "booked_patients": float(n_booked),
        "no_slot_patients": float(no_slot.sum()),
        "walk_in_patients": float(n_walk_in),
        "walk_ins_turned_away": float(turned_away.sum()),
        "walk_in_share_served": _ratio(admitted_walk_ins.sum(), n_walk_in),
        "no_shows": float(no_shows),
        "no_show_rate": _ratio(no_shows, n_booked),
        "mean_wait_booked_min": _mean(wait[booked[seen]]),
        "mean_wait_walk_in_min": _mean(wait[admitted_walk_ins[seen]]),
    }
    kpis.update(flow_kpis(outcome))
    return kpis


def flow_kpis(outcome: Outcome) -> dict[str, float]:
    """The visit-flow KPIs of one replication (:data:`FLOW_KEYS` and per-station queues)."""
    seen = outcome.seen
    stay = (outcome.exit_min - outcome.arrival_min)[seen]
    stay = stay[np.isfinite(stay)]
    waits = outcome.wait_matrix[:, seen]
    queued = np.isfinite(waits)
    minutes = np.where(queued, waits, 0.0)
    per_station = minutes.sum(axis=1) / np.maximum(queued.sum(axis=1), 1)
    kpis: dict[str, float] = {
        "mean_time_in_hospital_min": _mean(stay),
        "p90_time_in_hospital_min": _p90(stay),
        "mean_time_in_clinic_min": _mean(stay),
        "payments_per_patient": _mean(
            np.isfinite(outcome.step_join[[PAYMENT, PAYMENT2, SETTLEMENT]][:, seen]).sum(axis=0).astype(float)
        ),
    }
    for station, value in zip(WAIT_STATIONS, per_station.tolist(), strict=True):
        kpis[STATION_WAIT_KEYS[station]] = value
    kpis["mean_payment_wait_min"] = kpis["mean_cashier_wait_min"]
    kpis["mean_total_wait_min"] = _mean(minutes.sum(axis=0))
    for station, (area, span, peak) in outcome.station_queues.items():
        kpis[f"mean_queue_len_{station}"] = _ratio(area, span)
        kpis[f"max_queue_len_{station}"] = float(peak)
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
    summary: dict[str, float] = {}
    if not per_replication:
        return summary
    for key in per_replication[0]:
        values = np.array([kpis[key] for kpis in per_replication], dtype=float)
        summary[key] = float(values.mean())
        summary[f"{key}_ci95"] = ci95_half_width(values)
    return summary
