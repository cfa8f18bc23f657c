"""A report of the tiny scenario with hostile names, made once for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import hostile_tiny

from cli import main


@pytest.fixture(scope="session")
def tiny_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(scenario folder, output folder) of ``report`` run on the hostile tiny scenario."""
    base = tmp_path_factory.mktemp("tiny_report")
    scenario = hostile_tiny(base / "scenario")
    out = base / "out"
    result = CliRunner().invoke(main, ["report", str(scenario), "--out", str(out), "--time-limit", "2",
                                       "--replications", "2"])
    assert result.exit_code == 0, result.output
    return scenario, out
