"""Tests of reading and writing roster.csv."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from builders import MONDAY, day, make_assignment, make_roster

from scheduler.check import check_roster
from scheduler.errors import InputError
from scheduler.model import Roster, Scenario
from scheduler.roster_io import ROSTER_COLUMNS, read_roster, write_roster

HEADER = ",".join(ROSTER_COLUMNS)
#: A valid two-row roster of the default builders scenario; the second row is line 3.
GOOD_ROWS = [
    "2026-11-30,AM,MAIN,M1,MED,D1,general,08:00,12:00,20,20",
    "2026-11-30,AM,MAIN,M2,SUR,D2,expert,08:00,12:00,12,6",
]


def _write(tmp_path: Path, lines: list[str], name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _with_cell(column: str, value: str) -> list[str]:
    """GOOD_ROWS with one cell of the second row (line 3) replaced."""
    cells = GOOD_ROWS[1].split(",")
    cells[ROSTER_COLUMNS.index(column)] = value
    return [HEADER, GOOD_ROWS[0], ",".join(cells)]


def test_columns_are_the_contract_order() -> None:
    """ROSTER_COLUMNS is exactly the contract's header."""
    assert ROSTER_COLUMNS == (
        "date", "session", "site_id", "room_id", "department", "doctor_id", "clinic",
        "start", "end", "slots", "booking_open_slots",
    )


def test_round_trip(tmp_path: Path, scenario: Scenario, clean_roster: Roster) -> None:
    """Writing then reading gives back the same assignments, in file (sorted) order."""
    path = tmp_path / "roster.csv"
    write_roster(clean_roster, path)
    back = read_roster(path, scenario)
    assert sorted(back.assignments, key=repr) == sorted(clean_roster.assignments, key=repr)
    assert len(back) == len(clean_roster)


def test_round_trip_of_a_roster_breaking_rules(tmp_path: Path, scenario: Scenario) -> None:
    """Rule-breaking rosters survive the round trip unchanged (duplicates included)."""
    row = make_assignment(scenario, "D1", MONDAY, "AM")
    roster = make_roster(row, row, make_assignment(scenario, "D2", day(6), "EVE", site_id="EAST"))
    path = tmp_path / "roster.csv"
    write_roster(roster, path)
    assert sorted(read_roster(path, scenario).assignments, key=repr) == sorted(
        roster.assignments, key=repr
    )


def test_written_file_is_sorted_with_hhmm_times(tmp_path: Path, scenario: Scenario) -> None:
    """Rows come by date, start, site, room, doctor; times are HH:MM; header first."""
    roster = make_roster(
        make_assignment(scenario, "D1", day(1), "AM"),
        make_assignment(scenario, "D1", MONDAY, "PM", site_id="EAST"),
        make_assignment(scenario, "D2", MONDAY, "AM"),  # M2
        make_assignment(scenario, "D1", MONDAY, "AM"),  # M1
    )
    path = tmp_path / "roster.csv"
    write_roster(roster, path)
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == list(ROSTER_COLUMNS)
    assert [(r[0], r[1], r[3], r[5], r[7], r[8]) for r in rows[1:]] == [
        ("2026-11-30", "AM", "M1", "D1", "08:00", "12:00"),
        ("2026-11-30", "AM", "M2", "D2", "08:00", "12:00"),
        ("2026-11-30", "PM", "E1", "D1", "13:30", "17:30"),
        ("2026-12-01", "AM", "M1", "D1", "08:00", "12:00"),
    ]


