"""Solving a roster model lexicographically and reporting what was proven.

Phase 1 maximises the patients servable inside the booking window; its bound
is the most *any* roster could serve (``served_bound``). Phase 2 keeps that
coverage and minimises the full objective, weighted unserved patients plus
the soft-rule penalties, starting from phase 1's roster. Phase 2's bound holds
for rosters serving at least phase 1's count; the reported bound also covers
rosters serving fewer (:func:`_full_objective_bound`), so it bounds the full
objective over every roster.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.errors import InfeasibleError
from scheduler.model import Roster
from scheduler.solver.build import RosterModel
from scheduler.solver.context import WorkKey
from scheduler.solver.explain import explain_infeasibility
from scheduler.solver.extract import extract_roster
from scheduler.solver.progress import ProgressHook, phase_callback
from scheduler.solver.warm_start import apply_hint, complete_hint

#: Share of the time limit phase 1 (coverage) may use; phase 2 gets the rest.
COVERAGE_PHASE_SHARE = 0.5
#: CP-SAT deterministic seconds granted per second of time limit. The search
#: stops on this deterministic budget, not on the clock, so the same seed and
#: worker count give the same roster on a busy or an idle machine; 0.5 keeps
#: the wall time at most about the limit on 2 cores (measured on city_general).
DETERMINISTIC_S_PER_S = 0.5
#: Share of the coverage phase's budget spent completing a warm start into a full hint.
WARM_START_SHARE = 0.1
#: Wall-clock safety cap, as a multiple of the limit: a run stopped by it is
#: flagged as not reproducible in the result.
WALL_CAP_FACTOR = 2.0
#: ... plus this slack [s], so that short solves (the blocks of a decomposed hospital,
#: a few seconds each) are not cut by presolve and start-up on a busy machine.
WALL_CAP_SLACK_S = 5.0
#: Least wall time [s] a phase gets even when its deadline has passed (it still returns a roster
#: when its hint is complete).
MIN_WALL_S = 0.2

_STATUS_NAMES = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "model_invalid",
}


@dataclass(frozen=True)
class SolveParams:
    """How to run CP-SAT."""

    time_limit_s: float = 30.0  #: limit for both phases together [s], as a deterministic budget
    seed: int = 1  #: CP-SAT random seed
    workers: int = 2  #: parallel search workers
    log: bool = False  #: print CP-SAT's search log
    #: CP-SAT ``interleave_batch_size``: tasks per batch of the deterministic parallel search;
    #: 0 keeps CP-SAT's choice (one task per subsolver). Setting it to ``workers`` makes a
    #: batch end sooner, so short solves overshoot their budget less (the blocks of
    #: :func:`scheduler.solver.decompose.solve_decomposed` use it).
    batch_size: int = 0


@dataclass(frozen=True)
class RulePenalty:
    """A soft rule's weight and its (unweighted) penalty in the roster."""

    weight: int
    penalty: float


@dataclass(frozen=True)
class SolveResult:
    """What a solve produced and proved."""

    status: str  #: optimal, feasible, infeasible or unknown (phase 2's status)
    objective: float | None  #: full objective of the roster (minimised)
    best_bound: float | None  #: proven lower bound of the objective
    gap: float | None  #: (objective - bound) / objective, 0 when proven optimal
    wall_s: float  #: wall time of both phases [s]
    served: int | None  #: patients servable inside the window by this roster
    served_bound: int | None  #: most that any roster could serve inside the window
    served_gap: float | None  #: (served_bound - served) / served_bound
    demand: int  #: all demand patients of the horizon
    penalties: dict[str, RulePenalty] = field(default_factory=dict)
    roster: Roster | None = None
    infeasible_reasons: tuple[str, ...] = ()
    coverage_status: str = "unknown"  #: phase 1's status
    params: SolveParams = field(default_factory=SolveParams)
    #: False when a wall-clock cap, not the deterministic budget, ended a phase
    reproducible: bool = True


def _solver(params: SolveParams, time_limit_s: float, deadline: float | None = None) -> cp_model.CpSolver:
    """A CP-SAT solver with a deterministic budget for ``time_limit_s`` seconds and a wall-clock
    cap: :func:`_wall_cap`, cut to what is left before ``deadline`` (``time.perf_counter()``)."""
    budget = max(0.1, time_limit_s)
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = budget * DETERMINISTIC_S_PER_S
    solver.parameters.max_time_in_seconds = _wall_cap(budget, deadline)
    solver.parameters.random_seed = params.seed
    solver.parameters.num_workers = params.workers
    solver.parameters.interleave_search = params.workers > 1  # deterministic parallel search
    if params.batch_size > 0:
        solver.parameters.interleave_batch_size = params.batch_size
    solver.parameters.log_search_progress = params.log
    return solver


def _stopped_by_clock(solver: cp_model.CpSolver) -> bool:
    """The search ended on the wall-clock cap, so a rerun may differ."""
    return solver.ResponseProto().wall_time >= solver.parameters.max_time_in_seconds * 0.999


