"""CP-SAT roster solver: build a model from a scenario, solve it, explain failures."""

from scheduler.solver.build import RosterModel, build_model
from scheduler.solver.solve import RulePenalty, SolveParams, SolveResult, solve

__all__ = ["RosterModel", "RulePenalty", "SolveParams", "SolveResult", "build_model", "solve"]