def test_write_touches_only_the_target(tmp_path: Path, clean_roster: Roster) -> None:
    """Writing leaves neighbours alone and keeps a different old roster as a backup."""
    neighbour = tmp_path / "solve.json"
    neighbour.write_text("{}", encoding="utf-8")
    target = tmp_path / "roster.csv"
    target.write_text("old", encoding="utf-8")
    backup = write_roster(clean_roster, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.csv", "roster.csv.~1~", "solve.json"]
    assert backup is not None and backup.read_text(encoding="utf-8") == "old"
    assert neighbour.read_text(encoding="utf-8") == "{}"
    assert write_roster(clean_roster, target) is None  # same content: nothing to back up
    assert target.read_text(encoding="utf-8").startswith(",".join(ROSTER_COLUMNS))


def test_write_creates_a_missing_folder(tmp_path: Path, clean_roster: Roster) -> None:
    """A missing output folder is created, holding only the roster."""
    write_roster(clean_roster, tmp_path / "missing" / "roster.csv")
    assert [p.name for p in (tmp_path / "missing").iterdir()] == ["roster.csv"]


def test_reads_hand_written_roster(tmp_path: Path, scenario: Scenario) -> None:
    """A hand-written file with spaces, upper-case clinic and extra columns is read."""
    path = _write(tmp_path, [
        HEADER + ",note",
        " 2026-11-30 , AM , MAIN , M1 , MED , D1 , General , 8:00 , 12:00 , 20 , 10 ,cover",
    ])
    (row,) = read_roster(path, scenario).assignments
    assert (row.date, row.session_id, row.clinic, row.start_min, row.booking_open_slots) == (
        MONDAY, "AM", "general", 480, 10
    )


def test_read_accepts_hard_rule_violations(tmp_path: Path, scenario: Scenario) -> None:
    """Double bookings, unregistered sites, closed sessions and dates outside the
    horizon are read without error; check reports them."""
    path = _write(tmp_path, [
        HEADER,
        "2026-11-30,AM,MAIN,M1,MED,D1,general,08:00,12:00,20,20",
        "2026-11-30,AM,EAST,E1,MED,D1,general,08:00,12:00,20,20",  # D1 twice
        "2026-11-30,AM,MAIN,M1,SUR,D2,expert,08:00,12:00,12,6",  # room twice, MED room
        "2026-12-01,AM,EAST,E1,SUR,D2,expert,08:00,12:00,12,6",  # D2 not at EAST
        "2026-12-06,AM,MAIN,M2,MED,D1,general,08:00,12:00,20,20",  # Sunday
        "2027-01-04,EVE,MAIN,M2,SUR,D2,general,18:00,21:00,9,9",  # outside, evening, clinic
    ])
    roster = read_roster(path, scenario)
    assert len(roster) == 6
    assert {v.rule for v in check_roster(scenario, roster)} == {1, 2, 3, 6, 9}


BAD_CELLS = [
    # (column, value, words expected in the message)
    ("date", "2026-13-01", "expected a date YYYY-MM-DD"),
    ("date", "30/11/2026", "expected a date YYYY-MM-DD"),
    ("date", "", "blank"),
    ("start", "8am", "expected a time HH:MM"),
    ("start", "25:00", "expected a time HH:MM"),
    ("end", "12:60", "expected a time HH:MM"),
    ("end", "07:00", "must be after start"),
    ("slots", "-1", "must be at least 0"),
    ("slots", "12.5", "expected a whole number"),
    ("slots", "", "blank"),
    ("booking_open_slots", "-2", "must be at least 0"),
    ("booking_open_slots", "13", "must be at most slots (12)"),
    ("doctor_id", "D9", "unknown doctor 'D9'"),
    ("doctor_id", "", "blank"),
    ("site_id", "WEST", "unknown site 'WEST'"),
    ("room_id", "E1", "not a room of site 'MAIN' (it is a room of EAST)"),
    ("room_id", "X9", "'X9' is not a room of site 'MAIN'"),
    ("session", "NIGHT", "unknown session 'NIGHT'"),
    ("department", "ENT", "unknown department 'ENT'"),
    ("clinic", "vip", "expected one of general, expert, mdt"),
]


@pytest.mark.parametrize(("column", "value", "words"), BAD_CELLS,
                         ids=[f"{c}={v or 'blank'}" for c, v, _ in BAD_CELLS])
def test_bad_cell_names_file_row_and_column(
    tmp_path: Path, scenario: Scenario, column: str, value: str, words: str
) -> None:
    """Each bad cell raises InputError at line 3 and its column, saying what is wrong."""
    path = _write(tmp_path, _with_cell(column, value))
    with pytest.raises(InputError) as caught:
        read_roster(path, scenario)
    error = caught.value
    assert (error.file, error.row, error.column) == (str(path), 3, column)
    assert words in error.message
    assert f"row 3, column '{column}'" in str(error)


def test_good_rows_are_valid(tmp_path: Path, scenario: Scenario) -> None:
    """The base of the bad-cell cases reads cleanly, so each case tests only its cell."""
    assert len(read_roster(_write(tmp_path, [HEADER, *GOOD_ROWS]), scenario)) == 2


@pytest.mark.parametrize("column", ROSTER_COLUMNS)
def test_missing_column(tmp_path: Path, scenario: Scenario, column: str) -> None:
    """A header without a contract column is an error at row 1 naming the column."""
    index = ROSTER_COLUMNS.index(column)
    lines = [",".join(c for i, c in enumerate(line.split(",")) if i != index)
             for line in [HEADER, *GOOD_ROWS]]
    with pytest.raises(InputError) as caught:
        read_roster(_write(tmp_path, lines), scenario)
    assert (caught.value.row, caught.value.column) == (1, column)


def test_missing_file(tmp_path: Path, scenario: Scenario) -> None:
    """A missing roster file is an InputError naming it."""
    with pytest.raises(InputError, match="file not found"):
        read_roster(tmp_path / "nope.csv", scenario)


def test_not_utf8(tmp_path: Path, scenario: Scenario) -> None:
    """A file that is not UTF-8 is an InputError, not a traceback."""
    path = tmp_path / "roster.csv"
    path.write_bytes((HEADER + "\n" + GOOD_ROWS[0]).encode() + "\n,é".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_roster(path, scenario)


def test_header_only_is_an_empty_roster(tmp_path: Path, scenario: Scenario) -> None:
    """A roster with no rows reads as an empty roster."""
    assert len(read_roster(_write(tmp_path, [HEADER]), scenario)) == 0
