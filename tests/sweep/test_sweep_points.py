"""The grid of points, each point's scenario folder, its identity, and the task it runs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
from sweep_helpers import TINY, write_sweep

from scheduler.scenario import load_scenario
from scheduler.sweep.points import expand_points, folder_files, materialise, point_key
from scheduler.sweep.spec import load_sweep
from scheduler.sweep.store import assemble, parquet_bytes
from scheduler.sweep.tasks import POINT_COLUMNS, run_point

HEAD = f"base: {TINY.as_posix()}\n"


def _demand(folder: Path) -> list[dict[str, str]]:
    with open(folder / "demand.csv", encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_grid_is_every_combination_first_parameter_slowest(tmp_path: Path) -> None:
    """3 x 2 values give 6 points p000..p005 in row-major order, fixed changes first in each."""
    spec = load_sweep(write_sweep(tmp_path, HEAD + """\
set: {simulation.seed: 7}
parameters:
  - {path: demand.csv:patients, scale: [0.5, 1, 2], name: growth}
  - {path: opening.saturday, values: [[], [AM]]}
"""))
    points = expand_points(spec)
    assert [p.label for p in points] == ["p000", "p001", "p002", "p003", "p004", "p005"]
    assert [p.settings for p in points[:3]] == [
        (("growth", 0.5), ("opening.saturday", [])),
        (("growth", 0.5), ("opening.saturday", ["AM"])),
        (("growth", 1.0), ("opening.saturday", [])),
    ]
    assert points[1].describe() == "growth=0.5, opening.saturday=[AM]"
    assert [c.origin for c in points[0].changes] == ["set.simulation.seed", "set",
                                                      "parameters[0].path", "parameters[1].path"]


def test_materialised_point_carries_every_change_and_leaves_the_base_alone(tmp_path: Path) -> None:
    """YAML keys (new and nested ones too), scaled columns (whole numbers rounded half up), filtered rows."""
    spec = load_sweep(write_sweep(tmp_path, HEAD + """\
set:
  simulation.walk_in_share: 0.2
  sessions[2].end: "22:00"
parameters:
  - {path: demand.csv:patients, scale: [1.1], where: {site_id: EAST}}
  - {path: doctors.csv:evening, values: ["yes"], where: {doctor_id: D03}}
  - {path: demand.csv:session, values: [EVE], where: {date: 2026-12-02, site_id: MAIN}}
"""))
    base_before = folder_files(TINY)
    folder = tmp_path / "point"
    materialise(spec.base, expand_points(spec)[0].changes, folder)
    assert folder_files(TINY) == base_before
    scenario = load_scenario(folder)
    assert scenario.simulation.walk_in_share == 0.2
    assert scenario.solver.workers == 1
    assert scenario.session("EVE").end_min == 22 * 60
    assert scenario.doctor("D03").evening and not scenario.doctor("D04").evening
    rows = _demand(folder)
    base_rows = _demand(TINY)
    # EAST rows 25, 20, 20 -> 27.5 rounds up to 28, 22, 22; MAIN rows unchanged
    assert [r["patients"] for r in rows if r["site_id"] == "EAST"] == ["28", "22", "22"]
    assert [r["patients"] for r in rows if r["site_id"] == "MAIN"] == [
        r["patients"] for r in base_rows if r["site_id"] == "MAIN"]
    assert [(r["date"], r["site_id"], r["department"]) for r in rows if r["session"] == "EVE"] == [
        ("2026-12-02", "MAIN", "internal_medicine"), ("2026-12-02", "MAIN", "dental")]
    sessions = {(d.date.isoformat(), d.site_id, d.department): d.session_id for d in scenario.demand}
    assert sessions[("2026-12-02", "MAIN", "dental")] == "EVE"
    assert sessions[("2026-11-30", "MAIN", "dental")] is None


def test_point_key_is_the_scenario_content(tmp_path: Path) -> None:
    """Same files give the same key wherever they are; any changed byte gives another."""
    copy_a, copy_b = tmp_path / "a", tmp_path / "b"
    materialise(TINY, (), copy_a)
    materialise(TINY, (), copy_b)
    files = folder_files(copy_a)
    assert point_key(files) == point_key(folder_files(copy_b)) == point_key(dict(reversed(files.items())))
    changed = dict(files)
    changed["demand.csv"] = files["demand.csv"].replace(b",60", b",61")
    assert point_key(changed) != point_key(files)


def test_task_is_a_pure_function_of_the_point_files(tmp_path: Path) -> None:
    """Two runs of one point give identical rows: the roster once, one row per replication."""
    spec = load_sweep(write_sweep(tmp_path, HEAD + """\
set: {solver.time_limit_s: 5, simulation.replications: 3}
parameters:
  - {path: simulation.seed, values: [5]}
"""))
    folder = tmp_path / "point"
    materialise(spec.base, expand_points(spec)[0].changes, folder)
    files = folder_files(folder)
    first, second = run_point(files), run_point(files)
    pd.testing.assert_frame_equal(first.rows, second.rows)
    assert first.roster_csv == second.roster_csv
    rows = first.rows
    assert list(rows.columns[: len(POINT_COLUMNS)]) == list(POINT_COLUMNS)
    assert rows["replication"].tolist() == [0, 1, 2]
    assert (rows["seed"] == 5).all()
    assert first.roster_csv is not None
    rostered = len(first.roster_csv.strip().splitlines()) - 1
    assert (rows["doctor_sessions_rostered"] == rostered).all()
    assert first.solve["workers"] == 1 and first.solve["sessions_rostered"] == rostered


def test_infeasible_point_is_one_row_with_its_reasons_and_assembles_with_the_others(tmp_path: Path) -> None:
    """A point whose hard rules cannot hold gives one row without KPIs; the table still round-trips Parquet."""
    spec = load_sweep(write_sweep(tmp_path, HEAD + """\
set: {solver.time_limit_s: 5, simulation.replications: 2, opening.weekday: [AM], opening.saturday: []}
parameters:
  - {path: doctors.csv:min_sessions_per_week, values: ["", "6"], where: {doctor_id: D02}, name: d02_minimum}
"""))
    points = expand_points(spec)
    outcomes = {}
    for point in points:
        folder = tmp_path / point.label
        materialise(spec.base, point.changes, folder)
        outcomes[point.label] = run_point(folder_files(folder))
    infeasible = outcomes["p001"]
    assert infeasible.roster_csv is None and infeasible.solve["status"] == "infeasible"
    assert "Zhang Wei (D02) is contracted for 6 sessions" in infeasible.reasons[0]
    assert len(infeasible.rows) == 1 and infeasible.rows["replication"].isna().all()
    table = assemble(points, ["k0", "k1"], {"k0": outcomes["p000"].rows, "k1": infeasible.rows})
    assert table["point"].tolist() == ["p000", "p000", "p001"]
    assert table["solve_status"].tolist() == ["optimal", "optimal", "infeasible"]
    assert table["d02_minimum"].tolist() == ["", "", "6"]
    assert pd.isna(table.loc[2, "mean_wait_min"])  # nothing simulated
    round_trip = pq.read_table(io.BytesIO(parquet_bytes(table))).to_pandas()
    pd.testing.assert_frame_equal(round_trip, table)
