"""Reading and validating a sweep file (YAML): base scenario, fixed changes, parameters, KPIs.

A sweep file::

    name: "Evening clinics"           # optional; default: the file name
    base: ../city_general              # base scenario folder, relative to this file
    set:                               # optional: changes applied to every point
      simulation.replications: 10
      solver.time_limit_s: 10
    parameters:                        # the grid: every combination of the values
      - path: opening.weekday          # a scenario.yaml key path ...
        values: [[AM, PM], [AM, PM, EVE]]
      - path: demand.csv:patients      # ... or a table column, FILE:COLUMN
        scale: [1.0, 1.1]              # multiply the column (or ``values:`` to set it)
        where: {site_id: MAIN}         # optional: only rows matching every cell
        name: demand_growth            # optional: column name in the results
    kpis: [mean_wait_min, p90_wait_min]   # optional: KPIs shown in the summary

Every problem raises :class:`~scheduler.errors.InputError` naming the sweep
file, the line and the YAML key path (``parameters[1].where.site_id``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scheduler.errors import InputError
from scheduler.settings import YamlDocument
from scheduler.sim import CONTRACT_KEYS
from scheduler.sweep.tasks import POINT_COLUMNS
from scheduler.tables import read_table, read_text

#: Keys a sweep file may have.
SWEEP_KEYS = ["name", "base", "set", "parameters", "kpis"]
#: Keys of one parameter entry.
PARAMETER_KEYS = ["path", "values", "scale", "where", "name"]
#: KPIs shown in the summary when the sweep file names none.
DEFAULT_KPIS: tuple[str, ...] = (
    "mean_wait_min", "p90_wait_min", "within_booking_window_share", "unserved_patients",
)
#: Result columns a parameter cannot be named after.
RESERVED_NAMES = frozenset({"point", "point_key", *POINT_COLUMNS, *CONTRACT_KEYS})
#: Solver workers inside a sweep task unless the sweep sets ``solver.workers``:
#: Dask runs one task per core, so each CP-SAT search is single-threaded.
SWEEP_SOLVER_WORKERS = "1"

_TABLE_PATH = re.compile(r"^(?P<file>[^:/\\]+\.csv):(?P<column>[^:]+)$")
_KEY_PART = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?P<index>(\[\d+\])*)$")


@dataclass(frozen=True)
class KeyPath:
    """A location in scenario.yaml: mapping keys and list indices, in order."""

    text: str  #: as written, e.g. ``sessions[2].end``
    steps: tuple[str | int, ...]  #: ``("sessions", 2, "end")``


@dataclass(frozen=True)
class ColumnPath:
    """A column of one scenario table, optionally restricted to matching rows."""

    text: str  #: as written, e.g. ``demand.csv:patients``
    file: str  #: table file name inside the scenario folder
    column: str
    where: tuple[tuple[str, str], ...] = ()  #: (column, value) pairs every changed row matches


@dataclass(frozen=True)
class Change:
    """One edit of a scenario: set a key or a column, or scale a column by a factor."""

    target: KeyPath | ColumnPath
    value: Any  #: YAML value (text, list or mapping) to set, or the factor when ``scale``
    scale: bool = False
    origin: str = ""  #: key path in the sweep file that asked for it (for error messages)


@dataclass(frozen=True)
class Parameter:
    """A swept parameter: where it applies and its values (one grid axis)."""

    name: str  #: column name in the results
    target: KeyPath | ColumnPath
    values: tuple[Any, ...]
    scale: bool = False  #: values are factors multiplying a numeric column
    origin: str = ""  #: key path of the entry in the sweep file, e.g. ``parameters[1]``

    def change(self, value: Any) -> Change:
        """The edit that gives this parameter ``value``."""
        return Change(self.target, value, self.scale, f"{self.origin}.path")


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep file."""

    path: Path
    name: str
    base: Path  #: base scenario folder
    fixed: tuple[Change, ...]  #: applied to every point, before the parameters
    parameters: tuple[Parameter, ...]
    kpis: tuple[str, ...] = field(default=DEFAULT_KPIS)


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and validate a sweep file (see the module docstring for its form)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "sweep file not found" if not path.exists() else "expected a sweep YAML file")
    doc = YamlDocument(path)
    data = doc.data
    doc.check_keys(data, "", SWEEP_KEYS)
    for key in ("base", "parameters"):
        if key not in data:
            raise doc.error(key, f"missing required key '{key}'")
    base = (path.parent / doc.text(data["base"], "base")).resolve()
    if not (base / "scenario.yaml").is_file():
        raise doc.error("base", f"no scenario folder (with scenario.yaml) at {base}")
    name = doc.text(data["name"], "name") if "name" in data else path.stem
    fixed = _fixed_changes(doc, data.get("set"), base)
    raw_parameters = doc.sequence(data["parameters"], "parameters")
    if not raw_parameters:
        raise doc.error("parameters", "needs at least one parameter to vary")
    parameters = tuple(_parameter(doc, raw, f"parameters[{i}]", base) for i, raw in enumerate(raw_parameters))
    seen: dict[str, int] = {}
    for i, parameter in enumerate(parameters):
        if parameter.name in RESERVED_NAMES:
            raise doc.error(f"parameters[{i}]", f"'{parameter.name}' is a column of the results already; "
                            "give the parameter a 'name'")
        if parameter.name in seen:
            raise doc.error(f"parameters[{i}]", f"parameter '{parameter.name}' is already varied by "
                            f"parameters[{seen[parameter.name]}]; give one a different 'name'")
        seen[parameter.name] = i
    kpis = DEFAULT_KPIS
    if "kpis" in data:
        kpis = tuple(doc.text(v, f"kpis[{i}]") for i, v in enumerate(doc.sequence(data["kpis"], "kpis")))
        if not kpis:
            raise doc.error("kpis", "list at least one KPI, e.g. [mean_wait_min]")
    return SweepSpec(path=path, name=name, base=base, fixed=fixed, parameters=parameters, kpis=kpis)


