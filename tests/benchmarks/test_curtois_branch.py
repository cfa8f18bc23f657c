"""Branch and price: decisions, nodes that keep them, and a search that proves the optimum."""

from __future__ import annotations

import time
from pathlib import Path

from curtois_tiny import TWO_STAFF, optimum_and_worse
from curtois_tiny import write_instance as _write

from benchmarks.curtois_branch import BranchAndPrice, Decision
from benchmarks.curtois_colgen import ColumnSearch, initial_columns
from benchmarks.curtois_instance import read_instance


def _search(tmp_path: Path) -> ColumnSearch:
    search = ColumnSearch(read_instance(_write(tmp_path, TWO_STAFF)), time.perf_counter() + 60, workers=1)
    initial_columns(search)
    search.generate(search.deadline)
    search.ensure_usable()
    return search


def test_decisions_become_masks(tmp_path: Path) -> None:
    """Taking a choice leaves only it on that day; barring one removes only it."""
    search = _search(tmp_path)
    try:
        tree = BranchAndPrice(search)
        masks = tree.allowed([Decision("A", 3, 0, True), Decision("A", 5, tree.off, False)])
    finally:
        search.close()
    assert set(masks) == {"A"}
    assert masks["A"][3].tolist() == [True, False]
    assert masks["A"][5].tolist() == [True, False]
    assert masks["A"][[d for d in range(14) if d not in (3, 5)]].all()


def test_a_node_keeps_its_decisions(tmp_path: Path) -> None:
    """At a node that gives B day 0 off and has A work day 1, every column the LP uses
    keeps both; afterwards every column is allowed again."""
    search = _search(tmp_path)
    try:
        tree = BranchAndPrice(search)
        status, bound = tree.solve_node((Decision("B", 0, tree.off, True), Decision("A", 1, tree.off, False)),
                                        search.deadline)
        assert status == "converged" and bound >= search.lower_bound - 1e-6
        for employee_id, day, off in (("B", 0, True), ("A", 1, False)):
            for weight, column in search.master.weights(employee_id):
                if weight > 1e-9:
                    assert any(k[1] == day for k in column) is not off
        tree.allow_all()
        assert all(v.ub() == 1 for columns in search.master.columns.values() for v in columns.values())
    finally:
        search.close()


def test_search_proves_the_optimum_from_a_worse_roster(tmp_path: Path) -> None:
    """From a worse incumbent the tree reaches the compact model's optimum and, exhausted,
    proves it."""
    search = _search(tmp_path)
    try:
        optimal, optimum, worse = optimum_and_worse(search.instance)
        search.best = search.roster_of(worse)
        stats = BranchAndPrice(search).run(search.deadline)
    finally:
        search.close()
    assert search.best.objective == optimum
    assert stats.open == 0 and stats.nodes >= 1


def test_node_roster_is_the_lp_solution_when_it_is_integral(tmp_path: Path) -> None:
    """A node offers a roster exactly when its LP puts each employee's weight on one
    column, and that roster is those columns with their exact penalty."""
    search = _search(tmp_path)
    try:
        optimal, optimum, _ = optimum_and_worse(search.instance)
        tree = BranchAndPrice(search)
        tree.solve_node((), search.deadline)
        weighted = {e: [c for w, c in search.master.weights(e) if w > 1e-6] for e in search.pricers}
        roster = tree.node_roster()
        assert (roster is None) == any(len(columns) != 1 for columns in weighted.values())
        every_day_as_optimal = tuple(Decision(e, day, tree.off, (e, day, "D") not in optimal)
                                     for e in ("A", "B") for day in range(14))
        status, _ = tree.solve_node(every_day_as_optimal, search.deadline)
        roster = tree.node_roster()
    finally:
        search.close()
    assert status == "converged"
    assert roster is not None and roster.assignments == optimal and roster.objective == optimum
