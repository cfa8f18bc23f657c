"""Loading a scenario folder into a validated :class:`~scheduler.model.Scenario`.

Validation happens once, here (STYLE lesson 8): defaults are filled in, every
field is type-checked and every id cross-referenced, and the first problem
raises :class:`~scheduler.errors.InputError` naming file, row and column.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from scheduler.errors import InputError
from scheduler.model import (
    DAY_KINDS,
    EVENING_FROM_MIN,
    SITE_LEVELS,
    TITLES,
    DemandForecast,
    Department,
    Doctor,
    DoctorRequest,
    Room,
    Rules,
    Scenario,
    SessionHistory,
    SessionTemplate,
    SimulationSettings,
    Site,
    SolverSettings,
    Targets,
    Unavailability,
)
from scheduler.planner_settings import read_holidays, read_joint_clinics, read_partner_support
from scheduler.settings import YamlDocument, settings_from_yaml
from scheduler.stations_io import read_stations
from scheduler.tables import Row, check_unique, read_table

SCENARIO_FILE = "scenario.yaml"
TOP_LEVEL_KEYS = [
    "name", "start_date", "days", "sessions", "opening", "holidays",
    "rules", "targets", "solver", "simulation", "partner_support", "joint_clinics",
]


def load_scenario(folder: str | Path) -> Scenario:
    """Read and validate a scenario folder (scenario.yaml plus CSV tables)."""
    folder = Path(folder)
    if not folder.exists():
        raise InputError(folder, "scenario folder not found")
    if not folder.is_dir():
        raise InputError(folder, "expected a scenario folder containing scenario.yaml")
    doc = YamlDocument(folder / SCENARIO_FILE)
    header = _read_header(doc)
    sites = _read_sites(folder / "sites.csv")
    read_stations(folder, frozenset(sites))  # optional stations.csv, checked early (the simulator reads it)
    departments = _read_departments(folder / "departments.csv")
    session_ids = {s.session_id for s in header["sessions"]}
    dates = frozenset(
        header["start_date"] + dt.timedelta(days=i) for i in range(header["days"])
    )
    doctors = _read_doctors(folder / "doctors.csv", sites, departments, header["rules"])
    doctor_ids = {d.doctor_id for d in doctors}
    rooms = _read_rooms(folder / "rooms.csv", sites, departments)
    return Scenario(
        name=header["name"],
        start_date=header["start_date"],
        days=header["days"],
        sessions=header["sessions"],
        opening=header["opening"],
        holidays=header["holidays"],
        rules=header["rules"],
        targets=header["targets"],
        solver=header["solver"],
        simulation=header["simulation"],
        sites=sites,
        travel_min=_read_travel(folder / "travel.csv", sites),
        rooms=rooms,
        departments=departments,
        doctors=doctors,
        unavailability=_read_availability(folder / "availability.csv", doctor_ids, session_ids),
        demand=_read_demand(folder / "demand.csv", sites, departments, session_ids, dates),
        requests=_read_requests(folder / "requests.csv", doctor_ids, session_ids),
        source_dir=folder,
        partner_support=read_partner_support(doc, sites, departments),
        joint_clinics=read_joint_clinics(doc, sites, departments, rooms),
        history=_read_history(folder / "history.csv", doctor_ids),
        holiday_names=header["holiday_names"],
    )


# --- scenario.yaml -----------------------------------------------------------
def _read_header(doc: YamlDocument) -> dict[str, Any]:
    data = doc.data
    doc.check_keys(data, "", TOP_LEVEL_KEYS)
    for key in ("name", "start_date", "sessions", "opening"):
        if key not in data:
            raise doc.error(key, f"missing required key '{key}'")
    sessions = _read_sessions(doc, data["sessions"])
    session_ids = [s.session_id for s in sessions]
    opening_map = doc.mapping(data["opening"], "opening")
    doc.check_keys(opening_map, "opening", list(DAY_KINDS))
    opening: dict[str, tuple[str, ...]] = {}
    for kind in DAY_KINDS:
        ids = [doc.text(v, f"opening.{kind}") for v in doc.sequence(opening_map.get(kind), f"opening.{kind}")]
        for sid in ids:
            if sid not in session_ids:
                raise doc.error(
                    f"opening.{kind}",
                    f"unknown session '{sid}'; sessions are {', '.join(session_ids)}",
                )
        opening[kind] = tuple(ids)
    days = doc.integer(data["days"], "days", minimum=1) if "days" in data else 7
    start_date = doc.date(data["start_date"], "start_date")
    holiday_names = read_holidays(doc, data.get("holidays"), start_date, days)
    return {
        "name": doc.text(data["name"], "name"),
        "start_date": start_date,
        "days": days,
        "sessions": sessions,
        "opening": opening,
        "holidays": frozenset(holiday_names),
        "holiday_names": holiday_names,
        "rules": settings_from_yaml(doc, data.get("rules"), "rules", Rules),
        "targets": settings_from_yaml(doc, data.get("targets"), "targets", Targets),
        "solver": settings_from_yaml(doc, data.get("solver"), "solver", SolverSettings),
        "simulation": settings_from_yaml(
            doc, data.get("simulation"), "simulation", SimulationSettings
        ),
    }


def _read_sessions(doc: YamlDocument, value: Any) -> tuple[SessionTemplate, ...]:
    templates: list[SessionTemplate] = []
    items = doc.sequence(value, "sessions")
    if not items:
        raise doc.error("sessions", "at least one session template is required")
    for i, item in enumerate(items):
        key = f"sessions[{i}]"
        entry = doc.mapping(item, key)
        doc.check_keys(entry, key, ["id", "start", "end", "evening"])
        for required in ("id", "start", "end"):
            if required not in entry:
                raise doc.error(key, f"session needs '{required}'")
        session_id = doc.text(entry["id"], f"{key}.id")
        if any(t.session_id == session_id for t in templates):
            raise doc.error(f"{key}.id", f"duplicate session id '{session_id}'")
        start = doc.hhmm(entry["start"], f"{key}.start")
        end = doc.hhmm(entry["end"], f"{key}.end")
        if end <= start:
            raise doc.error(f"{key}.end", f"must be after start ({entry['start']}), got {entry['end']}")
        evening = (
            doc.boolean(entry["evening"], f"{key}.evening")
            if "evening" in entry
            else start >= EVENING_FROM_MIN
        )
        templates.append(SessionTemplate(session_id, start, end, evening))
    return tuple(sorted(templates, key=lambda t: (t.start_min, t.session_id)))


# --- tables ------------------------------------------------------------------
def _known(row: Row, column: str, known: Any, what: str, *, blank_ok: bool = False) -> str | None:
    """The cell's id, checked against ``known`` ids."""
    value = row.text(column, blank_ok=blank_ok)
    if not value and blank_ok:
        return None
    if value not in known:
        listed = ", ".join(sorted(known)[:12]) + (", ..." if len(known) > 12 else "")
        raise row.error(column, f"unknown {what} '{value}'; known: {listed}")
    return value


