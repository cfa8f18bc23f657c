"""The roster workbook: site and department duty sheets, KPI sheet, safe cells, stable bytes."""

from __future__ import annotations

from pathlib import Path

import builders
import pytest
from builders import MONDAY, day, make_assignment, make_doctor, make_roster, make_scenario
from openpyxl import load_workbook

from scheduler.export.workbook import build_workbook, sheet_name, write_workbook
from scheduler.model import Roster, Scenario

EVIL = "=HYPERLINK(\"http://x\",\"click\")"


@pytest.fixture
def week() -> tuple[Scenario, Roster]:
    """Two doctors: D1 at MAIN on Monday AM and Monday EVE and Saturday AM; D2 at MAIN Monday AM."""
    doctors = (make_doctor("D1", name="Wang Li", department="MED", sites=("MAIN", "EAST"), evening=True,
                           weekend=True),
               make_doctor("D2", name=EVIL, department="SUR", title="chief"))
    scenario = make_scenario(doctors=doctors)
    roster = make_roster(
        make_assignment(scenario, "D1", MONDAY, "AM"),
        make_assignment(scenario, "D1", MONDAY, "EVE"),
        make_assignment(scenario, "D1", day(5), "AM", site_id="EAST", room_id="E1"),
        make_assignment(scenario, "D2", MONDAY, "AM", room_id="M2"),
    )
    return scenario, roster


def cell_at(sheet, row_label: tuple[str, str], day_index: int) -> str | None:
    """The grid cell at (session label prefix, row key label) and the day's column."""
    for row in sheet.iter_rows(min_row=4):
        if str(row[0].value).startswith(row_label[0]) and row[1].value == row_label[1]:
            return row[2 + day_index].value
    raise AssertionError(f"no row {row_label}")


def test_one_sheet_per_site_and_department_then_kpis(week) -> None:
    """Sheets: the sites by name, the departments, then KPIs."""
    scenario, roster = week
    book = build_workbook(scenario, roster)
    site_names = [s.name for s in scenario.sites.values()]
    assert book.sheetnames == [*site_names, "MED", "SUR", "KPIs"]


def test_site_sheet_puts_each_doctor_with_title_and_room_in_the_right_cell(week) -> None:
    """Days are columns; session x department rows; names with titles and rooms in cells."""
    scenario, roster = week
    book = build_workbook(scenario, roster)
    main = book[scenario.sites["MAIN"].name]
    assert main.cell(row=3, column=3).value == "Mon 2026-11-30"
    assert cell_at(main, ("AM", "MED"), 0) == "Wang Li (Attending), M1"
    assert cell_at(main, ("AM", "SUR"), 0) == f"{EVIL} (Chief), M2, expert"
    assert cell_at(main, ("EVE", "MED"), 0) == "Wang Li (Attending), M1"
    assert cell_at(main, ("AM", "MED"), 1) is None
    east = book[scenario.sites["EAST"].name]
    assert cell_at(east, ("AM", "MED"), 5) == "Wang Li (Attending), E1"
    department = book["MED"]
    assert cell_at(department, ("AM", scenario.sites["EAST"].name), 5) == "Wang Li (Attending), EAST E1"


def test_evening_rows_and_weekend_columns_are_marked(week) -> None:
    """Evening rows say 'evening' and are shaded; Saturday is shaded; a weekday day cell is not."""
    scenario, roster = week
    main = build_workbook(scenario, roster)[scenario.sites["MAIN"].name]
    labels = {row[0].value: row[0].fill.fgColor.rgb for row in main.iter_rows(min_row=4)}
    evening = [label for label in labels if label.startswith("EVE")]
    assert evening and all(label.endswith("evening") for label in evening)
    assert labels[evening[0]] != labels[next(label for label in labels if label.startswith("AM"))]
    saturday = main.cell(row=3, column=3 + 5)
    monday = main.cell(row=3, column=3)
    assert saturday.value.startswith("Sat") and saturday.fill.fgColor.rgb != monday.fill.fgColor.rgb
    am_row = next(r for r in range(4, main.max_row + 1) if str(main.cell(row=r, column=1).value).startswith("AM"))
    assert main.cell(row=am_row, column=3 + 5).fill.fgColor.rgb == saturday.fill.fgColor.rgb


def test_names_that_look_like_formulas_stay_text(week, tmp_path: Path) -> None:
    """A doctor named '=HYPERLINK(...)' is written as a text cell, not a formula."""
    scenario, roster = week
    path = write_workbook(scenario, roster, tmp_path / "roster.xlsx")
    sheet = load_workbook(path)[scenario.sites["MAIN"].name]
    cells = [c for row in sheet.iter_rows() for c in row if c.value and EVIL in str(c.value)]
    assert cells and all(c.data_type == "s" for c in cells)


def test_kpi_sheet_shows_values_targets_and_totals(week) -> None:
    """KPI rows carry mean, half-width and whether the target is met; roster totals follow."""
    scenario, roster = week
    kpis = {"mean_wait_min": 42.0, "mean_wait_min_ci95": 1.5, "within_booking_window_share": 0.95,
            "replications": 3, "seed": 1}
    sheet = build_workbook(scenario, roster, kpis)["KPIs"]
    rows = {row[0].value: [c.value for c in row] for row in sheet.iter_rows()}
    assert rows["Wait for the doctor, mean"][2:6] == [42.0, 1.5, "≤ 30", "NO"]
    assert rows["Seen or booked inside the booking window"][5] == "yes"
    assert rows["Doctor-sessions, all sites"][2] == 4
    assert rows["Evening sessions, all sites"][2] == 1
    assert rows["Weekend/holiday sessions, all sites"][2] == 1


def test_rewriting_an_unchanged_roster_gives_identical_bytes_and_a_changed_one_a_backup(week, tmp_path) -> None:
    """Same inputs, same file (no backup); a different roster keeps the old file as roster.xlsx.~1~."""
    scenario, roster = week
    path = tmp_path / "roster.xlsx"
    first = write_workbook(scenario, roster, path).read_bytes()
    assert write_workbook(scenario, roster, path).read_bytes() == first
    assert not (tmp_path / "roster.xlsx.~1~").exists()
    write_workbook(scenario, make_roster(*roster.assignments[:1]), path)
    assert (tmp_path / "roster.xlsx.~1~").read_bytes() == first


@pytest.mark.parametrize(
    ("wanted", "taken", "expected"),
    [
        ("City General", set(), "City General"),
        ("a/b:c*d?[e]", set(), "a_b_c_d__e_"),
        ("x" * 40, set(), "x" * 31),
        ("KPIs", {"kpis"}, "KPIs (2)"),
        ("y" * 40, {"y" * 31}, "y" * 27 + " (2)"),
        ("", set(), "Sheet"),
    ],
)
def test_sheet_names_are_valid_and_unique(wanted: str, taken: set[str], expected: str) -> None:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    assert sheet_name(wanted, set(taken)) == expected


def test_default_builders_scenario_exports(tmp_path: Path) -> None:
    """The shared hand-built scenario and its clean roster export without error."""
    scenario = builders.make_scenario()
    roster = builders.clean_roster(scenario)
    book = load_workbook(write_workbook(scenario, roster, tmp_path / "r.xlsx"))
    assert len(book.sheetnames) == len(scenario.sites) + len(scenario.departments) + 1
