"""The roster as an Excel workbook: the familiar outpatient duty sheets.

* one sheet per site: days as columns, session x department as rows, each cell
  the doctors on duty with their titles and rooms;
* one sheet per department: days as columns, session x site as rows;
* a ``KPIs`` sheet: the simulated KPIs with 95% intervals and targets, and the
  roster's totals.

Evening sessions (rows) and Saturday, Sunday and holiday columns are shaded and
labelled. Every text cell is written as text (a name starting with ``=`` stays a
name, not a formula). The file is byte-identical for identical inputs (fixed
document dates and zip entry times), so re-exporting an unchanged roster leaves
the file alone.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from scheduler.export.files import write_bytes_safely
from scheduler.export.labels import (
    day_label,
    department_label,
    doctor_label,
    kpi_rows,
    session_label,
    sessions_in_horizon,
)
from scheduler.model import Assignment, Roster, Scenario

#: Excel's limit on sheet-name length [characters].
SHEET_NAME_MAX = 31
#: Characters Excel forbids in sheet names.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: Fixed zip entry time: the earliest a zip file can record.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

EVENING_FILL = PatternFill("solid", fgColor="E4DDF4")
WEEKEND_FILL = PatternFill("solid", fgColor="FCE8D2")
CLOSED_FILL = PatternFill("solid", fgColor="EEEEEE")
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")

#: Width of a day column and of the row-label columns [Excel character units].
DAY_WIDTH, LABEL_WIDTH = 28, 18
#: Height of one line of text in a grid row [points].
LINE_HEIGHT_PT = 15
#: Rows above the grid: title, legend, header.
HEADER_ROW = 3


def text_cell(value: object) -> str:
    """A value as spreadsheet-safe text: no characters XML cannot carry."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def put_text(sheet: Worksheet, row: int, column: int, value: object) -> None:
    """Write ``value`` as a text cell (never a formula, whatever it starts with)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = text_cell(value)
    cell.data_type = "s"


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unused sheet name close to ``wanted`` (Excel: 31 characters, no ``[]:*?/\\``)."""
    base = SHEET_NAME_FORBIDDEN.sub("_", text_cell(wanted)).strip("'") or "Sheet"
    name, n = base[:SHEET_NAME_MAX], 1
    while name.lower() in {t.lower() for t in taken}:
        n += 1
        suffix = f" ({n})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(name)
    return name


def duty_text(scenario: Scenario, assignments: Iterable[Assignment], show: str) -> str:
    """The doctors in one grid cell, one per line: ``Wang Li (Chief), M1`` (``show``: room or site)."""
    lines = []
    for a in sorted(assignments, key=lambda a: (a.room_id, a.doctor_id)):
        where = a.room_id if show == "room" else f"{a.site_id} {a.room_id}"
        clinic = "" if a.clinic == "general" else f", {a.clinic}"
        lines.append(f"{doctor_label(scenario.doctor(a.doctor_id))}, {where}{clinic}")
    return "\n".join(lines)


