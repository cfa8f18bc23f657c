"""Cases shared by the simulator benchmarks: ciw's run of a textbook session, a large hospital week."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random

import numpy as np

from scheduler.handbuilt import day_settings, every_session_roster, handbuilt_scenario
from scheduler.model import DemandForecast, Department, Doctor, Room, Roster, Rules, Scenario, SessionTemplate, Site
from scheduler.slots import session_slots


def ciw_session_waits(servers: int, rate_per_min: float, consult_min: float, session_min: float,
                      replications: int, seed: int) -> np.ndarray:
    """Per-replication mean waits of an M/M/c session simulated by ciw [min].

    Poisson arrivals at ``rate_per_min`` while the session is open, exponential
    service with mean ``consult_min``, ``servers`` servers who stay until the
    queue is empty; replication ``r`` seeds ciw with ``seed + r``.
    """
    import ciw  # test and benchmark dependency only

    class ArrivalsUntilClose(ciw.dists.Distribution):
        def sample(self, t: float | None = None, ind: object = None) -> float:
            gap = random.expovariate(rate_per_min)
            return gap if (t or 0.0) + gap < session_min else math.inf

    # one network for every replication (its distributions hold no state): ciw's cheapest setup
    network = ciw.create_network(
        arrival_distributions=[ArrivalsUntilClose()],
        service_distributions=[ciw.dists.Exponential(1 / consult_min)],
        number_of_servers=[servers],
    )
    means = []
    for r in range(replications):
        ciw.seed(seed + r)
        simulation = ciw.Simulation(network)
        simulation.simulate_until_max_time(session_min * 50)
        waits = [record.waiting_time for record in simulation.get_all_records()]
        if waits:
            means.append(float(np.mean(waits)))
    return np.asarray(means)


MONDAY = dt.date(2026, 11, 30)
AM = SessionTemplate("AM", 8 * 60, 12 * 60, evening=False)
PM = SessionTemplate("PM", 13 * 60 + 30, 17 * 60 + 30, evening=False)
DEPARTMENTS = {
    "internal_medicine": (12.0, 18.0), "paediatrics": (12.0, 18.0), "obstetrics": (15.0, 20.0),
    "dental": (20.0, 25.0), "orthopaedics": (12.0, 18.0), "urology": (12.0, 18.0),
    "dermatology": (10.0, 15.0), "ent": (10.0, 15.0),
}


def hospital_week(visits_per_day: int = 5000, sites: int = 3, days: int = 7) -> tuple[Scenario, Roster]:
    """A hospital group open every day, AM and PM, sized for about ``visits_per_day`` visits.

    Every site has the departments of :data:`DEPARTMENTS`; each department at
    each site has enough doctors, all working AM and PM every day, for its
    share of the demand at about 85% of its slots; one in five doctors is a chief
    (expert clinic). Demand is ``visits_per_day / 0.89`` a day (no-shows, walk-ins turned away), split
    evenly. The rolling booking simulation is off (``booking.weeks: 0``).
    """
    site_ids = [f"S{k + 1}" for k in range(sites)]
    departments = {name: Department(name, general, expert, None) for name, (general, expert) in DEPARTMENTS.items()}
    demand_per_cell = visits_per_day / 0.89 / (sites * len(departments))
    doctors: list[Doctor] = []
    for site in site_ids:
        for name, dept in departments.items():
            per_session = (AM.duration_min // dept.consult_min) * 0.85
            needed = math.ceil(demand_per_cell / (2 * per_session))
            for k in range(needed):
                title = "chief" if k % 5 == 4 else "attending"
                doctors.append(Doctor(f"{site}-{name}-{k:02d}", f"{name} {k}", name, title, (site,), 14, False, True))
    scenario = handbuilt_scenario(
        name=f"hospital week, {visits_per_day} visits a day",
        start_date=MONDAY,
        days=days,
        sessions=(AM, PM),
        rules=Rules(max_sessions_per_week=14),
        simulation=day_settings(),
        sites={s: Site(s, s, "tertiary") for s in site_ids},
        rooms=tuple(Room(d.home_site, d.doctor_id, d.department) for d in doctors),
        departments=departments,
        doctors=doctors,
        demand=(
            DemandForecast(MONDAY + dt.timedelta(days=day), site, name, round(demand_per_cell), expert_share=0.2)
            for day in range(days) for site in site_ids for name in departments
        ),
    )

    def slots(doctor: Doctor, session: SessionTemplate) -> tuple[int, int]:
        total = session_slots(session, departments[doctor.department], doctor.clinic)
        return total, (total if doctor.clinic == "general" else math.ceil(total / 2))

    return scenario, every_session_roster(scenario, slots)


def with_settings(scenario: Scenario, **settings: object) -> Scenario:
    """The scenario with some simulation settings replaced."""
    return dataclasses.replace(scenario, simulation=dataclasses.replace(scenario.simulation, **settings))
