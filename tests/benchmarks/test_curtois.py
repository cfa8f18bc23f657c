"""Curtois & Qu adapter and evaluator: tiny instances written here, solved to a brute-force optimum;
each hard rule broken alone is caught; the public instances (marked ``data``) reach their best-known values."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from curtois_tiny import TWO_SHIFTS, TWO_STAFF
from curtois_tiny import write_instance as _write

from benchmarks import curtois, curtois_eval
from benchmarks.curtois import solution_csv, solve_by_columns, solve_curtois
from benchmarks.curtois_instance import read_instance
from benchmarks.curtois_model import build_curtois_model
from benchmarks.curtois_plain import solve_plain
from scheduler.errors import InputError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "curtois"

def _brute_force_optimum(instance_path: Path, solution_path: Path, staff: list[str], shifts: list[str],
                         horizon: int) -> int:
    """Least evaluator objective over every roster of the tiny instance (the evaluator judges feasibility)."""
    data = curtois_eval._load(instance_path)
    best = None
    options = [None, *shifts]
    for choice in itertools.product(options, repeat=len(staff) * horizon):
        worked = {(staff[i // horizon], i % horizon): [s] for i, s in enumerate(choice) if s is not None}
        if curtois_eval.violations(data, worked):
            continue
        value = sum(curtois_eval.objective(data, worked).values())
        best = value if best is None else min(best, value)
    assert best is not None
    return best


@pytest.mark.parametrize(("text", "staff", "shifts", "horizon"), [
    (TWO_SHIFTS, ["A"], ["D", "N"], 7),
])
def test_solver_reaches_brute_force_optimum(tmp_path: Path, text: str, staff, shifts, horizon: int) -> None:
    """The adapter proves the optimum an exhaustive search finds; the evaluator agrees on the CSV."""
    path = _write(tmp_path, text)
    result = solve_curtois(build_curtois_model(read_instance(path)), time_limit_s=10, workers=1)
    solution = tmp_path / "solution.csv"
    solution.write_text(solution_csv(result.assignments))
    evaluation = curtois_eval.evaluate(path, solution)
    assert evaluation.feasible, evaluation.violations
    assert result.status == "optimal" and result.objective == result.bound == evaluation.objective
    assert sum(result.penalties.values()) == result.objective
    assert result.objective == _brute_force_optimum(path, solution, staff, shifts, horizon)


@pytest.mark.parametrize("text", [TWO_SHIFTS, TWO_STAFF])
def test_column_method_proves_the_compact_optimum(tmp_path: Path, text: str) -> None:
    """Column generation, dive and CP-SAT prove the optimum the compact model proves;
    the evaluator agrees with the objective and the per-rule penalties add up to it."""
    path = _write(tmp_path, text)
    instance = read_instance(path)
    columns = solve_by_columns(instance, time_limit_s=20, workers=1)
    compact = solve_curtois(build_curtois_model(instance), time_limit_s=10, workers=1)
    assert compact.status == columns.status == "optimal"
    assert columns.objective == columns.bound == compact.objective
    assert sum(columns.penalties.values()) == columns.objective
    solution = tmp_path / "solution.csv"
    solution.write_text(solution_csv(columns.assignments))
    evaluation = curtois_eval.evaluate(path, solution)
    assert evaluation.feasible and evaluation.objective == columns.objective


def test_two_staff_optimum_matches_plain_model(tmp_path: Path) -> None:
    """Two employees, 14 days: the project's model and the plain baseline prove the same optimum."""
    path = _write(tmp_path, TWO_STAFF)
    instance = read_instance(path)
    ours = solve_curtois(build_curtois_model(instance), time_limit_s=10, workers=1)
    plain = solve_plain(instance, time_limit_s=10, workers=1)
    assert ours.status == plain.status == "optimal"
    assert ours.objective == plain.objective
    solution = tmp_path / "solution.csv"
    solution.write_text(solution_csv(plain.assignments))
    assert curtois_eval.evaluate(path, solution).objective == plain.objective


BROKEN = {  # a roster of TWO_SHIFTS breaking one rule -> the rule number the evaluator must name
    "A,0,D\nA,0,N\nA,1,D\nA,2,D\n": "rule 1",
    "A,0,N\nA,1,D\nA,2,D\n": "rule 2",
    "A,0,N\nA,1,N\nA,2,N\n": "rule 3",
    "A,0,D\nA,1,D\n": "rule 4",
    "A,0,D\nA,5,D\nA,6,D\n": None,  # feasible: short runs touch the horizon's ends
    "A,0,D\nA,1,D\nA,2,D\nA,4,D\nA,5,D\n": "rule 7",  # day 3 alone off
    "A,0,D\nA,1,D\nA,2,D\nA,4,D\nA,6,D\n": "rule 6",
    "A,0,D\nA,1,D\nA,2,D\nA,4,D\nA,5,D\nA,6,D\nA,3,D\n": "rule 5",
}


