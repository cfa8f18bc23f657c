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
    #: may hold public-holiday sessions (optional column; also needs ``weekend``)
    holiday: bool = True

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
class PartnerSupport:
    """Site ``site_id`` receives at least ``min_sessions_per_week`` sessions in any 7
    consecutive days from doctors whose home site is ``from_home_site``
    (``partner_support:`` in scenario.yaml)."""

    site_id: str  #: the supported site (e.g. a county hospital)
    from_home_site: str  #: home site of the supporting doctors
    min_sessions_per_week: int  #: doctor-sessions per 7 days [sessions]
    departments: tuple[str, ...] = ()  #: only these departments count; () = any

    def describe(self) -> str:
        """``COUNTY receives at least 5 sessions per week from doctors based at CITY``."""
        which = f" ({', '.join(self.departments)})" if self.departments else ""
        return (
            f"{self.site_id} receives at least {self.min_sessions_per_week} sessions per week "
            f"from doctors based at {self.from_home_site}{which}"
        )


@dataclass(frozen=True)
class JointClinic:
    """A joint (multidisciplinary, MDT) clinic: one doctor of each department in the same
    room and session, ``sessions_per_week`` times in any 7 consecutive days
    (``joint_clinics:`` in scenario.yaml). It is held in a room open to any department."""

    name: str
    departments: tuple[str, ...]  #: two or more departments, each seating one doctor
    site_id: str
    sessions_per_week: int  #: joint sessions per 7 days [sessions]


@dataclass(frozen=True)
class SessionHistory:
    """Unsocial sessions a doctor already worked in earlier weeks (history.csv), so that
    fairness is judged over several weeks."""

    doctor_id: str
    evening_sessions: int = 0  #: evening sessions already worked [sessions]
    weekend_sessions: int = 0  #: weekend and holiday sessions already worked [sessions]


@dataclass(frozen=True)
class Rules:
    """Department-wide hard-rule settings (``rules:`` in scenario.yaml)."""

    max_sessions_per_week: int = 9
    rest_after_evening: bool = True
    #: most moves between sites per doctor in any 7 consecutive days; None = no limit
    max_site_changes_per_week: int | None = None


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
    booking_lead: int = 2  #: per patient-day between demand date and visit date (serve early)


@dataclass(frozen=True)
class SolverSettings:
    """CP-SAT settings (``solver:`` in scenario.yaml)."""

    time_limit_s: float = 30.0
    seed: int = 1
    workers: int = 2
    weights: SoftRuleWeights = field(default_factory=SoftRuleWeights)


@dataclass(frozen=True)
class BookingSettings:
    """Booking over several weeks (``simulation.booking:`` in scenario.yaml); see
    :mod:`scheduler.sim.rolling`."""

    #: held follow-up slots still free this long before their session start are released
    #: to advance booking [h]; None = never released (a static hold: only follow-ups take them)
    release_horizon_h: float | None = 24.0
    #: extra bookings accepted per session, as a share of its open slots, to offset no-shows
    overbooking_share: float = 0.0
    #: share of booking patients who wait for their preferred weekday instead of the earliest day
    preferred_day_share: float = 0.0
    weeks: int = 6  #: weeks the rolling booking simulation runs, the roster repeated weekly; 0 = off
    warmup_weeks: int = 2  #: first weeks left out of the booking KPIs (queues filling up)
    followup_due_days: int = 14  #: a follow-up is due this many days after the visit [days]
    followup_window_days: int = 7  #: and may be booked this many days either side [days]
    #: patients who need no expert book an expert-clinic slot only when no general clinic has one
    general_first: bool = False


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
    booking: BookingSettings = field(default_factory=BookingSettings)  #: rolling booking over weeks
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
    #: day engine: ``fast`` (scheduler.sim.day, the default) or ``simpy`` (scheduler.sim.day_simpy,
    #: the SimPy reference engine: identical results, slower)
    engine: Literal["fast", "simpy"] = "fast"


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
    partner_support: tuple[PartnerSupport, ...] = ()
    joint_clinics: tuple[JointClinic, ...] = ()
    history: Mapping[str, SessionHistory] = field(default_factory=dict)  #: doctor_id -> history
    holiday_names: Mapping[dt.date, str] = field(default_factory=dict)  #: date -> holiday name

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

    def may_work_day(self, doctor: Doctor, date: dt.date) -> bool:
        """Weekend/holiday eligibility (contract rule 6, plus the optional ``holiday`` column)."""
        kind = self.day_kind(date)
        if kind == "weekday":
            return True
        return doctor.weekend and (kind != "holiday" or doctor.holiday)

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
