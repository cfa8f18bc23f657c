"""Loading the planner's options: holiday calendars, partner support, joint clinics,
holiday eligibility and the optional history table; bad values named precisely."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from scheduler.errors import InputError
from scheduler.scenario import load_scenario

TINY = Path(__file__).parent / "data" / "tiny"

PLANNER_YAML = """
partner_support:
  - {site: EAST, from_home_site: MAIN, min_sessions_per_week: 2, departments: [internal_medicine]}
joint_clinics:
  - {name: "Diabetes foot", departments: [internal_medicine, dental], site: MAIN, sessions_per_week: 1}
"""


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny scenario."""
    folder = tmp_path / "scenario"
    shutil.copytree(TINY, folder)
    return folder


def _edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: '{old}' not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_country_calendar_marks_public_holidays(tiny_copy: Path) -> None:
    """``holidays: [CN, date]``: China's National Day week plus an explicit date."""
    _edit(tiny_copy, "scenario.yaml", "start_date: 2026-11-30", "start_date: 2026-09-28")
    _edit(tiny_copy, "scenario.yaml", "holidays: [2026-12-25]", "holidays: [CN, 2026-09-29]")
    (tiny_copy / "demand.csv").write_text("date,site_id,department,patients\n", encoding="utf-8")
    (tiny_copy / "availability.csv").unlink()
    scenario = load_scenario(tiny_copy)
    days = [scenario.start_date + dt.timedelta(days=i) for i in range(7)]
    assert [scenario.day_kind(d) for d in days] == [
        "weekday", "holiday", "weekday", "holiday", "holiday", "holiday", "sunday"
    ]
    assert "National Day" in scenario.holiday_names[dt.date(2026, 10, 1)]


def test_unknown_country_is_bad_input(tiny_copy: Path) -> None:
    """A country code without a calendar names the key and its line."""
    _edit(tiny_copy, "scenario.yaml", "holidays: [2026-12-25]", "holidays: XX")
    with pytest.raises(InputError) as caught:
        load_scenario(tiny_copy)
    assert caught.value.column == "holidays" and caught.value.row == 12
    assert "XX" in str(caught.value)


def test_partner_support_joint_clinics_history_and_holiday_column(tiny_copy: Path) -> None:
    """Every optional planner input is read and typed."""
    (tiny_copy / "scenario.yaml").write_text(
        (tiny_copy / "scenario.yaml").read_text(encoding="utf-8") + PLANNER_YAML, encoding="utf-8"
    )
    _edit(tiny_copy, "scenario.yaml", "rest_after_evening: true",
          "rest_after_evening: true\n  max_site_changes_per_week: 2")
    _edit(tiny_copy, "doctors.csv", "evening,weekend\n", "evening,weekend,holiday\n")
    _edit(tiny_copy, "doctors.csv", "MAIN;EAST,,yes,yes", "MAIN;EAST,,yes,yes,no")
    (tiny_copy / "history.csv").write_text(
        "doctor_id,evening_sessions,weekend_sessions\nD01,4,\nD02,1,2\n", encoding="utf-8"
    )
    scenario = load_scenario(tiny_copy)
    support, = scenario.partner_support
    assert (support.site_id, support.from_home_site, support.min_sessions_per_week) == ("EAST", "MAIN", 2)
    assert support.departments == ("internal_medicine",)
    clinic, = scenario.joint_clinics
    assert clinic.departments == ("internal_medicine", "dental") and clinic.site_id == "MAIN"
    assert scenario.rules.max_site_changes_per_week == 2
    assert scenario.history["D01"].evening_sessions == 4 and scenario.history["D01"].weekend_sessions == 0
    assert not scenario.doctors[0].holiday and scenario.doctors[1].holiday  # blank = yes
    christmas = dt.date(2026, 12, 25)
    assert not scenario.may_work_day(scenario.doctors[0], christmas)


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("partner_support:\n  - {site: NORTH, from_home_site: MAIN, min_sessions_per_week: 1}\n",
         "partner_support[0].site"),
        ("partner_support:\n  - {site: MAIN, from_home_site: MAIN, min_sessions_per_week: 1}\n",
         "partner_support[0].from_home_site"),
        ("partner_support:\n  - {site: EAST, from_home_site: MAIN}\n", "partner_support[0]"),
        ("joint_clinics:\n  - {name: X, departments: [dental], site: MAIN, sessions_per_week: 1}\n",
         "joint_clinics[0].departments"),
        ("joint_clinics:\n  - {name: X, departments: [dental, ent], site: MAIN, sessions_per_week: 1}\n",
         "joint_clinics[0].departments[1]"),
        ("joint_clinics:\n  - {name: X, departments: [dental, internal_medicine], site: MAIN, "
         "sessions_per_week: -1}\n", "joint_clinics[0].sessions_per_week"),
    ],
)
def test_bad_planner_yaml_names_the_key(tiny_copy: Path, text: str, column: str) -> None:
    """Unknown sites and departments, missing keys, negative counts: the key path is named."""
    path = tiny_copy / "scenario.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(tiny_copy)
    assert caught.value.column == column
    assert caught.value.row is not None and caught.value.row > 20


def test_history_with_unknown_doctor_is_bad_input(tiny_copy: Path) -> None:
    """history.csv is cross-checked against doctors.csv."""
    (tiny_copy / "history.csv").write_text("doctor_id,evening_sessions\nD77,3\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(tiny_copy)
    assert (Path(caught.value.file).name, caught.value.row, caught.value.column) == ("history.csv", 2, "doctor_id")


def test_bundled_county_partner_scenario_loads_its_planner_rules() -> None:
    """The bundled county-partner scenario carries partner support, a joint clinic, the CN
    calendar, and S1 experts registered at the county hospital."""
    scenario = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "county_group_partner")
    support, = scenario.partner_support
    assert (support.site_id, support.from_home_site, support.min_sessions_per_week) == ("S4", "S1", 8)
    assert len(scenario.joint_clinics) == 1 and scenario.sites["S4"].level == "county"
    assert sum(1 for d in scenario.doctors if d.home_site == "S1" and "S4" in d.sites) >= 5
