"""Hospital-wide rosters by department: solve blocks apart, then join them.

Departments share only sites and the rooms open to any department (shared
rooms): coverage is per site and department, every soft rule is per doctor or
per department, and each doctor belongs to one department. Joint clinics and
partner support are the only rules that link departments; the departments they
link form one block (:func:`department_blocks`).

Each block is solved on its own (:func:`scheduler.solver.solve.solve`) with
every shared room available to it. That is a relaxation of the whole problem
whose objective is the sum of the blocks' objectives, so the blocks' bounds add
up to a bound of the whole. The blocks are then solved again within an
allotment of the shared rooms, each warm-started from its relaxed roster, so
that the joined roster fits the rooms (:func:`seat_shared_rooms`): a valid
roster whose objective is the sum of the blocks'. Should joining still fail, the
whole model is solved, warm-started from the joined roster, for the time left.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Mapping

from scheduler.model import Assignment, Roster, Scenario
from scheduler.solver.build import RosterModel, build_model
from scheduler.solver.context import WorkKey
from scheduler.solver.progress import ProgressHook
from scheduler.solver.solve import RulePenalty, SolveParams, SolveResult, solve

#: Most doctors packed into one block. On the generated 400-doctor week (60 s) blocks of at
#: most 30 doctors left 2 patients unserved beyond the bound, blocks of 60 left 86: small
#: blocks are solved close to their bound in a few seconds each.
MAX_BLOCK_DOCTORS = 30
#: Hospitals with more doctors than this are solved by blocks (:func:`solve_scenario`):
#: in benchmarks/results/performance_hospitals_growth_*.md the whole model did better at 100
#: and 200 doctors (taking twice the limit in wall time) and far worse at 400 and 600.
DECOMPOSE_ABOVE_DOCTORS = 300
#: Tie-break cost of a shared room-session in a relaxed block's coverage phase [patient-days]:
#: a block then takes a shared room only to serve more patients, or to serve them that many
#: patient-days sooner, so the blocks' rosters seldom need more shared rooms than a site has.
SHARED_ROOM_COST = 10
#: Smallest share of the time limit any block gets [-].
MIN_BLOCK_SHARE = 0.02
#: Share of the time limit for round 1, the relaxed blocks' coverage (:func:`solve_decomposed`) [-].
ROUND1_SHARE = 0.35
#: Round 2 shares its time in proportion to doctors times (1 + the block's round-1 served gap in
#: percent), at most this factor: blocks whose relaxed roster fell short get more [-].
MAX_GAP_WEIGHT = 4.0
#: Share of the time limit kept back from the solves for building the last models, joining the
#: rosters and writing them (and, if joining fails, the whole model's repair); with process start-up
#: and writing, `python cli.py roster` on 400 doctors took 3.2 s beyond the solve [-].
RESERVE_SHARE = 0.12


def linked_departments(scenario: Scenario) -> list[tuple[str, ...]]:
    """Departments grouped so that no hard rule links two groups, in department order."""
    parent = {d: d for d in scenario.departments}

    def root(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    def join(departments: list[str]) -> None:
        for other in departments[1:]:
            parent[root(other)] = root(departments[0])

    for clinic in scenario.joint_clinics:
        join(list(clinic.departments))
    for support in scenario.partner_support:
        join(sorted({
            d.department for d in scenario.doctors
            if d.home_site == support.from_home_site and support.site_id in d.sites
            and (not support.departments or d.department in support.departments)
        }))
    groups: dict[str, list[str]] = defaultdict(list)
    for department in scenario.departments:
        groups[root(department)].append(department)
    return [tuple(g) for g in groups.values()]


def department_blocks(scenario: Scenario, max_doctors: int = MAX_BLOCK_DOCTORS) -> list[tuple[str, ...]]:
    """Linked department groups packed into blocks of at most ``max_doctors`` doctors
    (first fit, largest group first; a larger group is a block of its own), so that
    few CP-SAT solves each get a model of the size they solve well."""
    size = defaultdict(int)
    for doctor in scenario.doctors:
        size[doctor.department] += 1
    groups = sorted(linked_departments(scenario), key=lambda g: (-sum(size[d] for d in g), g))
    blocks: list[list[str]] = []
    loads: list[int] = []
    for group in groups:
        load = sum(size[d] for d in group)
        fit = next((i for i, used in enumerate(loads) if used + load <= max_doctors), None)
        if fit is None:
            blocks.append(list(group))
            loads.append(load)
        else:
            blocks[fit].extend(group)
            loads[fit] += load
    return [tuple(b) for b in blocks]


def block_scenario(scenario: Scenario, departments: tuple[str, ...]) -> Scenario:
    """The scenario restricted to the doctors, demand and rules of ``departments``."""
    keep = set(departments)
    doctors = tuple(d for d in scenario.doctors if d.department in keep)
    ids = {d.doctor_id for d in doctors}
    return dataclasses.replace(
        scenario,
        doctors=doctors,
        demand=tuple(r for r in scenario.demand if r.department in keep),
        unavailability=tuple(u for u in scenario.unavailability if u.doctor_id in ids),
        requests=tuple(r for r in scenario.requests if r.doctor_id in ids),
        joint_clinics=tuple(c for c in scenario.joint_clinics if set(c.departments) <= keep),
        partner_support=tuple(s for s in scenario.partner_support
                              if any(d.home_site == s.from_home_site and s.site_id in d.sites for d in doctors)),
        history={k: v for k, v in scenario.history.items() if k in ids},
    )


def seat_shared_rooms(scenario: Scenario, assignments: list[Assignment]) -> list[Assignment] | None:
    """Reassign shared rooms across blocks; None if some session needs more than the site has.

    Department rooms are used by one department only, so the blocks never
    compete for them. Doctors seated together in a shared room by their block
    (a joint clinic) stay together.
    """
    shared = defaultdict(list)
    for room in scenario.rooms:
        if room.department is None:
            shared[room.site_id].append(room.room_id)
    shared_ids = {r for rooms in shared.values() for r in rooms}
    groups: dict[tuple, dict[tuple, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, a in enumerate(assignments):
        if a.room_id in shared_ids:
            block_room = (scenario.doctor(a.doctor_id).department if a.clinic != "mdt" else "mdt", a.room_id)
            groups[(a.site_id, a.date, a.session_id)][block_room].append(index)
    seated = list(assignments)
    for (site_id, _, _), users in groups.items():
        rooms = sorted(shared[site_id])
        if len(users) > len(rooms):
            return None
        for room_id, (_, indexes) in zip(rooms, sorted(users.items()), strict=False):
            for index in indexes:
                seated[index] = dataclasses.replace(seated[index], room_id=room_id)
    return seated


def _work_keys(assignments: list[Assignment]) -> dict[WorkKey, bool]:
    """The work decisions a roster takes."""
    return {(a.doctor_id, a.date, a.session_id, a.site_id): True for a in assignments}


def _hinted_whole(scenario: Scenario, assignments: list[Assignment], params: SolveParams,
                  deadline: float) -> SolveResult:
    """The whole model, warm-started from ``assignments``, by ``deadline``."""
    return solve(build_model(scenario), params, warm_start=_work_keys(assignments), deadline=deadline)


Cell = tuple[str, dt.date, str]  # site, date, session


def shared_rooms_used(scenario: Scenario, assignments: list[Assignment]) -> dict[Cell, int]:
    """Shared rooms each (site, date, session) of a roster occupies."""
    shared = {r.room_id for r in scenario.rooms if r.department is None}
    used: dict[Cell, set[str]] = defaultdict(set)
    for a in assignments:
        if a.room_id in shared:
            used[(a.site_id, a.date, a.session_id)].add(a.room_id)
    return {cell: len(rooms) for cell, rooms in used.items()}


def allot_shared_rooms(scenario: Scenario, uses: list[dict[Cell, int]]) -> list[dict[Cell, int]]:
    """Shared rooms per block and cell: what each block used where the site's rooms
    suffice; shares in proportion to use (largest remainder) where they do not."""
    rooms: dict[str, int] = defaultdict(int)
    for room in scenario.rooms:
        if room.department is None:
            rooms[room.site_id] += 1
    allotted = [dict(use) for use in uses]
    for cell in {c for use in uses for c in use}:
        wanted = [use.get(cell, 0) for use in uses]
        available = rooms[cell[0]]
        if sum(wanted) <= available:
            continue
        exact = [w * available / sum(wanted) for w in wanted]
        shares = [int(x) for x in exact]
        for i in sorted(range(len(uses)), key=lambda i: (shares[i] - exact[i], i))[: available - sum(shares)]:
            shares[i] += 1
        for i, share in enumerate(shares):
            allotted[i][cell] = share
    return allotted


def cap_shared_rooms(roster_model: RosterModel, allotted: dict[Cell, int]) -> None:
    """At most ``allotted`` shared rooms in each cell for this block's model (none elsewhere)."""
    ctx = roster_model.ctx
    scenario = roster_model.scenario
    own: dict[tuple[str, str], int] = defaultdict(int)
    for room in scenario.rooms:
        if room.department is not None:
            own[(room.site_id, room.department)] += 1
    for (site_id, date, session_id), keys in ctx.by_site_session.items():
        per_department: dict[str, list] = defaultdict(list)
        for key in keys:
            per_department[scenario.doctor(key[0]).department].append(key)
        excess = []
        for department, dept_keys in per_department.items():
            rooms = own[(site_id, department)]
            if len(dept_keys) > rooms:
                extra = ctx.model.NewIntVar(0, len(dept_keys) - rooms, "")
                ctx.model.Add(ctx.sum_works(dept_keys) <= rooms + extra)
                excess.append(extra)
        if excess:
            ctx.model.Add(sum(excess) <= allotted.get((site_id, date, session_id), 0))


