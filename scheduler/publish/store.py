"""The publication store: immutable roster versions in SQLite or PostgreSQL.

Where: ``--db`` takes a SQLAlchemy URL (``postgresql://user:pw@host/db``,
``sqlite:////abs/path.db``) or a plain file path (a SQLite file). Without it,
``$SCHEDULER_PUBLISH_DB`` is used, else :data:`DEFAULT_DB_FILE` in the
current directory.

How a publication stays whole: :meth:`PublicationStore.publish` writes the
version header and all its roster rows in ONE transaction. A crash before
COMMIT leaves nothing (SQLite's journal and PostgreSQL's WAL roll it back).
Two writers at once: SQLite transactions start with ``BEGIN IMMEDIATE``, so
writers queue on the database lock (up to :data:`SQLITE_BUSY_TIMEOUT_S`);
on PostgreSQL both may pick the same next number, the unique constraint on
``(scenario, version)`` rejects the second, which retries with the next one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from scheduler.model import Assignment, Roster
from scheduler.publish.schema import AssignmentRow, Base, PublicationRow
from scheduler.roster_io import roster_csv_text

#: Environment variable naming the default database (URL or SQLite file path).
DB_ENV = "SCHEDULER_PUBLISH_DB"
#: SQLite file used when neither ``--db`` nor :data:`DB_ENV` is given (relative to the current directory).
DEFAULT_DB_FILE = "publish.db"
#: How long a SQLite writer waits for another writer's lock [s].
SQLITE_BUSY_TIMEOUT_S = 60.0
#: Attempts at a publication when concurrent writers take the same version number.
PUBLISH_ATTEMPTS = 20
#: Key of the PostgreSQL advisory lock held while creating the tables.
_SCHEMA_LOCK_KEY = 7_230_151


class PublishError(Exception):
    """The publication store cannot be opened or holds inconsistent data."""


class ImmutableVersionError(PublishError):
    """Something tried to change or delete a published version."""


@dataclass(frozen=True)
class NewVersion:
    """A roster to publish, with what the simulation and targets said about it."""

    scenario: str  #: scenario key (folder name)
    scenario_title: str  #: ``name`` from scenario.yaml
    published_by: str
    forced: bool
    reason: str | None
    targets_met: bool
    kpis: dict[str, Any]  #: kpis.json content
    verdict: list[dict[str, Any]]  #: each :class:`scheduler.targets.TargetCheck` as a dict
    assignments: tuple[Assignment, ...]


@dataclass(frozen=True)
class PublishedVersion:
    """A stored version. ``assignments`` is empty in listings (see :meth:`PublicationStore.versions`)."""

    scenario: str
    version: int
    scenario_title: str
    published_at: dt.datetime  #: UTC
    published_by: str
    forced: bool
    reason: str | None
    targets_met: bool
    roster_sha256: str
    assignment_count: int
    kpis: dict[str, Any]
    verdict: list[dict[str, Any]]
    assignments: tuple[Assignment, ...] = ()


def database_url(value: str | None = None) -> str:
    """The SQLAlchemy URL of ``--db`` (URL or file path), ``$SCHEDULER_PUBLISH_DB`` or the default file."""
    chosen = value or os.environ.get(DB_ENV) or DEFAULT_DB_FILE
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if chosen.startswith(prefix):
            return "postgresql+psycopg://" + chosen[len(prefix):]
    return chosen


def roster_sha256(assignments: Sequence[Assignment]) -> str:
    """SHA-256 of the roster.csv text of ``assignments`` (row order does not matter)."""
    return hashlib.sha256(roster_csv_text(Roster(tuple(assignments))).encode("utf-8")).hexdigest()


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _configure_sqlite(engine: Engine) -> None:
    """Explicit transactions with BEGIN IMMEDIATE (one writer at a time), foreign keys on."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the begin event below issue BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _reject_changes(session: Session, _context: Any, _instances: Any) -> None:
    """Session guard: published rows may be added, never changed or deleted."""
    for obj in session.deleted:
        if isinstance(obj, (PublicationRow, AssignmentRow)):
            raise ImmutableVersionError("published roster versions cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, (PublicationRow, AssignmentRow)) and session.is_modified(obj):
            raise ImmutableVersionError("published roster versions cannot be changed")


def _is_version_conflict(exc: IntegrityError) -> bool:
    message = str(exc.orig)
    return "uq_publication_scenario_version" in message or "publications.scenario, publications.version" in message


def _is_busy(exc: OperationalError) -> bool:
    return "database is locked" in str(exc.orig)


def _json_safe(value: Any) -> Any:
    """``value`` with non-finite floats as None (JSON has no NaN or infinity)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def _assignment(row: AssignmentRow) -> Assignment:
    return Assignment(
        date=row.date, session_id=row.session_id, site_id=row.site_id, room_id=row.room_id,
        department=row.department, doctor_id=row.doctor_id, clinic=row.clinic, start_min=row.start_min,
        end_min=row.end_min, slots=row.slots, booking_open_slots=row.booking_open_slots,
    )


def _assignment_row(a: Assignment) -> AssignmentRow:
    return AssignmentRow(
        date=a.date, session_id=a.session_id, site_id=a.site_id, room_id=a.room_id, department=a.department,
        doctor_id=a.doctor_id, clinic=a.clinic, start_min=a.start_min, end_min=a.end_min, slots=a.slots,
        booking_open_slots=a.booking_open_slots,
    )


def _version(row: PublicationRow, assignments: tuple[Assignment, ...] = ()) -> PublishedVersion:
    return PublishedVersion(
        scenario=row.scenario, version=row.version, scenario_title=row.scenario_title,
        published_at=_utc(row.published_at), published_by=row.published_by, forced=row.forced,
        reason=row.reason, targets_met=row.targets_met, roster_sha256=row.roster_sha256,
        assignment_count=row.assignment_count, kpis=dict(row.kpis), verdict=list(row.verdict),
        assignments=assignments,
    )


#: Called inside the publication's transaction after its rows are flushed, before COMMIT,
#: with the session and the version number (for tests that interrupt a publication).
BeforeCommit = Callable[[Session, int], None]


class PublicationStore:
    """Published roster versions of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        event.listen(self.sessions, "before_flush", _reject_changes)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> PublicationStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def publish(self, new: NewVersion, before_commit: BeforeCommit | None = None) -> PublishedVersion:
        """Store ``new`` as the scenario's next version, all of it or nothing, in one transaction.

        Retries with the next number when a concurrent writer took the same one.
        """
        for attempt in range(PUBLISH_ATTEMPTS):
            try:
                return self._publish_once(new, before_commit)
            except IntegrityError as exc:
                if not _is_version_conflict(exc):
                    raise
            except OperationalError as exc:
                if not _is_busy(exc):
                    raise
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        raise PublishError(f"{new.scenario}: no free version number after {PUBLISH_ATTEMPTS} attempts")

    def _publish_once(self, new: NewVersion, before_commit: BeforeCommit | None) -> PublishedVersion:
        with self.sessions.begin() as session:
            latest = session.scalar(
                select(func.max(PublicationRow.version)).where(PublicationRow.scenario == new.scenario)
            )
            row = PublicationRow(
                scenario=new.scenario, version=(latest or 0) + 1, scenario_title=new.scenario_title,
                published_at=dt.datetime.now(dt.timezone.utc), published_by=new.published_by,
                forced=new.forced, reason=new.reason, targets_met=new.targets_met,
                roster_sha256=roster_sha256(new.assignments), assignment_count=len(new.assignments),
                kpis=_json_safe(new.kpis), verdict=_json_safe(new.verdict),
                assignments=[_assignment_row(a) for a in new.assignments],
            )
            session.add(row)
            session.flush()
            if before_commit is not None:
                before_commit(session, row.version)
            return _version(row, tuple(new.assignments))

    def versions(self, scenario: str | None = None) -> list[PublishedVersion]:
        """Every version (of one scenario, or all), by scenario then version; without assignments."""
        query = select(PublicationRow).order_by(PublicationRow.scenario, PublicationRow.version)
        if scenario is not None:
            query = query.where(PublicationRow.scenario == scenario)
        with self.sessions.begin() as session:
            return [_version(row) for row in session.scalars(query)]

    def scenarios(self) -> list[str]:
        """Scenario keys with at least one version, sorted."""
        with self.sessions.begin() as session:
            return list(session.scalars(select(PublicationRow.scenario).distinct().order_by(PublicationRow.scenario)))

    def get(self, scenario: str, version: int) -> PublishedVersion:
        """One version with its roster; raises :class:`PublishError` if absent or not intact."""
        query = (select(PublicationRow).options(selectinload(PublicationRow.assignments))
                 .where(PublicationRow.scenario == scenario, PublicationRow.version == version))
        with self.sessions.begin() as session:
            row = session.scalar(query)
            if row is None:
                known = list(session.scalars(select(PublicationRow.version).where(PublicationRow.scenario == scenario)
                                             .order_by(PublicationRow.version)))
                raise PublishError(f"{scenario}: no version {version} (published: {known or 'none'})")
            assignments = tuple(_assignment(a) for a in row.assignments)
            stored = _version(row, assignments)
        if len(assignments) != stored.assignment_count or roster_sha256(assignments) != stored.roster_sha256:
            raise PublishError(f"{scenario} version {version}: stored roster does not match its checksum")
        return stored


def open_store(db: str | None = None, create: bool = True) -> PublicationStore:
    """Open the store at ``db`` (see :func:`database_url`), creating tables and triggers if needed.

    With ``create`` False a SQLite file that does not exist is an error rather than a new empty database.
    """
    raw = database_url(db)
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise PublishError(f"--db: not a database URL or file path: {db!r}") from exc
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        if not create and not Path(url.database).exists():
            raise PublishError(f"no publication database at {url.database}")
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
    except (ArgumentError, ImportError) as exc:
        raise PublishError(f"--db {_shown(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":  # one creator at a time
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
            Base.metadata.create_all(connection)
    except OperationalError as exc:
        engine.dispose()
        raise PublishError(f"cannot open the publication database {_shown(url)}: {exc.orig}") from exc
    return PublicationStore(engine)
