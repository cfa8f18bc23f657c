"""Scenario loading: the bundled test scenario loads; every bad input is named precisely.

Each bad-input case copies ``tests/data/tiny`` to a temporary folder, breaks
one thing, and expects an :class:`InputError` naming the file, the row and the
column, and from the command line exit code 2 with one message, no traceback.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from scheduler.errors import InputError
from scheduler.scenario import load_scenario

TINY = Path(__file__).parent / "data" / "tiny"


def test_tiny_scenario_loads_with_defaults() -> None:
    """Values are typed, defaults filled, travel symmetric, sessions ordered."""
    scenario = load_scenario(TINY)
    assert scenario.start_date == dt.date(2026, 11, 30)
    assert [s.session_id for s in scenario.sessions] == ["AM", "PM", "EVE"]
    assert scenario.session("EVE").evening and not scenario.session("PM").evening
    assert scenario.travel("EAST", "MAIN") == 40 == scenario.travel("MAIN", "EAST")
    assert scenario.rules.max_sessions_per_week == 6
    assert scenario.targets.booking_window_days == 3
    assert scenario.targets.expert_booking_open_share == 0.5  # default
    d01, _, d03, _ = scenario.doctors
    assert d01.clinic == "expert" and d01.sites == ("MAIN", "EAST") and d01.home_site == "MAIN"
    assert d01.max_sessions_per_week == 6  # blank -> rules default
    assert d03.max_sessions_per_week == 5
    assert scenario.followup_booking_rate("dental") == 0.8
    assert scenario.followup_booking_rate("internal_medicine") == 0.6
    assert scenario.day_kind(dt.date(2026, 12, 5)) == "saturday"
    assert scenario.day_kind(dt.date(2026, 12, 25)) == "holiday"


def _replace(file: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test setup: '{old}' not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _delete(file: str) -> Callable[[Path], None]:
    return lambda folder: (folder / file).unlink()


def _latin1(folder: Path) -> None:
    path = folder / "doctors.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("Li Na", "Zoë").encode("latin-1"))


# case id -> (edit, file named, row, column)
BAD_INPUTS: dict[str, tuple[Callable[[Path], None], str, int | None, str | None]] = {
    "missing file": (_delete("doctors.csv"), "doctors.csv", None, None),
    "missing scenario.yaml": (_delete("scenario.yaml"), "scenario.yaml", None, None),
    "missing column": (_replace("doctors.csv", ",title,", ",rank,"), "doctors.csv", 1, "title"),
    "unknown department": (
        _replace("doctors.csv", "D02,Zhang Wei,internal_medicine", "D02,Zhang Wei,cardio"),
        "doctors.csv", 3, "department",
    ),
    "unknown site in sites list": (_replace("doctors.csv", "MAIN;EAST", "MAIN;WEST"), "doctors.csv", 2, "sites"),
    "unknown doctor": (_replace("availability.csv", "D02,", "D99,"), "availability.csv", 2, "doctor_id"),
    "unknown session": (_replace("availability.csv", ",AM,theatre", ",NOON,theatre"), "availability.csv", 3, "session"),
    "unknown site in rooms": (_replace("rooms.csv", "EAST,E1", "NORTH,E1"), "rooms.csv", 4, "site_id"),
    "malformed date": (_replace("demand.csv", "2026-12-01,", "2026-13-01,"), "demand.csv", 3, "date"),
    "date outside horizon": (_replace("demand.csv", "2026-12-01,", "2027-02-01,"), "demand.csv", 3, "date"),
    "malformed time": (_replace("scenario.yaml", '"13:30"', '"1:30pm"'), "scenario.yaml", 6, "sessions[1].start"),
    "end before start": (_replace("scenario.yaml", '"21:00"', '"17:00"'), "scenario.yaml", 7, "sessions[2].end"),
    "negative count": (_replace("demand.csv", "MAIN,internal_medicine,50", "MAIN,internal_medicine,-5"), "demand.csv", 3, "patients"),
    "not a number": (_replace("departments.csv", "internal_medicine,12,", "internal_medicine,twelve,"), "departments.csv", 2, "consult_min"),
    "zero consultation": (_replace("departments.csv", "dental,20,", "dental,0,"), "departments.csv", 3, "consult_min"),
    "duplicate doctor": (_replace("doctors.csv", "D04,Chen Jie", "D01,Chen Jie"), "doctors.csv", 5, "doctor_id"),
    "duplicate demand row": (_replace("demand.csv", "2026-12-01,MAIN,internal", "2026-11-30,MAIN,internal"), "demand.csv", 3, "session"),
    "bad boolean": (_replace("doctors.csv", ",,yes,yes", ",,maybe,yes"), "doctors.csv", 2, "evening"),
    "bad title": (_replace("doctors.csv", "chief", "professor"), "doctors.csv", 2, "title"),
    "share above one": (_replace("scenario.yaml", "booking_window_days: 3", "booking_window_share: 1.5"), "scenario.yaml", 17, "targets.booking_window_share"),
    "unknown yaml key": (_replace("scenario.yaml", "rules:", "rulez:"), "scenario.yaml", 13, "rulez"),
    "unknown session in opening": (_replace("scenario.yaml", "saturday: [AM]", "saturday: [NOON]"), "scenario.yaml", 10, "opening.saturday"),
    "missing required key": (_replace("scenario.yaml", "start_date: 2026-11-30", "begin: 2026-11-30"), "scenario.yaml", 2, "begin"),
    "broken yaml": (_replace("scenario.yaml", "days: 7", "days: [7"), "scenario.yaml", 4, "character 9"),
    "negative yaml number": (_replace("scenario.yaml", "max_sessions_per_week: 6", "max_sessions_per_week: -1"), "scenario.yaml", 14, "rules.max_sessions_per_week"),
    "min above max sessions": (
        _replace("doctors.csv", "doctor_id,name,department,title,sites,max_sessions_per_week,evening,weekend",
                 "doctor_id,name,department,title,sites,max_sessions_per_week,evening,weekend,min_sessions_per_week"),
        "doctors.csv", None, None,
    ),
    "not utf-8": (_latin1, "doctors.csv", 4, None),
}


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny scenario."""
    folder = tmp_path / "scenario"
    shutil.copytree(TINY, folder)
    return folder


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_names_file_row_and_column(case: str, tiny_copy: Path) -> None:
    """The error names the file and, where there is one, the row and the column."""
    edit, file, row, column = BAD_INPUTS[case]
    edit(tiny_copy)
    if case == "min above max sessions":
        _replace("doctors.csv", "D04,Chen Jie,dental,attending,MAIN,4,no,no",
                 "D04,Chen Jie,dental,attending,MAIN,4,no,no,5")(tiny_copy)
        row, column = 5, "min_sessions_per_week"
    with pytest.raises(InputError) as caught:
        load_scenario(tiny_copy)
    error = caught.value
    assert Path(error.file).name == file
    assert error.row == row
    assert error.column == column
    assert file in str(error)


@pytest.mark.parametrize("case", ["missing file", "not utf-8", "broken yaml", "negative count", "unknown doctor"])
def test_bad_input_on_the_command_line_exits_2_without_traceback(case: str, tiny_copy: Path, tmp_path: Path) -> None:
    """One message on stderr naming the file, exit code 2, no traceback."""
    edit, file, _, _ = BAD_INPUTS[case]
    edit(tiny_copy)
    result = CliRunner().invoke(main, ["roster", str(tiny_copy), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert file in result.output
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0  # one line
    assert not (tmp_path / "out").exists()


def test_missing_scenario_folder_exits_2(tmp_path: Path) -> None:
    """A scenario path that does not exist is bad input, not a crash."""
    result = CliRunner().invoke(main, ["roster", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "nowhere" in result.output
