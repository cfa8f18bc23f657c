"""Every schedule of one Curtois & Qu employee within a cost threshold, by dynamic programming.

A roster's penalty is the column-generation LP value plus the reduced costs of
the columns it takes and of its cover slacks, all non-negative once the root LP
has converged. A roster below the incumbent can therefore only use columns whose
reduced cost is below the gap between the incumbent and the LP value: on instances
7 and 8 a few penalty units. :func:`schedules_within` lists them all for one
employee, so that a set partitioning over the lists
(:mod:`benchmarks.curtois_partition`) finds the best roster or proves that none
beats the incumbent.

The listing walks the states of :mod:`benchmarks.curtois_schedule_dp` forward from
day 0 and prunes every partial schedule whose cost plus the least cost to any end
(a backward pass of the same programme) exceeds the threshold, so it visits
no dead end. Shift-type limits that the state does not count are checked on the
schedules listed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from benchmarks.curtois_schedule_dp import ScheduleDP, decode_state, next_state, start_state, state_strides


@dataclass(frozen=True)
class Listing:
    """The schedules of cost at most a threshold, one shift index per day (-1 off)."""

    schedules: tuple[tuple[int, ...], ...]
    costs: tuple[float, ...]  #: cost of each schedule under the costs listed by
    complete: bool  #: False when the listing stopped at its most schedules


def schedules_within(dp: ScheduleDP, cost: np.ndarray, threshold: float, most: int,
                     off_allowed: np.ndarray | None = None) -> Listing:
    """Every schedule of ``dp``'s employee whose cost under ``cost`` [penalty units per
    (day, shift); ``inf`` bars it] is at most ``threshold``, up to ``most`` of them
    (cheapest-first order is not promised)."""
    cost = np.where(dp.available, np.asarray(cost, dtype=np.float64), np.inf)
    if off_allowed is None:
        off_allowed = np.ones(dp.horizon_days, dtype=np.bool_)
    (first, first_limit), (second, second_limit) = dp._counted_args
    args = (cost, np.asarray(off_allowed, dtype=np.bool_), dp.units, dp.forbidden, dp.max_units, dp.max_run,
            dp.min_run, dp.min_rest, dp.max_weekends, first, first_limit, second, second_limit, dp.min_units)
    to_go = _backward(*args)
    found, costs, count, complete = _enumerate(*args, to_go, threshold + 1e-9, most)
    schedules, kept_costs = [], []
    for row in range(count):
        schedule = tuple(int(s) for s in found[row])
        if dp.keeps_limits(schedule):
            schedules.append(schedule)
            kept_costs.append(float(costs[row]))
    return Listing(tuple(schedules), tuple(kept_costs), bool(complete))


@numba.njit(cache=True, nogil=True)
def _backward(cost, off_allowed, units, forbidden, max_units, max_run, min_run, min_rest, max_weekends,
              counted1, limit1, counted2, limit2, min_units):  # pragma: no cover - compiled
    """``to_go[d, s]``: least cost of the days after ``d`` from state ``s`` after day ``d``
    to a final state that works the minimum minutes (inf if none)."""
    horizon, types = cost.shape
    stride_k1, stride_w, stride_u, stride_f, stride_r, stride_last, states = state_strides(
        types, max_units, max_run, min_rest, max_weekends, limit1, limit2)
    to_go = np.full((horizon, states), np.inf)
    for s in range(states):
        u = (s % stride_f) // stride_u
        if u >= min_units:
            to_go[horizon - 1, s] = 0.0
    for day in range(horizon - 1, 0, -1):
        for s in range(states):
            best = np.inf
            fields = decode_state(s, stride_k1, stride_w, stride_u, stride_f, stride_r, stride_last)
            for choice in range(-1, types):
                n = next_state(fields, day, choice, cost, off_allowed, units, forbidden, max_units, max_run, min_run,
                          min_rest, max_weekends, counted1, limit1, counted2, limit2,
                          stride_k1, stride_w, stride_u, stride_f, stride_r, stride_last)
                if n < 0:
                    continue
                c = (0.0 if choice < 0 else cost[day, choice]) + to_go[day, n]
                if c < best:
                    best = c
            to_go[day - 1, s] = best
    return to_go


@numba.njit(cache=True, nogil=True)
def _enumerate(cost, off_allowed, units, forbidden, max_units, max_run, min_run, min_rest, max_weekends,
               counted1, limit1, counted2, limit2, min_units, to_go, threshold, most):  # pragma: no cover
    """Depth-first listing of the schedules of cost at most ``threshold``, at most ``most``."""
    horizon, types = cost.shape
    stride_k1, stride_w, stride_u, stride_f, stride_r, stride_last, _ = state_strides(
        types, max_units, max_run, min_rest, max_weekends, limit1, limit2)
    found = np.empty((most, horizon), dtype=np.int8)
    costs = np.empty(most)
    count = 0
    state = np.zeros(horizon, dtype=np.int64)
    prefix = np.zeros(horizon)
    choice = np.full(horizon, -2, dtype=np.int64)  # the choice tried last on each day
    day = 0
    while day >= 0:
        choice[day] += 1
        if choice[day] >= types:  # every choice of this day tried: back to the day before
            choice[day] = -2
            day -= 1
            continue
        c = choice[day]
        if day == 0:
            n = start_state(c, cost, off_allowed, units, max_units, counted1, limit1, counted2, limit2,
                       stride_k1, stride_u, stride_f, stride_last)
            before = 0.0
        else:
            fields = decode_state(state[day - 1], stride_k1, stride_w, stride_u, stride_f, stride_r, stride_last)
            n = next_state(fields, day, c, cost, off_allowed, units, forbidden, max_units, max_run, min_run,
                      min_rest, max_weekends, counted1, limit1, counted2, limit2,
                      stride_k1, stride_w, stride_u, stride_f, stride_r, stride_last)
            before = prefix[day - 1]
        if n < 0:
            continue
        p = before + (0.0 if c < 0 else cost[day, c])
        if p + to_go[day, n] > threshold:
            continue
        state[day] = n
        prefix[day] = p
        if day == horizon - 1:
            if count == most:
                return found, costs, count, False
            for d in range(horizon):
                found[count, d] = choice[d]
            costs[count] = p
            count += 1
        else:
            day += 1
    return found, costs, count, True
