"""``report`` and ``export`` end to end: the files users get, and bad input."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from icalendar import Calendar
from openpyxl import load_workbook

from cli import main
from scheduler.roster_io import read_roster
from scheduler.scenario import load_scenario


def invoke(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; exit code and all output."""
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_report_writes_page_workbook_calendars_and_run_files(tiny_report: tuple[Path, Path]) -> None:
    """One command: report.html, roster.xlsx, a calendar per doctor, roster.csv, solve.json, kpis.json, visits.csv."""
    scenario_dir, out = tiny_report
    scenario = load_scenario(scenario_dir)
    for name in ("report.html", "roster.xlsx", "roster.csv", "solve.json", "kpis.json", "visits.csv"):
        assert (out / name).is_file(), name
    roster = read_roster(out / "roster.csv", scenario)
    calendars = sorted(p.name for p in (out / "calendars").iterdir())
    assert calendars == sorted(f"{d.doctor_id}.ics" for d in scenario.doctors)
    by_doctor = roster.by_doctor()
    for doctor in scenario.doctors:
        events = Calendar.from_ical((out / "calendars" / f"{doctor.doctor_id}.ics").read_bytes()).walk("VEVENT")
        assert len(events) == len(by_doctor.get(doctor.doctor_id, []))
    book = load_workbook(out / "roster.xlsx")
    assert book.sheetnames[-1] == "KPIs"
    texts = [str(c.value) for sheet in book.worksheets[: len(scenario.sites)] for row in sheet.iter_rows(min_row=4)
             for c in row[2:] if c.value]
    assert sum(text.count("\n") + 1 for text in texts) == len(roster)


def test_report_on_a_given_roster_without_exports(tiny_report: tuple[Path, Path], tmp_path: Path) -> None:
    """--roster skips solving; --no-export writes only the page and the simulation's files."""
    scenario_dir, out = tiny_report
    code, output = invoke("report", str(scenario_dir), "--roster", str(out / "roster.csv"), "--out", str(tmp_path),
                          "--replications", "2", "--no-export")
    assert code == 0, output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "queue_series.csv") == [
        "kpis.json", "report.html", "visits.csv"]
    assert json.loads((tmp_path / "kpis.json").read_text())["replications"] == 2


def test_report_from_a_saved_simulation_matches_its_kpis(tiny_report: tuple[Path, Path], tmp_path: Path) -> None:
    """--roster with --sim reads kpis.json and visits.csv instead of simulating: same KPI table as the run."""
    scenario_dir, out = tiny_report
    code, output = invoke("report", str(scenario_dir), "--roster", str(out / "roster.csv"), "--sim", str(out),
                          "--out", str(tmp_path), "--no-export")
    assert code == 0, output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    saved = (out / "report.html").read_text(encoding="utf-8")
    again = (tmp_path / "report.html").read_text(encoding="utf-8")
    table = re.compile(r"<table>.*?</table>", re.S)
    assert table.search(again).group(0) == table.search(saved).group(0)
    assert again.count('<svg class="chart"') == saved.count('<svg class="chart"')
    code, output = invoke("report", str(scenario_dir), "--sim", str(out), "--out", str(tmp_path))
    assert code == 2 and "--roster" in output


def test_report_compare_shows_both_scenarios_with_intervals(tiny_report: tuple[Path, Path], tmp_path: Path) -> None:
    """--compare: the page has the side-by-side section with paired differences; files in a/ and b/."""
    scenario_dir = tiny_report[0]
    extended = tmp_path / "extended"
    shutil.copytree(scenario_dir, extended)
    settings = extended / "scenario.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("saturday: [AM]", "saturday: [AM, PM]"),
                        encoding="utf-8")
    out = tmp_path / "out"
    code, output = invoke("report", str(scenario_dir), "--compare", str(extended), "--out", str(out),
                          "--time-limit", "2", "--replications", "3")
    assert code == 0, output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Comparison: A and B side by side" in page
    assert page.count('<svg class="interval"') >= 10
    for side in ("a", "b"):
        assert (out / side / "roster.xlsx").is_file() and (out / side / "kpis.json").is_file()
    assert (out / "compare.csv").is_file()


def test_export_writes_workbook_and_calendars_of_a_roster(tiny_report: tuple[Path, Path], tmp_path: Path) -> None:
    """export: workbook with the KPI sheet from kpis.json, and the calendars."""
    scenario_dir, out = tiny_report
    code, output = invoke("export", str(scenario_dir), "--roster", str(out / "roster.csv"), "--out", str(tmp_path),
                          "--kpis", str(out / "kpis.json"))
    assert code == 0, output
    kpi_sheet = load_workbook(tmp_path / "roster.xlsx")["KPIs"]
    assert "Wait for the doctor, mean" in [row[0].value for row in kpi_sheet.iter_rows()]
    assert len(list((tmp_path / "calendars").glob("*.ics"))) == 4


def test_bad_input_exits_2_naming_the_file(tiny_report: tuple[Path, Path], tmp_path: Path) -> None:
    """A KPI file with text for a number, a missing roster, or --roster with --compare: exit 2, one message."""
    scenario_dir, out = tiny_report
    bad = tmp_path / "kpis.json"
    bad.write_text('{"mean_wait_min": "long"}', encoding="utf-8")
    code, output = invoke("export", str(scenario_dir), "--roster", str(out / "roster.csv"), "--out", str(tmp_path),
                          "--kpis", str(bad))
    assert code == 2 and f"{bad}" in output and "mean_wait_min" in output and "Traceback" not in output
    code, output = invoke("report", str(scenario_dir), "--roster", str(tmp_path / "none.csv"), "--out", str(tmp_path))
    assert code == 2 and "none.csv" in output
    code, output = invoke("report", str(scenario_dir), "--roster", str(out / "roster.csv"), "--compare",
                          str(scenario_dir), "--out", str(tmp_path))
    assert code == 2 and "either --roster or --compare" in output
