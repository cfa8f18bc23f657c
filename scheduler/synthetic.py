"""Synthetic hospitals: realistic, seeded scenario folders for demos, tests and benchmarks.

:func:`write_synthetic_hospital` writes a complete scenario folder (the format of
``CONTRACT.md``) for a hospital group of one tertiary main hospital and optional
branch, county and community sites. Everything is drawn from one seed through a
:class:`numpy.random.Generator` per table, so the same arguments always give the
same bytes, and the extended-hours variant of a hospital (``extended_hours=True``)
has exactly the same sites, rooms, doctors, leave and daily demand as the baseline:
only the opening hours and the evening-preferring demand rows differ.

How the hospital is built
-------------------------
1. Departments: the four highest-volume outpatient departments (internal medicine,
   paediatrics, obstetrics/prenatal care, dental) come first, the rest are sampled
   from :data:`DEPARTMENT_CATALOGUE`.
2. Doctors are apportioned to (site, department) cells by site and department volume
   weights (largest remainder, at least one doctor per cell); titles follow
   :data:`TITLE_MIX`; about :data:`SECOND_SITE_SHARE` of doctors (mostly experts) are
   also registered at a second site.
3. Rooms: each cell gets fewer dedicated rooms than doctors (about
   :data:`ROOMS_PER_DOCTOR`), and each site a few shared rooms with no department,
   so rooms bind at peak times.
4. Demand: for each cell the peak-day (Monday) forecast is a drawn share
   (:data:`PEAK_LOAD_BY_LEVEL`) of what the cell's daytime rooms can hold; other
   days follow :data:`WEEKDAY_DEMAND_FACTOR`, derived from a real appointment log.

Command line::

    python -m scheduler.synthetic OUT_DIR --doctors 60 --sites 2 --departments 6 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scheduler.model import EXPERT_TITLES

# --- calibration constants ---------------------------------------------------

#: Mean appointments per appointment date, Monday to Friday, in the "Medical
#: Appointment No Shows" log (J. Hoppen, 2016; ``KaggleV2-May-2016.csv``, 110,527
#: appointments in Vitoria, Brazil, 2016-04-29 to 2016-06-08, 27 dates): total
#: appointments on each weekday divided by the number of such dates in the log
#: (5, 6, 6, 4 and 5 dates). Per-date means, not raw counts, so that a weekday
#: that occurs more often in the window (or a public holiday) does not skew it.
APPOINTMENTS_PER_WEEKDAY_DATE = (4543.0, 4273.3, 4311.2, 4311.8, 3803.8)

#: Normalised weekday profile of that log: each weekday's share of a Monday-Friday
#: week (0.214, 0.201, 0.203, 0.203, 0.179). Monday is the peak, Friday the trough.
WEEKDAY_PROFILE = tuple(
    round(n / sum(APPOINTMENTS_PER_WEEKDAY_DATE), 4) for n in APPOINTMENTS_PER_WEEKDAY_DATE
)

#: Demand on Saturday and Sunday relative to a mean weekday. An assumption, not data:
#: the log has almost no weekend appointments (39 on one Saturday) because its clinics
#: were closed; Chinese outpatient departments that open at weekends see a fraction
#: of weekday volume. Sunday counts as a holiday's demand too.
WEEKEND_DEMAND_FACTOR = {"saturday": 0.25, "sunday": 0.10}

#: Demand relative to a mean weekday, Monday (index 0) to Sunday (index 6).
WEEKDAY_DEMAND_FACTOR = tuple(
    [round(5 * share, 4) for share in WEEKDAY_PROFILE]
    + [WEEKEND_DEMAND_FACTOR["saturday"], WEEKEND_DEMAND_FACTOR["sunday"]]
)

#: Doctor title mix (chief, associate chief, attending, resident).
TITLE_MIX = {"chief": 0.15, "associate_chief": 0.20, "attending": 0.40, "resident": 0.25}
SECOND_SITE_SHARE = 0.20  #: share of doctors also registered at a second site
EVENING_SHARE = 0.70  #: share of doctors who may hold evening sessions
WEEKEND_SHARE = 0.60  #: share of doctors who may hold weekend and holiday sessions
REDUCED_MAX_SHARE = 0.20  #: share with a personal cap of 6-8 sessions (part-time, ward duty)
CONTRACTED_MIN_SHARE = 0.15  #: share with a contracted minimum of 2-4 clinic sessions
ROOMS_PER_DOCTOR = (0.50, 0.65)  #: dedicated rooms per home doctor of a cell, drawn range
DEFAULT_MAX_SESSIONS = 9  #: rules default of scenario.yaml
#: Peak-day demand as a share of the daytime room capacity, drawn per (site,
#: department) from this range by site level: the tertiary hospital is over-subscribed,
#: branch and community sites less so.
PEAK_LOAD_BY_LEVEL = {
    "tertiary": (1.00, 1.10),
    "secondary": (0.95, 1.03),
    "county": (0.90, 1.00),
    "community": (0.90, 1.00),
}
#: Share of patients who need an expert clinic, drawn per (site, department), by level.
EXPERT_SHARE_BY_LEVEL = {
    "tertiary": (0.27, 0.33),
    "secondary": (0.20, 0.26),
    "county": (0.15, 0.20),
    "community": (0.10, 0.15),
}
#: Share of a weekday's demand that prefers the evening session (extended hours only).
EVENING_DEMAND_SHARE = (0.06, 0.12)
DAY_NOISE_SD = 0.06  #: day-to-day noise on demand, lognormal sigma [-]

HOSPITAL_NAME = "City General"
OUTPUT_FILES = (
    "scenario.yaml",
    "sites.csv",
    "travel.csv",
    "rooms.csv",
    "departments.csv",
    "doctors.csv",
    "availability.csv",
    "requests.csv",
    "demand.csv",
)


@dataclass(frozen=True)
class DepartmentSpec:
    """A real outpatient department and how it behaves in a synthetic hospital."""

    department: str  #: id used in every table
    code: str  #: short code for room ids
    consult_min: int  #: mean general-clinic consultation [min]
    expert_consult_min: int  #: mean expert-clinic consultation [min]
    volume_weight: float  #: relative outpatient volume [-]
    blocked_reason: str  #: why senior doctors' sessions are blocked (theatre, ward duty)
    blocked_share: float  #: share of non-resident doctors with a weekly blocked session
    evening_clinic: bool  #: patients commonly come after work or school
    followup_share: float  #: share of visits that are follow-ups [-]
    followup_booking_rate: float | None = None  #: departments.csv override; None = default


#: Real outpatient departments, highest volume first; the first four always appear.
#: Consultation minutes: general ~10-15, expert ~15-25 (Hangu clinic mean 13.4 min,
#: Feng et al. 2023), longer for dental, psychiatry, neurology and rehabilitation.
DEPARTMENT_CATALOGUE: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("internal_medicine", "IM", 12, 18, 1.6, "ward duty", 0.35, True, 0.30),
    DepartmentSpec("paediatrics", "PAED", 12, 18, 1.3, "ward duty", 0.30, True, 0.25),
    DepartmentSpec("obstetrics_prenatal", "OBS", 15, 20, 1.0, "theatre", 0.50, False, 0.60, 0.8),
    DepartmentSpec("dental", "DENT", 20, 25, 1.0, "oral surgery list", 0.30, True, 0.50, 0.8),
    DepartmentSpec("orthopaedics", "ORTH", 12, 20, 0.9, "theatre", 0.60, False, 0.35),
    DepartmentSpec("ophthalmology", "OPH", 12, 18, 0.8, "theatre", 0.50, True, 0.30),
    DepartmentSpec("dermatology", "DERM", 10, 15, 0.8, "ward duty", 0.15, True, 0.30),
    DepartmentSpec("ent", "ENT", 12, 18, 0.7, "theatre", 0.50, True, 0.30),
    DepartmentSpec("cardiology", "CARD", 13, 20, 0.8, "catheter lab", 0.40, False, 0.40),
    DepartmentSpec("gastroenterology", "GI", 13, 20, 0.8, "endoscopy list", 0.45, False, 0.30),
    DepartmentSpec("traditional_chinese_medicine", "TCM", 12, 20, 0.7, "ward duty", 0.15, True,
                   0.45),
    DepartmentSpec("endocrinology", "ENDO", 13, 20, 0.7, "ward duty", 0.30, False, 0.50),
    DepartmentSpec("respiratory", "RESP", 12, 18, 0.7, "bronchoscopy list", 0.30, False, 0.30),
    DepartmentSpec("general_surgery", "GS", 12, 18, 0.7, "theatre", 0.60, False, 0.30),
    DepartmentSpec("neurology", "NEUR", 15, 22, 0.6, "ward duty", 0.30, False, 0.35),
    DepartmentSpec("urology", "URO", 12, 18, 0.5, "theatre", 0.55, False, 0.30),
    DepartmentSpec("oncology", "ONC", 15, 25, 0.5, "ward duty", 0.35, False, 0.60),
    DepartmentSpec("nephrology", "NEPH", 13, 20, 0.4, "dialysis ward round", 0.35, False, 0.55),
    DepartmentSpec("psychiatry", "PSY", 18, 25, 0.4, "ward duty", 0.25, True, 0.55),
    DepartmentSpec("rehabilitation", "REHAB", 15, 20, 0.4, "ward duty", 0.20, False, 0.60),
)
_CORE_DEPARTMENTS = 4


@dataclass(frozen=True)
class SiteSpec:
    """A site of the hospital group, in order of the ``sites`` argument."""

    name: str
    level: str  #: tertiary, secondary, county or community
    doctor_weight: float  #: relative share of the doctors [-]


#: Site 1 is the tertiary main hospital, site 2 a secondary branch, then county and
#: community partners.
SITE_CATALOGUE: tuple[SiteSpec, ...] = (
    SiteSpec("City General Hospital main campus", "tertiary", 1.00),
    SiteSpec("City General East Branch", "secondary", 0.55),
    SiteSpec("Riverside Community Health Centre", "community", 0.35),
    SiteSpec("Qingshan County People's Hospital", "county", 0.35),
    SiteSpec("Xinhua Community Health Centre", "community", 0.30),
    SiteSpec("Baiyun County Hospital", "county", 0.30),
)

_SURNAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun",
    "Ma", "Zhu", "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng", "Liang", "Xie", "Song",
    "Tang", "Han", "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong", "Pan", "Yuan",
)
_GIVEN_NAMES = (
    "Wei", "Fang", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yong", "Yan", "Jie",
    "Juan", "Tao", "Ming", "Chao", "Xiuying", "Xia", "Ping", "Gang", "Hui", "Hong", "Lin",
    "Ling", "Yun", "Bin", "Hao", "Xin", "Yu", "Zhiqiang", "Haiyan", "Guihua", "Jianhua",
    "Xiaoming", "Lijuan", "Wenjun", "Ying", "Shu", "Na", "Kai",
)
_DAY_OFF_REASONS = ("annual leave", "sick leave", "conference", "training course")

# sessions of scenario.yaml: id, start, end, evening
_SESSIONS = (("AM", "08:00", "12:00", False), ("PM", "13:30", "17:30", False),
             ("EVE", "18:00", "21:00", True))
_DAY_SESSION_MIN = 240  #: length of the AM and PM sessions [min]


# --- the planner's options --------------------------------------------------------


@dataclass(frozen=True)
class PlannerOptions:
    """Planner options a generated scenario.yaml may carry; none changes a drawn table.

    ``weekend_clinics`` opens Saturday afternoon and Sunday morning (no evenings);
    ``holidays`` is a country code for the public-holiday calendar (``CN``);
    ``partner_sessions`` asks the first county site (else the last site) to receive
    that many sessions per week from doctors based at the main campus ``S1``, and
    registers ``partner_doctors`` of S1's experts there (one per department in turn,
    lowest id first) on top of any drawn second sites;
    ``max_site_changes`` limits moves between sites per doctor per week;
    ``joint_clinics`` adds that many joint clinics at ``S1``, each pairing two
    neighbouring departments of the list, once a week;
    ``no_release`` keeps held follow-up slots held (``simulation.booking.release_horizon_h:
    null``) instead of releasing them to booking 24 h ahead;
    ``payment`` and ``registration`` set the visit flow's ``simulation.payment``
    (``settle_at_end``: treat first, settle later) and ``simulation.registration``
    (``self_service``, ``mobile``).
    """

    weekend_clinics: bool = False
    holidays: str | None = None
    partner_sessions: int | None = None
    partner_doctors: int = 5
    max_site_changes: int | None = None
    joint_clinics: int = 0
    no_release: bool = False
    payment: str | None = None
    registration: str | None = None

    def variant(self) -> str:
        """Words for the default scenario name."""
        parts = ["weekend clinics"] * self.weekend_clinics
        if self.partner_sessions is not None:
            parts.append(f"county partner support {self.partner_sessions} sessions/week")
        if self.joint_clinics:
            parts.append(f"{self.joint_clinics} joint clinic{'s' * (self.joint_clinics > 1)}")
        parts += ["held slots never released"] * self.no_release
        parts += ["treat first, settle later"] * (self.payment == "settle_at_end")
        if self.registration is not None:
            parts.append(f"{self.registration.replace('_', '-')} registration")
        return ", ".join(parts) or "baseline"

    @staticmethod
    def partner_site(site_ids: list[str], site_specs: dict) -> str:
        """The supported site: the first county site, else the last one."""
        return next((s for s in site_ids[1:] if site_specs[s].level == "county"), site_ids[-1])

    def register_partners(self, doctor_rows: list[list[str]], site_ids: list[str], site_specs: dict) -> None:
        """Register ``partner_doctors`` of S1's experts at the partner site (doctors.csv rows)."""
        if self.partner_sessions is None or len(site_ids) < 2:
            return
        partner = self.partner_site(site_ids, site_specs)
        by_department: dict[str, list[list[str]]] = {}
        for row in doctor_rows:
            sites = row[4].split(";")
            if sites[0] == site_ids[0] and row[3] in EXPERT_TITLES and partner not in sites:
                by_department.setdefault(row[2], []).append(row)
        chosen = 0
        while chosen < self.partner_doctors and any(by_department.values()):
            for rows in by_department.values():
                if rows and chosen < self.partner_doctors:
                    row = rows.pop(0)
                    row[4] += f";{partner}"
                    chosen += 1

    def yaml_lines(self, site_ids: list[str], site_specs: dict, departments: list[str]) -> str:
        """Lines appended to scenario.yaml (empty for no options)."""
        lines = []
        if self.partner_sessions is not None:
            partner = self.partner_site(site_ids, site_specs)
            lines += [
                "partner_support:",
                f"  - {{site: {partner}, from_home_site: {site_ids[0]}, "
                f"min_sessions_per_week: {self.partner_sessions}}}",
            ]
        if self.joint_clinics:
            lines.append("joint_clinics:")
            for k in range(self.joint_clinics):
                pair = departments[k % len(departments)], departments[(k + 1) % len(departments)]
                lines.append(f'  - {{name: "{_title(pair[0])} + {_title(pair[1])} joint clinic", '
                             f"departments: [{pair[0]}, {pair[1]}], site: {site_ids[0]}, sessions_per_week: 1}}")
        return "".join(f"{line}\n" for line in lines)

    def edit_yaml(self, text: str) -> str:
        """Opening, holidays and rules of the options in a generated scenario.yaml."""
        if self.weekend_clinics:
            text = text.replace("  saturday: [AM]\n  sunday:   []\n", "  saturday: [AM, PM]\n  sunday:   [AM]\n")
        if self.holidays:
            text = text.replace("holidays: []\n", f"holidays: [{self.holidays}]\n")
        if self.max_site_changes is not None:
            text = text.replace("  rest_after_evening: true\n", "  rest_after_evening: true\n"
                                f"  max_site_changes_per_week: {self.max_site_changes}\n")
        if self.no_release:
            text = text.replace("simulation: {replications: 20, seed: 1}\n",
                                "simulation: {replications: 20, seed: 1, booking: {release_horizon_h: null}}\n")
        flow = [f"{key}: {value}" for key, value in (("payment", self.payment), ("registration", self.registration))
                if value is not None]
        if flow:
            text = text.replace("simulation: {replications: 20, seed: 1",
                                "simulation: {replications: 20, seed: 1, " + ", ".join(flow), 1)
        return text