def _grid_sheet(
    sheet: Worksheet,
    scenario: Scenario,
    title: str,
    row_keys: list[tuple[str, str]],
    row_header: str,
    row_label: Mapping[str, str],
    cells: Mapping[tuple[str, str, dt.date], list[Assignment]],
    show: str,
) -> None:
    """Days as columns, (session, other key) as rows; shading for evening rows and weekend columns."""
    put_text(sheet, 1, 1, title)
    sheet.cell(row=1, column=1).font = TITLE_FONT
    put_text(sheet, 2, 1, "Shaded: evening sessions (purple rows), Saturday, Sunday and holiday (orange columns); "
                          "grey = session closed that day.")
    headers = ["Session", row_header, *(day_label(scenario, d) for d in scenario.dates)]
    for column, text in enumerate(headers, start=1):
        put_text(sheet, HEADER_ROW, column, text)
        cell = sheet.cell(row=HEADER_ROW, column=column)
        cell.font, cell.alignment = BOLD, WRAP
        is_day = column > 2
        cell.fill = WEEKEND_FILL if is_day and scenario.is_weekend_or_holiday(scenario.dates[column - 3]) \
            else HEADER_FILL
    for offset, (session_id, key) in enumerate(row_keys, start=1):
        row = HEADER_ROW + offset
        evening = scenario.session(session_id).evening
        put_text(sheet, row, 1, session_label(scenario, session_id))
        put_text(sheet, row, 2, row_label.get(key, key))
        for column in (1, 2):
            sheet.cell(row=row, column=column).alignment = WRAP
            if evening:
                sheet.cell(row=row, column=column).fill = EVENING_FILL
        lines = 1
        for i, date in enumerate(scenario.dates):
            cell = sheet.cell(row=row, column=3 + i)
            cell.alignment = WRAP
            duty = cells.get((session_id, key, date), [])
            if duty:
                put_text(sheet, row, 3 + i, duty_text(scenario, duty, show))
                lines = max(lines, len(duty))
            opened = session_id in {s.session_id for s in scenario.open_sessions(date)}
            if not opened and not duty:
                cell.fill = CLOSED_FILL
            elif scenario.is_weekend_or_holiday(date):
                cell.fill = WEEKEND_FILL
            elif evening:
                cell.fill = EVENING_FILL
        sheet.row_dimensions[row].height = LINE_HEIGHT_PT * max(lines, 2)
    sheet.column_dimensions["A"].width = LABEL_WIDTH
    sheet.column_dimensions["B"].width = LABEL_WIDTH
    for i in range(len(scenario.dates)):
        sheet.column_dimensions[get_column_letter(3 + i)].width = DAY_WIDTH
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)


def _row_keys(sessions: list[str], keys: Iterable[str]) -> list[tuple[str, str]]:
    return [(s, k) for s in sessions for k in keys]


def _ordered_sessions(scenario: Scenario, assignments: Iterable[Assignment]) -> list[str]:
    used = {a.session_id for a in assignments} | set(sessions_in_horizon(scenario))
    return [s.session_id for s in scenario.sessions if s.session_id in used]


def add_site_sheets(book: Workbook, scenario: Scenario, roster: Roster, taken: set[str]) -> None:
    """One sheet per site: session x department rows."""
    sessions = _ordered_sessions(scenario, roster.assignments)
    for site_id, site in scenario.sites.items():
        mine = [a for a in roster.assignments if a.site_id == site_id]
        departments = [d for d in scenario.departments
                       if scenario.usable_rooms(site_id, d) or any(a.department == d for a in mine)]
        cells: dict[tuple[str, str, dt.date], list[Assignment]] = {}
        for a in mine:
            cells.setdefault((a.session_id, a.department, a.date), []).append(a)
        sheet = book.create_sheet(sheet_name(site.name, taken))
        _grid_sheet(sheet, scenario, f"{site.name} ({site_id}): clinic roster, {scenario.name}",
                    _row_keys(sessions, departments), "Department",
                    {d: department_label(d) for d in departments}, cells, show="room")


def add_department_sheets(book: Workbook, scenario: Scenario, roster: Roster, taken: set[str]) -> None:
    """One sheet per department: session x site rows."""
    sessions = _ordered_sessions(scenario, roster.assignments)
    for department in scenario.departments:
        mine = [a for a in roster.assignments if a.department == department]
        sites = [s for s in scenario.sites
                 if scenario.usable_rooms(s, department) or any(a.site_id == s for a in mine)]
        cells: dict[tuple[str, str, dt.date], list[Assignment]] = {}
        for a in mine:
            cells.setdefault((a.session_id, a.site_id, a.date), []).append(a)
        sheet = book.create_sheet(sheet_name(department_label(department), taken))
        _grid_sheet(sheet, scenario, f"{department_label(department)}: clinic roster, {scenario.name}",
                    _row_keys(sessions, sites), "Site",
                    {s: scenario.sites[s].name for s in sites}, cells, show="site")


