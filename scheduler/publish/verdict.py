"""Do a roster's simulated KPIs meet the scenario's targets? One line per target.

The outcome targets of ``targets:`` in scenario.yaml are compared with the
simulation's mean over replications (``kpis.json``); the 95% half-width is
reported beside each value but does not change the verdict:

========================  ===============================  ====
target                    KPI                              test
========================  ===============================  ====
``booking_window_share``  ``within_booking_window_share``  >=
``mean_wait_min``         ``mean_wait_min``                <=
``p90_wait_min``          ``p90_wait_min``                 <=
========================  ===============================  ====

A roster must also obey every hard rule (``hard_rules``: the number of
violations :func:`scheduler.check.check_roster` finds must be 0). The other
``targets:`` keys (booking-open shares, follow-up booking rate) are inputs of
how slots are offered, not outcomes, so they are not judged here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from scheduler.model import Targets

#: Slack on comparisons, so a KPI equal to its target up to float rounding meets it.
TOLERANCE = 1e-9
#: (target name, KPI key, comparison) of the outcome targets.
OUTCOME_TARGETS: tuple[tuple[str, str, str], ...] = (
    ("booking_window_share", "within_booking_window_share", ">="),
    ("mean_wait_min", "mean_wait_min", "<="),
    ("p90_wait_min", "p90_wait_min", "<="),
)


@dataclass(frozen=True)
class TargetCheck:
    """One target judged against the simulation.

    Attributes
    ----------
    name
        The target (a ``targets:`` key, or ``hard_rules``).
    kpi
        The KPI compared (a kpis.json key, or ``hard_rule_violations``).
    comparison
        ``<=`` or ``>=``: how ``value`` must relate to ``target``.
    target
        The scenario's target, in the KPI's unit.
    value
        The simulated mean (or the violation count).
    ci95
        Half-width of the 95% confidence interval of ``value`` (0 for counts).
    met
        Whether ``value`` satisfies the comparison.
    """

    name: str
    kpi: str
    comparison: str
    target: float
    value: float
    ci95: float
    met: bool

    def text(self) -> str:
        """One line for a terminal, e.g. ``p90_wait_min: 72.1 ± 3.0 (target <= 60) MISSED``."""
        flag = "met" if self.met else "MISSED"
        return (f"{self.name}: {self.value:.4g} ± {self.ci95:.2g} "
                f"(target {self.comparison} {self.target:.4g}) {flag}")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored with the published version)."""
        return asdict(self)


def _meets(value: float, comparison: str, target: float) -> bool:
    if comparison == "<=":
        return value <= target + TOLERANCE
    return value >= target - TOLERANCE


def judge_targets(targets: Targets, kpis: Mapping[str, float], violations: int) -> tuple[TargetCheck, ...]:
    """Every outcome target judged against ``kpis``, plus the hard-rule count.

    Parameters
    ----------
    targets
        The scenario's targets.
    kpis
        Simulated KPIs (means and ``<key>_ci95``), as :func:`scheduler.sim.simulate` returns.
    violations
        Number of hard-rule violations of the roster.
    """
    checks = [TargetCheck("hard_rules", "hard_rule_violations", "<=", 0.0, float(violations), 0.0, violations == 0)]
    for name, kpi, comparison in OUTCOME_TARGETS:
        target = float(getattr(targets, name))
        value = float(kpis[kpi])
        checks.append(TargetCheck(name, kpi, comparison, target, value, float(kpis.get(f"{kpi}_ci95", 0.0)),
                                  _meets(value, comparison, target)))
    return tuple(checks)


def missed(checks: tuple[TargetCheck, ...]) -> tuple[TargetCheck, ...]:
    """The checks that failed."""
    return tuple(c for c in checks if not c.met)
