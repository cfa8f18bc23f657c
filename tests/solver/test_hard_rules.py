"""Each hard rule of the solver, alone, on a tiny instance that tempts it to break it.

For every rule in ``HARD_RULES`` the table below gives a scenario whose demand
rewards breaking that rule. Solving with all rules must give a roster the
independent checker passes, with the exact coverage stated; solving with that
one rule removed must break it (so the test would fail if the rule did
nothing, or if the checker and solver disagreed on what it means).
"""

from __future__ import annotations

import pytest
from builders import MONDAY, day, make_doctor, make_scenario, unavailable

from scheduler.check import check_roster
from scheduler.model import DemandForecast, Room, Rules, Targets
from scheduler.solver import SolveParams, build_model, solve
from scheduler.solver.hard_rules import HARD_RULES

PARAMS = SolveParams(time_limit_s=10, seed=1, workers=1)
SAME_DAY = Targets(booking_window_days=0)
MED_SLOTS_AM = 20  # 240 min / 12 min


def demand(date, site, department, patients, session=None):  # noqa: ANN001, ANN201
    """A demand row."""
    return DemandForecast(date, site, department, patients, session_id=session)


def tempting_scenarios():  # noqa: ANN201
    """rule number -> (scenario, patients servable with every rule)."""
    lone_d1 = (make_doctor("D1", sites=("MAIN", "EAST"), evening=True, weekend=True),)
    return {
        # D1 is wanted at both sites in the same session; D2 at a site it is not registered at.
        1: (
            make_scenario(
                targets=SAME_DAY,
                doctors=lone_d1 + (make_doctor("D2", department="SUR", sites=("MAIN",)),),
                opening={"weekday": ("AM",)},
                days=1,
                demand=[demand(MONDAY, "MAIN", "MED", 20), demand(MONDAY, "EAST", "MED", 20),
                        demand(MONDAY, "EAST", "SUR", 20)],
            ),
            20,
        ),
        # Two MED doctors and one MED room.
        2: (
            make_scenario(
                targets=SAME_DAY,
                rooms=(Room("MAIN", "M1", "MED"),),
                doctors=(make_doctor("D1"), make_doctor("D3")),
                opening={"weekday": ("AM",)},
                days=1,
                demand=[demand(MONDAY, "MAIN", "MED", 40)],
            ),
            MED_SLOTS_AM,
        ),
        # Sunday demand, Sunday closed.
        3: (
            make_scenario(
                targets=SAME_DAY, doctors=lone_d1, days=7,
                demand=[demand(day(6), "MAIN", "MED", 20)],
            ),
            0,
        ),
        # D1 on leave on the only day with demand.
        4: (
            make_scenario(
                targets=SAME_DAY, doctors=lone_d1, days=1,
                unavailability=[unavailable("D1", MONDAY)],
                demand=[demand(MONDAY, "MAIN", "MED", 60)],
            ),
            0,
        ),
        # Demand for every session of the week, D1 limited to 2 sessions.
        5: (
            make_scenario(
                targets=SAME_DAY,
                doctors=(make_doctor("D1", max_sessions_per_week=2),),
                opening={"weekday": ("AM",)},
                demand=[demand(day(i), "MAIN", "MED", 20) for i in range(5)],
            ),
            2 * MED_SLOTS_AM,
        ),
        # Evening and Saturday demand for a doctor who works neither.
        6: (
            make_scenario(
                targets=SAME_DAY, doctors=(make_doctor("D1"),), days=6,
                demand=[demand(MONDAY, "MAIN", "MED", 15, "EVE"), demand(day(5), "MAIN", "MED", 20)],
            ),
            0,
        ),
        # Evening demand Monday, morning demand Tuesday: rest forbids both.
        7: (
            make_scenario(
                targets=SAME_DAY, doctors=lone_d1, days=2, rules=Rules(rest_after_evening=True),
                demand=[demand(MONDAY, "MAIN", "MED", 15, "EVE"), demand(day(1), "MAIN", "MED", 20, "AM")],
            ),
            MED_SLOTS_AM,
        ),
        # AM at MAIN and PM at EAST, 120 min apart by road, 90 min between sessions.
        8: (
            make_scenario(
                targets=SAME_DAY, doctors=lone_d1, days=1, travel={("MAIN", "EAST"): 120},
                demand=[demand(MONDAY, "MAIN", "MED", 20, "AM"), demand(MONDAY, "EAST", "MED", 20, "PM")],
            ),
            MED_SLOTS_AM,
        ),
    }


NUMBERED_RULES = [rule for rule in HARD_RULES if rule.number is not None]


def test_every_contract_rule_has_a_tempting_scenario() -> None:
    """The table covers exactly the contract's eight rules."""
    assert sorted(tempting_scenarios()) == [r.number for r in NUMBERED_RULES] == list(range(1, 9))


@pytest.mark.parametrize("rule", NUMBERED_RULES, ids=lambda r: f"{r.number}-{r.name}")
def test_rule_holds_and_binds(rule) -> None:  # noqa: ANN001
    """With the rule the roster is clean and serves the stated number; without it, the rule breaks."""
    scenario, servable = tempting_scenarios()[rule.number]
    result = solve(build_model(scenario), PARAMS)
    assert result.status == "optimal"
    assert check_roster(scenario, result.roster) == []
    assert result.served == servable == result.served_bound

    relaxed = tuple(r for r in HARD_RULES if r is not rule)
    loose = solve(build_model(scenario, hard_rules=relaxed), PARAMS)
    broken = {v.rule for v in check_roster(scenario, loose.roster)}
    assert rule.number in broken
    assert loose.served > servable


def test_rules_keep_their_contract_numbers() -> None:
    """Registry order and numbering follow CONTRACT.md."""
    assert [r.number for r in NUMBERED_RULES] == list(range(1, 9))
