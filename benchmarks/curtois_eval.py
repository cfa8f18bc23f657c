"""Independent evaluator of a Curtois & Qu solution CSV.

Run: ``python -m benchmarks.curtois_eval INSTANCE.txt SOLUTION.csv``

Reads the instance with its own small parser (it shares no code with the
adapter's reader or model, so it really checks them), checks every hard
constraint of ``FORMAT.md`` (rules 1-9) on the roster in the CSV, and
recomputes the objective from scratch. Exit code 0 when the roster is
feasible, 1 when some hard constraint is broken, 2 on unreadable input.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.errors import InputError


@dataclass
class _Data:
    """The instance as plain dictionaries."""

    horizon: int = 0
    length: dict[str, int] = field(default_factory=dict)
    banned_next: dict[str, set[str]] = field(default_factory=dict)
    #: id -> [max per shift, max minutes, min minutes, max run, min run, min rest, max weekends]
    staff: dict[str, list] = field(default_factory=dict)
    days_off: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    on: list[tuple[str, int, str, int]] = field(default_factory=list)
    off: list[tuple[str, int, str, int]] = field(default_factory=list)
    cover: list[tuple[int, str, int, int, int]] = field(default_factory=list)


def _load(path: Path) -> _Data:
    data = _Data()
    section = ""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {exc}") from exc
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            section = line[len("SECTION_"):]
            continue
        parts = line.split(",")
        try:
            if section == "HORIZON":
                data.horizon = int(parts[0])
            elif section == "SHIFTS":
                data.length[parts[0]] = int(parts[1])
                data.banned_next[parts[0]] = {p for p in parts[2].split("|") if p}
            elif section == "STAFF":
                limits = {k: int(v) for k, v in (pair.split("=") for pair in parts[1].split("|"))}
                data.staff[parts[0]] = [limits, *map(int, parts[2:8])]
            elif section == "DAYS_OFF":
                data.days_off[parts[0]].update(int(p) for p in parts[1:] if p)
            elif section in ("SHIFT_ON_REQUESTS", "SHIFT_OFF_REQUESTS"):
                entry = (parts[0], int(parts[1]), parts[2], int(parts[3]))
                (data.on if section == "SHIFT_ON_REQUESTS" else data.off).append(entry)
            elif section == "COVER":
                data.cover.append((int(parts[0]), parts[1], int(parts[2]), int(parts[3]), int(parts[4])))
        except (ValueError, IndexError) as exc:
            raise InputError(path, f"malformed {section} line: {line!r}", row=number) from exc
    return data


def _load_solution(path: Path, data: _Data) -> tuple[dict[tuple[str, int], list[str]], list[str]]:
    """Shifts per (employee, day) from the CSV, and problems with the rows themselves."""
    worked: dict[tuple[str, int], list[str]] = defaultdict(list)
    problems = []
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != ["employee", "day", "shift"]:
                raise InputError(path, "expected the header employee,day,shift", row=1)
            for number, row in enumerate(reader, start=2):
                employee, shift = row["employee"].strip(), row["shift"].strip()
                try:
                    day = int(row["day"])
                except (TypeError, ValueError) as exc:
                    raise InputError(path, f"day is not an integer: {row['day']!r}", row=number, column="day") from exc
                if employee not in data.staff:
                    problems.append(f"row {number}: unknown employee {employee}")
                elif shift not in data.length:
                    problems.append(f"row {number}: unknown shift {shift}")
                elif not 0 <= day < data.horizon:
                    problems.append(f"row {number}: day {day} outside the horizon")
                else:
                    worked[(employee, day)].append(shift)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {exc}") from exc
    return worked, problems


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(first day, length) of every run of True in ``flags``."""
    runs, start = [], None
    for day, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = day
        elif not flag and start is not None:
            runs.append((start, day - start))
            start = None
    return runs


