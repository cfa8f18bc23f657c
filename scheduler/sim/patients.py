"""Each replication's patients and their random attributes (common random numbers).

Every demand row gets its own generator, seeded from ``(seed, replication,
row key)`` through :class:`numpy.random.SeedSequence`, where the row key hashes
the row's date, site, department and preferred session. All of a patient's
random attributes are drawn up front, in a fixed order and in amounts that
depend only on the row's patient count, so two scenarios with the same demand
(and seed) give every patient the same draws whatever their rosters: the
differences between their KPIs come from the rosters, not from noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scheduler.sim.distributions import Models
from scheduler.sim.plan import SimPlan


@dataclass(frozen=True)
class PatientDraws:
    """One replication's demand patients, one array element per patient.

    Patient ``i`` is the same person in every scenario with the same demand.
    """

    row: np.ndarray  #: demand row index (int)
    date_ord: np.ndarray  #: demand date, ordinal [days] (int)
    walk_in: np.ndarray  #: comes on the day without booking (bool)
    needs_expert: np.ndarray  #: only an expert clinic will do (bool)
    order_u: np.ndarray  #: uniform deciding the booking / walk-in order [0, 1)
    session_u: np.ndarray  #: uniform choosing a walk-in's session [0, 1)
    no_show_u: np.ndarray  #: uniform compared with the no-show probability [0, 1)
    punctuality_min: np.ndarray  #: arrival minus appointment [min]
    walk_in_fraction: np.ndarray  #: elapsed session fraction at walk-in arrival [0, 1)
    consult_ratio: np.ndarray  #: consultation time over the clinic mean [-]
    registration_ratio: np.ndarray  #: registration time over its mean [-]
    payment_ratio: np.ndarray  #: payment time over its mean [-]
    lab_u: np.ndarray  #: uniform compared with ``lab_share`` [0, 1)
    imaging_u: np.ndarray  #: uniform compared with ``imaging_share`` [0, 1)
    pharmacy_u: np.ndarray  #: uniform compared with ``pharmacy_share`` [0, 1)
    lab_ratio: np.ndarray  #: sample-collection time over its mean [-]
    lab_turnaround_ratio: np.ndarray  #: laboratory turnaround over its mean [-]
    imaging_ratio: np.ndarray  #: imaging time over its mean [-]
    imaging_turnaround_ratio: np.ndarray  #: imaging report turnaround over its mean [-]
    return_consult_ratio: np.ndarray  #: return-consultation time over the clinic mean, before share [-]
    payment2_ratio: np.ndarray  #: second payment time over its mean [-]
    pharmacy_ratio: np.ndarray  #: dispensing time over its mean [-]

    def __len__(self) -> int:
        return int(self.row.size)


def row_generator(seed: int, replication: int, stream_key: int) -> np.random.Generator:
    """The generator of one demand row in one replication."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replication, stream_key)))


#: Attributes used only by the full visit flow (drawn last, so skipping them changes no other draw).
FLOW_ATTRIBUTES = (
    "registration_ratio", "payment_ratio", "lab_u", "imaging_u", "pharmacy_u", "lab_ratio", "lab_turnaround_ratio",
    "imaging_ratio", "imaging_turnaround_ratio", "return_consult_ratio", "payment2_ratio", "pharmacy_ratio",
)


