"""The numbers behind each chart of the report, computed from scenario, roster and visits.

Pure functions of their inputs (no drawing, no files), each returning a small
DataFrame or arrays that the page draws. Visit records are those of
:class:`~scheduler.sim.records.Visit`: one row per demand patient per
replication; averages "per replication" divide counts by the number of
replications in the records.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from scheduler.model import Roster, Scenario

#: Visit statuses of patients who got a consultation slot (seen or booked and did not come).
SLOT_STATUSES = ("seen", "no_show")
#: Stations whose queue can be rebuilt from visit records: name -> (join column, leave column).
STATION_COLUMNS: dict[str, tuple[str, str]] = {
    "registration": ("arrival_min", "registration_start_min"),
    "consultation": ("queue_join_min", "consult_start_min"),
    "payment": ("consult_end_min", "payment_start_min"),
}
#: Time step of queue-length series [min].
QUEUE_STEP_MIN = 5
#: Width of a wait-time histogram bin [min].
WAIT_BIN_MIN = 5


def replications(visits: pd.DataFrame) -> int:
    """Number of replications in the visit records (at least 1)."""
    return max(int(visits["replication"].nunique()) if len(visits) else 0, 1)


def demand_capacity(scenario: Scenario, roster: Roster, visits: pd.DataFrame) -> pd.DataFrame:
    """Per department and date: forecast demand, rostered slots, slots used, served share.

    Columns: ``department, date, demand`` (patients wanting that day),
    ``capacity`` (roster slots that day), ``used`` (patients seen or no-show on
    that day, per replication), ``served_share`` (share of that day's demand
    seen or booked inside the booking window; NaN without demand).
    """
    index = pd.MultiIndex.from_product([list(scenario.departments), scenario.dates], names=["department", "date"])
    frame = pd.DataFrame(index=index, data={"demand": 0.0, "capacity": 0.0, "used": 0.0, "served": 0.0})
    for row in scenario.demand:
        if (row.department, row.date) in frame.index:
            frame.loc[(row.department, row.date), "demand"] += row.patients
    for a in roster.assignments:
        if (a.department, a.date) in frame.index:
            frame.loc[(a.department, a.date), "capacity"] += a.slots
    reps = replications(visits)
    if len(visits):
        dated = visits.assign(
            demand_day=pd.to_datetime(visits["demand_date"]).dt.date,
            visit_day=pd.to_datetime(visits["visit_date"].where(visits["visit_date"] != ""), errors="coerce").dt.date,
        )
        used = dated[dated["status"].isin(SLOT_STATUSES)].groupby(["department", "visit_day"]).size() / reps
        served = dated[dated["within_window"]].groupby(["department", "demand_day"]).size() / reps
        frame["used"] = used.reindex(frame.index).fillna(0.0).to_numpy()
        frame["served"] = served.reindex(frame.index).fillna(0.0).to_numpy()
    frame["served_share"] = np.where(frame["demand"] > 0, frame["served"] / frame["demand"].where(
        frame["demand"] > 0, 1.0), np.nan)
    return frame.reset_index()


def histogram(values: np.ndarray, bin_width: float, upper: float) -> tuple[np.ndarray, np.ndarray]:
    """Share of ``values`` per bin ``[k w, (k+1) w)`` from 0 to ``upper``; the last bin takes all above.

    Returns (bin left edges, shares); shares sum to 1 (all 0 for no values).
    """
    n_bins = max(int(math.ceil(upper / bin_width)), 1)
    edges = np.arange(n_bins) * bin_width
    if values.size == 0:
        return edges, np.zeros(n_bins)
    index = np.clip(np.floor(np.maximum(values, 0.0) / bin_width).astype(int), 0, n_bins - 1)
    counts = np.bincount(index, minlength=n_bins)
    return edges, counts / values.size


def seen(visits: pd.DataFrame) -> pd.DataFrame:
    """Visits of patients who were seen by a doctor."""
    return visits[visits["status"] == "seen"]


def wait_upper_min(*frames: pd.DataFrame) -> float:
    """Histogram range for waits [min]: the 99th percentile over all frames, rounded up to a bin."""
    waits = np.concatenate([seen(f)["wait_min"].to_numpy(dtype=float) for f in frames] or [np.zeros(0)])
    top = float(np.percentile(waits, 99)) if waits.size else WAIT_BIN_MIN
    return max(WAIT_BIN_MIN * math.ceil(top / WAIT_BIN_MIN), 2 * WAIT_BIN_MIN)


def booked_lead_days(visits: pd.DataFrame) -> np.ndarray:
    """Lead days (slot date - wanted date) of booked patients who got a slot [days]."""
    booked = visits[(visits["channel"] == "booked") & visits["status"].isin(SLOT_STATUSES)]
    return booked["lead_days"].to_numpy(dtype=float)


def available_stations(visits: pd.DataFrame) -> list[str]:
    """Stations whose join and leave times are in the visit records."""
    return [name for name, cols in STATION_COLUMNS.items() if all(c in visits.columns for c in cols)]


#: Columns of the simulator's queue-series frame (``SimulationResult.queue_series``).
LOG_COLUMNS = ("date", "site_id", "queue", "time", "mean_queue_len")
#: Queue-name prefixes of consultation queues in that frame (own doctor, walk-ins of a department).
CONSULTATION_PREFIXES = ("doctor:", "walk_in:")

QueueSeries = tuple[np.ndarray, dict[str, dict[str, np.ndarray]]]


def station_of(queue: str) -> str:
    """The station a logged queue belongs to: doctor and walk-in queues are ``consultation``."""
    return "consultation" if queue.startswith(CONSULTATION_PREFIXES) else queue


def hhmm_minutes(text: str) -> int:
    """``HH:MM`` as minutes after midnight."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def logged_queue_series(log: pd.DataFrame) -> QueueSeries:
    """Mean queue length over the day per site and station from the simulator's queue log.

    ``log`` has one row per date, site, queue and clock bin with the
    time-averaged length (already averaged over replications). Queues of one
    station are summed within a site-day, then averaged over the site's days
    with any queue (bins without a row count as 0). Returns (bin start times
    [min after midnight], {site: {station: mean patients waiting}}).
    """
    if log.empty:
        return np.zeros(0), {}
    frame = log.assign(station=log["queue"].map(station_of), minute=log["time"].map(hhmm_minutes))
    step = int(np.min(np.diff(np.unique(frame["minute"])))) if frame["minute"].nunique() > 1 else QUEUE_STEP_MIN
    times = np.arange(frame["minute"].min(), frame["minute"].max() + step, step, dtype=float)
    series: dict[str, dict[str, np.ndarray]] = {}
    for site_id, at_site in frame.groupby("site_id", sort=True):
        days = at_site["date"].nunique()
        totals = at_site.groupby(["station", "minute"])["mean_queue_len"].sum() / days
        series[str(site_id)] = {
            str(station): totals.loc[station].reindex(times.astype(int), fill_value=0.0).to_numpy(dtype=float)
            for station in sorted(totals.index.get_level_values(0).unique(), key=_station_order)
        }
    return times, series


