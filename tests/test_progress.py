"""Progress hooks of the solver and the simulator, and their terminal display."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from builders import clean_roster, make_scenario
from rich.console import Console

from scheduler.progress import show_progress
from scheduler.sim import simulate
from scheduler.solver import SolveParams, build_model, solve
from scheduler.solver.progress import SolveProgress

PARAMS = SolveParams(time_limit_s=4, seed=1, workers=1)


def test_solver_reports_improving_objective_and_bound_without_changing_the_roster() -> None:
    """Phase 2's reported objectives never rise, stay above the bounds, and end at the result's objective."""
    scenario = make_scenario()
    updates: list[SolveProgress] = []
    watched = solve(build_model(scenario), PARAMS, progress=updates.append)
    plain = solve(build_model(scenario), PARAMS)
    assert watched.roster == plain.roster and watched.objective == plain.objective
    assert {u.phase for u in updates} == {"coverage", "objective"}
    phase2 = [u for u in updates if u.phase == "objective" and u.objective is not None]
    objectives = [u.objective for u in phase2]
    assert objectives == sorted(objectives, reverse=True)
    assert all(u.bound is None or u.bound <= u.objective + 1e-6 for u in phase2)
    assert phase2[-1].objective == pytest.approx(watched.objective)
    assert [u.solutions for u in phase2] == sorted(u.solutions for u in phase2)


@pytest.mark.parametrize("workers", [1, 2])
def test_simulator_reports_replications_done_without_changing_results(workers: int) -> None:
    """Calls rise to (n, n); KPIs, visits and queue series equal a run without the hook (any worker count)."""
    scenario = make_scenario()
    roster = clean_roster(scenario)
    calls: list[tuple[int, int]] = []
    watched = simulate(scenario, roster, replications=4, seed=3, workers=workers,
                       progress=lambda done, total: calls.append((done, total)))
    plain = simulate(scenario, roster, replications=4, seed=3, workers=workers)
    assert watched.kpis == plain.kpis
    pd.testing.assert_frame_equal(watched.queue_series, plain.queue_series, check_exact=True)
    pd.testing.assert_frame_equal(watched.visits, plain.visits, check_exact=True)
    assert calls[-1] == (4, 4) and all(t == 4 for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    if workers == 1:
        assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_display_is_silent_when_not_a_terminal() -> None:
    """Piped output: no hooks, nothing written."""
    out = io.StringIO()
    with show_progress(Console(file=out, force_terminal=False)) as hooks:
        assert hooks.solve is None and hooks.replications is None
    assert out.getvalue() == ""


def test_display_shows_objective_bound_and_replications_on_a_terminal() -> None:
    """On a terminal both kinds of work are drawn."""
    out = io.StringIO()
    with show_progress(Console(file=out, force_terminal=True, width=150)) as hooks:
        assert hooks.solve is not None and hooks.replications is not None
        hooks.solve(SolveProgress("objective", 5210.0, 5102.0, 4, 1.5))
        hooks.replications(3, 20)
    drawn = out.getvalue()
    assert "objective 5,210, bound 5,102 (gap 2.1%), 4 rosters" in drawn
    assert "3/20 replications" in drawn
