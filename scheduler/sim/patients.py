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

    def __len__(self) -> int:
        return int(self.row.size)


def row_generator(seed: int, replication: int, stream_key: int) -> np.random.Generator:
    """The generator of one demand row in one replication."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replication, stream_key)))


def draw_patients(plan: SimPlan, models: Models, seed: int, replication: int) -> PatientDraws:
    """Draw every demand patient's random attributes for one replication."""
    parts: dict[str, list[np.ndarray]] = {name: [] for name in PatientDraws.__dataclass_fields__}
    for row in plan.demand:
        n = row.patients
        rng = row_generator(seed, replication, row.stream_key)
        parts["row"].append(np.full(n, row.index, dtype=np.int64))
        parts["date_ord"].append(np.full(n, row.date_ord, dtype=np.int64))
        parts["walk_in"].append(rng.random(n) < plan.walk_in_share)
        parts["needs_expert"].append(rng.random(n) < row.expert_share)
        parts["order_u"].append(rng.random(n))
        parts["session_u"].append(rng.random(n))
        parts["no_show_u"].append(rng.random(n))
        parts["punctuality_min"].append(np.asarray(models.punctuality(n, rng), dtype=float))
        parts["walk_in_fraction"].append(np.asarray(models.walk_in_arrival(n, rng), dtype=float))
        parts["consult_ratio"].append(np.asarray(models.consult_time(n, rng), dtype=float))
        parts["registration_ratio"].append(
            np.asarray(models.registration_time(n, rng), dtype=float)
        )
        parts["payment_ratio"].append(np.asarray(models.payment_time(n, rng), dtype=float))
    empty = {
        "row": np.int64, "date_ord": np.int64, "walk_in": bool, "needs_expert": bool,
    }
    return PatientDraws(
        **{
            name: (np.concatenate(arrays) if arrays else np.empty(0, dtype=empty.get(name, float)))
            for name, arrays in parts.items()
        }
    )