def _attributes(parts: dict[str, list[np.ndarray]], models: Models, n: int, rng: np.random.Generator,
                walk_in_share: float, expert_share: float, full_flow: bool = True) -> None:
    """Append ``n`` patients' random attributes drawn from ``rng``, in a fixed order.

    Without ``full_flow`` the :data:`FLOW_ATTRIBUTES` are not drawn (:func:`_concatenate` fills them with NaN).
    """
    # five uniforms in one call: the same numbers as five calls of ``rng.random(n)``
    walk_in_u, expert_u, order_u, session_u, no_show_u = rng.random((5, n))
    parts["walk_in"].append(walk_in_u < walk_in_share)
    parts["needs_expert"].append(expert_u < expert_share)
    parts["order_u"].append(order_u)
    parts["session_u"].append(session_u)
    parts["no_show_u"].append(no_show_u)
    parts["punctuality_min"].append(np.asarray(models.punctuality(n, rng), dtype=float))
    parts["walk_in_fraction"].append(np.asarray(models.walk_in_arrival(n, rng), dtype=float))
    parts["consult_ratio"].append(np.asarray(models.consult_time(n, rng), dtype=float))
    if not full_flow:
        return
    parts["registration_ratio"].append(np.asarray(models.registration_time(n, rng), dtype=float))
    parts["payment_ratio"].append(np.asarray(models.payment_time(n, rng), dtype=float))
    for name, u in zip(("lab_u", "imaging_u", "pharmacy_u"), rng.random((3, n)), strict=True):
        parts[name].append(u)
    parts["lab_ratio"].append(np.asarray(models.station_time(n, rng), dtype=float))
    parts["lab_turnaround_ratio"].append(np.asarray(models.turnaround_time(n, rng), dtype=float))
    parts["imaging_ratio"].append(np.asarray(models.station_time(n, rng), dtype=float))
    parts["imaging_turnaround_ratio"].append(np.asarray(models.turnaround_time(n, rng), dtype=float))
    parts["return_consult_ratio"].append(np.asarray(models.consult_time(n, rng), dtype=float))
    parts["payment2_ratio"].append(np.asarray(models.payment_time(n, rng), dtype=float))
    parts["pharmacy_ratio"].append(np.asarray(models.station_time(n, rng), dtype=float))


_INT_FIELDS = {"row": np.int64, "date_ord": np.int64, "walk_in": bool, "needs_expert": bool}


def _concatenate(parts: dict[str, list[np.ndarray]], full_flow: bool = True) -> PatientDraws:
    """The drawn parts joined; without ``full_flow`` the :data:`FLOW_ATTRIBUTES` are all NaN."""
    def joined(name: str, arrays: list[np.ndarray]) -> np.ndarray:
        if len(arrays) == 1:
            return arrays[0]
        return np.concatenate(arrays) if arrays else np.empty(0, dtype=_INT_FIELDS.get(name, float))

    skipped = () if full_flow else FLOW_ATTRIBUTES
    columns = {name: joined(name, arrays) for name, arrays in parts.items() if name not in skipped}
    if skipped:
        missing = np.full(columns["row"].size, np.nan)
        missing.flags.writeable = False  # one read-only array for every attribute not drawn
        for name in skipped:
            columns[name] = missing
    return PatientDraws(**columns)


def draw_patients(plan: SimPlan, models: Models, seed: int, replication: int,
                  full_flow: bool = True) -> PatientDraws:
    """Draw every demand patient's random attributes for one replication (see :func:`_attributes`)."""
    parts: dict[str, list[np.ndarray]] = {name: [] for name in PatientDraws.__dataclass_fields__}
    for row in plan.demand:
        n = row.patients
        rng = row_generator(seed, replication, row.stream_key)
        parts["row"].append(np.full(n, row.index, dtype=np.int64))
        parts["date_ord"].append(np.full(n, row.date_ord, dtype=np.int64))
        _attributes(parts, models, n, rng, plan.walk_in_share, row.expert_share, full_flow)
    return _concatenate(parts, full_flow)


def draw_poisson_walk_ins(plan: SimPlan, models: Models, seed: int, replication: int,
                          full_flow: bool = True) -> PatientDraws:
    """Textbook mode: every demand row's patients walk in as a Poisson count.

    Row ``r`` brings ``Poisson(patients)`` walk-ins; ``session_u`` is then each
    one's position in the day's open time, uniform, so that arrivals form a
    Poisson process at ``patients`` per open day (see
    :func:`scheduler.sim.replication.place_walk_ins`).
    """
    parts: dict[str, list[np.ndarray]] = {name: [] for name in PatientDraws.__dataclass_fields__}
    for row in plan.demand:
        rng = row_generator(seed, replication, row.stream_key)
        n = int(rng.poisson(row.patients))
        parts["row"].append(np.full(n, row.index, dtype=np.int64))
        parts["date_ord"].append(np.full(n, row.date_ord, dtype=np.int64))
        _attributes(parts, models, n, rng, 1.0, row.expert_share, full_flow)
    return _concatenate(parts, full_flow)
