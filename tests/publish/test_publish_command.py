"""``publish`` and ``history``: refusal on a missed target, forced publication with its reason, diffs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from scheduler.publish.commands import run_publish
from scheduler.publish.store import open_store
from scheduler.publish.verdict import BLOCKING, blocking
from scheduler.roster_io import read_roster
from scheduler.scenario import load_scenario

#: Few replications, one process: these tests check decisions and records, not statistics.
FAST = ["--replications", "2", "--workers", "1"]


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_roster_missing_a_target_is_refused_and_not_stored(db_url: str, strict_tiny: Path, tiny_roster: Path) -> None:
    """A simulated p90 wait above its target: exit 1, the reason printed, nothing in the database."""
    code, output = _cli("publish", str(strict_tiny), "--roster", str(tiny_roster), "--db", db_url, *FAST)
    assert code == 1
    assert "refused" in output and "p90_wait_min (not met)" in output
    assert open_store(db_url).versions() == []


def test_refusal_names_the_missed_target_with_its_value(db_url: str, strict_tiny: Path, tiny_roster: Path) -> None:
    """The library call returns the verdict: only p90_wait_min missed, its simulated value above 1 min."""
    outcome = run_publish(strict_tiny, tiny_roster, db_url, replications=2, workers=1)
    assert outcome.version is None and not outcome.targets_met
    stopped = blocking(outcome.checks)
    assert [(c.target, c.verdict) for c in stopped] == [("p90_wait_min", "not met")]
    assert stopped[0].measured == pytest.approx(outcome.kpis["p90_wait_min"])
    assert stopped[0].measured - stopped[0].ci95 > 1


def test_forced_publication_records_its_reason_and_who(db_url: str, strict_tiny: Path, tiny_roster: Path) -> None:
    """--force --reason publishes anyway; the version says it was forced, why, by whom, and what was missed."""
    code, output = _cli("publish", str(strict_tiny), "--roster", str(tiny_roster), "--db", db_url, *FAST,
                        "--force", "--reason", "flu season, agreed by the board", "--user", "dr.lee")
    assert code == 0, output
    assert "Published tiny version 1" in output and "FORCED" in output
    with open_store(db_url) as store:
        stored = store.get("tiny", 1)
    assert (stored.forced, stored.reason, stored.published_by) == (True, "flu season, agreed by the board", "dr.lee")
    assert stored.targets_met is False
    assert [c["target"] for c in stored.verdict if c["verdict"] in BLOCKING] == ["p90_wait_min"]
    assert stored.assignments == read_roster(tiny_roster, load_scenario(strict_tiny)).assignments
    code, output = _cli("history", "--db", db_url)
    assert code == 0 and "FORCED: flu season, agreed by the board" in output and "dr.lee" in output


def test_roster_meeting_its_targets_is_published_with_its_kpis(
    db_url: str, lenient_tiny: Path, tiny_roster: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Targets held: published unforced, with the simulated KPIs and the user from $SCHEDULER_USER."""
    monkeypatch.setenv("SCHEDULER_USER", "planner1")
    outcome = run_publish(lenient_tiny, tiny_roster, db_url, replications=2, workers=1)
    assert outcome.targets_met and outcome.version is not None
    with open_store(db_url) as store:
        stored = store.get("tiny", 1)
    assert (stored.forced, stored.reason, stored.targets_met, stored.published_by) == (False, None, True, "planner1")
    assert stored.kpis == outcome.kpis and stored.kpis["replications"] == 2


@pytest.mark.parametrize("options", [["--force"], ["--force", "--reason", "  "], ["--reason", "why"]])
def test_force_and_reason_go_together(tmp_path: Path, lenient_tiny: Path, tiny_roster: Path,
                                      options: list[str]) -> None:
    """--force without a reason (or a reason without --force) is a usage error, exit 2, nothing simulated."""
    db = str(tmp_path / "p.db")
    code, output = _cli("publish", str(lenient_tiny), "--roster", str(tiny_roster), "--db", db, *options)
    assert code == 2 and "--reason" in output
    assert not Path(db).exists()


def test_bad_roster_file_is_exit_2(tmp_path: Path, lenient_tiny: Path) -> None:
    """A missing roster file is bad input, named in the message."""
    code, output = _cli("publish", str(lenient_tiny), "--roster", str(tmp_path / "none.csv"),
                        "--db", str(tmp_path / "p.db"))
    assert code == 2 and "none.csv" in output


def test_history_diff_shows_moves_additions_and_drops(tmp_path: Path, lenient_tiny: Path, tiny_roster: Path) -> None:
    """Version 2 moves D03 to another site, drops one of its sessions and adds one for D04: --diff lists each."""
    lines = tiny_roster.read_text(encoding="utf-8").splitlines()
    assert lines[3] == "2026-11-30,PM,EAST,E1,internal_medicine,D03,general,13:30,17:30,20,20"
    assert lines[-1] == "2026-12-05,AM,MAIN,M2,internal_medicine,D03,general,08:00,12:00,20,20"
    changed = [*lines[:3], lines[3].replace("EAST,E1", "MAIN,M1"), *lines[4:-1],
               "2026-12-03,PM,MAIN,M2,dental,D04,general,13:30,17:30,12,12"]
    second = tmp_path / "roster_v2.csv"
    second.write_text("\n".join(changed) + "\n", encoding="utf-8")
    db = str(tmp_path / "p.db")
    for roster in (tiny_roster, second):
        code, output = _cli("publish", str(lenient_tiny), "--roster", str(roster), "--db", db, *FAST)
        assert code == 0, output
    code, output = _cli("history", "--db", db, "--diff", "1", "2")
    assert code == 0, output
    assert "1 moved, 1 added, 1 dropped, 0 changed, 18 unchanged" in output
    assert "moved    D03 2026-11-30 PM: EAST/E1 -> MAIN/M1" in output
    assert "added    D04 2026-12-03 PM at MAIN/M2" in output
    assert "dropped  D03 2026-12-05 AM at MAIN/M2" in output
    code, output = _cli("history", "--db", db, "--scenario", "tiny", "--diff", "1", "3")
    assert code == 1 and "no version 3" in output


def test_history_of_a_missing_database_file_is_an_error(tmp_path: Path) -> None:
    """history does not create an empty database where a typo pointed it."""
    code, output = _cli("history", "--db", str(tmp_path / "typo.db"))
    assert code == 1 and "no publication database" in output
    assert not (tmp_path / "typo.db").exists()


def test_unreachable_database_fails_before_simulating(lenient_tiny: Path, tiny_roster: Path) -> None:
    """publish checks the database first: exit 1 at once, the password not shown."""
    code, output = _cli("publish", str(lenient_tiny), "--roster", str(tiny_roster),
                        "--db", "postgresql://u:secret@127.0.0.1:1/none?connect_timeout=2")
    assert code == 1 and "cannot open the publication database" in output and "secret" not in output
    assert "Targets" not in output