def _title(department: str) -> str:
    return department.replace("_", " ").capitalize()


# --- public API ----------------------------------------------------------------


def build_synthetic_hospital(
    *,
    doctors: int = 60,
    sites: int = 2,
    departments: int = 6,
    days: int = 7,
    start_date: dt.date = dt.date(2026, 11, 30),
    seed: int = 1,
    name: str | None = None,
    extended_hours: bool = False,
    options: PlannerOptions | None = None,
) -> dict[str, str]:
    """The files of a synthetic scenario folder, as text, without touching the disk.

    Parameters
    ----------
    doctors
        Number of doctors (at least one per site and department).
    sites
        Number of sites, 1 to ``len(SITE_CATALOGUE)``: site 1 tertiary main hospital,
        site 2 secondary branch, then community and county partners.
    departments
        Number of outpatient departments, 1 to ``len(DEPARTMENT_CATALOGUE)``.
    days
        Horizon length [days].
    start_date
        First day of the horizon (the default 2026-11-30 is a Monday).
    seed
        Seed of every random draw: the same arguments give the same bytes.
    name
        Scenario name for scenario.yaml; None = a descriptive default.
    extended_hours
        Open evenings on weekdays, Saturday afternoon and Sunday morning, and add
        evening-preferring demand rows; the hospital is otherwise identical to the
        baseline of the same seed.
    options
        The planner's options (:class:`PlannerOptions`: weekend clinics, holiday
        calendar, partner support, site-change limit, joint clinics); they change
        scenario.yaml only, so the hospital is the baseline's of the same seed.

    Returns
    -------
    dict
        File name (one of :data:`OUTPUT_FILES`) -> file content (UTF-8 text, ``\\n``
        line ends).
    """
    _check_arguments(doctors, sites, departments, days, seed)
    options = options or PlannerOptions()
    hospital = _Hospital(doctors, sites, departments, days, start_date, seed, extended_hours)
    options.register_partners(hospital.doctor_rows, hospital.site_ids, hospital.site_specs)
    if name is None:
        variant = "extended hours" if extended_hours else options.variant()
        name = f"{HOSPITAL_NAME}, {variant}, {doctors} doctors, {days} days from {start_date}"
    return {
        "scenario.yaml": options.edit_yaml(_scenario_yaml(name, start_date, days, extended_hours))
        + options.yaml_lines(hospital.site_ids, hospital.site_specs, [d.department for d in hospital.departments]),
        "sites.csv": _csv(["site_id", "name", "level"], hospital.site_rows),
        "travel.csv": _csv(["from_site", "to_site", "minutes"], hospital.travel_rows),
        "rooms.csv": _csv(["site_id", "room_id", "department"], hospital.room_rows),
        "departments.csv": _csv(
            ["department", "consult_min", "expert_consult_min", "followup_booking_rate"],
            hospital.department_rows,
        ),
        "doctors.csv": _csv(
            ["doctor_id", "name", "department", "title", "sites", "max_sessions_per_week",
             "evening", "weekend", "min_sessions_per_week"],
            hospital.doctor_rows,
        ),
        "availability.csv": _csv(
            ["doctor_id", "date", "session", "reason"], hospital.availability_rows
        ),
        "requests.csv": _csv(["doctor_id", "date", "session", "request"], hospital.request_rows),
        "demand.csv": _csv(
            ["date", "site_id", "department", "session", "patients", "expert_share",
             "followup_share"],
            hospital.demand_rows,
        ),
    }