def roster_totals(scenario: Scenario, roster: Roster) -> list[tuple[str, int]]:
    """Doctor-sessions, slots, evening and weekend/holiday sessions, per site and overall."""
    rows = []
    for site_id, site in [(None, None), *scenario.sites.items()]:
        mine = [a for a in roster.assignments if site_id is None or a.site_id == site_id]
        where = "all sites" if site is None else site.name
        rows += [
            (f"Doctor-sessions, {where}", len(mine)),
            (f"Appointment slots, {where}", sum(a.slots for a in mine)),
            (f"Evening sessions, {where}", sum(1 for a in mine if scenario.session(a.session_id).evening)),
            (f"Weekend/holiday sessions, {where}", sum(1 for a in mine if scenario.is_weekend_or_holiday(a.date))),
        ]
    return rows


def add_kpi_sheet(book: Workbook, scenario: Scenario, roster: Roster, kpis: Mapping[str, float] | None,
                  taken: set[str]) -> None:
    """Simulated KPIs (mean, 95% half-width, target, met) and the roster's totals."""
    sheet = book.create_sheet(sheet_name("KPIs", taken))
    put_text(sheet, 1, 1, f"KPIs: {scenario.name}")
    sheet.cell(row=1, column=1).font = TITLE_FONT
    row = 3
    if kpis:
        put_text(sheet, 2, 1, f"Simulated over {int(kpis.get('replications', 0))} replications, "
                              f"seed {int(kpis.get('seed', 0))}; ± is the 95% confidence half-width.")
        for column, text in enumerate(("KPI", "Unit", "Mean", "± 95%", "Target", "Met"), start=1):
            put_text(sheet, row, column, text)
            sheet.cell(row=row, column=column).font = BOLD
        for item in kpi_rows(scenario, kpis):
            row += 1
            put_text(sheet, row, 1, item["label"])
            put_text(sheet, row, 2, item["unit"])
            sheet.cell(row=row, column=3, value=round(float(item["value"]), 4))
            sheet.cell(row=row, column=4, value=round(float(item["ci95"]), 4))
            put_text(sheet, row, 5, item["target"])
            if item["met"] is not None:
                put_text(sheet, row, 6, "yes" if item["met"] else "NO")
    else:
        put_text(sheet, 2, 1, "No simulation given: roster totals only.")
    row += 2
    for label, value in roster_totals(scenario, roster):
        put_text(sheet, row, 1, label)
        sheet.cell(row=row, column=3, value=value)
        row += 1
    sheet.column_dimensions["A"].width = 48
    for letter in "BCDEF":
        sheet.column_dimensions[letter].width = 12


def build_workbook(scenario: Scenario, roster: Roster, kpis: Mapping[str, float] | None = None) -> Workbook:
    """The workbook: site sheets, department sheets, then the KPI sheet."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    add_site_sheets(book, scenario, roster, taken)
    add_department_sheets(book, scenario, roster, taken)
    add_kpi_sheet(book, scenario, roster, kpis, taken)
    fixed = dt.datetime.combine(scenario.start_date, dt.time())
    book.properties.created = book.properties.modified = fixed
    book.properties.title = text_cell(f"Clinic roster: {scenario.name}")
    book.properties.creator = "outpatient-scheduler"
    return book


def workbook_bytes(book: Workbook) -> bytes:
    """The .xlsx content, with fixed zip entry times so equal workbooks give equal bytes."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    fixed = io.BytesIO()
    with zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, source.read(info.filename))
    return fixed.getvalue()


def write_workbook(scenario: Scenario, roster: Roster, path: Path,
                   kpis: Mapping[str, float] | None = None) -> Path:
    """Write the roster workbook to ``path`` (a different existing file is kept as a backup)."""
    write_bytes_safely(path, workbook_bytes(build_workbook(scenario, roster, kpis)))
    return path
