"""Report texts: solver outcomes, including a solve that found no roster."""

from __future__ import annotations

from scheduler.reports import solve_text
from scheduler.solver import SolveResult


def test_solve_text_without_a_roster_says_n_a() -> None:
    """A solve that found nothing is reported, not a crash on missing numbers."""
    result = SolveResult(status="unknown", objective=None, best_bound=None, gap=None, wall_s=1.0,
                         served=None, served_bound=None, served_gap=None, demand=10)
    assert solve_text(result) == "Solver: unknown, objective n/a, bound n/a, gap n/a, 1.0 s"


def test_solve_text_reports_coverage_against_the_bound() -> None:
    """Served, demand, share, bound and gaps appear in the two lines."""
    result = SolveResult(status="feasible", objective=1500.0, best_bound=1200.0, gap=0.2, wall_s=2.0,
                         served=90, served_bound=95, served_gap=5 / 95, demand=100)
    assert solve_text(result).splitlines() == [
        "Solver: feasible, objective 1500, bound 1200, gap 20.00%, 2.0 s",
        "Servable inside the booking window: 90 of 100 patients (90.0%); "
        "no roster can serve more than 95 (coverage gap 5.26%)",
    ]