@pytest.mark.parametrize(("rows", "rule"), list(BROKEN.items()))
def test_evaluator_names_each_broken_rule(tmp_path: Path, rows: str, rule: str | None) -> None:
    """Each hand-made roster is judged by the rule it breaks (or found feasible)."""
    path = _write(tmp_path, TWO_SHIFTS)
    solution = tmp_path / "s.csv"
    solution.write_text("employee,day,shift\n" + rows)
    found = curtois_eval.evaluate(path, solution).violations
    if rule is None:
        assert found == ()
    else:
        assert any(rule in v for v in found), found


def test_evaluator_rules_seven_eight_and_nine(tmp_path: Path) -> None:
    """A one-day rest inside the horizon, a second weekend and a fixed day off are all violations."""
    path = _write(tmp_path, TWO_STAFF)
    solution = tmp_path / "s.csv"
    rows = [f"A,{d},D" for d in (0, 1, 3, 4, 5, 6, 12, 13)] + [f"B,{d},D" for d in (9, 11, 12)]
    solution.write_text("employee,day,shift\n" + "\n".join(rows) + "\n")
    found = " ".join(curtois_eval.evaluate(path, solution).violations)
    for rule in ("rule 7", "rule 8", "rule 9"):
        assert rule in found


def test_command_line_writes_csv_and_rejects_bad_input(tmp_path: Path, capsys) -> None:
    """Exit 0 with a CSV the evaluator accepts; a malformed instance exits 2 naming the line."""
    path = _write(tmp_path, TWO_SHIFTS)
    out = tmp_path / "out.csv"
    for method in ("columns", "compact"):
        assert curtois.main([str(path), "--time-limit", "5", "--workers", "1", "--method", method,
                             "--out", str(out)]) == 0
        assert out.read_text().splitlines()[0] == "employee,day,shift"
        assert curtois_eval.main([str(path), str(out)]) == 0
    bad = _write(tmp_path, TWO_SHIFTS.replace("A,0,N,2", "A,zero,N,2"), "Bad.txt")
    assert curtois.main([str(bad), "--out", str(tmp_path / "x.csv")]) == 2
    assert "row" in capsys.readouterr().err
    with pytest.raises(InputError, match="unknown employee"):
        read_instance(_write(tmp_path, TWO_SHIFTS.replace("A,6,D,1", "Z,6,D,1"), "Bad2.txt"))


BEST_KNOWN = {1: 607, 2: 828, 3: 1001}


@pytest.mark.data
@pytest.mark.skipif(not DATA.exists(), reason="needs ../shared/data/curtois")
@pytest.mark.parametrize("number", sorted(BEST_KNOWN))
def test_public_instances_reach_best_known(tmp_path: Path, number: int) -> None:
    """Instances 1-3 reach their best-known objective on a deterministic budget (so on any
    machine load); the evaluator confirms feasibility and value."""
    path = DATA / f"Instance{number}.txt"
    result = solve_curtois(build_curtois_model(read_instance(path)), time_limit_s=120, workers=2,
                           deterministic_s=10)
    solution = tmp_path / "s.csv"
    solution.write_text(solution_csv(result.assignments))
    evaluation = curtois_eval.evaluate(path, solution)
    assert evaluation.feasible and evaluation.objective == result.objective == BEST_KNOWN[number]


@pytest.mark.data
@pytest.mark.skipif(not DATA.exists(), reason="needs ../shared/data/curtois")
@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_column_method_proves_public_instances_optimal(tmp_path: Path, number: int) -> None:
    """Instances 1-4 are proven optimal by the column method (in seconds; the limit only
    guards a very slow machine): the roster meets the column-generation bound."""
    path = DATA / f"Instance{number}.txt"
    result = solve_by_columns(read_instance(path), time_limit_s=120, workers=2)
    solution = tmp_path / "s.csv"
    solution.write_text(solution_csv(result.assignments))
    evaluation = curtois_eval.evaluate(path, solution)
    assert result.status == "optimal" and result.objective == result.bound
    assert evaluation.feasible and evaluation.objective == result.objective == {**BEST_KNOWN, 4: 1716}[number]
