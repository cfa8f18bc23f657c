"""The planner's options in ``scenario.yaml``: public holidays, partner support and
joint (multidisciplinary) clinics.

* ``holidays:`` a list of ISO dates and/or country codes (``[CN]``, ``CN``,
  ``[CN, 2027-01-04]``); a country code adds that country's public holidays
  inside the horizon from the maintained ``holidays`` library.
* ``partner_support:`` ``[{site: S4, from_home_site: S1, min_sessions_per_week: 5,
  departments: [dental]}]`` (``departments`` optional, default any).
* ``joint_clinics:`` ``[{name: "Breast MDT", departments: [general_surgery, oncology],
  site: S1, sessions_per_week: 2}]``.

Each reader validates its entries and raises :class:`~scheduler.errors.InputError`
at the line of the offending key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import holidays as holiday_calendars

from scheduler.model import Department, JointClinic, PartnerSupport, Room, Site
from scheduler.settings import YamlDocument

#: A country code (ISO 3166 alpha-2, optionally with a subdivision: ``CN``, ``US-CA``).
_COUNTRY = re.compile(r"^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$")


def country_holidays(code: str, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Public holidays of a country (``CN``, or ``US-CA`` with a subdivision) between
    ``first`` and ``last`` inclusive, with their names.

    Raises
    ------
    NotImplementedError
        The library has no calendar for ``code``.
    """
    country, _, subdivision = code.upper().partition("-")
    calendar = holiday_calendars.country_holidays(
        country, subdiv=subdivision or None, years=range(first.year, last.year + 1)
    )
    return {date: str(name) for date, name in sorted(calendar.items()) if first <= date <= last}


def read_holidays(doc: YamlDocument, value: Any, start_date: dt.date, days: int) -> dict[dt.date, str]:
    """``holidays:`` as date -> name, for dates inside the horizon and any given explicitly."""
    items = [value] if isinstance(value, str) and value.strip() else doc.sequence(value, "holidays")
    last = start_date + dt.timedelta(days=days - 1)
    found: dict[dt.date, str] = {}
    for i, item in enumerate(items):
        key = f"holidays[{i}]" if isinstance(value, list) else "holidays"
        text = doc.text(item, key).strip()
        if _COUNTRY.match(text):
            try:
                found.update(country_holidays(text, start_date, last))
            except NotImplementedError:
                raise doc.error(
                    key, f"no public-holiday calendar for country '{text}' (expected e.g. CN)"
                ) from None
            continue
        found[doc.date(text, key)] = "holiday"
    return dict(sorted(found.items()))


def _departments(doc: YamlDocument, value: Any, key: str, departments: Mapping[str, Department]) -> tuple[str, ...]:
    names = tuple(doc.text(v, f"{key}[{i}]") for i, v in enumerate(doc.sequence(value, key)))
    for i, name in enumerate(names):
        if name not in departments:
            raise doc.error(f"{key}[{i}]", f"unknown department '{name}'; known: {', '.join(departments)}")
    if len(set(names)) != len(names):
        raise doc.error(key, "lists a department twice")
    return names


def _site(doc: YamlDocument, entry: Mapping[str, Any], key: str, sites: Mapping[str, Site]) -> str:
    site = doc.text(entry[key.rsplit(".", 1)[1]], key)
    if site not in sites:
        raise doc.error(key, f"unknown site '{site}'; known: {', '.join(sites)}")
    return site


def _entries(doc: YamlDocument, name: str, allowed: list[str], required: list[str]) -> list[tuple[str, Mapping]]:
    """``(key, mapping)`` of each item of the list ``name``, keys checked."""
    found = []
    for i, item in enumerate(doc.sequence(doc.data.get(name), name)):
        key = f"{name}[{i}]"
        entry = doc.mapping(item, key)
        doc.check_keys(entry, key, allowed)
        for needed in required:
            if needed not in entry:
                raise doc.error(key, f"needs '{needed}'")
        found.append((key, entry))
    return found


def read_partner_support(
    doc: YamlDocument, sites: Mapping[str, Site], departments: Mapping[str, Department]
) -> tuple[PartnerSupport, ...]:
    """``partner_support:`` rules."""
    rules = []
    for key, entry in _entries(
        doc, "partner_support", ["site", "from_home_site", "min_sessions_per_week", "departments"],
        ["site", "from_home_site", "min_sessions_per_week"],
    ):
        site = _site(doc, entry, f"{key}.site", sites)
        home = _site(doc, entry, f"{key}.from_home_site", sites)
        if site == home:
            raise doc.error(f"{key}.from_home_site", f"must differ from site ({site})")
        rules.append(PartnerSupport(
            site_id=site,
            from_home_site=home,
            min_sessions_per_week=doc.integer(entry["min_sessions_per_week"], f"{key}.min_sessions_per_week"),
            departments=_departments(doc, entry.get("departments"), f"{key}.departments", departments),
        ))
    return tuple(rules)


def read_joint_clinics(
    doc: YamlDocument,
    sites: Mapping[str, Site],
    departments: Mapping[str, Department],
    rooms: tuple[Room, ...],
) -> tuple[JointClinic, ...]:
    """``joint_clinics:`` definitions."""
    clinics: list[JointClinic] = []
    for key, entry in _entries(
        doc, "joint_clinics", ["name", "departments", "site", "sessions_per_week"],
        ["name", "departments", "site", "sessions_per_week"],
    ):
        name = doc.text(entry["name"], f"{key}.name")
        if any(c.name == name for c in clinics):
            raise doc.error(f"{key}.name", f"duplicate joint clinic name '{name}'")
        members = _departments(doc, entry["departments"], f"{key}.departments", departments)
        if len(members) < 2:
            raise doc.error(f"{key}.departments", "a joint clinic needs at least two departments")
        site = _site(doc, entry, f"{key}.site", sites)
        if not any(r.site_id == site and r.department is None for r in rooms):
            raise doc.error(
                f"{key}.site", f"{site} has no room open to any department (rooms.csv, blank department) "
                "to hold the joint clinic"
            )
        clinics.append(JointClinic(
            name=name,
            departments=members,
            site_id=site,
            sessions_per_week=doc.integer(entry["sessions_per_week"], f"{key}.sessions_per_week"),
        ))
    return tuple(clinics)
