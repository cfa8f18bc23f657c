"""Random models of the simulator: injected callables with fixed signatures.

Every sampling model takes ``(n, rng)`` and returns ``n`` draws, always
consuming the same amount of randomness for a given ``n`` (so that two
scenarios with the same demand see the same random numbers, whatever the
roster). The signatures are:

``NoShowModel(lead_days) -> probability``
    no-show probability [0-1] of booked patients, from their lead time [days].
``PunctualityModel(n, rng) -> minutes``
    arrival time minus appointment time [min]; negative = early.
``WalkInArrivalModel(n, rng) -> fraction``
    when a walk-in arrives, as the elapsed fraction of its session [0, 1).
``RelativeDurationModel(n, rng) -> ratio``
    a service time divided by its mean [-], mean 1 (consultation, registration,
    payment). The engine multiplies by the mean of the clinic or station.

The defaults are small frozen dataclasses (picklable, so replications can run
in worker processes); any module-level function with the same signature works.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scheduler.model import SimulationSettings
from scheduler.sim import calibration
from scheduler.sim.disciplines import QueueDiscipline, booked_first

#: Coefficient of variation of test result turnaround times [-] (an assumption:
#: laboratory turnaround is right-skewed with most results near the median).
TURNAROUND_CV: float = 0.5

NoShowModel = Callable[[np.ndarray], np.ndarray]
PunctualityModel = Callable[[int, np.random.Generator], np.ndarray]
WalkInArrivalModel = Callable[[int, np.random.Generator], np.ndarray]
RelativeDurationModel = Callable[[int, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class LeadTimeNoShow:
    """No-show probability by lead-time bucket (step function).

    Parameters
    ----------
    edges_days
        Lower bound of each bucket [days], increasing, first 0.
    rates
        No-show probability of each bucket [0-1].
    """

    edges_days: tuple[int, ...] = calibration.NO_SHOW_LEAD_EDGES_DAYS
    rates: tuple[float, ...] = calibration.NO_SHOW_RATES

    def __call__(self, lead_days: np.ndarray) -> np.ndarray:
        """Probability of a no-show for each lead time [days]."""
        bucket = np.searchsorted(np.asarray(self.edges_days), lead_days, side="right") - 1
        return np.asarray(self.rates)[np.clip(bucket, 0, len(self.rates) - 1)]


@dataclass(frozen=True)
class FlatNoShow:
    """The same no-show probability ``rate`` [0-1] whatever the lead time."""

    rate: float

    def __call__(self, lead_days: np.ndarray) -> np.ndarray:
        """``rate`` for every patient."""
        return np.full(np.shape(lead_days), float(self.rate))


@dataclass(frozen=True)
class NormalPunctuality:
    """Arrival minus appointment ~ Normal(``mean_min``, ``sd_min``) [min]."""

    mean_min: float = calibration.PUNCTUALITY_MEAN_MIN
    sd_min: float = calibration.PUNCTUALITY_SD_MIN

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` arrival offsets [min]."""
        return self.mean_min + self.sd_min * rng.standard_normal(n)


@dataclass(frozen=True)
class FixedPunctuality:
    """Every patient arrives ``offset_min`` after the appointment (0 = on time)."""

    offset_min: float = 0.0

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` equal offsets [min]; consumes the same randomness as the normal model."""
        rng.standard_normal(n)
        return np.full(n, float(self.offset_min))


@dataclass(frozen=True)
class EarlyPeakWalkIn:
    """Walk-in arrival density falling linearly from session start to end.

    Fraction of the session elapsed = 1 - sqrt(1 - U); 75% arrive in the first half.
    """

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` elapsed fractions in [0, 1)."""
        return 1.0 - np.sqrt(1.0 - rng.random(n))


@dataclass(frozen=True)
class UniformWalkIn:
    """Walk-ins arrive uniformly over the session."""

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` elapsed fractions in [0, 1)."""
        return rng.random(n)


@dataclass(frozen=True)
class LognormalRatio:
    """Lognormal service time over its mean: mean 1, coefficient of variation ``cv``.

    ``log(ratio) ~ Normal(-sigma^2 / 2, sigma)`` with ``sigma^2 = log(1 + cv^2)``;
    the default ``cv`` is the Hangu consultation-time fit (Feng et al. 2023).
    """

    cv: float = calibration.CONSULT_CV

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` ratios [-]."""
        sigma = math.sqrt(math.log1p(self.cv**2))
        return np.exp(sigma * rng.standard_normal(n) - 0.5 * sigma**2)


@dataclass(frozen=True)
class ExponentialRatio:
    """Exponential service time over its mean (mean 1, cv 1)."""

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` ratios [-]."""
        return rng.standard_exponential(n)


@dataclass(frozen=True)
class ConstantRatio:
    """Deterministic service times: ratio ``value`` (1 = exactly the mean)."""

    value: float = 1.0

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` equal ratios; consumes ``n`` normals like the lognormal model."""
        rng.standard_normal(n)
        return np.full(n, float(self.value))


#: Consultation-time models by ``simulation.consult_distribution``.
CONSULT_DISTRIBUTIONS: dict[str, RelativeDurationModel] = {
    "lognormal": LognormalRatio(),
    "exponential": ExponentialRatio(),
    "fixed": ConstantRatio(1.0),
}


@dataclass(frozen=True)
class Models:
    """The models one simulation uses (see the module docstring for signatures).

    ``queue_discipline`` is not random: it picks the queue a free doctor serves
    next (:mod:`scheduler.sim.disciplines`).
    """

    no_show: NoShowModel
    punctuality: PunctualityModel
    walk_in_arrival: WalkInArrivalModel
    consult_time: RelativeDurationModel
    registration_time: RelativeDurationModel
    payment_time: RelativeDurationModel
    queue_discipline: QueueDiscipline = booked_first
    #: service times of the other stations (lab, imaging, pharmacy) over their means
    station_time: RelativeDurationModel = ExponentialRatio()
    #: test result turnaround (sample or examination to result) over its mean
    turnaround_time: RelativeDurationModel = LognormalRatio(TURNAROUND_CV)


def default_models(settings: SimulationSettings) -> Models:
    """The calibrated defaults, adjusted by ``settings``.

    ``settings.no_show_rate`` replaces the lead-time no-show curve by a flat rate
    when set; ``punctuality_early_mean_min`` (minutes early on average) and
    ``punctuality_sd_min`` set the normal punctuality model;
    ``consult_distribution`` picks the consultation-time model
    (:data:`CONSULT_DISTRIBUTIONS`).
    """
    no_show: NoShowModel = (
        LeadTimeNoShow() if settings.no_show_rate is None else FlatNoShow(settings.no_show_rate)
    )
    return Models(
        no_show=no_show,
        punctuality=NormalPunctuality(
            -settings.punctuality_early_mean_min, settings.punctuality_sd_min
        ),
        walk_in_arrival=EarlyPeakWalkIn(),
        consult_time=CONSULT_DISTRIBUTIONS[settings.consult_distribution],
        registration_time=ExponentialRatio(),
        payment_time=ExponentialRatio(),
    )
