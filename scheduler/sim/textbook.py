"""Textbook queues for validating the simulator: M/M/c scenarios, Erlang C and Lindley.

:func:`textbook_case` builds a one-department scenario in textbook mode
(``arrivals: walk_in``, ``flow: consult_only``, ``no_show_rate: 0``): Poisson
walk-ins while ``servers`` doctors hold one session, one FIFO queue served by
all of them. :func:`erlang_c_wait_min` is the steady-state mean wait of M/M/c
and :func:`lindley_waits` the single-server wait recursion.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from scheduler.handbuilt import day_settings, every_session_roster, handbuilt_scenario
from scheduler.model import DemandForecast, Department, Doctor, Room, Roster, Rules, Scenario, SessionTemplate, Site

#: The date of every textbook case (a Monday).
TEXTBOOK_DATE = dt.date(2026, 11, 30)
#: Session start of a textbook case [min after midnight].
TEXTBOOK_START_MIN = 0


def erlang_c_probability(servers: int, offered_load: float) -> float:
    """Probability an arrival waits in M/M/c (Erlang C); ``offered_load`` = lambda / mu [-]."""
    if offered_load >= servers:
        return 1.0
    term, total = 1.0, 1.0
    for k in range(1, servers):
        term *= offered_load / k
        total += term
    top = term * offered_load / servers * servers / (servers - offered_load)
    return top / (total + top)


def erlang_c_wait_min(arrival_rate_per_min: float, service_mean_min: float, servers: int) -> float:
    """Steady-state mean wait in queue of M/M/c [min] (infinite when utilisation >= 1)."""
    load = arrival_rate_per_min * service_mean_min
    if load >= servers:
        return math.inf
    return erlang_c_probability(servers, load) * service_mean_min / (servers - load)


def lindley_waits(arrival_min: Sequence[float], service_min: Sequence[float], open_min: float = 0.0) -> list[float]:
    """Waits of one FIFO server by Lindley's recursion, in arrival order [min].

    ``W_1 = max(0, open_min - a_1)``, ``W_{k+1} = max(0, W_k + S_k - (a_{k+1} - a_k))``:
    the server starts at ``open_min`` and then works without a break.
    """
    waits: list[float] = []
    # a zero-length customer at the opening time starts the recursion: W_1 = max(0, open_min - a_1)
    previous_arrival, previous_wait, previous_service = open_min, 0.0, 0.0
    for a, s in zip(arrival_min, service_min, strict=True):
        wait = max(0.0, previous_wait + previous_service - (a - previous_arrival))
        waits.append(wait)
        previous_arrival, previous_wait, previous_service = a, wait, s
    return waits


def textbook_case(
    servers: int,
    utilisation: float,
    consult_min: float,
    session_min: int,
    *,
    distribution: str = "exponential",
    replications: int = 20,
    seed: int = 1,
) -> tuple[Scenario, Roster]:
    """An M/M/c (or M/G/c) session: ``servers`` doctors, Poisson walk-ins at the given load.

    Parameters
    ----------
    servers
        Doctors on duty, all in one session of one department [-].
    utilisation
        Offered load per doctor, lambda * consult_min / servers [-].
    consult_min
        Mean consultation time [min].
    session_min
        Session length from midnight [min], at most 1439.
    distribution
        ``exponential`` (M/M/c), ``lognormal`` or ``fixed`` consultation times.

    The expected patients per session, ``lambda * session_min``, is rounded to
    a whole number (demand.csv counts patients); :func:`case_arrival_rate`
    gives the rate actually simulated.
    """
    if not 0 < session_min < 24 * 60:
        raise ValueError(f"session_min must be in 1..1439, got {session_min}")
    arrival_rate = utilisation * servers / consult_min
    session = SessionTemplate("S", TEXTBOOK_START_MIN, TEXTBOOK_START_MIN + session_min, evening=False)
    department = Department("MED", consult_min, consult_min, None)
    doctors = tuple(
        Doctor(f"D{k + 1:03d}", f"Doctor {k + 1}", "MED", "attending", ("MAIN",), 14, False, True)
        for k in range(servers)
    )
    settings = day_settings(
        replications=replications, seed=seed, arrivals="walk_in", flow="consult_only",
        consult_distribution=distribution, no_show_rate=0.0,
    )
    scenario = handbuilt_scenario(
        name=f"M/{distribution[0].upper()}/{servers}, load {utilisation:g}, {session_min} min",
        start_date=TEXTBOOK_DATE,
        days=1,
        sessions=(session,),
        rules=Rules(max_sessions_per_week=14),
        simulation=settings,
        sites={"MAIN": Site("MAIN", "Main", "secondary")},
        rooms=tuple(Room("MAIN", f"R{k + 1:03d}", "MED") for k in range(servers)),
        departments={"MED": department},
        doctors=doctors,
        demand=(DemandForecast(TEXTBOOK_DATE, "MAIN", "MED", round(arrival_rate * session_min)),),
    )
    slots = max(1, int(session_min // consult_min))
    return scenario, every_session_roster(scenario, lambda doctor, session: (slots, slots))


def case_arrival_rate(scenario: Scenario) -> float:
    """Poisson arrival rate of a :func:`textbook_case` [patients/min]."""
    session = scenario.sessions[0]
    return sum(row.patients for row in scenario.demand) / session.duration_min