def violations(data: _Data, worked: dict[tuple[str, int], list[str]]) -> list[str]:
    """Every broken hard constraint, in words."""
    found = []
    horizon = data.horizon
    for employee, (limits, max_min, min_min, max_cons, min_cons, min_off, max_we) in data.staff.items():
        day_shift = [worked.get((employee, d), []) for d in range(horizon)]
        on = [bool(s) for s in day_shift]
        for d, shifts in enumerate(day_shift):
            if len(shifts) > 1:
                found.append(f"{employee} day {d}: {len(shifts)} shifts (rule 1)")
            if shifts and d in data.days_off.get(employee, set()):
                found.append(f"{employee} day {d}: works on a fixed day off (rule 9)")
            if d + 1 < horizon:
                for s in shifts:
                    for t in day_shift[d + 1]:
                        if t in data.banned_next[s]:
                            found.append(f"{employee} days {d}-{d + 1}: {t} may not follow {s} (rule 2)")
        for s in data.length:
            count = sum(shifts.count(s) for shifts in day_shift)
            if count > limits.get(s, 0):
                found.append(f"{employee}: {count} {s} shifts, at most {limits.get(s, 0)} (rule 3)")
        minutes = sum(data.length[s] for shifts in day_shift for s in shifts)
        if not min_min <= minutes <= max_min:
            found.append(f"{employee}: {minutes} min worked, allowed {min_min}-{max_min} (rule 4)")
        for start, length in _runs(on):
            touches = start == 0 or start + length == horizon
            if length > max_cons:
                found.append(f"{employee}: {length} shifts in a row from day {start}, at most {max_cons} (rule 5)")
            if length < min_cons and not touches:
                found.append(f"{employee}: {length} shifts in a row from day {start}, at least {min_cons} (rule 6)")
        for start, length in _runs([not f for f in on]):
            touches = start == 0 or start + length == horizon
            if length < min_off and not touches:
                found.append(f"{employee}: {length} days off from day {start}, at least {min_off} (rule 7)")
        weekends = sum(1 for sat in range(5, horizon, 7) if on[sat] or (sat + 1 < horizon and on[sat + 1]))
        if weekends > max_we:
            found.append(f"{employee}: {weekends} weekends worked, at most {max_we} (rule 8)")
    return found


def objective(data: _Data, worked: dict[tuple[str, int], list[str]]) -> dict[str, int]:
    """Weighted penalty per soft term, recomputed from the roster."""
    staffed: dict[tuple[int, str], int] = defaultdict(int)
    for (_, day), shifts in worked.items():
        for s in shifts:
            staffed[(day, s)] += 1
    return {
        "shift_on_request": sum(w for e, d, s, w in data.on if s not in worked.get((e, d), [])),
        "shift_off_request": sum(w for e, d, s, w in data.off if s in worked.get((e, d), [])),
        "cover_under": sum(wu * max(0, req - staffed[(d, s)]) for d, s, req, wu, _ in data.cover),
        "cover_over": sum(wo * max(0, staffed[(d, s)] - req) for d, s, req, _, wo in data.cover),
    }


@dataclass(frozen=True)
class Evaluation:
    """An evaluated solution: broken hard constraints and the recomputed objective."""

    violations: tuple[str, ...]
    penalties: dict[str, int]

    @property
    def feasible(self) -> bool:
        """No hard constraint is broken."""
        return not self.violations

    @property
    def objective(self) -> int:
        """The instance's objective: the sum of the weighted penalties."""
        return sum(self.penalties.values())


def evaluate(instance_path: Path, solution_path: Path) -> Evaluation:
    """Check ``solution_path`` against ``instance_path``."""
    data = _load(Path(instance_path))
    worked, problems = _load_solution(Path(solution_path), data)
    return Evaluation(tuple(problems + violations(data, worked)), objective(data, worked))


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("solution", type=Path)
    args = parser.parse_args(argv)
    try:
        result = evaluate(args.instance, args.solution)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in result.violations:
        print(f"violation: {line}")
    print("penalties: " + ", ".join(f"{k} {v}" for k, v in result.penalties.items()))
    print(f"objective {result.objective}, {'feasible' if result.feasible else 'INFEASIBLE'}")
    return 0 if result.feasible else 1


if __name__ == "__main__":
    sys.exit(main())
