"""Department decomposition: blocks, shared-room allotment, a bound that holds, rosters that pass the checker."""

from __future__ import annotations

import dataclasses
import datetime as dt

from builders import MONDAY, make_doctor, make_scenario

from scheduler.check import check_roster
from scheduler.model import DemandForecast, JointClinic, Room, Roster, Targets
from scheduler.solver import SolveParams, build_model, solve
from scheduler.solver.decompose import (
    allot_shared_rooms,
    department_blocks,
    linked_departments,
    solve_decomposed,
    solve_scenario,
)
from scheduler.solver.warm_start import previous_week_hint

PARAMS = SolveParams(time_limit_s=10, seed=1, workers=1)


def _scenario(rooms: tuple[Room, ...]):
    """One Monday morning at MAIN: two MED doctors and one SUR doctor, demand for all three."""
    doctors = (make_doctor("D1", department="MED", sites=("MAIN",)),
               make_doctor("D2", department="MED", sites=("MAIN",)),
               make_doctor("D3", department="SUR", sites=("MAIN",)))
    return make_scenario(
        doctors=doctors, rooms=rooms, days=1, opening={"weekday": ("AM",)},
        targets=Targets(booking_window_days=0),
        demand=[DemandForecast(MONDAY, "MAIN", "MED", 60), DemandForecast(MONDAY, "MAIN", "SUR", 30)],
    )


def test_competing_departments_share_rooms_and_keep_a_valid_bound() -> None:
    """MED wants the shared room for its second doctor and SUR needs it: the joined roster
    fits the rooms, passes the checker, and the relaxation's bound is at most the proven optimum."""
    scenario = _scenario((Room("MAIN", "M1", "MED"), Room("MAIN", "M2", None)))
    decomposed = solve_decomposed(scenario, PARAMS, max_block_doctors=2)
    whole = solve(build_model(scenario), PARAMS)
    assert whole.status == "optimal"
    assert check_roster(scenario, decomposed.roster) == []
    assert decomposed.best_bound <= whole.objective + 1e-6
    assert decomposed.objective >= whole.objective - 1e-6
    rooms = [a.room_id for a in decomposed.roster.assignments]
    assert len(rooms) == len(set(rooms)) == 2


def test_independent_departments_join_to_the_optimum() -> None:
    """With a shared room per department no room is contended: the joined roster is optimal."""
    rooms = (Room("MAIN", "M1", "MED"), Room("MAIN", "M2", None), Room("MAIN", "M3", None))
    scenario = _scenario(rooms)
    decomposed = solve_decomposed(scenario, PARAMS, max_block_doctors=2)
    whole = solve(build_model(scenario), PARAMS)
    assert decomposed.status == "optimal" and decomposed.gap == 0.0
    assert decomposed.objective == whole.objective and decomposed.served == whole.served
    assert sum(p.weight * p.penalty for p in decomposed.penalties.values()) == decomposed.objective
    assert check_roster(scenario, decomposed.roster) == []


def test_blocks_keep_linked_departments_together_and_pack_small_ones() -> None:
    """A joint clinic links its departments; packing never splits a linked group."""
    scenario = _scenario((Room("MAIN", "M1", "MED"), Room("MAIN", "M2", None)))
    assert sorted(linked_departments(scenario)) == [("MED",), ("SUR",)]
    linked = dataclasses.replace(scenario, joint_clinics=(JointClinic("MDT", ("MED", "SUR"), "MAIN", 1),))
    assert linked_departments(linked) == [("MED", "SUR")]
    assert department_blocks(scenario, max_doctors=3) == [("MED", "SUR")]
    assert department_blocks(scenario, max_doctors=2) == [("MED",), ("SUR",)]


def test_allotment_never_exceeds_the_rooms_and_follows_use() -> None:
    """Contended cells are shared in proportion to use (largest remainder); others keep their use."""
    scenario = _scenario((Room("MAIN", "M2", None), Room("MAIN", "M3", None), Room("MAIN", "M4", None)))
    busy, quiet = ("MAIN", MONDAY, "AM"), ("MAIN", MONDAY, "PM")
    allotted = allot_shared_rooms(scenario, [{busy: 4, quiet: 1}, {busy: 2}])
    assert [a[busy] for a in allotted] == [2, 1]
    assert allotted[0][quiet] == 1


def test_warm_start_from_last_week_gives_the_same_optimum() -> None:
    """Last week's roster, moved onto this week's weekdays, starts the solve; a roster
    breaking a hard rule (a doctor twice in one session) is dropped, not obeyed."""
    scenario = _scenario((Room("MAIN", "M1", "MED"), Room("MAIN", "M2", None), Room("MAIN", "M3", None)))
    cold = solve(build_model(scenario), PARAMS)
    last_week = Roster(tuple(dataclasses.replace(a, date=a.date - dt.timedelta(days=7))
                             for a in cold.roster.assignments))
    hint = previous_week_hint(scenario, last_week)
    assert set(hint) == {(a.doctor_id, a.date, a.session_id, a.site_id) for a in cold.roster.assignments}
    warm = solve(build_model(scenario), PARAMS, warm_start=hint)
    assert warm.status == "optimal" and warm.objective == cold.objective
    two_rooms = _scenario((Room("MAIN", "M1", "MED"), Room("MAIN", "M2", None)))
    everyone = {(d, MONDAY, "AM", "MAIN"): True for d in ("D1", "D2", "D3")}  # three doctors, two rooms
    assert solve(build_model(two_rooms), PARAMS, warm_start=everyone).objective == \
        solve(build_model(two_rooms), PARAMS).objective


