"""The ``sweep`` command's exit codes and messages, its progress line, and the bundled example sweep."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from sweep_helpers import REPO, TINY, write_sweep

from cli import main
from scheduler.sweep import run as sweep_run
from scheduler.sweep.run import TerminalProgress, prepare_points
from scheduler.sweep.spec import load_sweep

EXAMPLE = REPO / "scenarios" / "sweeps" / "evening_clinics.yaml"


def invoke(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; exit code and all output."""
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_bad_sweep_file_exits_2_with_one_line_and_no_cluster(tmp_path: Path) -> None:
    """The message names file, row and key path; no traceback."""
    sweep = write_sweep(tmp_path, f"base: {TINY.as_posix()}\nparameters:\n  - {{path: days, scale: [2]}}\n")
    code, output = invoke("sweep", str(sweep), "--out", str(tmp_path / "out"))
    assert code == 2
    assert output.strip() == (f"error: {sweep}, row 3, column 'parameters[0].scale': 'scale' applies to a "
                              "table column (FILE.csv:COLUMN); use 'values'")
    assert not (tmp_path / "out").exists()


def test_workers_and_scheduler_together_are_a_usage_error(tmp_path: Path) -> None:
    """--workers sizes the local cluster only."""
    code, output = invoke("sweep", str(write_sweep(tmp_path)), "--out", str(tmp_path / "out"),
                          "--scheduler", "tcp://127.0.0.1:1", "--workers", "2")
    assert code == 2 and "--workers sizes the local cluster" in output


def test_unreachable_scheduler_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scheduler address nobody answers is bad input, named as such."""
    monkeypatch.setattr(sweep_run, "CONNECT_TIMEOUT_S", 1)
    code, output = invoke("sweep", str(write_sweep(tmp_path)), "--out", str(tmp_path / "out"),
                          "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2
    assert output.startswith("error: --scheduler: cannot reach a Dask scheduler at 'tcp://127.0.0.1:1'")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_updates_one_line_on_a_terminal_and_is_quiet_otherwise() -> None:
    """Carriage-return updates, a newline at the end; nothing when output is not a terminal."""
    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = TerminalProgress(stream)
        for done in range(3):
            progress(done, 2)
    shown = terminal.getvalue()
    assert shown.count("\r") == 3 and shown.endswith("\n")
    assert "\rsweep: 1/2 points done (" in shown
    assert pipe.getvalue() == ""


def test_bundled_example_sweep_is_valid(tmp_path: Path) -> None:
    """scenarios/sweeps/evening_clinics.yaml: 8 valid points of city_general, each a different scenario."""
    spec = load_sweep(EXAMPLE)
    prepared = prepare_points(spec, tmp_path)
    assert len(prepared) == 8
    assert len({p.key for p in prepared}) == 8
    assert {p.point.settings[0][1] == ["AM", "PM", "EVE"] for p in prepared} == {True, False}
    assert {p.scenario.simulation.walk_in_share for p in prepared} == {0.35, 0.2}


def test_ctrl_c_says_how_to_resume_and_exits_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An interrupted sweep tells where its finished points are and how to resume, without a traceback."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep_run, "run_sweep", interrupted)
    out = tmp_path / "out"
    code, output = invoke("sweep", str(write_sweep(tmp_path)), "--out", str(out))
    assert code == 130
    assert f"interrupted: finished points are kept in {out}/points/; run the same command again to resume." in output
