"""Database tables of published rosters (SQLAlchemy 2 declarative models).

Two tables: ``publications`` (one row per published version: who, when,
KPIs, targets verdict, forced flag and reason) and ``published_assignments``
(the roster rows of a version). ``(scenario, version)`` is unique, so two
writers can never both create version *n* of a scenario.

Published versions are immutable: database triggers reject every UPDATE and
DELETE on both tables (SQLite and PostgreSQL), and
:func:`scheduler.publish.store.open_store` sessions refuse to flush a change
to a loaded version. A version's header carries the number of its roster rows
and their SHA-256, which :meth:`~scheduler.publish.store.PublicationStore.get`
verifies on every read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Message of the database triggers that reject changes to a published version.
IMMUTABLE_MESSAGE = "published roster versions are immutable"


class Base(DeclarativeBase):
    """Declarative base of the publication tables."""

    type_annotation_map = {dict[str, Any]: JSON, list[dict[str, Any]]: JSON}


class PublicationRow(Base):
    """One published version of a scenario's roster."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("scenario", "version", name="uq_publication_scenario_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario: Mapped[str] = mapped_column(String(200), index=True)  #: scenario key (folder name)
    version: Mapped[int] = mapped_column(Integer)  #: 1, 2, ... per scenario
    scenario_title: Mapped[str] = mapped_column(String(400))  #: ``name`` from scenario.yaml
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))  #: UTC
    published_by: Mapped[str] = mapped_column(String(200))
    forced: Mapped[bool] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)  #: why a forced publication was forced
    targets_met: Mapped[bool] = mapped_column()
    roster_sha256: Mapped[str] = mapped_column(String(64))  #: of the canonical roster.csv text
    assignment_count: Mapped[int] = mapped_column(Integer)
    kpis: Mapped[dict[str, Any]] = mapped_column()  #: kpis.json content of the simulation
    verdict: Mapped[list[dict[str, Any]]] = mapped_column()  #: one entry per target

    assignments: Mapped[list[AssignmentRow]] = relationship(
        back_populates="publication", order_by="AssignmentRow.id"
    )


class AssignmentRow(Base):
    """One doctor-session of a published roster (a roster.csv row)."""

    __tablename__ = "published_assignments"
    __table_args__ = (Index("ix_published_assignments_publication", "publication_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="RESTRICT"))
    date: Mapped[dt.date] = mapped_column()
    session_id: Mapped[str] = mapped_column(String(50))
    site_id: Mapped[str] = mapped_column(String(100))
    room_id: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(100))
    doctor_id: Mapped[str] = mapped_column(String(100))
    clinic: Mapped[str] = mapped_column(String(20))
    start_min: Mapped[int] = mapped_column(Integer)  #: minutes after midnight
    end_min: Mapped[int] = mapped_column(Integer)  #: minutes after midnight
    slots: Mapped[int] = mapped_column(Integer)
    booking_open_slots: Mapped[int] = mapped_column(Integer)

    publication: Mapped[PublicationRow] = relationship(back_populates="assignments")


IMMUTABLE_TABLES: tuple[str, ...] = (PublicationRow.__tablename__, AssignmentRow.__tablename__)


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_MESSAGE}'); END"
        for op in ("UPDATE", "DELETE")
    ]


_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION scheduler_reject_published_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION '{IMMUTABLE_MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME; "
    "END $$"
)


def _pg_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION scheduler_reject_published_change()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION scheduler_reject_published_change()",
    ]


def _install_triggers(table: Any, connection: Any, **_: Any) -> None:
    """After CREATE TABLE: the triggers that make the table append-only."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        statements = _sqlite_triggers(table.name)
    elif dialect == "postgresql":
        statements = [_PG_FUNCTION, *_pg_triggers(table.name)]
    else:  # other databases: the ORM guard in store.py still applies
        statements = []
    for statement in statements:
        connection.execute(text(statement))


for _table in (PublicationRow.__table__, AssignmentRow.__table__):
    event.listen(_table, "after_create", _install_triggers)
