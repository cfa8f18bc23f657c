"""Building the CP-SAT roster model from a scenario: variables, hard rules,
coverage and soft-rule penalties. Solving is :mod:`scheduler.solver.solve`."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.model import Scenario
from scheduler.solver.context import BuildContext, Penalty
from scheduler.solver.coverage import Coverage, add_coverage
from scheduler.solver.hard_rules import HARD_RULES, HardRule, forbidding_rule
from scheduler.solver.soft_rules import SOFT_RULES, SoftRule


@dataclass
class RosterModel:
    """A built model, ready to solve."""

    ctx: BuildContext
    coverage: Coverage
    penalties: list[Penalty]
    hard_rules: tuple[HardRule, ...]
    soft_rules: tuple[SoftRule, ...]

    @property
    def scenario(self) -> Scenario:
        """The scenario the model encodes."""
        return self.ctx.scenario

    @property
    def model(self) -> cp_model.CpModel:
        """The CP-SAT model."""
        return self.ctx.model

    def unserved_expr(self) -> cp_model.LinearExprT:
        """Demand patients not servable inside the window (to minimise)."""
        return self.coverage.demand_total - self.coverage.served

    def penalty_expr(self) -> cp_model.LinearExprT:
        """Weighted sum of every soft rule except coverage."""
        return sum(p.weight * p.expr for p in self.penalties)

    def objective_expr(self) -> cp_model.LinearExprT:
        """The full objective (minimised): weighted unserved patients plus penalties."""
        weight = self.scenario.solver.weights.unserved_within_window
        return weight * self.unserved_expr() + self.penalty_expr()


def build_model(
    scenario: Scenario,
    hard_rules: tuple[HardRule, ...] = HARD_RULES,
    soft_rules: tuple[SoftRule, ...] = SOFT_RULES,
) -> RosterModel:
    """Encode ``scenario`` as a CP-SAT model under the given rules."""
    ctx = BuildContext(scenario)
    for date in scenario.dates:
        for session in scenario.sessions:
            for doctor in scenario.doctors:
                for site_id in scenario.sites:
                    if forbidding_rule(scenario, doctor, date, session, site_id, hard_rules) is None:
                        ctx.add_work_variable(doctor, date, session, site_id)
    ctx.index()
    for rule in hard_rules:
        if rule.constrain is not None:
            rule.constrain(ctx)
    coverage = add_coverage(ctx)
    penalties = [p for rule in soft_rules for p in rule.penalties(ctx)]
    return RosterModel(ctx, coverage, penalties, hard_rules, soft_rules)
