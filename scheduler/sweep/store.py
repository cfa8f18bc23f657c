"""The sweep's output folder: one stored result per point, assembled into one tidy table.

Layout of ``OUT/``::

    points/<key>/scenario/       the point's scenario folder (rerun it by hand)
    points/<key>/roster.csv      its roster, and solve.json
    points/<key>/result.parquet  one row per replication; written last, atomically
    results.parquet, results.csv one row per point and replication (all points)
    summary.csv, summary.md      one row per point with 95% intervals; the one-page summary

A point whose ``result.parquet`` exists is finished: a resumed sweep reads it
instead of computing it again. Files are replaced by rename, so a sweep killed
at any moment leaves either a whole result or none.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scheduler.export.files import write_bytes_safely
from scheduler.sweep.points import Point, display_value
from scheduler.sweep.tasks import PointOutcome

POINTS_DIR = "points"
RESULT_FILE = "result.parquet"
#: Leading columns of the assembled table, before the parameters.
ID_COLUMNS = ("point", "point_key")


def point_dir(out_dir: Path, key: str) -> Path:
    """Folder of the point with scenario hash ``key``."""
    return out_dir / POINTS_DIR / key


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A DataFrame as Parquet bytes (no index)."""
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
    return sink.getvalue()


def place_scenario(out_dir: Path, key: str, materialised: Path) -> Path:
    """Move a materialised point folder to ``points/<key>/scenario`` (kept if already there)."""
    target = point_dir(out_dir, key) / "scenario"
    if target.exists():
        shutil.rmtree(materialised)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        materialised.rename(target)
    return target


def read_stored(out_dir: Path, key: str) -> pd.DataFrame | None:
    """A finished point's rows, or None if it has no readable stored result."""
    path = point_dir(out_dir, key) / RESULT_FILE
    if not path.is_file():
        return None
    try:
        return pq.read_table(path).to_pandas()
    except (OSError, pa.ArrowException):
        return None


def store_outcome(out_dir: Path, key: str, outcome: PointOutcome) -> None:
    """Write a point's roster.csv and solve.json, then (last) its result.parquet.

    Each is written atomically (temporary file, then rename), so a stored result is whole.
    """
    folder = point_dir(out_dir, key)
    if outcome.roster_csv is not None:
        write_bytes_safely(folder / "roster.csv", outcome.roster_csv.encode("utf-8"))
    write_bytes_safely(folder / "solve.json", (json.dumps(outcome.solve, indent=2) + "\n").encode("utf-8"))
    write_bytes_safely(folder / RESULT_FILE, parquet_bytes(outcome.rows))


def assemble(points: list[Point], keys: list[str], rows: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One tidy table: point, point_key, one column per parameter, then each stored row.

    Points are in grid order, replications in order, whatever order they finished in.
    """
    names = [name for name, _ in points[0].settings] if points else []
    kinds = {name: _column_kind([p.settings[i][1] for p in points]) for i, name in enumerate(names)}
    frames = []
    for point, key in zip(points, keys, strict=True):
        frame = rows[key].copy()
        leading: dict[str, object] = {"point": point.label, "point_key": key}
        for name, value in point.settings:
            leading[name] = float(value) if kinds[name] != "string" else display_value(value)
        for position, (column, value) in enumerate(leading.items()):
            frame.insert(position, column, value)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    return table.astype({"point": "string", "point_key": "string"} | kinds)


def _column_kind(values: list[object]) -> str:
    """dtype of a parameter column: ``Int64`` for whole numbers, ``float64`` for numbers, else ``string``."""
    if not all(_is_number(v) for v in values):
        return "string"
    return "Int64" if all(float(str(v)).is_integer() and not isinstance(v, float) for v in values) else "float64"


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        float(str(value))
    except ValueError:
        return False
    return True
