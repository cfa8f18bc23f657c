"""The visit flow's settings per site: stations, servers, service times and routing shares.

Built once per :func:`~scheduler.sim.simulate` call from the scenario's
``simulation:`` settings, overridden per station (and per site) by the optional
``stations.csv`` (:mod:`scheduler.stations_io`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.errors import InputError
from scheduler.model import Scenario, SimulationSettings
from scheduler.stations_io import StationRow, read_stations


@dataclass(frozen=True)
class Station:
    """One station of a site: ``servers`` in parallel, first come first served."""

    servers: int  #: parallel servers [-]; 0 = the station is not visited
    service_min: float  #: mean service time [min]
    share: float = 1.0  #: share of patients sent there [0-1]
    turnaround_min: float = 0.0  #: mean time from service to result [min]


@dataclass(frozen=True)
class SiteStations:
    """The stations of one site."""

    registration: Station  #: desks, kiosks, or none (mobile registration: 0 servers)
    cashier: Station
    lab: Station
    imaging: Station
    pharmacy: Station


@dataclass(frozen=True)
class FlowPlan:
    """How patients move through a site (see :mod:`scheduler.sim.day`)."""

    full: bool  #: every station; False = the consultation queue alone (``flow: consult_only``)
    pay_each_step: bool  #: pay after each consultation; False = settle once at the end
    walk_in_arrivals: bool  #: textbook Poisson walk-ins instead of booking (``arrivals: walk_in``)
    return_consult_share: float  #: return consultation over the first consultation [-]
    bin_min: float  #: width of the queue-series bins [min]
    sites: dict[str, SiteStations]  #: site_id -> stations
    engine: str = "fast"  #: day engine, ``simulation.engine``: ``fast`` or ``simpy`` (the SimPy reference)


def _station(name: str, site_id: str, base: Station, rows: tuple[StationRow, ...]) -> Station:
    """``base`` overridden by the stations.csv row for every site, then the site's own row."""
    station = base
    for row in sorted(rows, key=lambda r: r.site_id is not None):
        if row.station != name or row.site_id not in (None, site_id):
            continue
        station = Station(
            servers=row.servers,
            service_min=station.service_min if row.service_min is None else row.service_min,
            share=station.share if row.share is None else row.share,
            turnaround_min=station.turnaround_min if row.turnaround_min is None else row.turnaround_min,
        )
    return station


def site_stations(settings: SimulationSettings, site_id: str, rows: tuple[StationRow, ...] = ()) -> SiteStations:
    """The stations of ``site_id`` from the settings and stations.csv rows."""
    s = settings
    if s.registration == "mobile":
        registration = Station(0, 0.0)
    elif s.registration == "self_service":
        registration = _station("self_service", site_id, Station(s.self_service_kiosks, s.self_service_min), rows)
    else:
        registration = _station("registration_desk", site_id, Station(s.registration_desks, s.registration_min), rows)
    return SiteStations(
        registration=registration,
        cashier=_station("cashier", site_id, Station(s.cashiers, s.payment_min), rows),
        lab=_station("lab", site_id, Station(s.lab_servers, s.lab_min, s.lab_share, s.lab_turnaround_min), rows),
        imaging=_station(
            "imaging", site_id,
            Station(s.imaging_servers, s.imaging_min, s.imaging_share, s.imaging_turnaround_min), rows,
        ),
        pharmacy=_station("pharmacy", site_id, Station(s.pharmacy_servers, s.pharmacy_min, s.pharmacy_share), rows),
    )


def build_flow(scenario: Scenario) -> FlowPlan:
    """The flow plan of a scenario (reads ``stations.csv`` beside scenario.yaml if present).

    Raises :class:`~scheduler.errors.InputError` when a station patients must
    visit has no server (the patients would wait forever).
    """
    s = scenario.simulation
    rows = read_stations(scenario.source_dir, frozenset(scenario.sites))
    sites = {site_id: site_stations(s, site_id, rows) for site_id in scenario.sites}
    if s.flow == "full":
        for site_id, stations in sites.items():
            _check_servers(scenario, site_id, stations, s.registration)
    return FlowPlan(
        full=s.flow == "full",
        pay_each_step=s.payment == "pay_each_step",
        walk_in_arrivals=s.arrivals == "walk_in",
        return_consult_share=float(s.return_consult_share),
        bin_min=float(s.queue_series_bin_min) if s.queue_series_bin_min > 0 else 15.0,
        sites=sites,
        engine=s.engine,
    )


def _check_servers(scenario: Scenario, site_id: str, stations: SiteStations, registration: str) -> None:
    """Every station some patient visits has at least one server."""
    needed = {
        "registration_desks" if registration == "desk" else "self_service_kiosks": (
            stations.registration, registration != "mobile"),
        "cashiers": (stations.cashier, True),
        "lab_servers": (stations.lab, stations.lab.share > 0),
        "imaging_servers": (stations.imaging, stations.imaging.share > 0),
        "pharmacy_servers": (stations.pharmacy, stations.pharmacy.share > 0),
    }
    for key, (station, visited) in needed.items():
        if visited and station.servers < 1:
            folder = scenario.source_dir or Path(".")
            raise InputError(folder / "scenario.yaml", f"site {site_id} needs at least one server here, got 0 "
                             "(set the station's share to 0 to skip it)", column=f"simulation.{key}")
