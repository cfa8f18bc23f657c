"""Explaining an infeasible scenario in words: which requirements conflict, for whom."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.model import Doctor, PartnerSupport, Scenario
from scheduler.solver.build import build_model
from scheduler.solver.context import AtLeast
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


def _who(doctors: list[Doctor], most: int = 4) -> str:
    named = ", ".join(f"{d.name} ({d.doctor_id})" for d in doctors[:most])
    return named + (f" and {len(doctors) - most} more" if len(doctors) > most else "")


def partner_obstacles(scenario: Scenario, rule: PartnerSupport, window: list) -> tuple[int, list[str]]:
    """The most sessions a partner-support rule could get in a window, each supporting
    doctor alone (registration, rooms, opening, availability, eligibility, weekly
    cap), and the rules in the way, in words."""
    based = [
        d for d in scenario.doctors
        if d.home_site == rule.from_home_site and (not rule.departments or d.department in rule.departments)
    ]
    registered = [d for d in based if rule.site_id in d.sites]
    obstacles = []
    if not based:
        obstacles.append(f"no doctor{' of ' + ', '.join(rule.departments) if rule.departments else ''} "
                         f"has {rule.from_home_site} as home site")
    elif len(registered) < len(based):
        missing = [d for d in based if d not in registered]
        obstacles.append(
            f"{len(missing)} of the {len(based)} doctors based at {rule.from_home_site} are not registered "
            f"at {rule.site_id} (doctors.csv, sites): {_who(missing)}"
        )
    blocked: Counter[str] = Counter()
    total, capped = 0, []
    for doctor in registered:
        possible = 0
        for date in window:
            for session in scenario.sessions:
                verdict = forbidding_rule(scenario, doctor, date, session, rule.site_id)
                if verdict is None:
                    possible += 1
                elif session in scenario.open_sessions(date) or verdict[0].name == "opening_hours":
                    blocked[f"{verdict[0].name.replace('_', ' ')}: {verdict[1]}"] += 1
        if possible > doctor.max_sessions_per_week:
            capped.append(doctor)
        total += min(possible, doctor.max_sessions_per_week)
    departments = {d.department for d in registered}
    room_sessions = sum(
        len({r.room_id for dept in departments for r in scenario.usable_rooms(rule.site_id, dept)})
        for date in window for _ in scenario.open_sessions(date)
    )
    if registered and room_sessions < total:
        obstacles.append(f"the rooms at {rule.site_id} those doctors may use give only {room_sessions} "
                         "room-sessions (one doctor per room per session)")
        total = room_sessions
    if capped:
        caps = ", ".join(f"{d.name} ({d.doctor_id}) at {d.max_sessions_per_week}" for d in capped[:4])
        obstacles.append(f"max sessions per week caps {caps}" + (" and more" if len(capped) > 4 else ""))
    obstacles += [f"{n} x {why}" for why, n in blocked.most_common(4)]
    return total, obstacles


def _partner_words(rule: PartnerSupport, window: list, possible: int, obstacles: list[str], alongside: str) -> str:
    short = rule.min_sessions_per_week - possible
    return (
        f"partner support cannot be met: {rule.site_id} should receive at least {rule.min_sessions_per_week} "
        f"sessions in the 7 days from {window[0]} from doctors based at {rule.from_home_site}, but at most "
        f"{possible} are possible{alongside}, {short} session{'s' if short != 1 else ''} short. "
        f"In the way: {'; '.join(obstacles) if obstacles else 'the hard rules on rooms, opening and availability'}"
    )


def partner_shortfalls(scenario: Scenario) -> list[str]:
    """Partner-support rules that the supporting doctors cannot meet even alone."""
    reasons = []
    for rule in scenario.partner_support:
        for window in seven_day_windows(scenario.dates):
            possible, obstacles = partner_obstacles(scenario, rule, window)
            if possible < rule.min_sessions_per_week:
                reasons.append(_partner_words(rule, window, possible, obstacles, ""))
    return reasons


def _most_possible(scenario: Scenario, params: SolveParams, need: AtLeast, others: list[str]) -> int:
    """The most sessions a requirement can get while the other requirements hold
    (proven bound, rounded down)."""
    rebuilt = build_model(scenario)
    model = rebuilt.model
    for index, name in rebuilt.ctx.requirements.items():
        if name in others:
            model.Add(model.GetBoolVarFromProtoIndex(index) == 1)
    model.Maximize(rebuilt.ctx.sum_works(need.keys))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(1.0, params.time_limit_s)
    solver.parameters.num_workers = params.workers
    solver.parameters.random_seed = params.seed
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0
    return int(solver.BestObjectiveBound() + 1e-6)


def explain_infeasibility(scenario: Scenario, params: SolveParams) -> list[str]:
    """Reasons, in words, why no roster satisfies every hard rule and requirement."""
    reasons = doctor_shortfalls(scenario) + partner_shortfalls(scenario)
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
    partner = [
        (i, roster_model.ctx.requirement_terms[i]) for i in core
        if isinstance(roster_model.ctx.requirement_terms.get(i), AtLeast)
        and isinstance(roster_model.ctx.requirement_terms[i].subject, PartnerSupport)
    ]
    if partner:
        worded = []
        for index, need in partner:
            others = [n for n in names if n != roster_model.ctx.requirements[index]]
            possible = _most_possible(scenario, params, need, others)
            _, obstacles = partner_obstacles(scenario, need.subject, list(need.window))
            obstacles = [f"the other requirements: {'; '.join(others)}"] * bool(others) + obstacles + [
                "the hard rules on rooms, sessions per week, rest after an evening session, travel "
                "and site changes"
            ]
            worded.append(_partner_words(need.subject, list(need.window), possible, obstacles,
                                         " alongside every other rule"))
        return worded
    return [
        "these requirements cannot all hold together: " + "; ".join(names)
        + ". They compete for the same rooms and sessions under the rules on rooms "
        "(one doctor per room per session), opening hours, availability, sessions per week, "
        "rest after an evening session and travel between sites."
    ]
