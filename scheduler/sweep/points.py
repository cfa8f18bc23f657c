"""Sweep points: the grid of parameter values, each materialised as a scenario folder.

A point's folder is a copy of the base scenario with the sweep's fixed changes
and the point's parameter values applied, so ``python cli.py roster`` and
``simulate`` on it reproduce the point. Its *key* is a hash of every file of
that folder: two runs (or two grid points) with identical scenarios share one
stored result, and a changed base scenario is recomputed.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import itertools
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import scheduler
from scheduler.sweep.spec import Change, ColumnPath, KeyPath, SweepSpec
from scheduler.tables import read_text

#: Version of what a stored point result holds; part of every point key.
RESULT_FORMAT = 1
#: Characters of the hex digest used as a point key.
KEY_CHARS = 16


class ChangeError(Exception):
    """A change cannot be applied to the base scenario (message says why).

    ``origin`` is the key path in the sweep file that asked for the change.
    """

    def __init__(self, message: str, origin: str = "") -> None:
        super().__init__(message)
        self.origin = origin


@dataclass(frozen=True)
class Point:
    """One combination of parameter values."""

    index: int  #: position in the grid (first parameter varies slowest)
    settings: tuple[tuple[str, Any], ...]  #: (parameter name, value) in parameter order
    changes: tuple[Change, ...]  #: fixed changes, then one per parameter

    @property
    def label(self) -> str:
        """``p000``, ``p001``, ..."""
        return f"p{self.index:03d}"

    def describe(self) -> str:
        """``opening.weekday=[AM, PM], demand_growth=1.1``."""
        return ", ".join(f"{name}={display_value(value)}" for name, value in self.settings)


def display_value(value: Any) -> str:
    """A parameter value as short text (lists and mappings in YAML flow style)."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, dict)):
        return yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    return str(value)


def expand_points(spec: SweepSpec) -> list[Point]:
    """Every combination of the parameters' values, first parameter slowest."""
    axes = [[(p, v) for v in p.values] for p in spec.parameters]
    points = []
    for index, combo in enumerate(itertools.product(*axes)):
        settings = tuple((p.name, v) for p, v in combo)
        changes = spec.fixed + tuple(p.change(v) for p, v in combo)
        points.append(Point(index, settings, changes))
    return points


# --- materialising ------------------------------------------------------------------
def materialise(base: Path, changes: tuple[Change, ...], folder: Path) -> None:
    """Copy the base scenario to ``folder`` (replacing it) and apply ``changes`` in order.

    Raises :class:`ChangeError` when a change does not fit the base scenario.
    """
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(base, folder, ignore=shutil.ignore_patterns(".*", "*.~*~", "__pycache__"))
    yaml_changes = [c for c in changes if isinstance(c.target, KeyPath)]
    if yaml_changes:
        scenario_file = folder / "scenario.yaml"
        data = yaml.load(read_text(scenario_file), Loader=yaml.BaseLoader) or {}
        for change in yaml_changes:
            _apply(change, lambda c=change: _set_key(data, c.target, c.value))
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=120)
        scenario_file.write_text(text, encoding="utf-8")
    for change in changes:
        if isinstance(change.target, ColumnPath):
            _apply(change, lambda c=change: _change_table(folder / c.target.file, c))


def _apply(change: Change, edit: Callable[[], None]) -> None:
    """Run one edit; a failure names the sweep-file key that asked for it."""
    try:
        edit()
    except ChangeError as exc:
        raise ChangeError(str(exc), change.origin) from None


def _set_key(data: Any, target: KeyPath, value: Any) -> None:
    node = data
    steps = target.steps
    for depth, step in enumerate(steps):
        last = depth == len(steps) - 1
        where = _shown(steps[:depth]) or "the top level"
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                size = len(node) if isinstance(node, list) else 0
                raise ChangeError(f"{where} has no item [{step}] (it has {size})")
            if last:
                node[step] = copy.deepcopy(value)
            else:
                node = node[step]
            continue
        if not isinstance(node, dict):
            raise ChangeError(f"{where} is not a mapping, so it has no key '{step}'")
        if last:
            node[step] = copy.deepcopy(value)
        else:
            if node.get(step) in (None, ""):  # absent, or a blank section (``rules:``)
                node[step] = {}
            node = node[step]


def _shown(steps: tuple[str | int, ...]) -> str:
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _change_table(path: Path, change: Change) -> None:
    target = change.target
    assert isinstance(target, ColumnPath)
    rows = list(csv.reader(io.StringIO(read_text(path), newline="")))
    if not rows:
        raise ChangeError(f"'{target.file}' is empty")
    header = [name.strip() for name in rows[0]]
    if target.column not in header:
        if change.scale:
            raise ChangeError(f"'{target.file}' has no column '{target.column}' to scale")
        header.append(target.column)
    col = header.index(target.column)
    conditions = [(header.index(name), cell) for name, cell in target.where]
    out = [header]
    for line, cells in enumerate(rows[1:], start=2):
        cells = cells + [""] * (len(header) - len(cells))
        if any(c.strip() for c in cells) and all(cells[i].strip() == cell for i, cell in conditions):
            cells[col] = _scaled(cells[col], change.value, target, line) if change.scale else str(change.value)
        out.append(cells)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(out)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _scaled(cell: str, factor: float, target: ColumnPath, line: int) -> str:
    """A numeric cell times ``factor``; whole numbers stay whole (rounded half up)."""
    text = cell.strip()
    if not text:
        return cell
    try:
        number = float(text)
    except ValueError:
        raise ChangeError(f"'{target.file}' row {line}, column '{target.column}': "
                          f"cannot scale '{text}', not a number") from None
    if text.lstrip("+-").isdigit():
        return str(math.floor(number * factor + 0.5))
    return f"{number * factor:.10g}"


# --- identity -----------------------------------------------------------------------
def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file of a scenario folder by relative path (``/``-separated), sorted."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def point_key(files: dict[str, bytes]) -> str:
    """Hash of a point's scenario files, the result format and the package version."""
    digest = hashlib.sha256(f"sweep-result-{RESULT_FORMAT}-{scheduler.__version__}\n".encode())
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(files[name]).digest())
    return digest.hexdigest()[:KEY_CHARS]
