"""Publishing rosters: immutable, versioned, all-or-nothing, in SQLite or PostgreSQL.

- :mod:`~scheduler.publish.schema`: the tables (SQLAlchemy 2) and the triggers that make them append-only;
- :mod:`~scheduler.publish.store`: opening a database and publishing a version in one transaction;
- :mod:`~scheduler.publish.verdict`: the scenario's targets judged against the simulated KPIs;
- :mod:`~scheduler.publish.diff`: what changed between two versions;
- :mod:`~scheduler.publish.commands`: ``run_publish``, ``run_history``, ``run_diff``;
- :mod:`~scheduler.publish.cli`: the ``publish`` and ``history`` click commands.
"""

from scheduler.publish.store import (
    ImmutableVersionError,
    NewVersion,
    PublicationStore,
    PublishedVersion,
    PublishError,
    database_url,
    open_store,
)

__all__ = [
    "ImmutableVersionError",
    "NewVersion",
    "PublicationStore",
    "PublishError",
    "PublishedVersion",
    "database_url",
    "open_store",
]