def _solve_block(scenario: Scenario, block: tuple[str, ...], params: SolveParams, deadline: float,
                 allotted: dict[Cell, int] | None = None, warm_start: Mapping[WorkKey, bool] | None = None,
                 warm_free: set[WorkKey] | None = None) -> SolveResult:
    """One block: coverage only, with every shared room (``allotted`` None), the relaxation
    that bounds the whole; or both phases within its allotment of shared rooms."""
    roster_model = build_model(block_scenario(scenario, block))
    if allotted is not None:
        cap_shared_rooms(roster_model, allotted)
    else:
        roster_model.ctx.shared_room_cost = SHARED_ROOM_COST
    if warm_start is not None:
        warm_start = {k: v for k, v in warm_start.items() if k in roster_model.ctx.works}
    return solve(roster_model, params, warm_start=warm_start, warm_free=warm_free or (),
                 deadline=deadline, coverage_only=allotted is None)


def _over_allotment(roster: list[Assignment], use: dict[Cell, int], allotted: dict[Cell, int]
                    ) -> set[tuple[str, dt.date]]:
    """(doctor, date) whose decisions a block may change to fit its allotment: each doctor
    it rostered, that day, in a cell where it used more shared rooms than allotted."""
    over = {cell for cell, n in use.items() if n > allotted.get(cell, 0)}
    return {(a.doctor_id, a.date) for a in roster if (a.site_id, a.date, a.session_id) in over}


