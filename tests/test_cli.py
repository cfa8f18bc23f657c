"""The command line end to end: demo, roster -> check -> simulate, compare, exit codes."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from cli import main
from scheduler.roster_io import ROSTER_COLUMNS

TINY = Path(__file__).parent / "data" / "tiny"
CONTRACT_KPIS = (
    "mean_wait_min", "p90_wait_min", "max_queue_len", "mean_queues_per_patient",
    "doctor_utilisation", "overtime_min_per_session", "booking_lead_days_mean",
    "booking_lead_days_p90", "within_booking_window_share", "unserved_patients", "patients",
)


def invoke(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; exit code and all output."""
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_demo_runs_the_bundled_scenario_end_to_end(tmp_path: Path) -> None:
    """demo writes the four outputs and prints the roster and queue summary."""
    code, output = invoke("demo", "--out", str(tmp_path), "--time-limit", "6", "--replications", "3")
    assert code == 0, output
    for name in ("roster.csv", "solve.json", "kpis.json", "visits.csv"):
        assert (tmp_path / name).is_file()
    assert "Servable inside the booking window" in output and "wait for the doctor" in output
    solved = json.loads((tmp_path / "solve.json").read_text())
    assert solved["status"] in ("optimal", "feasible")
    for key in ("objective", "best_bound", "gap", "wall_s", "penalties"):
        assert key in solved
    assert solved["served_within_window"] <= solved["served_bound"] <= solved["demand_patients"]
    kpis = json.loads((tmp_path / "kpis.json").read_text())
    for key in CONTRACT_KPIS:
        assert isinstance(kpis[key], (int, float)) and f"{key}_ci95" in kpis
    assert kpis["replications"] == 3
    code, output = invoke("check", "scenarios/city_general", "--roster", str(tmp_path / "roster.csv"))
    assert code == 0, output


def test_roster_check_simulate_on_the_tiny_scenario(tmp_path: Path) -> None:
    """roster writes the contract columns; check passes it; simulate writes KPIs."""
    code, output = invoke("roster", str(TINY), "--out", str(tmp_path), "--time-limit", "5")
    assert code == 0, output
    with (tmp_path / "roster.csv").open(encoding="utf-8") as f:
        assert tuple(next(csv.reader(f))) == ROSTER_COLUMNS
    assert invoke("check", str(TINY), "--roster", str(tmp_path / "roster.csv"))[0] == 0
    code, output = invoke("simulate", str(TINY), "--roster", str(tmp_path / "roster.csv"),
                          "--out", str(tmp_path), "--replications", "2")
    assert code == 0, output
    assert json.loads((tmp_path / "kpis.json").read_text())["replications"] == 2


def test_check_names_a_planted_violation_and_exits_1(tmp_path: Path) -> None:
    """A hand-written roster with a doctor in two rooms at once fails check."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        ",".join(ROSTER_COLUMNS) + "\n"
        "2026-11-30,AM,MAIN,M1,internal_medicine,D02,general,08:00,12:00,20,20\n"
        "2026-11-30,AM,MAIN,M2,internal_medicine,D02,general,08:00,12:00,20,20\n",
        encoding="utf-8",
    )
    code, output = invoke("check", str(TINY), "--roster", str(roster))
    assert code == 1
    assert "Zhang Wei" in output and "D02" in output


def test_rerunning_keeps_a_hand_edited_roster_as_a_backup(tmp_path: Path) -> None:
    """Nothing a user wrote is overwritten: an edited roster.csv survives as a backup."""
    assert invoke("roster", str(TINY), "--out", str(tmp_path), "--time-limit", "5")[0] == 0
    edited = (tmp_path / "roster.csv").read_text() + "\n"
    (tmp_path / "roster.csv").write_text(edited)
    assert invoke("roster", str(TINY), "--out", str(tmp_path), "--time-limit", "5")[0] == 0
    assert (tmp_path / "roster.csv.~1~").read_text() == edited


def test_compare_reports_paired_differences(tmp_path: Path) -> None:
    """compare on a scenario and its copy with one more doctor: table, headline, files."""
    richer = tmp_path / "richer"
    shutil.copytree(TINY, richer)
    with (richer / "doctors.csv").open("a", encoding="utf-8") as f:
        f.write("D05,Sun Mei,internal_medicine,attending,EAST,,no,no\n")
    code, output = invoke("compare", str(TINY), str(richer), "--out", str(tmp_path / "cmp"),
                          "--time-limit", "4", "--replications", "3")
    assert code == 0, output
    assert "| within_booking_window_share |" in output
    assert (tmp_path / "cmp" / "compare.csv").is_file() and (tmp_path / "cmp" / "a" / "kpis.json").is_file()
    table = pd.read_csv(tmp_path / "cmp" / "compare.csv").set_index("kpi")
    # same demand and seed: common random numbers give exactly the same patients
    assert table.loc["patients", "b_minus_a"] == 0 and table.loc["patients", "b_minus_a_ci95"] == 0
    assert (tmp_path / "cmp" / "compare.md").read_text().strip().splitlines()[-1] in output


def test_roster_warm_starts_from_last_weeks_roster(tmp_path: Path) -> None:
    """--warm-start takes last week's roster.csv (Monday 2026-11-23, one week before the
    horizon): the solve starts from it and gives a checked roster serving every patient."""
    last_week = tmp_path / "last_week.csv"
    last_week.write_text(",".join(ROSTER_COLUMNS) + "\n"
                         "2026-11-23,AM,MAIN,M1,internal_medicine,D02,general,08:00,12:00,20,20\n"
                         "2026-11-23,PM,MAIN,M1,internal_medicine,D02,general,13:30,17:30,20,20\n",
                         encoding="utf-8")
    code, output = invoke("roster", str(TINY), "--out", str(tmp_path / "warm"), "--time-limit", "2",
                          "--warm-start", str(last_week))
    assert code == 0, output
    warm = json.loads((tmp_path / "warm" / "solve.json").read_text())
    assert warm["served_within_window"] == warm["demand_patients"] == 321
    assert warm["best_bound"] <= warm["objective"]
    assert invoke("check", str(TINY), "--roster", str(tmp_path / "warm" / "roster.csv"))[0] == 0


def test_roster_warm_start_with_a_bad_file_exits_2_naming_it(tmp_path: Path) -> None:
    """A missing warm-start file, or one naming an unknown doctor, is bad input: exit 2, and
    the message names the file, row and column; nothing is solved or written."""
    code, output = invoke("roster", str(TINY), "--out", str(tmp_path / "out"),
                          "--warm-start", str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv" in output and "not found" in output
    bad = tmp_path / "last_week.csv"
    bad.write_text(",".join(ROSTER_COLUMNS) + "\n"
                   "2026-11-23,AM,MAIN,M1,internal_medicine,D99,general,08:00,12:00,20,20\n", encoding="utf-8")
    code, output = invoke("roster", str(TINY), "--out", str(tmp_path / "out"), "--warm-start", str(bad))
    assert code == 2
    assert "last_week.csv" in output and "row 2" in output and "column 'doctor_id'" in output and "D99" in output
    assert not (tmp_path / "out" / "roster.csv").exists()
