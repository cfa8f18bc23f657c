"""KPIs of one replication of the rolling booking simulation (:mod:`scheduler.sim.rolling`).

Measured over the periods after the warm-up (``simulation.booking.warmup_weeks``):
requests first made, consultations held and sessions run on those days.

``weeks_lead_days_mean``, ``weeks_lead_days_p90``
    booking lead time of served requests: visit date - booking date [days].
``weeks_wait_days_mean``
    visit date - the date the patient wanted [days].
``weeks_within_window_share`` and ``weeks_within_window_share_<department>``
    requests seen within ``booking_window_days`` of the wanted date, over all
    requests (unserved ones count as outside) [-].
``weeks_requests``, ``weeks_unserved_patients``
    booking requests (new patients and follow-ups not booked in clinic) and
    those never served [patients]: the run goes on ``booked_days_ahead_max``
    days after the measured periods, so each request has had at least that
    long to find a slot.
``third_next_available_days`` and ``third_next_available_days_<department>``
    days from the start of a day to the third free bookable slot of a site and
    department (any clinic), averaged over days and sites [days].
``followup_booking_rate`` and ``followup_booking_rate_<department>``
    consultations needing a follow-up whose follow-up was booked in clinic [-];
    ``followup_needed`` and ``followup_needed_<department>`` count those
    consultations (a rate over none is 0).
``empty_slot_share``
    share of the slot capacity of the measured weeks left unused: over the
    sessions held on the measured days, ``max(0, slots - seen)`` summed, over
    their ``slots`` summed [-]. Every slot counts, whatever its channel (open,
    follow-up held, same-day held; overbooking entries are not capacity); a
    slot is unused when nobody booked it or its patient did not come.
    ``unbooked_slot_share`` the same with patients booked instead of seen
    (no-shows count as used); both also ``_general`` and ``_expert`` (by
    clinic type).
``weeks_no_show_rate`` and ``weeks_no_show_rate_lead_<bucket>``
    no-shows over booked visits, overall and by lead-time bucket (0d, 1_2d,
    3_7d, 8_14d, 15_30d, 31d_plus; 0 for an empty bucket) [-];
    ``weeks_visits_lead_<bucket>`` the booked visits of each bucket.
``general_open_share``, ``expert_open_share``
    slots open to advance booking from the start, by clinic type [-], over
    ``general_slots`` and ``expert_slots`` slots of the measured sessions.
``released_slots``
    held follow-up slots of the measured sessions released to booking [slots].
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np

from scheduler.model import Roster, Scenario
from scheduler.sim.calibration import NO_SHOW_LEAD_EDGES_DAYS
from scheduler.sim.rolling import WeeksOutcome, run_weeks
from scheduler.sim.weeks_plan import WeeksPlan, build_weeks_plan

#: Percentile of the lead-time tail KPI.
P90 = 90


def lead_bucket_labels(edges: tuple[int, ...] = NO_SHOW_LEAD_EDGES_DAYS) -> list[str]:
    """Key suffixes of the lead-time buckets: ``0d``, ``1_2d``, ..., ``31d_plus``."""
    labels = []
    for i, low in enumerate(edges):
        if i + 1 == len(edges):
            labels.append(f"{low}d_plus")
        elif edges[i + 1] - 1 == low:
            labels.append(f"{low}d")
        else:
            labels.append(f"{low}_{edges[i + 1] - 1}d")
    return labels


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else 0.0


def _share(mask: np.ndarray) -> float:
    return float(mask.mean()) if mask.size else 0.0


def weeks_kpis(plan: WeeksPlan, out: WeeksOutcome) -> dict[str, float]:
    """Every booking KPI of one replication (see the module docstring)."""
    first, last = plan.measured_days
    kpis: dict[str, float] = {}
    day = np.asarray(out.request_day, dtype=np.int64)
    asked = (day >= first) & (day < last)
    lead = np.asarray(out.request_lead, dtype=np.int64)[asked]
    wait = np.asarray(out.request_wait, dtype=np.int64)[asked]
    served = lead >= 0
    kpis["weeks_requests"] = float(asked.sum())
    kpis["weeks_unserved_patients"] = float((~served).sum())
    kpis["weeks_lead_days_mean"] = _mean(lead[served].astype(float))
    kpis["weeks_lead_days_p90"] = float(np.percentile(lead[served], P90)) if served.any() else 0.0
    kpis["weeks_wait_days_mean"] = _mean(wait[served].astype(float))
    within = served & (wait <= plan.booking_window_days)
    kpis["weeks_within_window_share"] = float(within.mean()) if within.size else 0.0
    request_dept = np.asarray(out.request_department, dtype=object)[asked]
    for dept in plan.departments:
        kpis[f"weeks_within_window_share_{dept}"] = _share(within[request_dept == dept])

    tna_day = np.asarray(out.tna_day, dtype=np.int64)
    tna = np.asarray(out.tna_days, dtype=float)
    tna_dept = np.asarray(out.tna_department, dtype=object)
    kpis["third_next_available_days"] = _mean(tna)
    fu_day = np.asarray(out.followup_day, dtype=np.int64)
    fu_in = (fu_day >= first) & (fu_day < last)
    fu_booked = np.asarray(out.followup_booked, dtype=bool)[fu_in]
    fu_dept = np.asarray(out.followup_department, dtype=object)[fu_in]
    kpis["followup_booking_rate"] = _share(fu_booked)
    kpis["followup_needed"] = float(fu_booked.size)
    for dept in plan.departments:
        kpis[f"third_next_available_days_{dept}"] = _mean(tna[(tna_dept == dept) & (tna_day >= first)])
        kpis[f"followup_booking_rate_{dept}"] = _share(fu_booked[fu_dept == dept])
        kpis[f"followup_needed_{dept}"] = float((fu_dept == dept).sum())

    measured = np.array([s.measured for s in plan.sessions], dtype=bool)
    slots = np.array([s.slots for s in plan.sessions], dtype=float)[measured]
    seen = np.asarray(out.attended, dtype=float)[measured]
    booked = np.asarray(out.booked, dtype=float)[measured]
    clinic = np.array([s.clinic for s in plan.sessions], dtype=object)[measured]
    for suffix, chosen in (("", np.ones(slots.size, dtype=bool)), ("_general", clinic == "general"),
                           ("_expert", clinic == "expert")):
        total = slots[chosen].sum()
        empty = np.maximum(slots - seen, 0)[chosen].sum()
        unbooked = np.maximum(slots - booked, 0)[chosen].sum()
        kpis[f"empty_slot_share{suffix}"] = float(empty / total) if total else 0.0
        kpis[f"unbooked_slot_share{suffix}"] = float(unbooked / total) if total else 0.0
    for clinic in ("general", "expert"):
        chosen = [s for s in plan.sessions if s.measured and s.clinic == clinic]
        total = sum(s.slots for s in chosen)
        kpis[f"{clinic}_open_share"] = sum(s.open for s in chosen) / total if total else 0.0
        kpis[f"{clinic}_slots"] = float(total)

    visit_day = np.asarray(out.visit_day, dtype=np.int64)
    held = (visit_day >= first) & (visit_day < last)
    no_show = np.asarray(out.visit_no_show, dtype=bool)[held]
    visit_lead = np.asarray(out.visit_lead, dtype=np.int64)[held]
    kpis["weeks_no_show_rate"] = _share(no_show)
    bucket = np.searchsorted(np.asarray(NO_SHOW_LEAD_EDGES_DAYS), visit_lead, side="right") - 1
    for b, label in enumerate(lead_bucket_labels()):
        kpis[f"weeks_no_show_rate_lead_{label}"] = _share(no_show[bucket == b])
        kpis[f"weeks_visits_lead_{label}"] = float((bucket == b).sum())
    kpis["released_slots"] = float(out.released)
    return kpis


def _replications(plan: WeeksPlan, seed: int, replications: list[int]) -> list[dict[str, float]]:
    return [weeks_kpis(plan, run_weeks(plan, seed, r)) for r in replications]


def booking_weeks_kpis(
    scenario: Scenario, roster: Roster, seed: int, replications: int, workers: int = 1
) -> list[dict[str, float]]:
    """Booking KPIs of each replication ``0 .. replications - 1``; ``[]`` when
    ``simulation.booking.weeks`` is 0. Results do not depend on ``workers``."""
    if scenario.simulation.booking.weeks <= 0 or replications <= 0:
        return []
    plan = build_weeks_plan(scenario, roster)
    reps = list(range(replications))
    workers = max(1, min(workers, replications))
    if workers == 1:
        return _replications(plan, seed, reps)
    chunks = [reps[k::workers] for k in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_replications, plan, seed, chunk) for chunk in chunks]
        results = {
            r: kpis for chunk, f in zip(chunks, futures, strict=True) for r, kpis in zip(chunk, f.result(), strict=True)
        }
    return [results[r] for r in reps]


def weeks_text(kpis: dict[str, float]) -> str:
    """The rolling booking simulation's KPIs as a few lines (empty when it did not run)."""
    if "weeks_lead_days_mean" not in kpis:
        return ""

    def show(key: str, fmt: str) -> str:
        return f"{format(kpis[key], fmt)} ± {format(kpis.get(key + '_ci95', 0.0), fmt)}"

    lines = [
        "Booking over weeks (after the warm-up; mean ± 95% half-width):",
        f"  booking lead time, mean / p90 [days]: {show('weeks_lead_days_mean', '.2f')} / "
        f"{show('weeks_lead_days_p90', '.1f')}",
        f"  seen inside the booking window: {show('weeks_within_window_share', '.3f')}",
        f"  third-next-available appointment [days]: {show('third_next_available_days', '.2f')}",
        f"  follow-ups booked in clinic: {show('followup_booking_rate', '.3f')}",
        f"  slots left empty (nobody seen / nobody booked): {show('empty_slot_share', '.3f')} / "
        f"{show('unbooked_slot_share', '.3f')}",
        f"  no-show rate: {show('weeks_no_show_rate', '.3f')}",
    ]
    return "\n".join(lines)