def cut_to_allotment(scenario: Scenario, roster: list[Assignment], allotted: dict[Cell, int]) -> list[Assignment]:
    """A block's roster without the sessions that take more shared rooms than ``allotted``:
    in each such cell, from the department furthest beyond its own rooms, the session with
    the fewest slots (then the highest doctor id) goes, until the block fits. Joint-clinic
    sessions stay. The cut may break a minimum (contracted sessions); :func:`solve` then
    repairs it (``warm_free``)."""
    own: dict[tuple[str, str], int] = defaultdict(int)
    for room in scenario.rooms:
        if room.department is not None:
            own[(room.site_id, room.department)] += 1
    by_cell: dict[Cell, list[Assignment]] = defaultdict(list)
    for a in roster:
        by_cell[(a.site_id, a.date, a.session_id)].append(a)
    dropped: set[int] = set()
    for cell, sessions in by_cell.items():
        per_department: dict[str, list[Assignment]] = defaultdict(list)
        for a in sessions:
            if a.clinic != "mdt":
                per_department[a.department].append(a)
        beyond = {d: len(s) - own[(cell[0], d)] for d, s in per_department.items()}
        used = sum(max(0, n) for n in beyond.values()) + len({a.room_id for a in sessions if a.clinic == "mdt"})
        while used > allotted.get(cell, 0):
            department = max(sorted(beyond), key=lambda d: beyond[d])
            if beyond[department] <= 0:
                break
            victim = max(per_department[department], key=lambda a: (-a.slots, a.doctor_id))
            per_department[department].remove(victim)
            dropped.add(id(victim))
            beyond[department] -= 1
            used -= 1
    return [a for a in roster if id(a) not in dropped]


