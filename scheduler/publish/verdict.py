"""May a roster be published? The scenario's targets report plus the hard rules.

The targets are judged by :func:`scheduler.targets.check_targets` (each
target's KPI with its 95% interval: ``met``, ``not met``, ``uncertain``,
``not measured``, ``no cases``). Publishing adds one line, ``hard_rules``:
the number of violations :func:`scheduler.check.check_roster` finds, which
must be 0.

A roster is publishable without ``--force`` only when no line is ``not met``
or ``uncertain``: an uncertain target is one the simulation cannot show to
hold (more replications would tell). ``not measured`` and ``no cases`` do
not block: the target does not apply to what was simulated.
"""

from __future__ import annotations

from collections.abc import Mapping

from scheduler.model import Scenario
from scheduler.targets import MET, NOT_MET, UNCERTAIN, TargetCheck, check_targets

#: Verdicts that stop a publication unless it is forced.
BLOCKING = (NOT_MET, UNCERTAIN)


def hard_rules_check(violations: int) -> TargetCheck:
    """The hard rules as a target: at most 0 violations."""
    return TargetCheck(target="hard_rules", subject="roster", goal=0.0, higher_is_better=False,
                       kpi="hard_rule_violations", measured=float(violations), ci95=0.0,
                       verdict=MET if violations == 0 else NOT_MET)


def publication_checks(scenario: Scenario, kpis: Mapping[str, float], violations: int) -> tuple[TargetCheck, ...]:
    """The hard-rule line, then every target of ``scenario`` against the simulated ``kpis``."""
    return (hard_rules_check(violations), *check_targets(scenario, kpis))


def blocking(checks: tuple[TargetCheck, ...]) -> tuple[TargetCheck, ...]:
    """The checks that stop an unforced publication."""
    return tuple(c for c in checks if c.verdict in BLOCKING)
