"""CP-SAT model of a Curtois & Qu instance built on the project's sequence helpers.

Decision ``x[(employee, day, shift)]``, created only where the employee is
qualified for the shift (``MaxShifts`` > 0) and the day is not a fixed day off;
``works[employee][day]`` is the sum over the day's shifts. Hard rules use
:mod:`scheduler.solver.sequences` (runs, successions, weekends) exactly as the
hospital roster does; soft rules are named :class:`~scheduler.solver.context.Penalty`
terms (``shift_on_request``, ``shift_off_request``, ``cover_under``,
``cover_over``) summed once into the objective.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from benchmarks.curtois_instance import Instance
from scheduler.solver import sequences
from scheduler.solver.context import Penalty

XKey = tuple[str, int, str]  # employee id, day, shift id
#: Longest window [days] searched for implied caps on worked days (exhaustive, 2**n patterns).
WINDOW_CAP_DAYS = 14


@dataclass
class CurtoisModel:
    """A built model: the CP-SAT model, its decisions and its named penalty terms."""

    instance: Instance
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[XKey, cp_model.IntVar] = field(default_factory=dict)
    works: dict[str, list[sequences.Literal]] = field(default_factory=dict)
    penalties: list[Penalty] = field(default_factory=list)

    def objective_expr(self) -> cp_model.LinearExprT:
        """The instance's objective: the weighted sum of every penalty term."""
        return sum(p.weight * p.expr for p in self.penalties)

    def shifts_of(self, employee_id: str, day: int) -> list[cp_model.IntVar]:
        """Shift decisions of an employee on a day."""
        return [self.x[k] for s in self.instance.shift_ids if (k := (employee_id, day, s)) in self.x]


def _decisions(cm: CurtoisModel) -> None:
    """Create ``x`` and ``works`` with rule 1 (one shift a day) and rule 9 (days off)."""
    inst = cm.instance
    for employee in inst.employees:
        eid = employee.employee_id
        off = inst.days_off.get(eid, frozenset())
        days: list[sequences.Literal] = []
        for day in range(inst.horizon_days):
            shifts = []
            if day not in off:
                for shift_id in inst.shift_ids:
                    if employee.max_shifts.get(shift_id, 0) > 0:
                        cm.x[(eid, day, shift_id)] = cm.model.NewBoolVar(f"x({eid},{day},{shift_id})")
                        shifts.append(cm.x[(eid, day, shift_id)])
            if not shifts:
                days.append(0)
                continue
            works = cm.model.NewBoolVar(f"works({eid},{day})")
            cm.model.Add(sum(shifts) == works)
            days.append(works)
        cm.works[eid] = days


def _employee_rules(cm: CurtoisModel) -> None:
    """Rules 2-8 of every employee."""
    inst = cm.instance
    weekend_days = sequences.weekends(inst.horizon_days)
    lengths = {s.shift_id: s.length_min for s in inst.shifts}
    for employee in inst.employees:
        eid = employee.employee_id
        days = cm.works[eid]
        # 2: forbidden successions
        for shift in inst.shifts:
            for day in range(inst.horizon_days - 1):
                first = cm.x.get((eid, day, shift.shift_id))
                if first is None:
                    continue
                for next_id in shift.forbidden_next:
                    second = cm.x.get((eid, day + 1, next_id))
                    if second is not None:
                        sequences.forbid_succession(cm.model, first, second)
        # 3: shifts per type
        for shift_id, limit in employee.max_shifts.items():
            own = [v for d in range(inst.horizon_days) if (v := cm.x.get((eid, d, shift_id))) is not None]
            if len(own) > limit:
                cm.model.Add(sum(own) <= limit)
        # 4: total minutes
        minutes = sum(lengths[k[2]] * v for k, v in cm.x.items() if k[0] == eid)
        cm.model.Add(minutes <= employee.max_total_min)
        cm.model.Add(minutes >= employee.min_total_min)
        # 5-7: runs of shifts and of days off
        sequences.max_consecutive(cm.model, days, employee.max_consecutive_shifts)
        sequences.min_consecutive(cm.model, days, employee.min_consecutive_shifts, exempt_boundary=True)
        sequences.min_consecutive_off(cm.model, days, employee.min_consecutive_days_off, exempt_boundary=True)
        # 8: weekends
        worked = [
            sequences.weekend_worked(cm.model, [days[d] for d in weekend], f"weekend({eid},{weekend[0]})")
            for weekend in weekend_days
        ]
        if len(worked) > employee.max_weekends:
            cm.model.Add(sum(worked) <= employee.max_weekends)


