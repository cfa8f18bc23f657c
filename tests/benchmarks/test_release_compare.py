"""The derived release-study scenarios: committed folders equal their derivation from city_general."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.release_compare import BASE, DEMAND_FACTOR, PAIRS, REPO, held_near_capacity_files
from scheduler.scenario import load_scenario


@pytest.mark.parametrize("static", [False, True], ids=["release", "static"])
def test_committed_pair_equals_its_derivation(static: bool) -> None:
    """Rerunning ``--write-scenarios`` reproduces each committed folder byte for byte."""
    folder = REPO / PAIRS["held_near_capacity"][static]
    expected = held_near_capacity_files(REPO / BASE, static)
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)
    for name, text in expected.items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"{folder / name} differs; rerun 'python -m benchmarks.release_compare --write-scenarios'")


def test_pair_differs_from_city_general_only_as_documented() -> None:
    """Same hospital and roster inputs; general clinics hold 50%, holds sized for every follow-up;
    demand x1.1; only B is a static hold."""
    base = load_scenario(REPO / BASE)
    release, static = (load_scenario(REPO / Path(p)) for p in PAIRS["held_near_capacity"][:2])
    for derived in (release, static):
        assert derived.doctors == base.doctors and derived.rooms == base.rooms
        assert derived.targets.general_booking_open_share == pytest.approx(0.5)
        assert derived.targets.followup_booking_rate == 1.0
        assert derived.departments == base.departments
        assert derived.targets.expert_booking_open_share == base.targets.expert_booking_open_share
        assert [d.patients for d in derived.demand] == [round(d.patients * DEMAND_FACTOR) for d in base.demand]
    assert release.simulation.booking.release_horizon_h == 24.0
    assert static.simulation.booking.release_horizon_h is None
    assert release.demand == static.demand and release.targets == static.targets