def _wall_cap(budget_s: float, deadline: float | None = None) -> float:
    """Wall-clock safety cap [s] of a solve with a ``budget_s`` time limit, at most the time
    left before ``deadline`` (at least :data:`MIN_WALL_S`)."""
    cap = budget_s * WALL_CAP_FACTOR + WALL_CAP_SLACK_S
    if deadline is not None:
        cap = min(cap, max(MIN_WALL_S, deadline - time.perf_counter()))
    return cap


def _deterministic_seconds(solver: cp_model.CpSolver) -> float:
    """Deterministic time a solve used, in time-limit seconds."""
    return solver.ResponseProto().deterministic_time / DETERMINISTIC_S_PER_S


def _hint_from(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    model.ClearHints()
    values = solver.ResponseProto().solution
    for index, value in enumerate(values):
        model.AddHint(model.GetIntVarFromProtoIndex(index), value)


def _coverage_objective(roster_model: RosterModel) -> tuple[int, int]:
    """Set phase 1's objective: patients served inside the window, and (``booking_lead``
    weight > 0) fewer patient-days of waiting as the tie-break, so the search places
    capacity where and when demand arises; plus, if ``ctx.shared_room_cost`` > 0, that
    cost per shared room-session used. Each patient counts more than the most the
    tie-breaks can add up to, so the served count stays first and
    ``floor((bound + lead_most) / per_patient)`` bounds it. Returns (per_patient, lead_most)."""
    served = roster_model.coverage.served
    ctx = roster_model.ctx
    leads = [(flow, days) for flow, days in ctx.lead_flows if days > 0]
    if roster_model.scenario.solver.weights.booking_lead <= 0:
        leads = []
    shared = [(used, ctx.shared_room_cost) for used, _ in ctx.shared_used] if ctx.shared_room_cost > 0 else []
    if not leads and not shared:
        roster_model.model.Maximize(served)
        return 1, 0
    lead_most = (roster_model.scenario.targets.booking_window_days * roster_model.coverage.demand_total
                 if leads else 0)
    lead_most += ctx.shared_room_cost * sum(most for _, most in ctx.shared_used) if shared else 0
    per_patient = lead_most + 1
    roster_model.model.Maximize(per_patient * served - sum(c * v for v, c in leads + shared))
    return per_patient, lead_most


def _gap(value: float, bound: float) -> float:
    return abs(value - bound) / max(1.0, abs(value))


def solve(roster_model: RosterModel, params: SolveParams, progress: ProgressHook | None = None,
          warm_start: Mapping[WorkKey, bool] | None = None, *, warm_free: Collection[WorkKey] = (),
          deadline: float | None = None, coverage_only: bool = False) -> SolveResult:
    """Solve in two phases; raise :class:`InfeasibleError` with reasons if no roster exists.

    ``progress``, if given, is called with each phase's objective and bound as they improve.
    ``warm_start`` (work decision -> worked; decisions not named are not worked), if given
    and if it obeys every hard rule, is completed into a full first solution
    (:func:`~scheduler.solver.warm_start.complete_hint`, :data:`WARM_START_SHARE` of the
    coverage phase's budget) that phase 1 starts from; if it cannot be completed as it is,
    the decisions in ``warm_free`` are left for a second completion to choose (a repair).
    ``deadline`` (a ``time.perf_counter()`` value) caps every phase's wall time; a phase it
    cuts short makes the result not ``reproducible``. ``coverage_only`` stops after phase 1:
    the roster is phase 1's, the bound the unserved patients' weight alone (penalties >= 0).

    The bound is proven for the full objective over every roster, not only over rosters
    serving as many as phase 1 found (:func:`_full_objective_bound`).
    """
    started = time.perf_counter()
    model = roster_model.model
    for literal_index in roster_model.ctx.requirements:
        model.Add(model.GetBoolVarFromProtoIndex(literal_index) == 1)
    demand = roster_model.coverage.demand_total
    weight = roster_model.scenario.solver.weights.unserved_within_window

    per_patient, lead_most = _coverage_objective(roster_model)
    phase1_limit = params.time_limit_s * (1.0 if coverage_only else COVERAGE_PHASE_SHARE)
    if warm_start is not None:
        free: set[WorkKey] = set()
        for retry in ((), warm_free) if warm_free else ((),):
            free |= set(retry)
            fixed = {var.Index(): int(warm_start.get(key, False))
                     for key, var in roster_model.ctx.works.items() if key not in free}
            budget = phase1_limit * WARM_START_SHARE * DETERMINISTIC_S_PER_S
            values = complete_hint(model, fixed, budget, params.workers, params.seed,
                                   _wall_cap(phase1_limit * WARM_START_SHARE, deadline))
            if values is not None:
                apply_hint(model, values)
                break
    phase1 = _solver(params, phase1_limit, deadline)
    status1 = phase1.Solve(model, phase_callback(phase1, "coverage", progress))
    if status1 == cp_model.INFEASIBLE:
        raise InfeasibleError(explain_infeasibility(roster_model.scenario, params))
    if status1 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SolveResult(
            status="unknown", objective=None, best_bound=None, gap=None,
            wall_s=time.perf_counter() - started, served=None, served_bound=None,
            served_gap=None, demand=demand, coverage_status=_STATUS_NAMES.get(status1, "unknown"),
            params=params, reproducible=not _stopped_by_clock(phase1),
        )
    served1 = round(phase1.Value(roster_model.coverage.served))
    served_bound = min(int((phase1.BestObjectiveBound() + lead_most + 1e-6) // per_patient), demand)
    if coverage_only:
        objective = float(phase1.Value(roster_model.objective_expr()))
        bound = _coverage_phase_bound(roster_model, served_bound)
        return _result(roster_model, phase1, cp_model.OPTIMAL if objective <= bound else cp_model.FEASIBLE,
                       status1, bound, served_bound, started, params, not _stopped_by_clock(phase1))

    model.Add(roster_model.coverage.served >= served1)
    _hint_from(model, phase1)
    model.Minimize(roster_model.objective_expr())
    phase2_limit = params.time_limit_s - min(_deterministic_seconds(phase1), phase1_limit)
    phase2 = _solver(params, phase2_limit, deadline)
    status2 = phase2.Solve(model, phase_callback(phase2, "objective", progress))
    reproducible = not (_stopped_by_clock(phase1) or _stopped_by_clock(phase2))
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        final, status = phase2, status2
        bound = _full_objective_bound(float(phase2.BestObjectiveBound()), weight, demand, served1)
        if bound < float(phase2.ObjectiveValue()) - 1e-6:
            status = cp_model.FEASIBLE
    else:  # phase 2 found nothing in its time: keep phase 1's roster
        final, status, bound = phase1, cp_model.FEASIBLE, None
    return _result(roster_model, final, status, status1, bound, served_bound, started, params, reproducible)


def _coverage_phase_bound(roster_model: RosterModel, served_bound: int) -> float:
    """A lower bound of the full objective from the served bound alone: the unserved
    patients' weight plus the rostered sessions serving ``served_bound`` patients needs.

    A roster serving ``s`` patients rosters at least ``ceil(s / most_slots)`` sessions, so
    its objective is at least ``W (demand - s) + w ceil(s / most_slots)``; other penalties
    are >= 0. With ``w <= W`` that falls as ``s`` grows, so ``s = served_bound`` bounds all.
    """
    weights = roster_model.scenario.solver.weights
    demand = roster_model.coverage.demand_total
    most_slots = max(roster_model.ctx.slots.values(), default=0)
    sessions = -(-served_bound // most_slots) if most_slots > 0 else 0
    per_session = weights.session_rostered if 0 <= weights.session_rostered <= weights.unserved_within_window else 0
    return float(weights.unserved_within_window * (demand - served_bound) + per_session * sessions)


def _full_objective_bound(phase2_bound: float, weight: int, demand: int, served1: int) -> float:
    """A lower bound of the full objective over *every* roster.

    Phase 2 bounds only rosters serving at least ``served1``; a roster serving fewer
    leaves at least ``demand - served1 + 1`` unserved, each weighted ``weight``, and its
    penalties are >= 0. The smaller of the two bounds both; it is phase 2's bound
    whenever that bound's penalty part is under one patient's weight.
    """
    return min(phase2_bound, float(weight * (demand - served1 + 1)))


def _result(roster_model: RosterModel, final: cp_model.CpSolver, status: int, status1: int,
            bound: float | None, served_bound: int, started: float, params: SolveParams,
            reproducible: bool) -> SolveResult:
    """The result of a solve whose roster is ``final``'s solution."""
    demand = roster_model.coverage.demand_total
    served = round(final.Value(roster_model.coverage.served))
    objective = float(final.Value(roster_model.objective_expr()))
    penalties = {
        "unserved_within_window": RulePenalty(
            roster_model.scenario.solver.weights.unserved_within_window, demand - served
        )
    }
    for rule in roster_model.soft_rules:
        terms = [p for p in roster_model.penalties if p.rule == rule.name]
        penalties[rule.name] = RulePenalty(
            int(getattr(roster_model.scenario.solver.weights, rule.name)),
            float(sum(final.Value(p.expr) for p in terms)),
        )
    return SolveResult(
        status=_STATUS_NAMES[status],
        objective=objective,
        best_bound=bound,
        gap=_gap(objective, bound) if bound is not None else None,
        wall_s=time.perf_counter() - started,
        served=served,
        served_bound=served_bound,
        served_gap=(served_bound - served) / served_bound if served_bound else 0.0,
        demand=demand,
        penalties=penalties,
        roster=extract_roster(roster_model, final),
        coverage_status=_STATUS_NAMES[status1],
        params=params,
        reproducible=reproducible,
    )