def _read_sites(path: Path) -> dict[str, Site]:
    rows = read_table(path, ["site_id", "name", "level"])
    check_unique(rows, ["site_id"])
    if not rows:
        raise InputError(path, "lists no site; at least one is required", row=2)
    return {
        row.text("site_id"): Site(row.text("site_id"), row.text("name"), row.choice("level", SITE_LEVELS))
        for row in rows
    }


def _read_travel(path: Path, sites: dict[str, Site]) -> dict[tuple[str, str], int]:
    if not path.exists():
        return {}
    rows = read_table(path, ["from_site", "to_site", "minutes"])
    check_unique(rows, ["from_site", "to_site"])
    given: dict[tuple[str, str], int] = {}
    for row in rows:
        a = _known(row, "from_site", sites, "site")
        b = _known(row, "to_site", sites, "site")
        given[(a, b)] = row.integer("minutes")  # type: ignore[index]
    travel = dict(given)
    for (a, b), minutes in given.items():
        travel.setdefault((b, a), minutes)
    return travel


def _read_departments(path: Path) -> dict[str, Department]:
    rows = read_table(path, ["department", "consult_min", "expert_consult_min"])
    check_unique(rows, ["department"])
    return {
        row.text("department"): Department(
            name=row.text("department"),
            consult_min=row.number("consult_min", strictly_positive=True),
            expert_consult_min=row.number("expert_consult_min", strictly_positive=True),
            followup_booking_rate=row.optional_share("followup_booking_rate"),
        )
        for row in rows
    }


def _read_rooms(path: Path, sites: dict[str, Site], departments: dict[str, Department]) -> tuple[Room, ...]:
    rows = read_table(path, ["site_id", "room_id", "department"])
    check_unique(rows, ["site_id", "room_id"])
    return tuple(
        Room(
            site_id=_known(row, "site_id", sites, "site"),  # type: ignore[arg-type]
            room_id=row.text("room_id"),
            department=_known(row, "department", departments, "department", blank_ok=True),
        )
        for row in rows
    )


