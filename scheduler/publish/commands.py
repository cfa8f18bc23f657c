"""``publish`` and ``history``: the library functions the command line calls."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from scheduler.check import check_roster
from scheduler.commands import load_roster
from scheduler.model import Scenario
from scheduler.publish.diff import RosterDiff, roster_diff
from scheduler.publish.store import BeforeCommit, NewVersion, PublishedVersion, PublishError, open_store
from scheduler.publish.verdict import blocking, publication_checks
from scheduler.scenario import load_scenario
from scheduler.sim import simulate
from scheduler.targets import TargetCheck

#: Environment variable naming who publishes (default: the login name).
USER_ENV = "SCHEDULER_USER"


@dataclass(frozen=True)
class PublishOutcome:
    """What ``publish`` decided: the targets verdict and the stored version (None if refused)."""

    scenario: Scenario
    checks: tuple[TargetCheck, ...]
    kpis: dict[str, float]
    version: PublishedVersion | None

    @property
    def targets_met(self) -> bool:
        """No target is missed or uncertain, and no hard rule is broken."""
        return not blocking(self.checks)


def publishing_user(user: str | None = None) -> str:
    """``user``, else ``$SCHEDULER_USER``, else the login name."""
    if user:
        return user
    if os.environ.get(USER_ENV):
        return os.environ[USER_ENV]
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container without a passwd entry)
        return "unknown"


def scenario_key(scenario_dir: Path) -> str:
    """The name a scenario's versions are filed under: its folder name."""
    return Path(scenario_dir).resolve().name


def run_publish(
    scenario_dir: Path,
    roster_file: Path,
    db: str | None = None,
    *,
    force: bool = False,
    reason: str | None = None,
    user: str | None = None,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    sim_progress: Callable[[int, int], None] | None = None,
    before_commit: BeforeCommit | None = None,
) -> PublishOutcome:
    """Simulate a roster; publish it as the next version if the targets hold or ``force`` is set.

    A forced publication needs a non-empty ``reason``; both are recorded. A
    roster that misses a target without ``force`` is not stored (the outcome's
    ``version`` is None). Raises :class:`~scheduler.errors.InputError` for bad
    scenario or roster files and :class:`PublishError` for database problems.
    """
    if force and not (reason and reason.strip()):
        raise ValueError("a forced publication needs a reason")
    if reason and not force:
        raise ValueError("a reason is only recorded with force")
    scenario = load_scenario(scenario_dir)
    roster = load_roster(scenario, Path(roster_file))
    violations = check_roster(scenario, roster)
    open_store(db).close()  # fail before simulating if the database cannot be opened (no connection kept)
    result = simulate(scenario, roster, replications=replications, seed=seed, workers=workers, progress=sim_progress)
    kpis = {key: float(value) for key, value in result.kpis.items()}
    checks = publication_checks(scenario, kpis, len(violations))
    met = not blocking(checks)
    if not (met or force):
        return PublishOutcome(scenario, checks, kpis, None)
    new = NewVersion(
        scenario=scenario_key(scenario_dir), scenario_title=scenario.name, published_by=publishing_user(user),
        forced=force, reason=reason.strip() if force and reason else None, targets_met=met, kpis=kpis,
        verdict=[asdict(c) for c in checks], assignments=roster.assignments,
    )
    with open_store(db) as store:
        return PublishOutcome(scenario, checks, kpis, store.publish(new, before_commit=before_commit))


def run_history(db: str | None = None, scenario: str | None = None) -> list[PublishedVersion]:
    """Every published version (of ``scenario``, or all), without rosters."""
    with open_store(db, create=False) as store:
        return store.versions(scenario)


def run_diff(db: str | None, scenario: str | None, before: int, after: int) -> tuple[str, RosterDiff]:
    """What changed from version ``before`` to ``after`` of a scenario.

    ``scenario`` may be omitted when the database holds a single scenario.
    Returns the scenario key and the differences.
    """
    with open_store(db, create=False) as store:
        if scenario is None:
            known = store.scenarios()
            if len(known) != 1:
                raise PublishError(f"--diff needs --scenario (the database holds {', '.join(known) or 'none'})")
            scenario = known[0]
        old, new = store.get(scenario, before), store.get(scenario, after)
    return scenario, roster_diff(old.assignments, new.assignments)