def check_kpis(spec: SweepSpec, available: set[str]) -> None:
    """Raise if a KPI named in the sweep file is not one the simulator reports."""
    doc = YamlDocument(spec.path)
    for i, kpi in enumerate(spec.kpis):
        if kpi not in available:
            known = ", ".join(sorted(available | set(CONTRACT_KEYS)))
            raise doc.error(f"kpis[{i}]", f"unknown KPI '{kpi}'; known: {known}")


# --- parts ----------------------------------------------------------------------
def _fixed_changes(doc: YamlDocument, value: Any, base: Path) -> tuple[Change, ...]:
    mapping = dict(doc.mapping(value, "set"))
    changes = [Change(_target(doc, key, f"set.{key}", base, None), value, origin=f"set.{key}")
               for key, value in mapping.items()]
    if not any(_is_key(c.target, ("solver", "workers")) for c in changes):
        changes.append(Change(KeyPath("solver.workers", ("solver", "workers")), SWEEP_SOLVER_WORKERS, origin="set"))
    return tuple(changes)


def _is_key(target: KeyPath | ColumnPath, steps: tuple[str | int, ...]) -> bool:
    return isinstance(target, KeyPath) and target.steps == steps


def _parameter(doc: YamlDocument, raw: Any, key: str, base: Path) -> Parameter:
    entry = doc.mapping(raw, key)
    doc.check_keys(entry, key, PARAMETER_KEYS)
    if "path" not in entry:
        raise doc.error(key, "missing required key 'path' (a scenario.yaml key or FILE.csv:COLUMN)")
    text = doc.text(entry["path"], f"{key}.path")
    target = _target(doc, text, f"{key}.path", base, entry.get("where"), where_key=f"{key}.where")
    given = [k for k in ("values", "scale") if k in entry]
    if len(given) != 1:
        raise doc.error(key, "give exactly one of 'values' (to set) or 'scale' (factors for a numeric column)")
    kind = given[0]
    values = doc.sequence(entry[kind], f"{key}.{kind}")
    if not values:
        raise doc.error(f"{key}.{kind}", "needs at least one value")
    scale = kind == "scale"
    if scale:
        if not isinstance(target, ColumnPath):
            raise doc.error(f"{key}.scale", "'scale' applies to a table column (FILE.csv:COLUMN); use 'values'")
        values = [doc.number(v, f"{key}.scale[{i}]") for i, v in enumerate(values)]
        if target.column not in _table_columns(base / target.file):
            raise doc.error(f"{key}.path", f"'{target.file}' has no column '{target.column}' to scale")
    elif isinstance(target, ColumnPath):
        values = [doc.text(v, f"{key}.values[{i}]") for i, v in enumerate(values)]
    name = doc.text(entry["name"], f"{key}.name") if "name" in entry else text
    return Parameter(name, target, tuple(values), scale, key)


def _target(
    doc: YamlDocument, text: str, key: str, base: Path, where: Any, where_key: str = ""
) -> KeyPath | ColumnPath:
    table = _TABLE_PATH.match(text)
    if table is None:
        if where is not None:
            raise doc.error(where_key, "'where' applies to a table column (FILE.csv:COLUMN) only")
        return _key_path(doc, text, key)
    file, column = table["file"], table["column"].strip()
    if not (base / file).is_file():
        raise doc.error(key, f"the base scenario has no table '{file}'")
    rows = read_table(base / file, [])
    columns = _table_columns(base / file)
    conditions = []
    for name, value in doc.mapping(where, where_key).items():
        cell = doc.text(value, f"{where_key}.{name}")
        if name not in columns:
            raise doc.error(f"{where_key}.{name}", f"'{file}' has no column '{name}'")
        if not any(row.values.get(name) == cell for row in rows):
            raise doc.error(f"{where_key}.{name}", f"no row of '{file}' has {name} = '{cell}'")
        conditions.append((str(name), cell))
    return ColumnPath(text, file, column, tuple(conditions))


def _table_columns(path: Path) -> list[str]:
    """Header of a CSV table."""
    first_line = read_text(path).splitlines()[:1]
    return [name.strip() for name in next(csv.reader(first_line), [])]


def _key_path(doc: YamlDocument, text: str, key: str) -> KeyPath:
    steps: list[str | int] = []
    for part in text.split("."):
        match = _KEY_PART.match(part)
        if match is None:
            raise doc.error(key, f"'{text}' is neither a scenario.yaml key path (e.g. simulation.walk_in_share, "
                                 "sessions[2].end) nor a table column (e.g. demand.csv:patients)")
        steps.append(match["key"])
        steps.extend(int(i) for i in re.findall(r"\[(\d+)\]", match["index"]))
    return KeyPath(text, tuple(steps))