def _read_doctors(
    path: Path, sites: dict[str, Site], departments: dict[str, Department], rules: Rules
) -> tuple[Doctor, ...]:
    rows = read_table(
        path,
        ["doctor_id", "name", "department", "title", "sites", "max_sessions_per_week", "evening", "weekend"],
    )
    check_unique(rows, ["doctor_id"])
    doctors = []
    for row in rows:
        registered = tuple(s.strip() for s in row.text("sites").split(";") if s.strip())
        for site in registered:
            if site not in sites:
                raise row.error("sites", f"unknown site '{site}'; known: {', '.join(sites)}")
        if len(set(registered)) != len(registered):
            raise row.error("sites", f"lists a site twice: '{row.values['sites']}'")
        if not registered:
            raise row.error("sites", "is blank; list at least the home site")
        max_sessions = row.optional_integer("max_sessions_per_week")
        max_sessions = rules.max_sessions_per_week if max_sessions is None else max_sessions
        min_sessions = row.optional_integer("min_sessions_per_week") or 0
        if min_sessions > max_sessions:
            raise row.error(
                "min_sessions_per_week",
                f"is {min_sessions}, more than max_sessions_per_week ({max_sessions})",
            )
        doctors.append(
            Doctor(
                doctor_id=row.text("doctor_id"),
                name=row.text("name"),
                department=_known(row, "department", departments, "department"),  # type: ignore[arg-type]
                title=row.choice("title", TITLES),
                sites=registered,
                max_sessions_per_week=max_sessions,
                evening=row.boolean("evening"),
                weekend=row.boolean("weekend"),
                min_sessions_per_week=min_sessions,
                holiday=row.boolean("holiday") if row.has("holiday") else True,
            )
        )
    return tuple(doctors)


def _read_availability(path: Path, doctor_ids: set[str], session_ids: set[str]) -> tuple[Unavailability, ...]:
    if not path.exists():
        return ()
    rows = read_table(path, ["doctor_id", "date", "session", "reason"])
    return tuple(
        Unavailability(
            doctor_id=_known(row, "doctor_id", doctor_ids, "doctor"),  # type: ignore[arg-type]
            date=row.date("date"),
            session_id=_known(row, "session", session_ids, "session", blank_ok=True),
            reason=row.text("reason", blank_ok=True) or "unavailable",
        )
        for row in rows
    )


def _read_demand(
    path: Path,
    sites: dict[str, Site],
    departments: dict[str, Department],
    session_ids: set[str],
    dates: frozenset[dt.date],
) -> tuple[DemandForecast, ...]:
    rows = read_table(path, ["date", "site_id", "department", "patients"])
    check_unique(rows, ["date", "site_id", "department", "session"])
    first, last = min(dates), max(dates)
    demand = []
    for row in rows:
        date = row.date("date")
        if date not in dates:
            raise row.error("date", f"{date} is outside the planning horizon {first} to {last}")
        demand.append(
            DemandForecast(
                date=date,
                site_id=_known(row, "site_id", sites, "site"),  # type: ignore[arg-type]
                department=_known(row, "department", departments, "department"),  # type: ignore[arg-type]
                patients=row.integer("patients"),
                session_id=_known(row, "session", session_ids, "session", blank_ok=True),
                expert_share=row.optional_share("expert_share"),
                followup_share=row.optional_share("followup_share"),
            )
        )
    return tuple(demand)


def _read_history(path: Path, doctor_ids: set[str]) -> dict[str, SessionHistory]:
    """Optional history.csv: unsocial sessions each doctor already worked in earlier weeks."""
    if not path.exists():
        return {}
    rows = read_table(path, ["doctor_id"])
    check_unique(rows, ["doctor_id"])
    history = {}
    for row in rows:
        doctor_id = _known(row, "doctor_id", doctor_ids, "doctor")
        history[doctor_id] = SessionHistory(
            doctor_id=doctor_id,  # type: ignore[arg-type]
            evening_sessions=row.optional_integer("evening_sessions") or 0,
            weekend_sessions=row.optional_integer("weekend_sessions") or 0,
        )
    return history  # type: ignore[return-value]


def _read_requests(path: Path, doctor_ids: set[str], session_ids: set[str]) -> tuple[DoctorRequest, ...]:
    if not path.exists():
        return ()
    rows = read_table(path, ["doctor_id", "date", "session", "request"])
    return tuple(
        DoctorRequest(
            doctor_id=_known(row, "doctor_id", doctor_ids, "doctor"),  # type: ignore[arg-type]
            date=row.date("date"),
            session_id=_known(row, "session", session_ids, "session", blank_ok=True),
            wants_on=row.choice("request", ("on", "off")) == "on",
        )
        for row in rows
    )
