"""Reading the optional ``stations.csv`` of a scenario: servers and times per station and site.

Columns: ``station, site_id, servers`` and optionally ``service_min``, ``share``,
``turnaround_min``. ``station`` is one of :data:`STATION_NAMES`; a blank
``site_id`` applies the row to every site (a row naming a site wins over it);
blank optional cells keep the ``simulation:`` setting of scenario.yaml.
``share`` (lab, imaging, pharmacy) is the share of patients sent there and
``turnaround_min`` (lab, imaging) the mean time from test to result [min].
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduler.tables import Row, check_unique, read_table

STATIONS_FILE = "stations.csv"
#: Station names of stations.csv.
STATION_NAMES = ("registration_desk", "self_service", "cashier", "lab", "imaging", "pharmacy")
#: Stations that take a ``share`` (routing) and a ``turnaround_min``.
ROUTED = ("lab", "imaging", "pharmacy")
WITH_TURNAROUND = ("lab", "imaging")


@dataclass(frozen=True)
class StationRow:
    """One row of stations.csv; None = keep the scenario setting."""

    station: str  #: one of :data:`STATION_NAMES`
    site_id: str | None  #: None = every site
    servers: int  #: parallel servers (desks, windows, rooms) [-]
    service_min: float | None  #: mean service time [min]
    share: float | None  #: share of patients routed to the station [0-1]
    turnaround_min: float | None  #: mean result turnaround [min]


def read_stations(folder: Path | None, site_ids: set[str] | frozenset[str]) -> tuple[StationRow, ...]:
    """The rows of ``folder/stations.csv``; () when the folder or file is absent.

    Raises :class:`~scheduler.errors.InputError` naming the file, row and column
    of a bad cell (unknown station or site, negative or malformed number,
    duplicate station and site).
    """
    if folder is None or not (Path(folder) / STATIONS_FILE).exists():
        return ()
    path = Path(folder) / STATIONS_FILE
    rows = read_table(path, ["station", "site_id", "servers"], ["service_min", "share", "turnaround_min"])
    check_unique(rows, ["station", "site_id"])
    return tuple(_station_row(row, site_ids) for row in rows)


def _station_row(row: Row, site_ids: set[str] | frozenset[str]) -> StationRow:
    station = row.choice("station", STATION_NAMES)
    site = row.text("site_id", blank_ok=True) or None
    if site is not None and site not in site_ids:
        raise row.error("site_id", f"unknown site '{site}'; known: {', '.join(sorted(site_ids))}")
    for column, allowed in (("share", ROUTED), ("turnaround_min", WITH_TURNAROUND)):
        if row.has(column) and station not in allowed:
            raise row.error(column, f"applies only to stations {', '.join(allowed)}, not '{station}'")
    return StationRow(
        station=station,
        site_id=site,
        servers=row.integer("servers", minimum=1),
        service_min=row.number("service_min") if row.has("service_min") else None,
        share=row.optional_share("share"),
        turnaround_min=row.number("turnaround_min") if row.has("turnaround_min") else None,
    )
