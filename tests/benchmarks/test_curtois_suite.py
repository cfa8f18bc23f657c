"""The Curtois & Qu suite runs the command line on an instance folder and checks each roster."""

from __future__ import annotations

from pathlib import Path

from curtois_tiny import ONE_STAFF, write_instance

from benchmarks import curtois_suite


def test_suite_row_and_report(tmp_path: Path) -> None:
    """One fresh-process solve per instance; the row carries the command's objective and the
    evaluator's verdict, and the report files are written."""
    folder = tmp_path / "data"
    folder.mkdir()
    write_instance(folder, ONE_STAFF, "Instance1.txt")
    out = tmp_path / "out"
    assert curtois_suite.main(["--instances", "1", "--time-limit", "5", "--workers", "1",
                               "--folder", str(folder), "--out", str(out), "--name", "run"]) == 0
    row = curtois_suite.run_instance(1, 5, 1, 1, None, folder)
    # 7 days, one shift a day wanted, at most 4 in a row and 5 shifts (2400 min): 2 days uncovered
    assert row["status"] == "optimal" and row["objective"] == row["bound"] == 200
    assert row["evaluator_feasible"] and row["evaluator_objective"] == 200
    assert row["reached_best_known"] == (curtois_suite.BEST_KNOWN[1] >= 200)
    text = (out / "run.md").read_text()
    assert "| 1 |" in text and (out / "run.csv").exists()
