"""Explaining an infeasible scenario in words: which requirements conflict, for whom."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.model import Scenario
from scheduler.solver.build import build_model
from scheduler.solver.hard_rules import forbidding_rule, seven_day_windows

if TYPE_CHECKING:
    from scheduler.solver.solve import SolveParams


def doctor_shortfalls(scenario: Scenario) -> list[str]:
    """Doctors contracted for more sessions than the rules let them work, alone."""
    reasons = []
    for doctor in scenario.doctors:
        if doctor.min_sessions_per_week <= 0:
            continue
        for window in seven_day_windows(scenario.dates):
            possible = 0
            blocked: Counter[str] = Counter()
            for date in window:
                for session in scenario.sessions:
                    verdicts = [
                        forbidding_rule(scenario, doctor, date, session, site) for site in doctor.sites
                    ]
                    if any(v is None for v in verdicts):
                        possible += 1
                    else:
                        rule, why = verdicts[0]  # type: ignore[misc]
                        blocked[f"{rule.name.replace('_', ' ')}: {why}"] += 1
            possible = min(possible, doctor.max_sessions_per_week)
            if possible < doctor.min_sessions_per_week:
                detail = "; ".join(f"{n} x {why}" for why, n in blocked.most_common(4))
                reasons.append(
                    f"{doctor.name} ({doctor.doctor_id}) is contracted for "
                    f"{doctor.min_sessions_per_week} sessions in the 7 days from {window[0]} "
                    f"but can work at most {possible} (sessions ruled out: {detail})"
                )
    return reasons


def explain_infeasibility(scenario: Scenario, params: SolveParams) -> list[str]:
    """Reasons, in words, why no roster satisfies every hard rule and requirement."""
    reasons = doctor_shortfalls(scenario)
    if reasons:
        return reasons
    roster_model = build_model(scenario)
    model = roster_model.model
    literals = {
        index: model.GetBoolVarFromProtoIndex(index) for index in roster_model.ctx.requirements
    }
    model.AddAssumptions(list(literals.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(1.0, params.time_limit_s)
    solver.parameters.num_workers = 1  # cores need a single worker
    solver.parameters.random_seed = params.seed
    status = solver.Solve(model)
    if status != cp_model.INFEASIBLE:
        return ["the hard rules could not be satisfied within the time limit; try a longer one"]
    core = solver.SufficientAssumptionsForInfeasibility()
    names = [roster_model.ctx.requirements[i] for i in core if i in roster_model.ctx.requirements]
    if not names:
        return ["the hard rules conflict for every roster (no requirement can be relaxed to fix it)"]
    return [
        "these requirements cannot all hold together: " + "; ".join(names)
        + ". They compete for the same rooms and sessions under the rules on rooms "
        "(one doctor per room per session), opening hours, availability, sessions per week, "
        "rest after an evening session and travel between sites."
    ]
