"""One library function per command-line command; ``cli.py`` only parses options.

Each function reads its inputs, does the work, writes its outputs and
returns a result object; printing is left to the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from scheduler.check import Violation, check_roster
from scheduler.compare import ComparisonResult, compare_simulations, write_comparison
from scheduler.errors import InputError, NoRosterError
from scheduler.model import Roster, Scenario
from scheduler.output import write_json_safely, write_text_safely
from scheduler.reports import solve_summary
from scheduler.roster_io import read_roster, write_roster
from scheduler.scenario import load_scenario
from scheduler.sim import SimulationResult, simulate, write_simulation
from scheduler.slots import slot_plan_csv
from scheduler.solver import SolveParams, SolveResult
from scheduler.solver.decompose import solve_scenario
from scheduler.solver.progress import ProgressHook
from scheduler.solver.warm_start import previous_week_hint
from scheduler.targets import check_targets, write_targets

#: Called with (replications done, total) as a simulation advances.
ReplicationHook = Callable[[int, int], None]

#: The bundled default scenario that ``demo`` runs.
DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "city_general"


def solve_params(
    scenario: Scenario,
    time_limit_s: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    log: bool = False,
) -> SolveParams:
    """Solver parameters: the scenario's, overridden by any given value."""
    settings = scenario.solver
    return SolveParams(
        time_limit_s=settings.time_limit_s if time_limit_s is None else time_limit_s,
        seed=settings.seed if seed is None else seed,
        workers=settings.workers if workers is None else workers,
        log=log,
    )


def roster_scenario(scenario: Scenario, params: SolveParams, progress: ProgressHook | None = None,
                    warm_start: Roster | None = None) -> SolveResult:
    """Build and solve the roster model of a loaded scenario (``progress``: see :func:`solve`);
    hospital-wide weeks are solved by department blocks (:func:`solve_scenario`). ``warm_start``
    (last week's roster) hints the solver with the same doctor, weekday, session and site."""
    hint = None if warm_start is None else previous_week_hint(scenario, warm_start)
    return solve_scenario(scenario, params, warm_start=hint, progress=progress)


def run_roster(
    scenario_dir: Path,
    out_dir: Path,
    time_limit_s: float | None = None,
    seed: int | None = None,
    workers: int | None = None,
    log: bool = False,
    progress: ProgressHook | None = None,
    warm_start_file: Path | None = None,
) -> SolveResult:
    """``roster``: solve a scenario; write roster.csv and solve.json to ``out_dir``.

    ``warm_start_file``: a previous roster.csv (e.g. last week's) to start from; it is read
    against the scenario's ids (:func:`load_roster`: a bad cell raises
    :class:`~scheduler.errors.InputError`). Raises
    :class:`~scheduler.errors.InfeasibleError` if no roster exists.
    """
    scenario = load_scenario(scenario_dir)
    previous = None if warm_start_file is None else load_roster(scenario, warm_start_file)
    result = roster_scenario(scenario, solve_params(scenario, time_limit_s, seed, workers, log), progress,
                             warm_start=previous)
    write_solve_outputs(result, out_dir)
    return result


def write_solve_outputs(result: SolveResult, out_dir: Path) -> None:
    """roster.csv and solve.json of a solve."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if result.roster is not None:
        write_roster(result.roster, out_dir / "roster.csv")
    write_json_safely(out_dir / "solve.json", solve_summary(result))


def load_roster(scenario: Scenario, roster_file: Path) -> Roster:
    """Read a roster file against a scenario's ids."""
    if not roster_file.exists():
        raise InputError(roster_file, "roster file not found")
    return read_roster(roster_file, scenario)


def run_simulate(
    scenario_dir: Path,
    roster_file: Path,
    out_dir: Path,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    progress: ReplicationHook | None = None,
) -> tuple[Scenario, SimulationResult]:
    """``simulate``: simulate a roster; write kpis.json, visits.csv, targets.json/.csv and slot_plan.csv."""
    scenario = load_scenario(scenario_dir)
    roster = load_roster(scenario, roster_file)
    result = simulate(scenario, roster, replications=replications, seed=seed, workers=workers, progress=progress)
    write_simulation(result, out_dir)
    write_targets(check_targets(scenario, result.kpis), out_dir)
    write_text_safely(out_dir / "slot_plan.csv", slot_plan_csv(scenario, roster))
    return scenario, result