def write_synthetic_hospital(out_dir: Path, **spec: Any) -> Path:
    """Write a complete, realistic scenario folder for a synthetic hospital group.

    Parameters
    ----------
    out_dir
        Folder to write into; created if missing. It must be empty or hold only files
        this function writes (:data:`OUTPUT_FILES`), which are then replaced: any other
        file or folder in it makes the call fail before anything is written.
    **spec
        The hospital: the keyword arguments of :func:`build_synthetic_hospital`.

    Returns
    -------
    Path
        ``out_dir``.

    Raises
    ------
    FileExistsError
        ``out_dir`` holds files or folders this function does not write, or is a file.
    ValueError
        An argument is out of range.
    """
    files = build_synthetic_hospital(**spec)
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for file_name, text in files.items():
        (out_dir / file_name).write_bytes(text.encode("utf-8"))
    return out_dir


# --- checks --------------------------------------------------------------------


def _check_arguments(doctors: int, sites: int, departments: int, days: int, seed: int) -> None:
    if not 1 <= sites <= len(SITE_CATALOGUE):
        raise ValueError(f"sites must be between 1 and {len(SITE_CATALOGUE)}, got {sites}")
    if not 1 <= departments <= len(DEPARTMENT_CATALOGUE):
        raise ValueError(
            f"departments must be between 1 and {len(DEPARTMENT_CATALOGUE)}, got {departments}"
        )
    if doctors < sites * departments:
        raise ValueError(
            f"doctors must be at least sites x departments = {sites * departments} "
            f"(one per site and department), got {doctors}"
        )
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")


