"""The planner's hard rules (site changes, partner support, joint clinics, holiday
eligibility), each alone on a tiny instance that tempts the solver to break it.

With the rule the roster passes the independent checker and serves the stated
number; with the rule removed from the registry the checker reports it.
"""

from __future__ import annotations

import dataclasses

import pytest
from builders import MONDAY, day, make_doctor, make_scenario

from scheduler.check import check_roster
from scheduler.errors import InfeasibleError
from scheduler.model import DemandForecast, JointClinic, PartnerSupport, Rules, SessionHistory, Targets
from scheduler.solver import SolveParams, build_model, solve
from scheduler.solver.hard_rules import HARD_RULES

PARAMS = SolveParams(time_limit_s=10, seed=1, workers=1)
SAME_DAY = Targets(booking_window_days=0)
MED_SLOTS = 20  # 240 min / 12 min


def demand(date, site, patients, session=None, department="MED"):  # noqa: ANN001, ANN201
    """A demand row."""
    return DemandForecast(date, site, department, patients, session_id=session)


def roaming_d1(**kwargs):  # noqa: ANN003, ANN201
    """D1, MED attending at home at MAIN, also registered at EAST."""
    return make_doctor("D1", sites=("MAIN", "EAST"), evening=True, weekend=True, **kwargs)


def tempting_scenarios():  # noqa: ANN201
    """rule name -> (scenario, check rule number, patients servable with every rule)."""
    return {
        # MAIN, EAST, MAIN: two moves, one allowed -> two of the three sessions.
        "max_site_changes_per_week": (
            make_scenario(
                targets=SAME_DAY, doctors=(roaming_d1(),), days=2, opening={"weekday": ("AM", "PM")},
                rules=Rules(max_site_changes_per_week=1),
                demand=[demand(MONDAY, "MAIN", 20, "AM"), demand(MONDAY, "EAST", 20, "PM"),
                        demand(day(1), "MAIN", 20, "AM")],
            ),
            10,
            2 * MED_SLOTS,
        ),
        # All demand at MAIN, but EAST must get one session from MAIN's doctors.
        "partner_support": (
            dataclasses.replace(
                make_scenario(
                    targets=SAME_DAY, doctors=(roaming_d1(),), days=1, opening={"weekday": ("AM", "PM")},
                    demand=[demand(MONDAY, "MAIN", 20, "AM"), demand(MONDAY, "MAIN", 20, "PM")],
                ),
                partner_support=(PartnerSupport("EAST", "MAIN", 1),),
            ),
            11,
            MED_SLOTS,
        ),
        # A MED + SUR joint clinic, but no surgical demand: D2 would rather stay home.
        "joint_clinics": (
            dataclasses.replace(
                make_scenario(
                    targets=SAME_DAY, days=1, opening={"weekday": ("AM",)},
                    demand=[demand(MONDAY, "MAIN", 20, "AM")],
                ),
                joint_clinics=(JointClinic("Tumour board", ("MED", "SUR"), "MAIN", 1),),
            ),
            12,
            MED_SLOTS,
        ),
        # A public holiday with demand; D1 works weekends but not holidays.
        "evening_weekend_eligibility": (
            make_scenario(
                targets=SAME_DAY, doctors=(roaming_d1(holiday=False),), days=2, holidays=[day(1)],
                opening={"weekday": ("AM",), "holiday": ("AM",)},
                demand=[demand(day(1), "MAIN", 20, "AM")],
            ),
            6,
            0,
        ),
    }


@pytest.mark.parametrize("name", list(tempting_scenarios()))
def test_rule_holds_and_binds(name: str) -> None:
    """With the rule: clean and the stated coverage; without it: the checker reports it."""
    scenario, check_rule, servable = tempting_scenarios()[name]
    rule = next(r for r in HARD_RULES if r.name == name)
    result = solve(build_model(scenario), PARAMS)
    assert result.status == "optimal"
    assert check_roster(scenario, result.roster) == []
    assert result.served == servable == result.served_bound

    relaxed = tuple(r for r in HARD_RULES if r is not rule)
    loose = solve(build_model(scenario, hard_rules=relaxed), PARAMS)
    assert check_rule in {v.rule for v in check_roster(scenario, loose.roster)}


