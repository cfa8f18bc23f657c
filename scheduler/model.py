"""Domain model: what a scenario and a roster are, free of any solver or simulator.

Times of day are minutes after local midnight (``start_min``); dates are
:class:`datetime.date`; durations are minutes unless a name says otherwise.
Every class is frozen: once the loader has validated a scenario, nothing
downstream changes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

DAY_KINDS = ("weekday", "saturday", "sunday", "holiday")
SITE_LEVELS = ("tertiary", "secondary", "county", "community")
TITLES = ("chief", "associate_chief", "attending", "resident")
EXPERT_TITLES = frozenset({"chief", "associate_chief"})
CLINIC_TYPES = ("general", "expert", "mdt")
MINUTES_PER_DAY = 24 * 60
#: A session starting before this time (minutes after midnight) is a morning
#: session: the one ``rest_after_evening`` forbids the day after an evening.
NOON_MIN = 12 * 60
#: Default start (minutes after midnight) from which a session counts as an
#: evening session when the scenario does not say ``evening: true/false``.
EVENING_FROM_MIN = 17 * 60


def format_hhmm(minutes: int) -> str:
    """Minutes after midnight as ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class SessionTemplate:
    """A clinic session of the day, e.g. ``AM`` 08:00-12:00."""

    session_id: str
    start_min: int  #: start, minutes after midnight
    end_min: int  #: end, minutes after midnight
    evening: bool  #: an evening (unsocial-hours) session

    @property
    def duration_min(self) -> int:
        """Length of the session [min]."""
        return self.end_min - self.start_min

    @property
    def is_morning(self) -> bool:
        """Starts before noon: the day's first session for the rest rule."""
        return self.start_min < NOON_MIN


@dataclass(frozen=True)
class Site:
    """A hospital or clinic."""

    site_id: str
    name: str
    level: str  #: one of :data:`SITE_LEVELS`


@dataclass(frozen=True)
class Room:
    """A consultation room; ``department`` None means any department may use it."""

    site_id: str
    room_id: str
    department: str | None


@dataclass(frozen=True)
class Department:
    """A clinical department and its mean consultation times."""

    name: str
    consult_min: float  #: mean general-clinic consultation [min]
    expert_consult_min: float  #: mean expert-clinic consultation [min]
    followup_booking_rate: float | None  #: share of follow-ups booked in clinic; None = target default


@dataclass(frozen=True)
class Doctor:
    """A doctor who may hold clinic sessions."""

    doctor_id: str
    name: str
    department: str
    title: str  #: one of :data:`TITLES`
    sites: tuple[str, ...]  #: registered sites, home site first
    max_sessions_per_week: int  #: in any 7 consecutive days (rules default filled in)
    evening: bool  #: may hold evening sessions
    weekend: bool  #: may hold Saturday, Sunday and holiday sessions
    min_sessions_per_week: int = 0  #: contracted clinic sessions per 7 days (optional column)

    @property
    def clinic(self) -> str:
        """``expert`` for chief and associate chief titles, else ``general``."""
        return "expert" if self.title in EXPERT_TITLES else "general"

    @property
    def home_site(self) -> str:
        """The first registered site."""
        return self.sites[0]


@dataclass(frozen=True)
class Unavailability:
    """A doctor cannot work a session (or, with ``session_id`` None, a whole day)."""

    doctor_id: str
    date: dt.date
    session_id: str | None
    reason: str


@dataclass(frozen=True)
class DoctorRequest:
    """A doctor's wish to work (``wants_on``) or not to work a session or day."""

    doctor_id: str
    date: dt.date
    session_id: str | None  #: None = the whole day
    wants_on: bool


@dataclass(frozen=True)
class DemandForecast:
    """Forecast patients who want a visit on a date at a site in a department."""

    date: dt.date
    site_id: str
    department: str
    patients: int
    session_id: str | None = None  #: preferred session, None = any
    expert_share: float | None = None  #: share that needs an expert clinic, None = any clinic
    followup_share: float | None = None  #: share who are follow-up visits


@dataclass(frozen=True)
class Rules:
    """Department-wide hard-rule settings (``rules:`` in scenario.yaml)."""

    max_sessions_per_week: int = 9
    rest_after_evening: bool = True


@dataclass(frozen=True)
class Targets:
    """Policy targets (``targets:`` in scenario.yaml)."""

    booking_window_days: int = 7
    booking_window_share: float = 0.9
    general_booking_open_share: float = 1.0
    expert_booking_open_share: float = 0.5
    followup_booking_rate: float = 0.6
    mean_wait_min: float = 30.0
    p90_wait_min: float = 60.0


