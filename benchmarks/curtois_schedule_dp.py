"""Exact least-cost schedule of one Curtois & Qu employee by dynamic programming.

The pricing problem of column generation (:mod:`benchmarks.curtois_columns`) asks,
for given costs per (day, shift), for the employee's cheapest schedule that keeps
rules 1-9 of ``FORMAT.md``. Its rules are all about the sequence of days, so a
forward dynamic programme over the days solves it exactly. A state holds

- the shift worked yesterday (or a day off),
- the length of the current run of working days or of days off (runs of days off
  capped at the minimum rest), and whether that run started on day 0 (exempt from
  the minimum run lengths, as the instance format says),
- the minutes worked so far (in units of the shift lengths' greatest common divisor),
- the weekends worked so far,
- how many shifts were worked of up to :data:`COUNTED_TYPES` shift types whose
  limit can bind (the smallest limits, as long as their product of states stays
  within :data:`MOST_COUNTER_STATES`).

The limits of other shift types are checked on the schedules found
(:meth:`ScheduleDP.cheapest` reports whether the cheapest one keeps them);
without such limits the programme's optimum is the pricing optimum, exact to the
float costs, with no rounding. Its inner loop is compiled by Numba: on instance 8,
over 90 random cover-dual vectors, a pricing solve took 4.4 ms on one core where the
CP-SAT model of the same employee took 19.3 ms
(``python -m benchmarks.curtois_pricing_speed INSTANCE``).

The same transitions, one state and one choice at a time (:func:`start_state`,
:func:`decode_state`, :func:`next_state`), serve the listing of every schedule
within a cost (:mod:`benchmarks.curtois_enumerate`); the pricing loop keeps them
inline, which made it 2.5 times as fast (2.0 against 5.1 ms a solve, as above).
The tests hold both to brute force.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from benchmarks.curtois_instance import Employee, Instance

#: Most shift types whose count is part of the state.
COUNTED_TYPES = 2
#: Most states of the counted types together (their limits + 1, multiplied).
MOST_COUNTER_STATES = 30
#: Weekdays (day % 7, day 0 being a Monday) of a weekend's Saturday and Sunday.
SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True)
class Cheapest:
    """The cheapest schedules the programme found."""

    cost: float  #: least cost of any schedule keeping the counted rules (inf if none)
    #: the cheapest schedules, cheapest first: one shift index per day, -1 for a day off
    schedules: tuple[tuple[int, ...], ...]
    #: True when the cheapest schedule also keeps every shift type's limit (its cost is then exact)
    exact: bool


class ScheduleDP:
    """One employee's schedules as a dynamic programme over the days of the horizon."""

    def __init__(self, instance: Instance, employee: Employee) -> None:
        shifts = instance.shifts
        self.horizon_days = instance.horizon_days
        self.limits = np.array([employee.max_shifts.get(s.shift_id, 0) for s in shifts], dtype=np.int64)
        unit = math.gcd(*(s.length_min for s in shifts))
        self.units = np.array([s.length_min // unit for s in shifts], dtype=np.int64)
        self.min_units = -(-employee.min_total_min // unit)
        self.max_units = min(employee.max_total_min // unit, self.horizon_days * int(self.units.max()))
        index = {s.shift_id: i for i, s in enumerate(shifts)}
        self.forbidden = np.zeros((len(shifts), len(shifts)), dtype=np.bool_)
        for i, shift in enumerate(shifts):
            for next_id in shift.forbidden_next:
                self.forbidden[i, index[next_id]] = True
        self.max_run = employee.max_consecutive_shifts
        self.min_run = employee.min_consecutive_shifts
        self.min_rest = employee.min_consecutive_days_off
        self.max_weekends = employee.max_weekends
        self.available = np.ones((self.horizon_days, len(shifts)), dtype=np.bool_)
        self.available[:, self.limits == 0] = False
        for day in instance.days_off.get(employee.employee_id, frozenset()):
            if 0 <= day < self.horizon_days:
                self.available[day, :] = False
        self.counted = self._counted_types()
        counted = list(self.counted) + [-1] * (COUNTED_TYPES - len(self.counted))
        self._counted_args = [(i, int(self.limits[i]) if i >= 0 else 0) for i in counted]
        self._shape = _shape(len(shifts), self.max_run, self.min_rest, self.max_units, self.max_weekends,
                             self._counted_args[0][1], self._counted_args[1][1])
        #: True for the final states that work at least the minimum minutes
        self._enough = np.indices(self._shape)[3].ravel() >= self.min_units

    def _counted_types(self) -> tuple[int, ...]:
        """The shift types whose counts the state holds: the tightest limits that can bind."""
        most_days = min(self.horizon_days, self.max_units // max(1, int(self.units.min())))
        binding = sorted((int(limit), i) for i, limit in enumerate(self.limits) if 0 < limit < most_days)
        counted: list[int] = []
        states = 1
        for limit, i in binding[:COUNTED_TYPES]:
            if states * (limit + 1) > MOST_COUNTER_STATES:
                break
            counted.append(i)
            states *= limit + 1
        return tuple(counted)

    def cheapest(self, cost: np.ndarray, most: int = 1, off_allowed: np.ndarray | None = None) -> Cheapest:
        """Up to ``most`` cheapest schedules under ``cost`` [penalty units per (day, shift)
        worked, days off cost nothing; ``inf`` bars the shift that day], cheapest first.
        ``off_allowed`` (one bool per day, default all True) bars days off on the days it is False."""
        cost = np.where(self.available, np.asarray(cost, dtype=np.float64), np.inf)
        if off_allowed is None:
            off_allowed = np.ones(self.horizon_days, dtype=np.bool_)
        (first, first_limit), (second, second_limit) = self._counted_args
        final, pred = _forward(cost, np.asarray(off_allowed, dtype=np.bool_), self.units, self.forbidden,
                               self.max_units, self.max_run, self.min_run, self.min_rest, self.max_weekends,
                               first, first_limit, second, second_limit)
        final = np.where(self._enough, final, np.inf)
        order = np.argsort(final, kind="stable")
        schedules = []
        for state in order[:most]:
            if not np.isfinite(final[state]):
                break
            schedules.append(_backtrack(pred, int(state), self._shape))
        least = float(final[order[0]])
        exact = not schedules or self.keeps_limits(schedules[0])
        return Cheapest(least, tuple(schedules), exact)

    def keeps_limits(self, schedule: tuple[int, ...]) -> bool:
        """True when the schedule works no shift type more often than its limit."""
        worked = np.bincount([s for s in schedule if s >= 0], minlength=len(self.limits))
        return bool(np.all(worked <= self.limits))


def _shape(types: int, max_run: int, min_rest: int, max_units: int, max_weekends: int,
           limit1: int, limit2: int) -> tuple[int, ...]:
    """Dimensions of the state: yesterday (0 = off, 1 + shift), run length - 1, run from
    day 0, units worked, weekends worked, count of the first and second counted type."""
    return (types + 1, max(max_run, min_rest, 1), 2, max_units + 1, max_weekends + 1, limit1 + 1, limit2 + 1)


def _backtrack(pred: np.ndarray, state: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shift index (-1 off) of each day on the path that ends in ``state``."""
    per_last = int(np.prod(shape[1:]))
    days = []
    for day in range(pred.shape[0] - 1, -1, -1):
        days.append(state // per_last - 1)
        state = int(pred[day, state])
    return tuple(reversed(days))


@numba.njit(cache=True, nogil=True)
def _forward(cost, off_allowed, units, forbidden, max_units, max_run, min_run, min_rest, max_weekends,
             counted1, limit1, counted2, limit2):  # pragma: no cover - compiled
    """Least cost of reaching every state after the last day, and each state's predecessor per day."""
    horizon, types = cost.shape
    stride_k1, stride_w, stride_u, stride_f, stride_r, stride_last, states = state_strides(
        types, max_units, max_run, min_rest, max_weekends, limit1, limit2)
    value = np.full(states, np.inf)
    pred = np.full((horizon, states), -1, dtype=np.int64)
    # day 0: off, or one shift; the run starts at day 0 (exempt from the minimum lengths)
    if off_allowed[0]:
        value[0 * stride_last + 0 * stride_r + 1 * stride_f] = 0.0
    for t in range(types):
        c = cost[0, t]
        if c == np.inf or units[t] > max_units:
            continue
        k1 = 1 if t == counted1 else 0
        k2 = 1 if t == counted2 else 0
        if k1 > limit1 or k2 > limit2:
            continue
        s = (t + 1) * stride_last + stride_f + units[t] * stride_u + k1 * stride_k1 + k2
        if c < value[s]:
            value[s] = c
    for day in range(1, horizon):
        weekday = day % 7
        nxt = np.full(states, np.inf)
        for s in range(states):
            v = value[s]
            if v == np.inf:
                continue
            last, r, f, u, w, k1, k2 = decode_state(s, stride_k1, stride_w, stride_u, stride_f, stride_r,
                                                    stride_last)
            base = u * stride_u + w * stride_w + k1 * stride_k1 + k2
            # a day off
            if not off_allowed[day]:
                t_state = -1
            elif last == 0:
                nr = min(r + 1, min_rest - 1) if min_rest > 0 else 0
                t_state = nr * stride_r + f * stride_f + base
            elif r + 1 >= min_run or f == 1:
                t_state = base
            else:
                t_state = -1
            if t_state >= 0 and v < nxt[t_state]:
                nxt[t_state] = v
                pred[day, t_state] = s
            # a shift
            for t in range(types):
                c = cost[day, t]
                if c == np.inf:
                    continue
                if last == 0:
                    if r + 1 < min_rest and f == 0:
                        continue
                    nr = 0
                    nf = 0
                else:
                    if forbidden[last - 1, t] or r + 1 >= max_run:
                        continue
                    nr = r + 1
                    nf = f
                nu = u + units[t]
                if nu > max_units:
                    continue
                nw = w
                if weekday == SATURDAY or (weekday == SUNDAY and last == 0):
                    nw += 1
                    if nw > max_weekends:
                        continue
                nk1 = k1 + (1 if t == counted1 else 0)
                nk2 = k2 + (1 if t == counted2 else 0)
                if nk1 > limit1 or nk2 > limit2:
                    continue
                n = (t + 1) * stride_last + nr * stride_r + nf * stride_f + nu * stride_u + nw * stride_w \
                    + nk1 * stride_k1 + nk2
                if v + c < nxt[n]:
                    nxt[n] = v + c
                    pred[day, n] = s
        value = nxt
    return value, pred


@numba.njit(cache=True, nogil=True)
def state_strides(types, max_units, max_run, min_rest, max_weekends, limit1, limit2):  # pragma: no cover - compiled
    """Strides of the state's dimensions in its flat index (:func:`_shape`) and the number of states."""
    runs = max(max_run, min_rest, 1)
    stride_k1 = limit2 + 1
    stride_w = (limit1 + 1) * stride_k1
    stride_u = (max_weekends + 1) * stride_w
    stride_f = (max_units + 1) * stride_u
    stride_r = 2 * stride_f
    stride_last = runs * stride_r
    return stride_k1, stride_w, stride_u, stride_f, stride_r, stride_last, (types + 1) * stride_last


@numba.njit(cache=True, nogil=True)
def start_state(choice, cost, off_allowed, units, max_units, counted1, limit1, counted2, limit2,
           stride_k1, stride_u, stride_f, stride_last):  # pragma: no cover - compiled
    """State after day 0 when ``choice`` (-1 off, else a shift index) is taken; -1 if barred."""
    if choice < 0:
        return stride_f if off_allowed[0] else -1
    if cost[0, choice] == np.inf or units[choice] > max_units:
        return -1
    k1 = 1 if choice == counted1 else 0
    k2 = 1 if choice == counted2 else 0
    if k1 > limit1 or k2 > limit2:
        return -1
    return (choice + 1) * stride_last + stride_f + units[choice] * stride_u + k1 * stride_k1 + k2


@numba.njit(cache=True, nogil=True)
def decode_state(s, stride_k1, stride_w, stride_u, stride_f, stride_r, stride_last):  # pragma: no cover - compiled
    """The fields of state ``s``: yesterday, run length - 1, run from day 0, units, weekends, counts."""
    last = s // stride_last
    rest = s - last * stride_last
    r = rest // stride_r
    rest -= r * stride_r
    f = rest // stride_f
    rest -= f * stride_f
    u = rest // stride_u
    rest -= u * stride_u
    w = rest // stride_w
    rest -= w * stride_w
    k1 = rest // stride_k1
    return last, r, f, u, w, k1, rest - k1 * stride_k1


@numba.njit(cache=True, nogil=True)
def next_state(fields, day, choice, cost, off_allowed, units, forbidden, max_units, max_run, min_run, min_rest,
          max_weekends, counted1, limit1, counted2, limit2,
          stride_k1, stride_w, stride_u, stride_f, stride_r, stride_last):  # pragma: no cover - compiled
    """State after ``day`` when ``choice`` (-1 off, else a shift index) is taken from the
    state of these ``fields`` (:func:`decode_state`); -1 if a rule bars it."""
    last, r, f, u, w, k1, k2 = fields
    base = u * stride_u + w * stride_w + k1 * stride_k1 + k2
    if choice < 0:
        if not off_allowed[day]:
            return -1
        if last == 0:
            nr = min(r + 1, min_rest - 1) if min_rest > 0 else 0
            return nr * stride_r + f * stride_f + base
        if r + 1 >= min_run or f == 1:
            return base
        return -1
    t = choice
    if cost[day, t] == np.inf:
        return -1
    if last == 0:
        if r + 1 < min_rest and f == 0:
            return -1
        nr = 0
        nf = 0
    else:
        if forbidden[last - 1, t] or r + 1 >= max_run:
            return -1
        nr = r + 1
        nf = f
    nu = u + units[t]
    if nu > max_units:
        return -1
    nw = w
    weekday = day % 7
    if weekday == SATURDAY or (weekday == SUNDAY and last == 0):
        nw += 1
        if nw > max_weekends:
            return -1
    nk1 = k1 + (1 if t == counted1 else 0)
    nk2 = k2 + (1 if t == counted2 else 0)
    if nk1 > limit1 or nk2 > limit2:
        return -1
    return (t + 1) * stride_last + nr * stride_r + nf * stride_f + nu * stride_u + nw * stride_w \
        + nk1 * stride_k1 + nk2