def test_joint_clinic_rows_share_a_shared_room_as_mdt() -> None:
    """The held joint clinic seats D1 and D2 together in the shared room M2, marked mdt."""
    scenario, _, _ = tempting_scenarios()["joint_clinics"]
    roster = solve(build_model(scenario), PARAMS).roster
    rows = {(a.doctor_id, a.clinic, a.room_id) for a in roster.assignments}
    assert rows == {("D1", "mdt", "M2"), ("D2", "mdt", "M2")}


def test_unmeetable_partner_support_is_explained_in_words() -> None:
    """Nobody based at MAIN is registered at EAST: the reason names site, shortfall and rule."""
    scenario = dataclasses.replace(
        make_scenario(targets=SAME_DAY, doctors=(make_doctor("D1"),), days=1, opening={"weekday": ("AM",)}),
        partner_support=(PartnerSupport("EAST", "MAIN", 2),),
    )
    with pytest.raises(InfeasibleError) as caught:
        solve(build_model(scenario), PARAMS)
    text = " ".join(caught.value.reasons)
    assert "EAST" in text and "2 sessions short" in text
    assert "not registered at EAST" in text


@pytest.mark.parametrize(("history", "expected"), [({"D1": 3}, "D3"), ({"D3": 3}, "D1")])
def test_evening_goes_to_the_doctor_with_fewer_past_evenings(history: dict, expected: str) -> None:
    """One evening session for two eligible doctors: history.csv decides who takes it."""
    base = make_scenario(
        targets=SAME_DAY, days=1, opening={"weekday": ("EVE",)},
        doctors=(make_doctor("D1", evening=True), make_doctor("D3", evening=True)),
        demand=[demand(MONDAY, "MAIN", 15, "EVE")],
    )
    scenario = dataclasses.replace(
        base, history={d: SessionHistory(d, evening_sessions=n) for d, n in history.items()}
    )
    result = solve(build_model(scenario), PARAMS)
    assert [a.doctor_id for a in result.roster.assignments] == [expected]
    assert result.penalties["unsocial_fairness"].penalty == 2  # loads 3 and 1 (or 1 and 3)


def test_partner_support_blocked_by_another_requirement_is_explained() -> None:
    """D1 alone could give EAST both sessions, but the joint clinic needs D1 at MAIN in the
    morning: the reason gives the exact shortfall (1) and names the joint clinic."""
    scenario = dataclasses.replace(
        make_scenario(targets=SAME_DAY, days=1, opening={"weekday": ("AM", "PM")}),
        partner_support=(PartnerSupport("EAST", "MAIN", 2),),
        joint_clinics=(JointClinic("Tumour board", ("MED", "SUR"), "MAIN", 1),),
    )
    with pytest.raises(InfeasibleError) as caught:
        solve(build_model(scenario), PARAMS)
    text = " ".join(caught.value.reasons)
    assert "at most 1 are possible alongside every other rule, 1 session short" in text
    assert "joint clinic Tumour board" in text


def test_site_change_limit_over_two_weeks_agrees_with_the_checker() -> None:
    """Over 10 days (four 7-day windows) with demand at both sites every weekday, the
    solver's moves stay within the limit in every window as the checker counts them."""
    scenario = make_scenario(
        targets=SAME_DAY, doctors=(roaming_d1(),), days=10, opening={"weekday": ("AM", "PM")},
        rules=Rules(max_site_changes_per_week=1),
        demand=[demand(day(i), site, 20, session) for i in range(10) if day(i).weekday() < 5
                for site, session in (("MAIN", "AM"), ("EAST", "PM"))],
    )
    result = solve(build_model(scenario), PARAMS)
    assert check_roster(scenario, result.roster) == []
    assert {a.site_id for a in result.roster.assignments} == {"MAIN", "EAST"}  # it does move
