"""Sweep files: what a valid one means, and bad ones named by file, line and key path."""

from __future__ import annotations

from pathlib import Path

import pytest
from sweep_helpers import TINY, write_sweep

from scheduler.errors import InputError
from scheduler.sweep.run import prepare_points
from scheduler.sweep.spec import ColumnPath, KeyPath, load_sweep

HEAD = f"base: {TINY.as_posix()}\n"


def test_valid_sweep_file_is_read_with_paths_values_and_defaults(tmp_path: Path) -> None:
    """Key paths and table columns are told apart; solver workers default to 1 in a sweep."""
    sweep = write_sweep(tmp_path, HEAD + """\
set: {simulation.replications: 3}
parameters:
  - path: sessions[2].end
    values: ["20:00", "21:00"]
  - path: demand.csv:patients
    scale: [1, 1.25]
    where: {site_id: EAST}
    name: east_growth
kpis: [mean_wait_min]
""")
    spec = load_sweep(sweep)
    assert spec.name == "sweep" and spec.base == TINY.resolve()
    first, second = spec.parameters
    assert first.target == KeyPath("sessions[2].end", ("sessions", 2, "end"))
    assert first.values == ("20:00", "21:00") and first.name == "sessions[2].end"
    assert second.target == ColumnPath("demand.csv:patients", "demand.csv", "patients", (("site_id", "EAST"),))
    assert second.values == (1.0, 1.25) and second.scale and second.name == "east_growth"
    assert [(c.target.text, c.value) for c in spec.fixed] == [
        ("simulation.replications", "3"), ("solver.workers", "1")]
    assert spec.kpis == ("mean_wait_min",)


@pytest.mark.parametrize(
    ("body", "row", "column", "fragment"),
    [
        ("parameters: [{path: days, values: [7]}]\nextra: 1\n", 3, "extra", "unknown key 'extra'"),
        ("parameters: []\n", 2, "parameters", "at least one parameter"),
        ("parameters:\n  - path: demand.csv:patient\n    scale: [1.1]\n",
         3, "parameters[0].path", "no column 'patient'"),
        ("parameters:\n  - path: visits.csv:patients\n    values: [1]\n",
         3, "parameters[0].path", "no table 'visits.csv'"),
        ("parameters:\n  - path: simulation walk\n    values: [1]\n",
         3, "parameters[0].path", "neither a scenario.yaml key"),
        ("parameters:\n  - path: days\n    values: [7]\n    scale: [1]\n", 3, "parameters[0]", "exactly one of"),
        ("parameters:\n  - path: days\n    scale: [1]\n", 4, "parameters[0].scale", "applies to a table column"),
        ("parameters:\n  - path: days\n    values: []\n", 4, "parameters[0].values", "at least one value"),
        ("parameters:\n  - {path: demand.csv:patients, scale: [1, -2]}\n", 3, "parameters[0].scale[1]", "at least 0"),
        ("parameters:\n  - path: demand.csv:patients\n    scale: [1]\n    where: {sitee: MAIN}\n", 5,
         "parameters[0].where.sitee", "no column 'sitee'"),
        ("parameters:\n  - path: demand.csv:patients\n    scale: [1]\n    where: {site_id: WEST}\n", 5,
         "parameters[0].where.site_id", "no row of 'demand.csv' has site_id = 'WEST'"),
        ("parameters:\n  - path: days\n    values: [7]\n    where: {site_id: MAIN}\n", 5, "parameters[0].where",
         "table column (FILE.csv:COLUMN) only"),
        ("parameters:\n  - {path: days, values: [6]}\n  - {path: days, values: [7]}\n", 4, "parameters[1]",
         "already varied by parameters[0]"),
        ("parameters:\n  - {path: days, values: [7]}\nkpis: []\n", 4, "kpis", "at least one KPI"),
        ("parameters:\n  - {path: demand.csv:patients, scale: [1], name: patients}\n", 3, "parameters[0]",
         "'patients' is a column of the results already"),
        ("set: {simulation..seed: 2}\nparameters:\n  - {path: days, values: [7]}\n", 2, "set.simulation..seed",
         "neither a scenario.yaml key"),
    ],
)
def test_bad_sweep_file_names_line_and_key_path(tmp_path: Path, body: str, row: int, column: str,
                                                fragment: str) -> None:
    """Each mistake raises one InputError at the sweep file, its line and YAML key path."""
    sweep = write_sweep(tmp_path, HEAD + body)
    with pytest.raises(InputError) as caught:
        load_sweep(sweep)
    error = caught.value
    assert (Path(error.file), error.row, error.column) == (sweep, row, column), str(error)
    assert fragment in error.message


def test_missing_or_wrong_base_is_named(tmp_path: Path) -> None:
    """No base key, or a base folder without scenario.yaml."""
    with pytest.raises(InputError, match="missing required key 'base'"):
        load_sweep(write_sweep(tmp_path, "parameters: [{path: days, values: [7]}]\n"))
    with pytest.raises(InputError, match="no scenario folder") as caught:
        load_sweep(write_sweep(tmp_path, "base: nowhere\nparameters: [{path: days, values: [7]}]\n"))
    assert (caught.value.row, caught.value.column) == (1, "base")
    with pytest.raises(InputError, match="sweep file not found"):
        load_sweep(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("parameter", "column", "fragment"),
    [
        ("{path: simulation.walk_in_sahre, values: [0.2]}", "parameters[0].path",
         "scenario.yaml, column 'simulation.walk_in_sahre': unknown key 'walk_in_sahre'"),
        ("{path: simulation.walk_in_share, values: [0.2, 1.5]}", "parameters[0].path",
         "point p001 (simulation.walk_in_share=1.5) is not a valid scenario: scenario.yaml"),
        ("{path: opening.weekday, values: [[AM, LATE]]}", "parameters[0].path", "unknown session 'LATE'"),
        ("{path: 'sessions[5].end', values: ['22:00']}", "parameters[0].path", "sessions has no item [5] (it has 3)"),
        ("{path: doctors.csv:max_sessions_per_week, values: [many]}", "parameters[0].path",
         "doctors.csv, row 2, column 'max_sessions_per_week'"),
    ],
)
def test_point_that_is_not_a_valid_scenario_is_named_before_any_work(
    tmp_path: Path, parameter: str, column: str, fragment: str
) -> None:
    """Every point is materialised and loaded up front; the loader's message names the point and entry."""
    sweep = write_sweep(tmp_path, HEAD + f"parameters:\n  - {parameter}\n")
    with pytest.raises(InputError) as caught:
        prepare_points(load_sweep(sweep), tmp_path / "out")
    error = caught.value
    assert (Path(error.file), error.column) == (sweep, column)
    assert fragment in error.message, error.message