@dataclass(frozen=True)
class SoftRuleWeights:
    """Weights of the solver's soft rules (``solver.weights:`` in scenario.yaml).

    Units: objective points per unit of each rule's penalty.
    """

    unserved_within_window: int = 1000  #: per patient not servable inside the window
    unsocial_fairness: int = 20  #: per session of spread (max - min) in evening/weekend load
    away_from_home_site: int = 3  #: per session at a site other than the home site
    site_change: int = 10  #: per doctor-day spent at more than one site
    doctor_request: int = 5  #: per doctor request not honoured
    session_rostered: int = 1  #: per doctor-session (prefer no idle sessions)


@dataclass(frozen=True)
class SolverSettings:
    """CP-SAT settings (``solver:`` in scenario.yaml)."""

    time_limit_s: float = 30.0
    seed: int = 1
    workers: int = 2
    weights: SoftRuleWeights = field(default_factory=SoftRuleWeights)


@dataclass(frozen=True)
class SimulationSettings:
    """Simulation settings (``simulation:`` in scenario.yaml); see :mod:`scheduler.sim`."""

    replications: int = 20
    seed: int = 1
    walk_in_share: float = 0.35  #: share of patients who come on the day without booking
    no_show_rate: float | None = None  #: None = lead-time dependent rate calibrated from data
    registration_min: float = 1.5  #: mean registration time at a desk [min]
    registration_desks: int = 4  #: registration desks per site
    payment_min: float = 2.0  #: mean payment time at a cashier [min]
    cashiers: int = 4  #: payment windows per site
    booked_days_ahead_max: int = 28  #: booking opens this many days before the visit [days]
    punctuality_early_mean_min: float = 10.0  #: mean minutes booked patients arrive early [min]
    punctuality_sd_min: float = 15.0  #: sd of arrival minus appointment time [min]
    # --- visit flow (scheduler.sim.day); stations.csv may override per site -------------
    #: ``booking``: booked patients and walk-ins as above; ``walk_in`` (textbook mode):
    #: every patient walks in, Poisson arrivals at ``patients`` per day while the
    #: department's sessions are open, no booking and no slot limit
    arrivals: Literal["booking", "walk_in"] = "booking"
    #: consultation time about the clinic's mean: ``lognormal`` (calibrated cv),
    #: ``exponential`` or ``fixed``
    consult_distribution: Literal["lognormal", "exponential", "fixed"] = "lognormal"
    #: ``full``: registration, consultation, tests, return, payment, pharmacy;
    #: ``consult_only`` (textbook mode): the consultation queue alone
    flow: Literal["full", "consult_only"] = "full"
    #: ``desk`` (queue at the desks), ``self_service`` (queue at kiosks) or ``mobile``
    #: (registered on the phone before arriving: no queue)
    registration: Literal["desk", "self_service", "mobile"] = "desk"
    #: ``pay_each_step``: pay at a cashier after each consultation that orders something;
    #: ``settle_at_end``: treat first, settle later (one settlement before leaving)
    payment: Literal["pay_each_step", "settle_at_end"] = "pay_each_step"
    self_service_kiosks: int = 8  #: self-service registration kiosks per site
    self_service_min: float = 1.0  #: mean registration time at a kiosk [min]
    lab_share: float = 0.35  #: share of first consultations that order laboratory tests
    lab_servers: int = 4  #: sample-collection windows per site
    lab_min: float = 3.0  #: mean sample-collection time [min]
    lab_turnaround_min: float = 45.0  #: mean time from sample to result [min]
    imaging_share: float = 0.15  #: share of first consultations that order imaging
    imaging_servers: int = 4  #: imaging rooms per site
    imaging_min: float = 8.0  #: mean imaging examination time [min]
    imaging_turnaround_min: float = 30.0  #: mean time from examination to report [min]
    return_consult_share: float = 0.4  #: return consultation (with results) over the first [-]
    pharmacy_share: float = 0.6  #: share of patients given a prescription
    pharmacy_servers: int = 4  #: pharmacy windows per site
    pharmacy_min: float = 1.5  #: mean dispensing time [min]
    queue_series_bin_min: float = 15.0  #: width of the bins of queue_series.csv [min]


