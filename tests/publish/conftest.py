"""Fixtures of the publishing tests: a fresh database per test, SQLite always, PostgreSQL when configured.

Set ``SCHEDULER_TEST_PG_URL`` (e.g. ``postgresql://scheduler:scheduler@localhost/scheduler_test``)
to run every ``db_url`` test against PostgreSQL too; each test gets its own
schema there (dropped afterwards), since published rows cannot be deleted.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from scheduler.publish.store import database_url

#: Environment variable with a PostgreSQL server URL for these tests.
PG_ENV = "SCHEDULER_TEST_PG_URL"
DATA = Path(__file__).resolve().parent / "data"
TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"
#: Targets any roster of the tiny scenario meets, whatever the random numbers.
LENIENT = {"booking_window_share": 0.0, "general_booking_open_share": 0.0, "expert_booking_open_share": 0.0,
           "followup_booking_rate": 0.0, "mean_wait_min": 1000, "p90_wait_min": 1000}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty publication database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'publish.db'}"
        return
    server = os.environ.get(PG_ENV)
    if not server:
        pytest.skip(f"{PG_ENV} not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(server))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in server else "?"
    try:
        yield f"{server}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def tiny_with_targets(folder: Path, **targets: float) -> Path:
    """A copy of tests/data/tiny in ``folder`` whose scenario.yaml sets these targets."""
    shutil.copytree(TINY, folder)
    yaml_file = folder / "scenario.yaml"
    lines = [line for line in yaml_file.read_text(encoding="utf-8").splitlines()
             if not line.startswith(("targets:", "  booking_window_days"))]
    lines.append("targets:")
    lines.append("  booking_window_days: 3")
    lines += [f"  {key}: {value}" for key, value in targets.items()]
    yaml_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def lenient_tiny(tmp_path: Path) -> Path:
    """The tiny scenario with targets its roster meets easily."""
    return tiny_with_targets(tmp_path / "tiny", **LENIENT)


@pytest.fixture
def strict_tiny(tmp_path: Path) -> Path:
    """The tiny scenario with a p90 wait target no clinic meets (1 minute); the others lenient."""
    return tiny_with_targets(tmp_path / "tiny", **{**LENIENT, "p90_wait_min": 1})


@pytest.fixture
def tiny_roster() -> Path:
    """A solved roster of tests/data/tiny (20 doctor-sessions)."""
    return DATA / "tiny_roster.csv"