def solve_decomposed(scenario: Scenario, params: SolveParams, max_block_doctors: int = MAX_BLOCK_DOCTORS,
                     warm_start: Mapping[WorkKey, bool] | None = None) -> SolveResult:
    """Solve department blocks apart and join them (see the module docstring).

    Round 1 maximises each block's coverage with every shared room (phase 1 of
    :func:`~scheduler.solver.solve.solve` only): the blocks' coverage bounds add
    up to the served bound of the whole, and, penalties being >= 0, the unserved
    patients they leave to a bound of the full objective. Round 2 allots the shared
    rooms (:func:`allot_shared_rooms`) and solves every block again, both phases,
    within its allotment, warm-started from its round-1 roster cut down to the
    allotment (:func:`cut_to_allotment`), or, if the cut breaks a rule, from the
    round-1 roster with the decisions of the doctor-days beyond the allotment left
    free (:func:`_over_allotment`). The blocks' rosters then fit the sites' shared
    rooms together.

    ``params.time_limit_s`` is the wall time of the whole call, model building
    included: round 1 gets :data:`ROUND1_SHARE` of it, round 2 the rest but
    :data:`RESERVE_SHARE`; within a round each block gets a share in proportion to
    its doctors (round 2: weighted by the block's round-1 served gap, :data:`MAX_GAP_WEIGHT`),
    as a deterministic budget (reproducible) and as a wall-clock
    deadline that moves on with the blocks solved (a block cut by it makes the
    result not ``reproducible``). ``warm_start`` (last week's roster) hints round 1.
    """
    started = time.perf_counter()
    limit = params.time_limit_s
    blocks = department_blocks(scenario, max_block_doctors)
    if len(blocks) == 1:
        return solve(build_model(scenario), params, warm_start=warm_start,
                     deadline=started + limit * (1 - RESERVE_SHARE))
    doctors = {b: sum(1 for d in scenario.doctors if d.department in b) for b in blocks}
    block_params = dataclasses.replace(params, log=False, batch_size=params.workers)

    def schedule(budget_share: float, wall_share: float, begin: float, weights: dict[tuple[str, ...], float]
                 ) -> list[tuple[SolveParams, float]]:
        """Each block's deterministic budget, its part of ``budget_share`` of the limit (a fixed
        number, so a run that meets no deadline repeats), and its wall deadline within
        ``wall_share`` of the limit from ``begin``; both in proportion to ``weights``."""
        plan, done, whole = [], 0.0, sum(weights.values())
        for block in blocks:
            done += weights[block]
            budget = limit * max(MIN_BLOCK_SHARE, budget_share * weights[block] / whole)
            plan.append((dataclasses.replace(block_params, time_limit_s=budget),
                         begin + limit * wall_share * done / whole))
        return plan

    relaxed = [_solve_block(scenario, b, p, deadline, warm_start=warm_start)
               for b, (p, deadline) in zip(blocks, schedule(ROUND1_SHARE, ROUND1_SHARE, started, doctors), strict=True)]
    rosters = [list(r.roster.assignments) if r.roster is not None else [] for r in relaxed]
    uses = [shared_rooms_used(scenario, roster) for roster in rosters]
    allotted = allot_shared_rooms(scenario, uses)
    now = time.perf_counter()
    wall_share = max(MIN_BLOCK_SHARE, (started + limit * (1 - RESERVE_SHARE) - now) / limit)
    weights = {b: doctors[b] * min(MAX_GAP_WEIGHT, 1 + 100 * (r.served_gap if r.served_gap is not None else 1))
               for b, r in zip(blocks, relaxed, strict=True)}
    final = []
    round_2 = schedule(1 - ROUND1_SHARE - RESERVE_SHARE, wall_share, now, weights)
    for i, (block, (p, deadline)) in enumerate(zip(blocks, round_2, strict=True)):
        moved = _over_allotment(rosters[i], uses[i], allotted[i])
        hint = _work_keys(cut_to_allotment(scenario, rosters[i], allotted[i])) if relaxed[i].roster else None
        free = {key for key in _block_keys(scenario, block) if (key[0], key[1]) in moved}
        final.append(_solve_block(scenario, block, p, deadline, allotted[i], hint, free))
    rosters = [list(r.roster.assignments) if r.roster is not None else [] for r in final]
    seated = seat_shared_rooms(scenario, [a for roster in rosters for a in roster])
    if seated is None or any(r.roster is None for r in final):
        remaining = max(limit * RESERVE_SHARE, limit - (time.perf_counter() - started))
        whole = _hinted_whole(scenario, [a for roster in rosters for a in roster],
                              dataclasses.replace(params, time_limit_s=remaining), started + limit)
        return dataclasses.replace(whole, reproducible=False)  # its budget is what the clock left
    bound = _sum([r.best_bound for r in relaxed])
    served_bound = int(sum(r.served_bound or 0 for r in relaxed))
    reproducible = all(r.reproducible for r in relaxed + final)
    return _joined(final, seated, params, time.perf_counter() - started, bound, served_bound, reproducible)


