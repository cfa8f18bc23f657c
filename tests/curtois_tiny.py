"""Tiny Curtois & Qu instances written out by hand, for the benchmark adapter's tests.

``ONE_STAFF``: one employee, 7 days, one shift type, two days that cannot be
covered; ``TWO_SHIFTS``: one employee, 7 days, two shift types; ``TWO_STAFF``: two
employees, 14 days, one shift type. :func:`write_instance` saves one with the
public files' CRLF line endings; :func:`optimum_and_worse` gives an instance's
optimal roster and a worse one.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from benchmarks import curtois_eval
from benchmarks.curtois import solve_curtois
from benchmarks.curtois_instance import Instance
from benchmarks.curtois_model import XKey, build_curtois_model, penalties_of

ONE_STAFF = """\
SECTION_HORIZON
7

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=7,2400,960,4,2,2,1

SECTION_SHIFT_ON_REQUESTS
A,2,D,2

SECTION_COVER
""" + "".join(f"{d},D,1,100,1\n" for d in range(7))

TWO_SHIFTS = """\
SECTION_HORIZON
7

SECTION_SHIFTS
D,480,
N,600,D

SECTION_STAFF
A,D=7|N=2,3000,1440,4,2,2,1

SECTION_DAYS_OFF
A,3

SECTION_SHIFT_ON_REQUESTS
A,0,N,2
A,6,D,1

SECTION_SHIFT_OFF_REQUESTS
A,1,D,3

SECTION_COVER
0,D,1,100,1
0,N,0,100,1
1,D,1,100,1
1,N,1,100,1
2,D,1,100,1
2,N,0,100,1
3,D,1,100,1
3,N,0,100,1
4,D,0,100,1
4,N,1,100,1
5,D,1,100,1
5,N,0,100,1
6,D,1,100,1
6,N,0,100,1
"""

TWO_STAFF = """\
SECTION_HORIZON
14

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=14,4320,2400,4,2,2,1
B,D=9,4320,1920,3,2,3,2

SECTION_DAYS_OFF
A,2
B,9,10

SECTION_SHIFT_ON_REQUESTS
B,0,D,3
A,13,D,2

SECTION_SHIFT_OFF_REQUESTS
A,5,D,1

SECTION_COVER
""" + "".join(f"{d},D,{1 + d % 3},100,1\n" for d in range(14))


def write_instance(tmp_path: Path, text: str, name: str = "Tiny.txt") -> Path:
    """Write ``text`` as ``tmp_path / name`` with CRLF line endings; return the path."""
    path = tmp_path / name
    path.write_text(text.replace("\n", "\r\n"))  # the public files use CRLF
    return path


def optimum_and_worse(instance: Instance) -> tuple[frozenset[XKey], int, frozenset[XKey]]:
    """The compact model's optimal roster and its objective, and the best roster costing more
    (both solved to optimality by the compact command's solve)."""
    optimal = solve_curtois(build_curtois_model(instance), time_limit_s=10, workers=1)
    assert optimal.status == "optimal"
    cm = build_curtois_model(instance)
    cm.model.Add(cm.objective_expr() >= optimal.objective + 1)
    worse = solve_curtois(cm, time_limit_s=10, workers=1)
    assert worse.status == "optimal"
    roster = frozenset(worse.assignments)
    assert sum(penalties_of(instance, roster).values()) > optimal.objective
    return frozenset(optimal.assignments), optimal.objective, roster


#: One employee over 9 days, Monday to the Tuesday after: one whole weekend and runs across it.
HORIZON = 9

#: staff lines for :func:`one_employee_text` with the rules the schedule programme's state
#: must carry: minutes of two lengths, per-type limits, runs of shifts and of days off, weekends
STAFF = [
    "A,D=9|N=2,4800,2400,4,2,2,1",
    "A,D=3|N=9,6000,1440,3,1,3,1",
    "A,D=9|N=0,4800,960,9,3,1,0",
    "A,D=2|N=2,4800,0,5,1,1,1",
]


def one_employee_text(staff: str) -> str:
    """An instance of employee A (``staff``: its staff line), shifts D and N, day 4 off."""
    return (f"SECTION_HORIZON\n{HORIZON}\n\nSECTION_SHIFTS\nD,480,\nN,600,D\n\n"
            f"SECTION_STAFF\n{staff}\n\nSECTION_DAYS_OFF\nA,4\n\nSECTION_COVER\n"
            + "".join(f"{d},{s},1,100,1\n" for d in range(HORIZON) for s in "DN"))


def feasible_schedules(path: Path) -> list[tuple[int, ...]]:
    """Every schedule of A (shift index per day, -1 off) that breaks none of its hard rules,
    by brute force over the evaluator."""
    data = curtois_eval._load(path)
    feasible = []
    for choice in itertools.product([-1, 0, 1], repeat=HORIZON):
        worked = {("A", d): ["DN"[s]] for d, s in enumerate(choice) if s >= 0}
        if not curtois_eval.violations(data, worked):
            feasible.append(choice)
    return feasible
