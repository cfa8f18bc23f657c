"""Hand-built scenarios and rosters for the simulator's tests: :mod:`builders` with the simulator's defaults.

A simulator test scenario (:func:`make_scenario`) is one day from :data:`MONDAY`
by default, with sessions ``AM`` and ``PM`` open every day, sites named by their
ids with :data:`ROOMS_PER_SITE` rooms any department may use and no travel
entries, department ``MED`` only, no doctors unless given, and the basic visit
flow (:func:`basic_flow`). :func:`assert_same_results` checks that two
simulations agree to the last bit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import builders
import pandas as pd
from builders import AM, MONDAY, PM

from scheduler.handbuilt import open_every_day
from scheduler.model import (
    Assignment,
    DemandForecast,
    Department,
    Doctor,
    Room,
    Roster,
    Scenario,
    SessionTemplate,
    SimulationSettings,
    Site,
    Targets,
)
from scheduler.sim import SimulationResult

__all__ = ["AM", "BASIC_FLOW", "DATA_DIR", "MONDAY", "PM", "ROOMS_PER_SITE", "assert_same_results", "assignment",
           "basic_flow", "big_week", "doctor", "make_scenario", "one_doctor_case"]

#: Shared calibration data (absent on some machines: tests marked ``data`` skip then).
DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data"
#: Rooms at each site of a simulator test scenario, ``<site>-0`` to ``<site>-39``.
ROOMS_PER_SITE = 40

#: Routing shares that reduce the visit flow to registration, consultation and one payment.
BASIC_FLOW = {"lab_share": 0.0, "imaging_share": 0.0, "pharmacy_share": 0.0}


def basic_flow(**settings: object) -> SimulationSettings:
    """Settings whose visits are registration, consultation and payment (no tests, no pharmacy)."""
    return SimulationSettings(**{**BASIC_FLOW, **settings})


def assert_same_results(a: SimulationResult, b: SimulationResult) -> None:
    """The two simulations agree to the last bit: KPIs, per-replication rows, visits, queue series."""
    assert a.kpis == b.kpis
    for frame in ("per_replication", "visits", "queue_series"):
        pd.testing.assert_frame_equal(getattr(a, frame), getattr(b, frame), check_exact=True)


def make_scenario(
    *,
    demand: tuple[DemandForecast, ...] = (),
    doctors: tuple[Doctor, ...] = (),
    departments: dict[str, Department] | None = None,
    sites: tuple[str, ...] = ("MAIN",),
    days: int = 1,
    simulation: SimulationSettings | None = None,
    targets: Targets | None = None,
) -> Scenario:
    """A scenario with sessions AM and PM every day and the given tables (module docstring)."""
    return builders.make_scenario(
        name="sim test",
        days=days,
        sessions=(AM, PM),
        opening=open_every_day(("AM", "PM")),
        targets=targets,
        simulation=simulation or basic_flow(),
        sites={s: Site(s, s, "secondary") for s in sites},
        travel={},
        rooms=[Room(s, f"{s}-{k}", None) for s in sites for k in range(ROOMS_PER_SITE)],
        departments=departments or {"MED": builders.default_departments()["MED"]},
        doctors=doctors,
        demand=demand,
    )


def assignment(
    scenario: Scenario,
    doctor: Doctor,
    date: dt.date,
    session: SessionTemplate = AM,
    *,
    site_id: str | None = None,
    room: int = 0,
    slots: int | None = None,
    open_slots: int | None = None,
) -> Assignment:
    """One roster row in room ``<site>-<room>``, slots from :mod:`scheduler.slots` unless given."""
    site = site_id or doctor.home_site
    return builders.make_assignment(
        scenario, doctor.doctor_id, date, session.session_id, site_id=site, room_id=f"{site}-{room}",
        department=doctor.department, clinic=doctor.clinic, start_min=session.start_min, end_min=session.end_min,
        slots=slots, booking_open_slots=open_slots,
    )


def doctor(doctor_id: str, department: str = "MED", title: str = "attending",
           site: str = "MAIN") -> Doctor:
    """A doctor at one site, named by the id, who may work weekends but not evenings."""
    return builders.make_doctor(doctor_id, name=doctor_id, department=department, title=title, sites=(site,),
                                weekend=True)


def one_doctor_case(
    patients: int = 20, *, simulation: SimulationSettings | None = None, days: int = 1,
    open_slots: int | None = None,
) -> tuple[Scenario, Roster]:
    """One general doctor, one AM session (20 slots of 12 min), ``patients`` on Monday."""
    doc = doctor("D1")
    scenario = make_scenario(
        demand=(DemandForecast(MONDAY, "MAIN", "MED", patients),),
        doctors=(doc,),
        simulation=simulation,
        days=days,
    )
    roster = Roster(tuple(
        assignment(scenario, doc, MONDAY + dt.timedelta(days=k), open_slots=open_slots)
        for k in range(days)
    ))
    return scenario, roster


def big_week(doctors_per_site: int = 30, sites: tuple[str, ...] = ("MAIN", "EAST"),
             patients_per_session_doctor: float = 12.5) -> tuple[Scenario, Roster]:
    """A 60-doctor, 2-site, 7-day case like a real week (about 8,000 demand patients).

    Six departments; every fifth doctor a chief (expert clinic); each doctor works
    AM and PM on weekdays and AM on Saturday; demand per (day, site,
    department) is ``patients_per_session_doctor`` per rostered doctor-session.
    """
    depts = ("MED", "SUR", "PED", "OBG", "ENT", "DEN")
    departments = {d: Department(d, 12.0 + k, 20.0 + k, None) for k, d in enumerate(depts)}
    doctors = tuple(
        doctor(f"{s}{k:02d}", depts[k % len(depts)], "chief" if k % 5 == 0 else "attending", s)
        for s in sites for k in range(doctors_per_site)
    )
    scenario = make_scenario(doctors=doctors, departments=departments, sites=sites, days=7)
    rows = []
    for day in range(7):
        date = MONDAY + dt.timedelta(days=day)
        sessions = (AM,) if day == 5 else (() if day == 6 else (AM, PM))
        for session in sessions:
            for k, doc in enumerate(doctors):
                rows.append(assignment(scenario, doc, date, session, room=k % ROOMS_PER_SITE))
    roster = Roster(tuple(rows))
    counts: dict[tuple[dt.date, str, str], int] = {}
    for a in rows:
        key = (a.date, a.site_id, a.department)
        counts[key] = counts.get(key, 0) + 1
    demand = tuple(
        DemandForecast(date, site, dept, int(round(n * patients_per_session_doctor)),
                       expert_share=0.2)
        for (date, site, dept), n in sorted(counts.items())
    )
    return dataclasses.replace(scenario, demand=demand), roster