def _block_keys(scenario: Scenario, block: tuple[str, ...]) -> list[WorkKey]:
    """Every work decision a block's model may hold (doctor, date, session, site)."""
    keep = set(block)
    return [(d.doctor_id, date, s.session_id, site)
            for d in scenario.doctors if d.department in keep
            for date in scenario.dates for s in scenario.sessions for site in d.sites]


def _sum(values: list[float | None]) -> float | None:
    return None if any(v is None for v in values) else sum(values)


def _joined(results: list[SolveResult], assignments: list[Assignment], params: SolveParams,
            wall_s: float, bound: float | None, served_bound: int, reproducible: bool) -> SolveResult:
    """One result from the blocks' results, their joined, re-seated roster and the relaxation's bounds."""
    objective = _sum([r.objective for r in results])
    served = int(sum(r.served or 0 for r in results))
    penalties: dict[str, RulePenalty] = {}
    for r in results:
        for name, p in r.penalties.items():
            before = penalties.get(name, RulePenalty(p.weight, 0.0))
            penalties[name] = RulePenalty(p.weight, before.penalty + p.penalty)
    assignments.sort(key=lambda a: (a.date, a.start_min, a.site_id, a.room_id, a.doctor_id))
    return SolveResult(
        status="optimal" if objective is not None and bound is not None and objective <= bound else "feasible",
        objective=objective,
        best_bound=bound,
        gap=None if objective is None or bound is None else abs(objective - bound) / max(1.0, abs(objective)),
        wall_s=wall_s,
        served=served,
        served_bound=served_bound,
        served_gap=(served_bound - served) / served_bound if served_bound else 0.0,
        demand=sum(r.demand for r in results),
        penalties=penalties,
        roster=Roster(tuple(assignments)),
        coverage_status="optimal" if {r.coverage_status for r in results} == {"optimal"} else "feasible",
        params=params,
        reproducible=reproducible,
    )


def solve_scenario(scenario: Scenario, params: SolveParams,
                   warm_start: Mapping[WorkKey, bool] | None = None,
                   progress: ProgressHook | None = None) -> SolveResult:
    """The roster of a scenario: by department blocks above :data:`DECOMPOSE_ABOVE_DOCTORS`
    doctors, else the two-phase solve of the whole model; either optionally warm-started
    (``progress`` shows the whole model's objective and bound as they improve)."""
    if len(scenario.doctors) > DECOMPOSE_ABOVE_DOCTORS:
        return solve_decomposed(scenario, params, max_block_doctors=MAX_BLOCK_DOCTORS, warm_start=warm_start)
    return solve(build_model(scenario), params, progress, warm_start=warm_start)
