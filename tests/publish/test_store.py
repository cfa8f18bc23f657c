"""The publication store: versions, immutability, crash safety and concurrent writers (SQLite and PostgreSQL)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from versions import SCENARIO, new_version, roster_rows

from scheduler.publish.schema import IMMUTABLE_MESSAGE, AssignmentRow, PublicationRow
from scheduler.publish.store import ImmutableVersionError, PublishError, database_url, open_store

PUBLISHER = Path(__file__).resolve().parent / "publisher.py"
ROOT = Path(__file__).resolve().parents[2]


def _spawn(url: str, count: int, pause_s: float | None = None) -> subprocess.Popen[str]:
    args = [sys.executable, str(PUBLISHER), url, str(count)] + ([str(pause_s)] if pause_s else [])
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def _row_counts(url: str) -> tuple[int, int]:
    """(publications, assignment rows) in the database."""
    with open_store(url) as store, store.sessions.begin() as session:
        return (session.scalar(select(func.count(PublicationRow.id))),
                session.scalar(select(func.count(AssignmentRow.id))))


def test_versions_are_numbered_per_scenario_and_never_overwritten(db_url: str) -> None:
    """A new publication is the next version; earlier ones stay exactly as published."""
    with open_store(db_url) as store:
        first = store.publish(new_version(roster_rows(), by="ann"))
        second = store.publish(new_version(roster_rows(drop=2), by="bob", forced=True, reason="short week"))
        other = store.publish(new_version(roster_rows(), scenario="other_clinic"))
        assert (first.version, second.version, other.version) == (1, 2, 1)
        again = store.get(SCENARIO, 1)
        assert again.assignments == roster_rows()
        assert again.roster_sha256 == first.roster_sha256
        assert (again.published_by, again.forced, again.reason) == ("ann", False, None)
        assert again.published_at == first.published_at
        latest = store.get(SCENARIO, 2)
        assert len(latest.assignments) == len(roster_rows()) - 2
        assert (latest.published_by, latest.forced, latest.reason) == ("bob", True, "short week")
        assert [v.version for v in store.versions(SCENARIO)] == [1, 2]
        assert store.scenarios() == ["other_clinic", SCENARIO]


@pytest.mark.parametrize("statement", [
    "UPDATE publications SET reason = 'edited'",
    "DELETE FROM publications",
    "UPDATE published_assignments SET doctor_id = 'D2'",
    "DELETE FROM published_assignments",
])
def test_sql_changes_to_a_published_version_are_rejected(db_url: str, statement: str) -> None:
    """The database itself refuses UPDATE and DELETE on published rows."""
    with open_store(db_url) as store:
        store.publish(new_version())
        with pytest.raises(DBAPIError, match=IMMUTABLE_MESSAGE), store.engine.begin() as connection:
            connection.execute(text(statement))
        assert store.get(SCENARIO, 1).assignments == roster_rows()


def test_orm_changes_to_a_published_version_are_rejected(db_url: str) -> None:
    """Sessions of the store refuse to flush a changed or deleted version."""
    with open_store(db_url) as store:
        store.publish(new_version())
        with pytest.raises(ImmutableVersionError), store.sessions.begin() as session:
            session.scalar(select(PublicationRow)).reason = "edited"
        with pytest.raises(ImmutableVersionError), store.sessions.begin() as session:
            session.delete(session.scalar(select(AssignmentRow)))
        assert store.get(SCENARIO, 1).reason is None


def test_unique_version_per_scenario_is_a_database_constraint(db_url: str) -> None:
    """A second row with an existing (scenario, version) cannot be inserted."""
    with open_store(db_url) as store:
        published = store.publish(new_version())
        with pytest.raises(IntegrityError), store.engine.begin() as connection:
            connection.execute(
                PublicationRow.__table__.insert().values(
                    scenario=SCENARIO, version=1, scenario_title="x", published_at=published.published_at,
                    published_by="mallory", forced=False, targets_met=True, roster_sha256="0" * 64,
                    assignment_count=0, kpis={}, verdict=[]))


def test_rows_added_to_a_published_version_are_detected(db_url: str) -> None:
    """Reading a version checks its row count and checksum, so appended rows do not pass silently."""
    with open_store(db_url) as store:
        store.publish(new_version())
        with store.engine.begin() as connection:
            publication_id = connection.scalar(select(PublicationRow.id))
            extra = roster_rows()[0]
            connection.execute(AssignmentRow.__table__.insert().values(
                publication_id=publication_id, date=extra.date, session_id=extra.session_id, site_id="EAST",
                room_id="E1", department=extra.department, doctor_id="D2", clinic="general", start_min=480,
                end_min=720, slots=1, booking_open_slots=1))
        with pytest.raises(PublishError, match="checksum"):
            store.get(SCENARIO, 1)


def test_killed_publication_leaves_earlier_versions_and_no_partial_one(db_url: str) -> None:
    """SIGKILL inside the publication's transaction, after its rows are written: nothing of it remains."""
    with open_store(db_url) as store:
        store.publish(new_version(roster_rows(), by="ann"))
        store.publish(new_version(roster_rows(drop=1), by="bob"))
    before = _row_counts(db_url)
    child = _spawn(db_url, count=1, pause_s=60)
    try:
        line = child.stdout.readline() if child.stdout else ""
        assert line.split()[:2] == ["IN_TRANSACTION", "3"], line + (child.stderr.read() if child.stderr else "")
        assert int(line.split()[2]) == len(roster_rows())  # the new rows were written, uncommitted
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert _row_counts(db_url) == before
    with open_store(db_url) as store:
        assert [v.version for v in store.versions()] == [1, 2]
        assert store.get(SCENARIO, 1).assignments == roster_rows()
        assert store.get(SCENARIO, 2).assignments == roster_rows(drop=1)
        assert store.publish(new_version()).version == 3  # the database is usable and unlocked