def run_check(scenario_dir: Path, roster_file: Path) -> tuple[Scenario, list[Violation]]:
    """``check``: every hard-rule violation of a roster file."""
    scenario = load_scenario(scenario_dir)
    return scenario, check_roster(scenario, load_roster(scenario, roster_file))


@dataclass(frozen=True)
class ScenarioRun:
    """A scenario rostered and simulated."""

    scenario: Scenario
    solve: SolveResult
    simulation: SimulationResult


def roster_and_simulate(
    scenario: Scenario,
    params: SolveParams,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    solve_progress: ProgressHook | None = None,
    sim_progress: ReplicationHook | None = None,
    solved: SolveResult | None = None,
) -> ScenarioRun:
    """Solve a scenario (unless ``solved`` gives its roster already), then simulate its roster
    (optional progress hooks for each)."""
    if solved is None:
        solved = roster_scenario(scenario, params, solve_progress)
    if solved.roster is None:
        raise NoRosterError(
            f"{scenario.name}: no roster found within {params.time_limit_s:g} s; try a longer time limit"
        )
    simulation = simulate(scenario, solved.roster, replications=replications, seed=seed, workers=workers,
                          progress=sim_progress)
    return ScenarioRun(scenario, solved, simulation)


#: Scenario fields the roster does not depend on (the solver reads only ``walk_in_share`` of ``simulation``).
NOT_ROSTER_INPUTS = frozenset({"name", "source_dir", "simulation"})


def same_roster_inputs(a: Scenario, b: Scenario) -> bool:
    """Whether the solver sees the same problem in ``a`` and ``b``: they differ at most in
    their name, folder and simulation settings other than ``walk_in_share``, so one roster
    serves both (a variant of payment mode, registration, booking or replications only)."""
    return a.simulation.walk_in_share == b.simulation.walk_in_share and all(
        getattr(a, f.name) == getattr(b, f.name) for f in fields(Scenario) if f.name not in NOT_ROSTER_INPUTS
    )


def run_compare(
    scenario_a: Path,
    scenario_b: Path,
    out_dir: Path,
    time_limit_s: float | None = None,
    replications: int | None = None,
    seed: int | None = None,
    solve_progress: ProgressHook | None = None,
    sim_progress: ReplicationHook | None = None,
) -> tuple[ScenarioRun, ScenarioRun, ComparisonResult]:
    """``compare``: roster and simulate both scenarios with common random numbers.

    Both simulations use the same root seed and number of replications (given,
    else scenario A's ``simulation:`` settings), so replication ``r`` of A and of B
    draws the same patients wherever their demand rows agree, and the differences
    are paired. Each scenario is rostered with its own ``solver:`` settings
    (``time_limit_s`` overrides both); when the two differ only in what the solver
    does not read (:func:`same_roster_inputs`), A's roster is simulated for both, so
    the differences are those of the variant alone.
    """
    scenarios = [load_scenario(scenario_a), load_scenario(scenario_b)]
    common_seed = scenarios[0].simulation.seed if seed is None else seed
    common_replications = scenarios[0].simulation.replications if replications is None else replications
    runs = []
    for scenario, label in zip(scenarios, ("a", "b"), strict=True):
        shared = runs[0].solve if runs and same_roster_inputs(runs[0].scenario, scenario) else None
        run = roster_and_simulate(scenario, solve_params(scenario, time_limit_s=time_limit_s),
                                  replications=common_replications, seed=common_seed,
                                  solve_progress=solve_progress, sim_progress=sim_progress, solved=shared)
        write_solve_outputs(run.solve, out_dir / label)
        write_simulation(run.simulation, out_dir / label)
        runs.append(run)
    comparison = compare_simulations(
        runs[0].simulation, runs[1].simulation, runs[0].scenario.name, runs[1].scenario.name
    )
    write_comparison(comparison, out_dir)
    return runs[0], runs[1], comparison


def run_demo(
    out_dir: Path,
    scenario_dir: Path = DEFAULT_SCENARIO,
    time_limit_s: float | None = None,
    replications: int | None = None,
    solve_progress: ProgressHook | None = None,
    sim_progress: ReplicationHook | None = None,
) -> ScenarioRun:
    """``demo``: the bundled scenario end to end; outputs in ``out_dir``."""
    scenario = load_scenario(scenario_dir)
    run = roster_and_simulate(
        scenario, solve_params(scenario, time_limit_s=time_limit_s), replications=replications,
        solve_progress=solve_progress, sim_progress=sim_progress,
    )
    write_solve_outputs(run.solve, out_dir)
    write_simulation(run.simulation, out_dir)
    return run