@dataclass(frozen=True)
class Scenario:
    """A validated planning scenario: settings plus every table, cross-checked."""

    name: str
    start_date: dt.date
    days: int  #: horizon length [days]
    sessions: tuple[SessionTemplate, ...]  #: ordered by start time
    opening: Mapping[str, tuple[str, ...]]  #: day kind -> session ids that may run
    holidays: frozenset[dt.date]
    rules: Rules
    targets: Targets
    solver: SolverSettings
    simulation: SimulationSettings
    sites: Mapping[str, Site]
    travel_min: Mapping[tuple[str, str], int]  #: (from, to) -> minutes, both directions filled
    rooms: tuple[Room, ...]
    departments: Mapping[str, Department]
    doctors: tuple[Doctor, ...]
    unavailability: tuple[Unavailability, ...]
    demand: tuple[DemandForecast, ...]
    requests: tuple[DoctorRequest, ...] = ()
    source_dir: Path | None = None

    # --- calendar -------------------------------------------------------
    @cached_property
    def dates(self) -> tuple[dt.date, ...]:
        """Every date of the horizon, in order."""
        return tuple(self.start_date + dt.timedelta(days=i) for i in range(self.days))

    def day_kind(self, date: dt.date) -> str:
        """``holiday``, ``saturday``, ``sunday`` or ``weekday``."""
        if date in self.holidays:
            return "holiday"
        return {5: "saturday", 6: "sunday"}.get(date.weekday(), "weekday")

    def is_weekend_or_holiday(self, date: dt.date) -> bool:
        """Saturday, Sunday or holiday: sessions need ``weekend = yes`` doctors."""
        return self.day_kind(date) != "weekday"

    def open_sessions(self, date: dt.date) -> tuple[SessionTemplate, ...]:
        """Session templates that may run on ``date``, ordered by start."""
        return self._open_by_kind[self.day_kind(date)]

    @cached_property
    def _open_by_kind(self) -> dict[str, tuple[SessionTemplate, ...]]:
        return {
            kind: tuple(s for s in self.sessions if s.session_id in set(self.opening.get(kind, ())))
            for kind in DAY_KINDS
        }

    def session(self, session_id: str) -> SessionTemplate:
        """The template with this id (ids were validated by the loader)."""
        for template in self.sessions:
            if template.session_id == session_id:
                return template
        raise KeyError(session_id)

    # --- lookups --------------------------------------------------------
    def doctor(self, doctor_id: str) -> Doctor:
        """The doctor with this id."""
        return self._doctor_index[doctor_id]

    @cached_property
    def _doctor_index(self) -> dict[str, Doctor]:
        return {d.doctor_id: d for d in self.doctors}

    def travel(self, from_site: str, to_site: str) -> int | None:
        """Travel minutes between two sites; 0 within a site; None if not given."""
        if from_site == to_site:
            return 0
        return self.travel_min.get((from_site, to_site))

    def unavailable(self, doctor_id: str, date: dt.date, session_id: str) -> Unavailability | None:
        """The availability.csv entry that stops this doctor working this session, if any."""
        for entry in self._unavailability_index.get((doctor_id, date), ()):
            if entry.session_id in (None, session_id):
                return entry
        return None

    @cached_property
    def _unavailability_index(self) -> dict[tuple[str, dt.date], list[Unavailability]]:
        index: dict[tuple[str, dt.date], list[Unavailability]] = {}
        for entry in self.unavailability:
            index.setdefault((entry.doctor_id, entry.date), []).append(entry)
        return index

    def usable_rooms(self, site_id: str, department: str) -> tuple[Room, ...]:
        """Rooms at a site that a department may use: its own first, then shared ones,
        each in room-id order."""
        return self._usable_rooms_index.get((site_id, department), ())

    @cached_property
    def _usable_rooms_index(self) -> dict[tuple[str, str], tuple[Room, ...]]:
        ordered = sorted(self.rooms, key=lambda r: (r.department is None, r.room_id))
        return {
            (site_id, department): tuple(
                r for r in ordered if r.site_id == site_id and r.department in (department, None)
            )
            for site_id in self.sites
            for department in self.departments
        }

    def followup_booking_rate(self, department: str) -> float:
        """Target share of follow-ups booked in clinic for a department."""
        rate = self.departments[department].followup_booking_rate
        return self.targets.followup_booking_rate if rate is None else rate


@dataclass(frozen=True)
class Assignment:
    """One doctor holding one clinic session: a row of roster.csv."""

    date: dt.date
    session_id: str
    site_id: str
    room_id: str
    department: str
    doctor_id: str
    clinic: str  #: one of :data:`CLINIC_TYPES`
    start_min: int
    end_min: int
    slots: int  #: patient appointments the session offers
    booking_open_slots: int  #: of which open to advance booking


@dataclass(frozen=True)
class Roster:
    """A set of assignments, ordered by date, session start, site, room."""

    assignments: tuple[Assignment, ...]

    def __len__(self) -> int:
        return len(self.assignments)

    def by_doctor(self) -> dict[str, list[Assignment]]:
        """Assignments grouped by doctor, each list in time order."""
        grouped: dict[str, list[Assignment]] = {}
        for a in sorted(self.assignments, key=lambda a: (a.date, a.start_min)):
            grouped.setdefault(a.doctor_id, []).append(a)
        return grouped