def _soft_rules(cm: CurtoisModel) -> None:
    """Requests and cover as named penalty terms."""
    inst = cm.instance
    for request in inst.on_requests:
        var = cm.x.get((request.employee_id, request.day, request.shift_id))
        subject = f"{request.employee_id},{request.day},{request.shift_id}"
        cm.penalties.append(Penalty("shift_on_request", subject, 1 - var if var is not None else 1, request.weight))
    for request in inst.off_requests:
        var = cm.x.get((request.employee_id, request.day, request.shift_id))
        if var is not None:
            subject = f"{request.employee_id},{request.day},{request.shift_id}"
            cm.penalties.append(Penalty("shift_off_request", subject, var, request.weight))
    for cover in inst.cover:
        staff = [v for e in inst.employees if (v := cm.x.get((e.employee_id, cover.day, cover.shift_id))) is not None]
        subject = f"{cover.day},{cover.shift_id}"
        under = cm.model.NewIntVar(0, cover.requirement, f"cover_under({subject})")
        over = cm.model.NewIntVar(0, max(0, len(staff) - cover.requirement), f"cover_over({subject})")
        cm.model.Add(sum(staff) + under - over == cover.requirement)
        cm.penalties.append(Penalty("cover_under", subject, under, cover.weight_under))
        cm.penalties.append(Penalty("cover_over", subject, over, cover.weight_over))


def _redundant(cm: CurtoisModel) -> None:
    """Implied constraints that tighten the linear relaxation.

    No window holds more worked days than the run rules allow
    (:func:`~scheduler.solver.sequences.window_caps`); each employee works at
    least ``ceil(MinTotalMinutes / longest shift)`` and at most
    ``floor(MaxTotalMinutes / shortest shift)`` days.
    """
    inst = cm.instance
    for employee in inst.employees:
        qualified = [inst.shift(s).length_min for s, limit in employee.max_shifts.items() if limit > 0]
        if not qualified:
            continue
        days = cm.works[employee.employee_id]
        sequences.cap_worked_in_windows(cm.model, days, sequences.window_caps(
            employee.max_consecutive_shifts, employee.min_consecutive_shifts, employee.min_consecutive_days_off,
            WINDOW_CAP_DAYS))
        worked = [d for d in days if not isinstance(d, int)]
        cm.model.Add(sum(worked) >= -(-employee.min_total_min // max(qualified)))
        cm.model.Add(sum(worked) <= employee.max_total_min // min(qualified))


def employee_rules(instance: Instance) -> CurtoisModel:
    """Decisions and every employee's hard rules (1-9) with their implied
    constraints; no cover, requests or objective (the pricing model of
    :mod:`benchmarks.curtois_columns` is this, for one employee)."""
    cm = CurtoisModel(instance)
    _decisions(cm)
    _employee_rules(cm)
    _redundant(cm)
    return cm


def build_curtois_model(instance: Instance) -> CurtoisModel:
    """Encode ``instance``: hard rules 1-9 as constraints, the objective to minimise."""
    cm = employee_rules(instance)
    _soft_rules(cm)
    cm.model.Minimize(cm.objective_expr())
    return cm


def held_model(cm: CurtoisModel, roster: frozenset[XKey], held: Callable[[XKey], bool],
               hint: bool = True) -> cp_model.CpModel:
    """A copy of the model with every decision whose key is ``held`` fixed to its value in
    ``roster`` (by its domain, which presolve removes) and, with ``hint``, every decision
    hinted from it. The built model itself is left unchanged.

    The copy costs a proto copy, not a model build (0.15 s on instance 8), so one
    built model serves every neighbourhood and completion of a search.
    """
    model = cm.model.Clone()
    for key, variable in cm.x.items():
        value = int(key in roster)
        if held(key):
            domain = model.Proto().variables[variable.Index()].domain
            domain[0] = domain[1] = value
        if hint:
            model.AddHint(model.get_bool_var_from_proto_index(variable.Index()), value)
    return model


def penalties_of(instance: Instance, assignments: Iterable[XKey]) -> dict[str, int]:
    """Weighted penalty per soft rule of a roster (the objective is their sum)."""
    worked = set(assignments)
    on = sum(r.weight for r in instance.on_requests if (r.employee_id, r.day, r.shift_id) not in worked)
    off = sum(r.weight for r in instance.off_requests if (r.employee_id, r.day, r.shift_id) in worked)
    staffed: dict[tuple[int, str], int] = {}
    for _, day, shift_id in assignments:
        staffed[(day, shift_id)] = staffed.get((day, shift_id), 0) + 1
    under = over = 0
    for cover in instance.cover:
        n = staffed.get((cover.day, cover.shift_id), 0)
        under += cover.weight_under * max(0, cover.requirement - n)
        over += cover.weight_over * max(0, n - cover.requirement)
    return {"shift_on_request": on, "shift_off_request": off, "cover_under": under, "cover_over": over}
