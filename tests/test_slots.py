"""Slot plan per session: open / follow-up held / same-day held, meeting the targets."""

from __future__ import annotations

import dataclasses
import math

import builders
import pytest

from scheduler.model import DemandForecast, Roster, Targets
from scheduler.slots import booking_open_slots, followup_shares, roster_slot_plan, session_slot_plan

TARGETS = Targets(general_booking_open_share=1.0, expert_booking_open_share=0.5)


@pytest.mark.parametrize("slots", range(0, 31))
@pytest.mark.parametrize("clinic", ["general", "expert"])
@pytest.mark.parametrize("need", [0.0, 0.1, 0.24, 0.5, 2.0])
def test_channels_add_up_and_meet_the_open_share(slots: int, clinic: str, need: float) -> None:
    """Channels sum to the slots; the open share meets the clinic type's target; follow-up holds
    are ceil(slots * need) as far as the held slots go."""
    plan = session_slot_plan(slots, clinic, TARGETS, need)
    assert plan.open + plan.followup_held + plan.same_day_held == slots
    assert min(plan.open, plan.followup_held, plan.same_day_held) >= 0
    share = 1.0 if clinic == "general" else 0.5
    assert plan.open >= slots * share - 1e-9
    assert plan.open == booking_open_slots(slots, clinic, TARGETS)
    assert plan.followup_held == min(plan.held, math.ceil(slots * need - 1e-9))


def test_general_clinics_hold_nothing_by_default() -> None:
    """A 100% open target leaves no held slot: follow-ups book into open slots."""
    assert session_slot_plan(20, "general", TARGETS, 0.5).held == 0


def test_expert_clinic_split_example() -> None:
    """20 expert slots, 30% follow-ups at an 80% booking rate: 10 open, 5 follow-up held, 5 same-day."""
    plan = session_slot_plan(20, "expert", TARGETS, 0.3 * 0.8)
    assert (plan.open, plan.followup_held, plan.same_day_held) == (10, 5, 5)


def test_followup_shares_are_patient_weighted() -> None:
    """Share per (site, department) weighted by patients; rows without the column count as 0."""
    day = builders.day(0)
    scenario = builders.make_scenario(demand=[
        DemandForecast(day, "MAIN", "MED", 30, followup_share=0.5),
        DemandForecast(day, "MAIN", "MED", 10),
    ])
    assert followup_shares(scenario)[("MAIN", "MED")] == pytest.approx(15 / 40)


def test_roster_plan_keeps_the_rosters_open_slots(scenario, clean_roster: Roster) -> None:  # noqa: ANN001
    """The plan's open slots are the roster's booking_open_slots, even for a hand-edited row."""
    rows = list(clean_roster.assignments)
    rows[0] = dataclasses.replace(rows[0], booking_open_slots=max(0, rows[0].slots - 3))
    roster = Roster(tuple(rows))
    plan = roster_slot_plan(scenario, roster)
    assert [p.open for p in plan] == [min(a.slots, a.booking_open_slots) for a in roster.assignments]
    assert all(p.open + p.held == a.slots for p, a in zip(plan, roster.assignments, strict=True))
    assert plan[0].held >= 3 or rows[0].slots < 3


def test_slot_plan_csv_has_one_row_per_roster_row(scenario, clean_roster: Roster) -> None:  # noqa: ANN001
    """slot_plan.csv: the contract's row keys and the three channels, which add up to the slots."""
    import csv
    import io

    from scheduler.slots import SLOT_PLAN_COLUMNS, slot_plan_csv

    rows = list(csv.DictReader(io.StringIO(slot_plan_csv(scenario, clean_roster))))
    assert len(rows) == len(clean_roster.assignments)
    assert tuple(rows[0]) == SLOT_PLAN_COLUMNS
    for row, a in zip(rows, clean_roster.assignments, strict=True):
        assert row["doctor_id"] == a.doctor_id and int(row["slots"]) == a.slots
        assert int(row["open"]) + int(row["followup_held"]) + int(row["same_day_held"]) == a.slots