def _check_out_dir(out_dir: Path) -> None:
    """Refuse a folder that holds anything this generator would not write."""
    if out_dir.exists() and not out_dir.is_dir():
        raise FileExistsError(f"{out_dir} is a file, expected a folder for the scenario")
    if not out_dir.exists():
        return
    foreign = sorted(p.name for p in out_dir.iterdir() if p.name not in OUTPUT_FILES or p.is_dir())
    if foreign:
        raise FileExistsError(
            f"{out_dir} already holds files the generator does not write "
            f"({', '.join(foreign)}); choose an empty or new folder"
        )


# --- the hospital ----------------------------------------------------------------


@dataclass
class _DoctorDraft:
    doctor_id: str
    name: str
    spec: DepartmentSpec
    title: str
    sites: list[str]
    max_sessions: int | None
    evening: bool
    weekend: bool
    min_sessions: int | None = None


class _Hospital:
    """Draws every table of one synthetic hospital; rows are lists of cell texts."""

    def __init__(
        self, n_doctors: int, n_sites: int, n_departments: int, days: int,
        start_date: dt.date, seed: int, extended_hours: bool,
    ) -> None:
        streams = np.random.SeedSequence(seed).spawn(8)
        self.rng = {
            key: np.random.default_rng(s)
            for key, s in zip(
                ("departments", "sites", "doctors", "rooms", "availability", "requests",
                 "demand", "evening"),
                streams,
                strict=True,
            )
        }
        self.dates = [start_date + dt.timedelta(days=i) for i in range(days)]
        self.extended_hours = extended_hours
        self.site_ids = [f"S{i + 1}" for i in range(n_sites)]
        self.site_specs = dict(
            zip(self.site_ids, SITE_CATALOGUE[: len(self.site_ids)], strict=True)
        )
        self.departments = self._draw_departments(n_departments)
        self.site_rows, self.travel_rows = self._draw_sites()
        self.doctors = self._draw_doctors(n_doctors)
        self.room_rows, self.rooms_per_cell = self._draw_rooms()
        self.availability_rows, self._blocked = self._draw_availability()
        self._draw_contracted_minimums()
        self.request_rows = self._draw_requests()
        self.demand_rows = self._draw_demand()
        self.department_rows = [
            [d.department, str(d.consult_min), str(d.expert_consult_min),
             _fmt_share(d.followup_booking_rate)]
            for d in self.departments
        ]
        self.doctor_rows = [
            [d.doctor_id, d.name, d.spec.department, d.title, ";".join(d.sites),
             _fmt_int(d.max_sessions), _yes_no(d.evening), _yes_no(d.weekend),
             _fmt_int(d.min_sessions)]
            for d in self.doctors
        ]

    # departments and sites
    def _draw_departments(self, n: int) -> list[DepartmentSpec]:
        core = list(DEPARTMENT_CATALOGUE[: min(n, _CORE_DEPARTMENTS)])
        rest = DEPARTMENT_CATALOGUE[_CORE_DEPARTMENTS:]
        extra = n - len(core)
        picked = sorted(self.rng["departments"].choice(len(rest), size=extra, replace=False))
        return core + [rest[i] for i in picked]

    def _draw_sites(self) -> tuple[list[list[str]], list[list[str]]]:
        rng = self.rng["sites"]
        site_rows = [[s, self.site_specs[s].name, self.site_specs[s].level] for s in self.site_ids]
        travel_rows = []
        for i, a in enumerate(self.site_ids):
            for b in self.site_ids[i + 1:]:
                low, high = (20, 40) if a == "S1" and b == "S2" else (30, 60)
                minutes = 5 * int(rng.integers(low // 5, high // 5 + 1))
                travel_rows.append([a, b, str(minutes)])
        return site_rows, travel_rows

    # doctors
    def _draw_doctors(self, n_doctors: int) -> list[_DoctorDraft]:
        rng = self.rng["doctors"]
        cells = [(s, d) for s in self.site_ids for d in self.departments]
        weights = np.array(
            [self.site_specs[s].doctor_weight * d.volume_weight for s, d in cells]
        ) * rng.uniform(0.85, 1.15, size=len(cells))
        per_cell = _apportion(n_doctors, weights, minimum=2 if n_doctors >= 2 * len(cells) else 1)
        title_counts = _apportion(n_doctors, np.array(list(TITLE_MIX.values())), minimum=0)
        titles = [t for t, count in zip(TITLE_MIX, title_counts, strict=True) for _ in range(count)]
        titles = [titles[i] for i in rng.permutation(n_doctors)]
        _spread_experts(titles, per_cell)
        names = _draw_names(rng, n_doctors)
        width = max(3, len(str(n_doctors)))
        evening = set(rng.permutation(n_doctors)[: round(EVENING_SHARE * n_doctors)].tolist())
        weekend = set(rng.permutation(n_doctors)[: round(WEEKEND_SHARE * n_doctors)].tolist())
        drafts: list[_DoctorDraft] = []
        for (site, spec), count in zip(cells, per_cell, strict=True):
            for _ in range(count):
                i = len(drafts)
                title = titles[i]
                reduced = rng.random() < (REDUCED_MAX_SHARE * (1.5 if title == "chief" else 1.0))
                drafts.append(_DoctorDraft(
                    doctor_id=f"D{i + 1:0{width}d}",
                    name=names[i],
                    spec=spec,
                    title=title,
                    sites=[site],
                    max_sessions=int(rng.integers(6, 9)) if reduced else None,
                    evening=i in evening,
                    weekend=i in weekend,
                ))
        self._ensure_cover(drafts)
        self._draw_second_sites(rng, drafts)
        return drafts

    @staticmethod
    def _ensure_cover(drafts: list[_DoctorDraft]) -> None:
        """Every cell with two or more doctors has someone for evenings and weekends."""
        cells: dict[tuple[str, str], list[_DoctorDraft]] = {}
        for d in drafts:
            cells.setdefault((d.sites[0], d.spec.department), []).append(d)
        juniors_first = {"resident": 0, "attending": 1, "associate_chief": 2, "chief": 3}
        for members in cells.values():
            if len(members) < 2:
                continue
            ordered = sorted(members, key=lambda d: (juniors_first[d.title], d.doctor_id))
            if not any(d.evening for d in members):
                ordered[0].evening = True
            if not any(d.weekend for d in members):
                ordered[0].weekend = True

    def _draw_second_sites(self, rng: np.random.Generator, drafts: list[_DoctorDraft]) -> None:
        """About a fifth of the doctors, mostly experts, also practise at another site."""
        if len(self.site_ids) < 2:
            return
        count = round(SECOND_SITE_SHARE * len(drafts))
        weights = np.array([3.0 if d.title in EXPERT_TITLES else 1.0
                            for d in drafts])
        chosen = rng.choice(len(drafts), size=count, replace=False, p=weights / weights.sum())
        for i in sorted(chosen):
            home = drafts[i].sites[0]
            others = [s for s in self.site_ids if s != home]
            # branch staff mostly rotate to the main campus; main staff to any partner
            w = np.array([self.site_specs[s].doctor_weight for s in others])
            drafts[i].sites.append(others[int(rng.choice(len(others), p=w / w.sum()))])

    # rooms
    def _draw_rooms(self) -> tuple[list[list[str]], dict[tuple[str, str], float]]:
        """Dedicated rooms per cell (fewer than its doctors) plus shared rooms per site.

        Returns the rows and each cell's effective rooms: dedicated plus its share of
        the site's shared rooms (in proportion to dedicated rooms).
        """
        rng = self.rng["rooms"]
        home_count: dict[tuple[str, str], int] = {}
        for d in self.doctors:
            key = (d.sites[0], d.spec.department)
            home_count[key] = home_count.get(key, 0) + 1
        rows: list[list[str]] = []
        effective: dict[tuple[str, str], float] = {}
        for site in self.site_ids:
            dedicated: dict[str, int] = {}
            for spec in self.departments:
                n = home_count[(site, spec.department)]
                ratio = rng.uniform(*ROOMS_PER_DOCTOR)
                dedicated[spec.department] = max(1, min(n - 1, round(n * ratio)))
                for k in range(dedicated[spec.department]):
                    rows.append([site, f"{site}-{spec.code}-{k + 1:02d}", spec.department])
            site_doctors = sum(home_count[(site, s.department)] for s in self.departments)
            shared = 1 + site_doctors // 25
            for k in range(shared):
                rows.append([site, f"{site}-SHARED-{k + 1:02d}", ""])
            total = sum(dedicated.values())
            for dept, r in dedicated.items():
                effective[(site, dept)] = r + shared * r / total
        return rows, effective

    # availability and requests
    def _weekdays(self) -> list[dt.date]:
        return [d for d in self.dates if d.weekday() < 5]

    def _draw_availability(
        self,
    ) -> tuple[list[list[str]], dict[str, set[tuple[dt.date, str | None]]]]:
        """Leave days, and weekly theatre / ward-duty sessions of senior doctors."""
        rng = self.rng["availability"]
        weekdays = self._weekdays()
        blocked: dict[str, set[tuple[dt.date, str | None]]] = {d.doctor_id: set()
                                                                for d in self.doctors}
        reasons: dict[tuple[str, dt.date, str | None], str] = {}

        def block(doctor_id: str, date: dt.date, session: str | None, reason: str) -> None:
            taken = blocked[doctor_id]
            if (date, None) in taken or (session is not None and (date, session) in taken):
                return
            if session is None:  # a whole day replaces that day's single sessions
                for s in ("AM", "PM", "EVE"):
                    if (date, s) in taken:
                        taken.discard((date, s))
                        del reasons[(doctor_id, date, s)]
            taken.add((date, session))
            reasons[(doctor_id, date, session)] = reason

        if weekdays:
            n = len(self.doctors)
            order = rng.permutation(n)
            n_long = max(1, round(0.03 * n))
            n_day = max(1, round(0.06 * n))
            for i in order[:n_long]:  # annual leave of 2-3 consecutive weekdays
                length = int(rng.integers(2, 4))
                first = int(rng.integers(0, max(1, len(weekdays) - length + 1)))
                for date in weekdays[first:first + length]:
                    block(self.doctors[i].doctor_id, date, None, "annual leave")
            for i in order[n_long:n_long + n_day]:  # a single day away
                date = weekdays[int(rng.integers(len(weekdays)))]
                reason = _DAY_OFF_REASONS[int(rng.integers(len(_DAY_OFF_REASONS)))]
                block(self.doctors[i].doctor_id, date, None, reason)
            for d in self.doctors:  # weekly theatre lists, ward duty, procedure lists
                if d.title == "resident":
                    if rng.random() < 0.20:  # rest day after a night shift on the ward
                        date = weekdays[int(rng.integers(len(weekdays)))]
                        block(d.doctor_id, date, None, "rest after night shift")
                    continue
                if rng.random() >= d.spec.blocked_share:
                    continue
                weekday = int(rng.integers(0, 5))
                session = "AM" if rng.random() < 0.7 else "PM"
                for date in weekdays:
                    if date.weekday() == weekday:
                        block(d.doctor_id, date, session, d.spec.blocked_reason)
        session_order = {None: 0, "AM": 1, "PM": 2, "EVE": 3}
        rows = [
            [doctor_id, date.isoformat(), session or "", reason]
            for (doctor_id, date, session), reason in sorted(
                reasons.items(), key=lambda kv: (kv[0][0], kv[0][1], session_order[kv[0][2]])
            )
        ]
        return rows, blocked

    def _baseline_open(self, date: dt.date) -> tuple[str, ...]:
        """Sessions open on ``date`` in the baseline opening (the tighter one)."""
        return {5: ("AM",), 6: ()}.get(date.weekday(), ("AM", "PM"))

    def _can_work(self, d: _DoctorDraft, date: dt.date, session: str) -> bool:
        if date.weekday() >= 5 and not d.weekend:
            return False
        taken = self._blocked[d.doctor_id]
        return (date, None) not in taken and (date, session) not in taken

    def _draw_contracted_minimums(self) -> None:
        """Contracted minimum clinic sessions (2-4), only where they are surely feasible.

        Feasible: at most half the doctor's own free baseline sessions, at most the
        personal cap, and the contracted sessions of a cell's home doctors fill at most
        half of its dedicated room-sessions on weekdays.
        """
        rng = self.rng["doctors"]
        if len(self.dates) < 7:
            return
        room_sessions: dict[tuple[str, str], float] = {
            cell: 2 * int(r) * len(self._weekdays()) for cell, r in self.rooms_per_cell.items()
        }
        used: dict[tuple[str, str], int] = {}
        for d in self.doctors:
            if rng.random() >= CONTRACTED_MIN_SHARE:
                continue
            wanted = int(rng.integers(2, 5))
            free = sum(self._can_work(d, date, s) for date in self.dates[:7]
                       for s in self._baseline_open(date))
            cap = d.max_sessions or DEFAULT_MAX_SESSIONS
            cell = (d.sites[0], d.spec.department)
            room_room = room_sessions[cell] / 2 - used.get(cell, 0)
            value = min(wanted, free // 2, cap, int(room_room))
            if value >= 2:
                d.min_sessions = value
                used[cell] = used.get(cell, 0) + value

    def _draw_requests(self) -> list[list[str]]:
        """A few doctors' wishes: a day or session off, or a session they want to work."""
        rng = self.rng["requests"]
        rows: list[tuple[str, dt.date, str, str]] = []
        for d in self.doctors:
            if rng.random() >= 0.12:
                continue
            options = [(date, s) for date in self.dates for s in self._baseline_open(date)
                       if self._can_work(d, date, s)]
            if not options:
                continue
            date, session = options[int(rng.integers(len(options)))]
            kind = rng.random()
            if kind < 0.4:
                rows.append((d.doctor_id, date, "", "off"))
            elif kind < 0.75:
                rows.append((d.doctor_id, date, session, "off"))
            else:
                rows.append((d.doctor_id, date, session, "on"))
        return [[doc, date.isoformat(), session, request]
                for doc, date, session, request in rows]

    # demand
    def _draw_demand(self) -> list[list[str]]:
        """Daily demand per site and department, peaking on Monday.

        Peak-day demand = drawn load x daytime room capacity (two day sessions of the
        cell's effective rooms, each holding ``1 / ((1-e)/slots_general + e/slots_expert)``
        patients for expert share ``e``); other days scale by
        :data:`WEEKDAY_DEMAND_FACTOR` relative to Monday, with lognormal noise.
        """
        rng = self.rng["demand"]
        eve_rng = self.rng["evening"]
        experts_at = {
            (site, d.spec.department)
            for d in self.doctors if d.title in EXPERT_TITLES for site in d.sites
        }
        rows: list[list[str]] = []
        cell_params = {}
        for site in self.site_ids:
            level = self.site_specs[site].level
            for spec in self.departments:
                load = rng.uniform(*PEAK_LOAD_BY_LEVEL[level])
                expert = (round(rng.uniform(*EXPERT_SHARE_BY_LEVEL[level]), 2)
                          if (site, spec.department) in experts_at else 0.0)
                followup = round(float(np.clip(spec.followup_share + rng.normal(0, 0.03),
                                               0.0, 1.0)), 2)
                per_session = capacity_per_session(spec, expert)
                peak = load * 2 * self.rooms_per_cell[(site, spec.department)] * per_session
                evening_share = eve_rng.uniform(*EVENING_DEMAND_SHARE)
                cell_params[(site, spec.department)] = (peak, expert, followup, evening_share)
        for date in self.dates:
            factor = WEEKDAY_DEMAND_FACTOR[date.weekday()] / WEEKDAY_DEMAND_FACTOR[0]
            for site in self.site_ids:
                level = self.site_specs[site].level
                for spec in self.departments:
                    peak, expert, followup, evening_share = cell_params[(site, spec.department)]
                    noise = float(rng.lognormal(0.0, DAY_NOISE_SD))
                    patients = int(round(peak * factor * noise))
                    evening = 0
                    if (self.extended_hours and spec.evening_clinic and date.weekday() < 5
                            and level in ("tertiary", "secondary")):
                        evening = int(round(patients * evening_share))
                    base = [date.isoformat(), site, spec.department]
                    shares = [_fmt_share(expert), _fmt_share(followup)]
                    if patients - evening > 0:
                        rows.append(base + ["", str(patients - evening)] + shares)
                    if evening > 0:
                        rows.append(base + ["EVE", str(evening)] + shares)
        return rows


def capacity_per_session(spec: DepartmentSpec, expert_share: float,
                         session_min: int = _DAY_SESSION_MIN) -> float:
    """Patients one room-session holds when clinics match the expert share [patients].

    With ``s_g`` general and ``s_e`` expert slots per session (whole consultations,
    as :func:`scheduler.slots.session_slots` counts them), sessions split so that a
    share ``e`` of the patients are seen in expert clinics hold
    ``1 / ((1 - e) / s_g + e / s_e)`` patients each.
    """
    general = math.floor(session_min / spec.consult_min + 1e-9)
    expert = math.floor(session_min / spec.expert_consult_min + 1e-9)
    return 1.0 / ((1.0 - expert_share) / general + expert_share / expert)


# --- helpers -------------------------------------------------------------------------


def _apportion(total: int, weights: np.ndarray, minimum: int) -> list[int]:
    """Split ``total`` in proportion to ``weights``, each part at least ``minimum``.

    Largest-remainder method (ties go to the earlier part); then each part below the
    minimum takes one from the currently largest part (earliest on ties) until all
    reach it, so the split stays proportional where it can and is deterministic.
    """
    n = len(weights)
    if total < minimum * n:
        raise ValueError(f"cannot give {n} parts at least {minimum} each out of {total}")
    quotas = total * weights / weights.sum()
    counts = [int(q) for q in np.floor(quotas)]
    remainders = quotas - np.floor(quotas)
    for i in sorted(range(n), key=lambda i: (-remainders[i], i))[: total - sum(counts)]:
        counts[i] += 1
    for i in range(n):
        while counts[i] < minimum:
            donor = max(range(n), key=lambda j: (counts[j], -j))
            counts[donor] -= 1
            counts[i] += 1
    return counts


def _spread_experts(titles: list[str], per_cell: Sequence[int]) -> None:
    """Swap titles so that every cell of three or more doctors has an expert.

    ``titles`` lists the doctors cell by cell (``per_cell`` doctors each); a cell
    without a chief or associate chief swaps its first non-expert with an expert of
    the cell that has the most experts (if it can spare one). Title counts are kept.
    """
    bounds = np.cumsum([0, *per_cell])
    cells = [range(int(bounds[k]), int(bounds[k + 1])) for k in range(len(per_cell))]

    def experts(cell: range) -> list[int]:
        return [i for i in cell if titles[i] in EXPERT_TITLES]

    for cell in cells:
        if len(cell) < 3 or experts(cell):
            continue
        donor = max(cells, key=lambda c: (len(experts(c)), -c.start))
        if len(experts(donor)) < 2:
            return
        give, take = experts(donor)[-1], cell.start
        titles[give], titles[take] = titles[take], titles[give]


def _draw_names(rng: np.random.Generator, n: int) -> list[str]:
    """Pinyin names, surname first, distinct while the name list lasts."""
    pool = len(_SURNAMES) * len(_GIVEN_NAMES)
    picks = rng.permutation(pool)[:n] if n <= pool else rng.integers(0, pool, size=n)
    return [f"{_SURNAMES[k // len(_GIVEN_NAMES)]} {_GIVEN_NAMES[k % len(_GIVEN_NAMES)]}"
            for k in picks]


def _scenario_yaml(name: str, start_date: dt.date, days: int, extended_hours: bool) -> str:
    sessions = "\n".join(
        f'  - {{id: {sid}, start: "{start}", end: "{end}"'
        + (", evening: true}" if evening else "}")
        for sid, start, end, evening in _SESSIONS
    )
    if extended_hours:
        opening = ("  weekday:  [AM, PM, EVE]\n  saturday: [AM, PM]\n  sunday:   [AM]\n"
                   "  holiday:  []")
    else:
        opening = "  weekday:  [AM, PM]\n  saturday: [AM]\n  sunday:   []\n  holiday:  []"
    return (
        f"# Synthetic hospital written by scheduler.synthetic; edit freely.\n"
        f"name: {json.dumps(name)}\n"
        f"start_date: {start_date.isoformat()}\n"
        f"days: {days}\n"
        f"sessions:\n{sessions}\n"
        f"opening:\n{opening}\n"
        f"holidays: []\n"
        f"rules:\n"
        f"  max_sessions_per_week: {DEFAULT_MAX_SESSIONS}\n"
        f"  rest_after_evening: true\n"
        f"targets:\n"
        f"  booking_window_days: 7\n"
        f"  booking_window_share: 0.9\n"
        f"  general_booking_open_share: 1.0\n"
        f"  expert_booking_open_share: 0.5\n"
        f"  followup_booking_rate: 0.6\n"
        f"  mean_wait_min: 30\n"
        f"  p90_wait_min: 60\n"
        f"solver: {{time_limit_s: 30, seed: 1, workers: 2}}\n"
        f"simulation: {{replications: 20, seed: 1}}\n"
    )


def _csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _fmt_share(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _fmt_int(value: int | None) -> str:
    return "" if value is None else str(value)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


# --- command line ---------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m scheduler.synthetic OUT_DIR [options]``; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m scheduler.synthetic",
        description="Write a synthetic hospital scenario folder (deterministic from the seed).",
    )
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR",
                        help="folder to write (new, empty, or holding only generated files)")
    parser.add_argument("--doctors", type=int, default=60, help="number of doctors (60)")
    parser.add_argument("--sites", type=int, default=2, help="number of sites (2)")
    parser.add_argument("--departments", type=int, default=6, help="number of departments (6)")
    parser.add_argument("--days", type=int, default=7, help="horizon length in days (7)")
    parser.add_argument("--start-date", type=dt.date.fromisoformat, default=dt.date(2026, 11, 30),
                        help="first day, YYYY-MM-DD (2026-11-30)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--name", default=None, help="scenario name (a descriptive default)")
    parser.add_argument("--extended-hours", action="store_true",
                        help="open evenings, Saturday afternoon and Sunday morning")
    parser.add_argument("--weekend-clinics", action="store_true",
                        help="open Saturday afternoon and Sunday morning (no evenings)")
    parser.add_argument("--holidays", default=None, metavar="COUNTRY",
                        help="public-holiday calendar of a country, e.g. CN")
    parser.add_argument("--partner-sessions", type=int, default=None, metavar="K",
                        help="the county site receives at least K sessions/week from S1's doctors")
    parser.add_argument("--partner-doctors", type=int, default=5, metavar="N",
                        help="S1 experts registered at the county site with --partner-sessions (5)")
    parser.add_argument("--max-site-changes", type=int, default=None, metavar="N",
                        help="at most N moves between sites per doctor per week")
    parser.add_argument("--joint-clinics", type=int, default=0, metavar="N",
                        help="N weekly joint clinics of two departments at S1")
    parser.add_argument("--no-release", action="store_true",
                        help="never release held follow-up slots to booking (a static hold)")
    parser.add_argument("--payment", choices=("pay_each_step", "settle_at_end"), default=None,
                        help="how patients pay: at each step or once at the end (treat first, settle later)")
    parser.add_argument("--registration", choices=("desk", "self_service", "mobile"), default=None,
                        help="registration at desks, self-service kiosks or on the phone")
    args = parser.parse_args(argv)
    options = PlannerOptions(
        weekend_clinics=args.weekend_clinics, holidays=args.holidays,
        partner_sessions=args.partner_sessions, partner_doctors=args.partner_doctors,
        max_site_changes=args.max_site_changes,
        joint_clinics=args.joint_clinics, no_release=args.no_release,
        payment=args.payment, registration=args.registration,
    )
    try:
        out = write_synthetic_hospital(
            args.out_dir, doctors=args.doctors, sites=args.sites,
            departments=args.departments, days=args.days, start_date=args.start_date,
            seed=args.seed, name=args.name, extended_hours=args.extended_hours, options=options,
        )
    except (FileExistsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