def test_two_processes_publishing_at_once_get_distinct_whole_versions(db_url: str) -> None:
    """Concurrent writers in separate processes: every version number once, every version complete."""
    with open_store(db_url):
        pass  # tables exist before the race
    per_writer = 4
    writers = [_spawn(db_url, per_writer) for _ in range(2)]
    outputs = [w.communicate(timeout=120) for w in writers]
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        assert out.count("PUBLISHED") == per_writer
    with open_store(db_url) as store:
        versions = store.versions(SCENARIO)
        assert [v.version for v in versions] == list(range(1, 2 * per_writer + 1))
        assert len({v.published_by for v in versions}) == 2
        for v in versions:
            assert store.get(SCENARIO, v.version).assignments == roster_rows()


def test_writer_racing_an_uncommitted_version_takes_the_next_number(db_url: str) -> None:
    """A writer that starts while another's version is uncommitted waits or retries, then gets the next one."""
    with open_store(db_url) as first, open_store(db_url) as second:
        in_transaction, second_started = threading.Event(), threading.Event()
        attempts: list[int] = []
        results: dict[str, int] = {}
        original = second._publish_once

        def counted(*args: object) -> object:
            attempts.append(1)
            second_started.set()
            return original(*args)

        second._publish_once = counted  # type: ignore[method-assign]

        def hold(session: Session, _version: int) -> None:
            in_transaction.set()
            assert second_started.wait(timeout=30)
            if session.get_bind().dialect.name != "postgresql":
                time.sleep(0.5)  # SQLite: the second writer waits for the database lock whatever the timing
                return
            deadline = time.monotonic() + 30
            while not session.scalar(text(  # until the second writer's INSERT waits on our uncommitted version
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'INSERT INTO publications%'")):
                assert time.monotonic() < deadline, "the second writer never reached its INSERT"
                time.sleep(0.05)
                session.execute(text("SELECT pg_stat_clear_snapshot()"))  # activity is cached per transaction

        def publish_first() -> None:
            results["first"] = first.publish(new_version(by="first"), before_commit=hold).version

        thread = threading.Thread(target=publish_first)
        thread.start()
        assert in_transaction.wait(timeout=30)
        results["second"] = second.publish(new_version(roster_rows(drop=1), by="second")).version
        thread.join(timeout=60)
        assert results == {"first": 1, "second": 2}
        if first.engine.dialect.name == "postgresql":
            assert len(attempts) == 2  # took version 1 too, hit the unique constraint, retried
        assert second.get(SCENARIO, 2).assignments == roster_rows(drop=1)


@pytest.mark.parametrize(("given", "expected"), [
    ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgres://h/db", "postgresql+psycopg://h/db"),
    ("sqlite:////x/y.db", "sqlite:////x/y.db"),
])
def test_database_url_accepts_urls_and_paths(given: str, expected: str) -> None:
    """--db takes URLs (plain postgresql:// uses psycopg 3) ..."""
    assert database_url(given) == expected


def test_database_url_default_and_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """... or a file path; without --db, $SCHEDULER_PUBLISH_DB, else ./publish.db."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCHEDULER_PUBLISH_DB", raising=False)
    assert database_url(None) == f"sqlite:///{tmp_path / 'publish.db'}"
    assert database_url("sub/rosters.db") == f"sqlite:///{tmp_path / 'sub' / 'rosters.db'}"
    monkeypatch.setenv("SCHEDULER_PUBLISH_DB", "postgresql://h/db")
    assert database_url(None) == "postgresql+psycopg://h/db"


def test_unreachable_database_is_a_clear_error() -> None:
    """A server that does not answer gives a PublishError naming the URL without its password."""
    with pytest.raises(PublishError, match=r"cannot open .*nobody:\*\*\*@127\.0\.0\.1:1/") as info:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert "secret" not in str(info.value)

