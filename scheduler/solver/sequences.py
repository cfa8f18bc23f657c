"""Generic sequence and window rules over a day-indexed list of work literals.

Every helper takes a CP-SAT model and ``days``: one Boolean literal per day of
the horizon (true = works that day), in day order, and adds clauses. The
helpers know nothing about doctors, nurses or shift types, so both the hospital
roster and the Curtois & Qu benchmark model (``benchmarks.curtois_model``)
encode their run-length, succession, window and weekend rules with them.

Runs are encoded as forbidden patterns, one clause per pattern: "works on day
``i`` .. ``i + k - 1`` and rests before and after" is ruled out for every
too-short ``k``. Such clauses propagate as soon as all but one of their
literals are fixed and give a tight linear relaxation for short minimum runs.

``days`` may hold plain integers 0 and 1 for days whose value is fixed (for
example days that lie outside the rostered part of the horizon); clauses that
a constant satisfies are dropped and false constants are removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ortools.sat.python import cp_model

Literal = cp_model.IntVar | cp_model.NotBooleanVariable | int


def _negated(literal: Literal) -> Literal:
    """The negation of a literal or of a 0/1 constant."""
    if isinstance(literal, int):
        return 1 - literal
    return literal.Not()


def add_clause(model: cp_model.CpModel, literals: Sequence[Literal]) -> bool:
    """Add ``OR(literals)``, folding 0/1 constants; return False if the clause is empty.

    A clause containing the constant 1 is always satisfied and is not added.
    An empty clause (every literal the constant 0) is infeasible: the caller
    decides what to do (the helpers below add it, so the model becomes infeasible).
    """
    if any(isinstance(lit, int) and lit == 1 for lit in literals):
        return True
    kept = [lit for lit in literals if not isinstance(lit, int)]
    model.AddBoolOr(kept)
    return bool(kept)


def max_consecutive(model: cp_model.CpModel, days: Sequence[Literal], most: int) -> None:
    """No run of more than ``most`` consecutive worked days: every window of
    ``most + 1`` days holds a day off."""
    if most < 0:
        raise ValueError(f"most must be >= 0, got {most}")
    for start in range(len(days) - most):
        add_clause(model, [_negated(d) for d in days[start : start + most + 1]])


def min_consecutive(
    model: cp_model.CpModel, days: Sequence[Literal], least: int, exempt_boundary: bool = True
) -> None:
    """Every run of worked days lasts at least ``least`` days.

    With ``exempt_boundary`` a run touching the first or the last day is exempt
    (the days beyond the horizon are assumed to continue it); without it, the
    days beyond the horizon count as days off.
    """
    horizon = len(days)
    padded: list[Literal] = [1 if exempt_boundary else 0] + list(days) + [1 if exempt_boundary else 0]
    for length in range(1, least):
        for start in range(1, horizon - length + 2):  # run occupies padded[start : start + length]
            end = start + length
            pattern = [padded[start - 1]] + [_negated(d) for d in padded[start:end]] + [padded[end]]
            # forbid 'off before, on during, off after': clause (before OR NOT during OR after)
            add_clause(model, pattern)


def min_consecutive_off(
    model: cp_model.CpModel, days: Sequence[Literal], least: int, exempt_boundary: bool = True
) -> None:
    """Every run of days off lasts at least ``least`` days (see :func:`min_consecutive`)."""
    min_consecutive(model, [_negated(d) for d in days], least, exempt_boundary)


def forbid_succession(model: cp_model.CpModel, first: Literal, second: Literal) -> None:
    """``first`` (on one day) and ``second`` (on the next) are not both true."""
    add_clause(model, [_negated(first), _negated(second)])


def rolling_windows(horizon: int, length: int) -> list[range]:
    """Day ranges of every window of ``length`` consecutive days (the whole horizon if shorter)."""
    if length <= 0:
        raise ValueError(f"length must be positive, got {length}")
    if horizon <= length:
        return [range(horizon)]
    return [range(start, start + length) for start in range(horizon - length + 1)]


def weekend_worked(
    model: cp_model.CpModel, weekend_days: Sequence[Literal], name: str
) -> cp_model.IntVar:
    """A literal true exactly when at least one of ``weekend_days`` is worked."""
    worked = model.NewBoolVar(name)
    variables = [d for d in weekend_days if not isinstance(d, int)]
    if any(isinstance(d, int) and d == 1 for d in weekend_days):
        model.Add(worked == 1)
        return worked
    if not variables:
        model.Add(worked == 0)
        return worked
    model.AddMaxEquality(worked, variables)
    return worked


def weekends(horizon: int, first_weekday: int = 0) -> list[tuple[int, ...]]:
    """Day indexes of each Saturday-Sunday weekend in the horizon.

    ``first_weekday`` is the weekday of day 0 (0 = Monday, as ``datetime``). A
    weekend cut by the horizon keeps its day inside it.
    """
    found: dict[int, list[int]] = {}
    for day in range(horizon):
        weekday = (first_weekday + day) % 7
        if weekday in (5, 6):
            week = (first_weekday + day) // 7
            found.setdefault(week, []).append(day)
    return [tuple(days) for _, days in sorted(found.items())]


def most_worked_in_window(length: int, max_run: int, min_run: int = 1, min_off: int = 1) -> int:
    """Most worked days any ``length``-day stretch can hold under the run rules.

    Runs of worked days last at most ``max_run`` days; runs of worked days and
    of days off that lie strictly inside the stretch last at least ``min_run``
    and ``min_off`` days (runs touching its ends may continue outside it).
    Exhaustive over the ``2**length`` patterns, so meant for short stretches.
    """
    best = 0
    for pattern in range(1 << length):
        flags = [(pattern >> i) & 1 for i in range(length)]
        if sum(flags) <= best:
            continue
        runs, start = [], 0
        for day in range(1, length + 1):
            if day == length or flags[day] != flags[start]:
                runs.append((flags[start], start, day - start))
                start = day
        if all(_run_allowed(value, first, size, length, max_run, min_run, min_off) for value, first, size in runs):
            best = sum(flags)
    return best


def _run_allowed(value: int, first: int, size: int, length: int, max_run: int, min_run: int, min_off: int) -> bool:
    interior = first > 0 and first + size < length
    if value:
        return size <= max_run and (size >= min_run or not interior)
    return size >= min_off or not interior


@lru_cache(maxsize=64)
def window_caps(max_run: int, min_run: int, min_off: int, longest: int) -> tuple[tuple[int, int], ...]:
    """Window lengths (up to ``longest`` days) whose worked-day cap is tighter than
    any split into two shorter windows implies, with that cap: implied
    constraints that tighten the linear relaxation of the run rules (for example
    at most 5 worked days in any 7 when runs last at most 5 days and rests at least 2)."""
    caps: dict[int, int] = {}
    implied = {0: 0}
    for length in range(1, longest + 1):
        cap = most_worked_in_window(length, max_run, min_run, min_off)
        split = min([length] + [implied[a] + implied[length - a] for a in range(1, length)])
        implied[length] = min(cap, split)
        if cap < split and cap < length:
            caps[length] = cap
    return tuple(caps.items())


def cap_worked_in_windows(
    model: cp_model.CpModel, days: Sequence[Literal], caps: Sequence[tuple[int, int]]
) -> None:
    """At most ``cap`` worked days in every window of each ``(length, cap)`` of ``caps``."""
    for length, cap in caps:
        for window in rolling_windows(len(days), length) if length <= len(days) else []:
            variables = [days[d] for d in window if not isinstance(days[d], int)]
            fixed = sum(days[d] for d in window if isinstance(days[d], int))
            if len(variables) + fixed > cap:
                model.Add(sum(variables) <= cap - fixed)
