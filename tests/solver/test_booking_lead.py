"""The ``booking_lead`` soft rule: among rosters serving the same patients inside the
booking window, prefer the one that serves them sooner (fewer patient-days of waiting)."""

from __future__ import annotations

import dataclasses

from builders import MONDAY, day, make_doctor, make_scenario

from scheduler.model import DemandForecast, DoctorRequest, SimulationSettings, SoftRuleWeights, Targets
from scheduler.solver import SolveParams, build_model, solve

PARAMS = SolveParams(time_limit_s=10, seed=1, workers=1)


def _one_session_scenario(booking_lead: int):  # noqa: ANN202
    """One doctor with one session to give, Monday or Tuesday: both serve Monday's 20
    booked patients inside a 1-day window; the doctor asked to work Tuesday."""
    scenario = make_scenario(
        doctors=(make_doctor("D1", max_sessions_per_week=1),), days=2, opening={"weekday": ("AM",)},
        targets=Targets(booking_window_days=1),
        demand=[DemandForecast(MONDAY, "MAIN", "MED", 20)],
        requests=[DoctorRequest("D1", day(1), "AM", wants_on=True)],
    )
    solver = dataclasses.replace(scenario.solver, weights=SoftRuleWeights(booking_lead=booking_lead))
    return dataclasses.replace(scenario, solver=solver, simulation=SimulationSettings(walk_in_share=0.0))


def test_equivalent_rosters_the_earlier_one_is_chosen() -> None:
    """20 patient-days of waiting (weight 2) outweigh one unmet request (weight 5)."""
    result = solve(build_model(_one_session_scenario(booking_lead=2)), PARAMS)
    assert result.served == 20
    assert [a.date for a in result.roster.assignments] == [MONDAY]
    assert result.penalties["booking_lead"].penalty == 0
    assert result.penalties["booking_lead"].weight == 2


def test_without_the_rule_the_request_decides() -> None:
    """Weight 0: the same scenario is rostered on the requested Tuesday, 20 patient-days."""
    result = solve(build_model(_one_session_scenario(booking_lead=0)), PARAMS)
    assert result.served == 20
    assert [a.date for a in result.roster.assignments] == [day(1)]
    assert result.penalties["booking_lead"].penalty == 20
