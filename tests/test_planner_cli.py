"""The planner's rules from the command line: an unmeetable partner-support rule is
reported in words with exit code 1."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from cli import main

TINY = Path(__file__).parent / "data" / "tiny"


def test_unmeetable_partner_support_exits_1_with_the_reason(tmp_path: Path) -> None:
    """EAST asks 12 sessions from MAIN's doctors; only Wang Li is registered there (at most 6)."""
    folder = tmp_path / "scenario"
    shutil.copytree(TINY, folder)
    with (folder / "scenario.yaml").open("a", encoding="utf-8") as f:
        f.write("partner_support:\n  - {site: EAST, from_home_site: MAIN, min_sessions_per_week: 12}\n")
    result = CliRunner().invoke(main, ["roster", str(folder), "--out", str(tmp_path / "out"), "--time-limit", "5"])
    assert result.exit_code == 1, result.output
    assert "EAST should receive at least 12 sessions" in result.output
    assert "at most 6 are possible, 6 sessions short" in result.output
    assert "not registered at EAST" in result.output
    assert "max sessions per week caps Wang Li (D01) at 6" in result.output
    assert "Traceback" not in result.output