def _station_order(station: str) -> tuple[int, str]:
    order = ("registration", "consultation")
    return (order.index(station) if station in order else len(order), station)


def queue_series(visits: pd.DataFrame, log: pd.DataFrame | None = None) -> QueueSeries:
    """Mean queue length over the day per site and station: from the simulator's queue
    log when it has one (:func:`logged_queue_series`), else rebuilt from visit records
    (:func:`visit_queue_series`)."""
    if log is not None and not log.empty and all(c in log.columns for c in LOG_COLUMNS):
        return logged_queue_series(log)
    return visit_queue_series(visits)


def visit_queue_series(visits: pd.DataFrame) -> QueueSeries:
    """Mean queue length over the day per site and station, rebuilt from visit records.

    Patients waiting at time ``t`` at a station: joined at or before ``t`` and
    not yet served. Averaged over every site-day with visits in every
    replication. Returns (times [min after midnight], {site: {station: mean
    patients waiting}}).
    """
    stations = available_stations(visits)
    came = visits[visits["status"] == "seen"]
    if came.empty or not stations:
        return np.zeros(0), {}
    lo = math.floor(float(came["arrival_min"].min()) / 60) * 60
    hi = math.ceil(float(came["payment_end_min"].max() if "payment_end_min" in came else came["consult_end_min"].max())
                   / 60) * 60
    times = np.arange(lo, hi + QUEUE_STEP_MIN, QUEUE_STEP_MIN, dtype=float)
    series: dict[str, dict[str, np.ndarray]] = {}
    for site_id, at_site in came.groupby("site_id", sort=True):
        site_days = at_site.groupby(["replication", "visit_date"]).ngroups
        series[str(site_id)] = {}
        for station in stations:
            join_col, leave_col = STATION_COLUMNS[station]
            join = np.sort(at_site[join_col].to_numpy(dtype=float))
            leave = np.sort(at_site[leave_col].to_numpy(dtype=float))
            waiting = np.searchsorted(join, times, side="right") - np.searchsorted(leave, times, side="right")
            series[str(site_id)][station] = waiting / max(site_days, 1)
    return times, series


def utilisation_grid(
    scenario: Scenario, roster: Roster, visits: pd.DataFrame
) -> tuple[list[str], list[tuple[dt.date, str]], np.ndarray]:
    """Each rostered doctor's consulting minutes over rostered minutes per date and session.

    Returns (doctor ids, (date, session) columns, shares with NaN where the
    doctor had no session), doctors ordered by department then name.
    """
    columns = sorted({(a.date, a.session_id) for a in roster.assignments},
                     key=lambda c: (c[0], scenario.session(c[1]).start_min))
    doctors = sorted({a.doctor_id for a in roster.assignments},
                     key=lambda d: (scenario.doctor(d).department, scenario.doctor(d).name, d))
    rostered: dict[tuple[str, str, str], float] = {}
    for a in roster.assignments:
        key = (a.doctor_id, a.date.isoformat(), a.session_id)
        rostered[key] = rostered.get(key, 0.0) + (a.end_min - a.start_min)
    consulting: Mapping[tuple[str, str, str], float] = {}
    if len(visits):
        consulting = (seen(visits).groupby(["doctor_id", "visit_date", "session_id"])["consult_min"].sum()
                      / replications(visits)).to_dict()
    grid = np.full((len(doctors), len(columns)), np.nan)
    row_of = {d: i for i, d in enumerate(doctors)}
    col_of = {(c[0].isoformat(), c[1]): j for j, c in enumerate(columns)}
    for (doctor_id, date, session_id), minutes in rostered.items():
        busy = consulting.get((doctor_id, date, session_id), 0.0)
        grid[row_of[doctor_id], col_of[(date, session_id)]] = busy / minutes
    return doctors, columns, grid