def test_solve_scenario_picks_the_whole_model_for_small_hospitals() -> None:
    """Below the threshold the scenario is solved whole: the same result as :func:`solve`."""
    scenario = _scenario((Room("MAIN", "M1", "MED"), Room("MAIN", "M2", None)))
    assert solve_scenario(scenario, PARAMS).objective == solve(build_model(scenario), PARAMS).objective


def test_roster_command_decomposes_hospital_wide_weeks(monkeypatch) -> None:
    """Above the threshold the command's solve goes by department blocks and the roster passes check."""
    import scheduler.solver.decompose as decompose
    from scheduler.commands import roster_scenario

    scenario = _scenario((Room("MAIN", "M1", "MED"), Room("MAIN", "M2", None)))
    blocks_solved = []
    real = decompose.solve_decomposed
    monkeypatch.setattr(decompose, "DECOMPOSE_ABOVE_DOCTORS", 1)
    monkeypatch.setattr(decompose, "solve_decomposed",
                        lambda *args, **kwargs: blocks_solved.append(1) or real(*args, **kwargs))
    result = roster_scenario(scenario, PARAMS)
    assert blocks_solved and result.roster is not None
    assert check_roster(scenario, result.roster) == []


def test_cut_to_allotment_drops_the_smallest_session_beyond_the_rooms() -> None:
    """Two MED doctors, one MED room, no shared room allotted: the session with fewer
    slots goes; with the shared room allotted both stay."""
    from scheduler.model import Assignment
    from scheduler.solver.decompose import cut_to_allotment, shared_rooms_used

    scenario = _scenario((Room("MAIN", "M1", "MED"), Room("MAIN", "M2", None)))
    roster = [Assignment(MONDAY, "AM", "MAIN", room, "MED", doctor, "general", 480, 720, slots, slots)
              for doctor, room, slots in (("D1", "M1", 20), ("D2", "M2", 12))]
    cell = ("MAIN", MONDAY, "AM")
    assert shared_rooms_used(scenario, roster) == {cell: 1}
    assert [a.doctor_id for a in cut_to_allotment(scenario, roster, {cell: 0})] == ["D1"]
    assert cut_to_allotment(scenario, roster, {cell: 1}) == roster


def test_bound_holds_for_rosters_serving_fewer_than_phase_one() -> None:
    """Phase 2 bounds only rosters serving at least phase 1's count; a roster serving one
    fewer can be cheaper when penalties outweigh a patient, so the bound is capped there."""
    from scheduler.solver.solve import _full_objective_bound

    assert _full_objective_bound(5_300.0, 1000, 100, 98) == 3_000.0  # 3 unserved, no penalty
    assert _full_objective_bound(2_500.0, 1000, 100, 98) == 2_500.0


def test_decomposed_bound_is_below_the_whole_optimum_when_blocks_contend() -> None:
    """Every department wants both shared rooms on the same morning: the bound (the relaxed
    blocks' coverage plus the sessions that coverage needs) stays at most the proven optimum,
    and the joined roster fits the rooms."""
    doctors = tuple(make_doctor(f"D{i}", department=dept, sites=("MAIN",))
                    for i, dept in enumerate(("MED", "MED", "MED", "SUR", "SUR", "SUR")))
    rooms = (Room("MAIN", "M1", "MED"), Room("MAIN", "S1", "SUR"), Room("MAIN", "X1", None), Room("MAIN", "X2", None))
    scenario = make_scenario(
        doctors=doctors, rooms=rooms, days=1, opening={"weekday": ("AM",)}, targets=Targets(booking_window_days=0),
        demand=[DemandForecast(MONDAY, "MAIN", "MED", 60), DemandForecast(MONDAY, "MAIN", "SUR", 50)],
    )
    decomposed = solve_decomposed(scenario, PARAMS, max_block_doctors=3)
    whole = solve(build_model(scenario), PARAMS)
    assert whole.status == "optimal"
    assert check_roster(scenario, decomposed.roster) == []
    assert decomposed.best_bound <= whole.objective + 1e-6 <= decomposed.objective + 1e-6
    assert decomposed.served <= whole.served <= decomposed.served_bound


def test_decomposed_solve_takes_a_warm_start(monkeypatch) -> None:
    """A warm start reaches the blocks: last week's roster gives a checked roster as good as cold."""
    import scheduler.solver.decompose as decompose

    scenario = _scenario((Room("MAIN", "M1", "MED"), Room("MAIN", "M2", None), Room("MAIN", "M3", None)))
    monkeypatch.setattr(decompose, "DECOMPOSE_ABOVE_DOCTORS", 1)
    monkeypatch.setattr(decompose, "MAX_BLOCK_DOCTORS", 2)
    cold = solve_scenario(scenario, PARAMS)
    hint = {(a.doctor_id, a.date, a.session_id, a.site_id): True for a in cold.roster.assignments}
    assert len(decompose.department_blocks(scenario, 2)) == 2  # MED and SUR apart: the block path
    seen = []
    real = decompose.solve
    monkeypatch.setattr(decompose, "solve",
                        lambda *a, **k: seen.append((k.get("coverage_only"), k.get("warm_start"))) or real(*a, **k))
    warm = solve_scenario(scenario, PARAMS, warm_start=hint)
    round_1 = [start for coverage_only, start in seen if coverage_only]
    assert len(round_1) == 2 and all(round_1)  # every round-1 block got its part of last week's roster
    assert warm.objective == cold.objective
    assert check_roster(scenario, warm.roster) == []
