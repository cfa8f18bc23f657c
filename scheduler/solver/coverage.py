"""Patients servable inside the booking window: the solver's first aim.

Demand for day ``t`` at a site and department may be served by slots on days
``t .. t + booking_window_days`` (within the horizon) at that site and
department; its walk-in part (``simulation.walk_in_share``) only on day ``t``,
as the simulator sends walk-ins to the slots left that day. This is a
transportation problem: integer flows from demand streams (a demand row split
into walk-ins, booked patients needing an expert clinic, and the other booked
patients) to capacity cells ``(site, department, date, session, clinic)``
whose capacity is the slots of the doctors rostered there.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.model import CLINIC_TYPES, DemandForecast
from scheduler.solver.context import BuildContext, WorkKey

CellKey = tuple[str, str, dt.date, str, str]  # site, department, date, session, clinic


@dataclass(frozen=True)
class DemandStream:
    """Patients of one demand row who can use the same clinics."""

    row: DemandForecast
    patients: int
    clinics: tuple[str, ...]  #: clinic types that may serve them
    same_day: bool = False  #: walk-ins: served on the demand date only


@dataclass
class Coverage:
    """The coverage part of the model."""

    served: cp_model.LinearExprT  #: patients served inside the window
    demand_total: int  #: all demand patients of the horizon


def demand_streams(
    demand: tuple[DemandForecast, ...], walk_in_share: float = 0.0
) -> list[DemandStream]:
    """Split each demand row into walk-ins (same day, any clinic), booked patients
    needing an expert clinic, and the other booked patients."""
    streams = []
    for row in demand:
        walk_ins = round(row.patients * walk_in_share)
        booked = row.patients - walk_ins
        expert = round(booked * row.expert_share) if row.expert_share is not None else 0
        if walk_ins:
            streams.append(DemandStream(row, walk_ins, CLINIC_TYPES, same_day=True))
        if expert:
            streams.append(DemandStream(row, expert, ("expert",)))
        if booked - expert:
            streams.append(DemandStream(row, booked - expert, CLINIC_TYPES))
    return streams


def capacity_cells(ctx: BuildContext) -> dict[CellKey, list[WorkKey]]:
    """Work decisions grouped by the capacity cell their slots go to."""
    departments = {d.doctor_id: d.department for d in ctx.scenario.doctors}
    clinics = {d.doctor_id: d.clinic for d in ctx.scenario.doctors}
    cells: dict[CellKey, list[WorkKey]] = defaultdict(list)
    for key in ctx.works:
        doctor_id, date, session_id, site_id = key
        cells[(site_id, departments[doctor_id], date, session_id, clinics[doctor_id])].append(key)
    return cells


def add_coverage(ctx: BuildContext) -> Coverage:
    """Add flow variables and capacity constraints; return the served expression."""
    scenario = ctx.scenario
    window = dt.timedelta(days=scenario.targets.booking_window_days)
    last_date = scenario.dates[-1]
    cells = capacity_cells(ctx)
    most_slots = {cell: sum(ctx.slots[k] for k in keys) for cell, keys in cells.items()}
    inflow: dict[CellKey, list[cp_model.IntVar]] = defaultdict(list)
    all_flows: list[cp_model.IntVar] = []
    streams = demand_streams(scenario.demand, scenario.simulation.walk_in_share)
    for n, stream in enumerate(streams):
        row = stream.row
        flows = []
        day = row.date
        last_service_date = row.date if stream.same_day else min(row.date + window, last_date)
        while day <= last_service_date:
            sessions = (
                [row.session_id] if row.session_id else [s.session_id for s in scenario.sessions]
            )
            for session_id in sessions:
                for clinic in stream.clinics:
                    cell = (row.site_id, row.department, day, session_id, clinic)
                    if cell not in cells:
                        continue
                    flow = ctx.model.NewIntVar(
                        0, min(stream.patients, most_slots[cell]),
                        f"served(stream{n},{day},{session_id},{clinic})",
                    )
                    flows.append(flow)
                    inflow[cell].append(flow)
                    ctx.lead_flows.append((flow, (day - row.date).days))
            day += dt.timedelta(days=1)
        if flows:
            ctx.model.Add(sum(flows) <= stream.patients)
            all_flows.extend(flows)
    for cell, flows in inflow.items():
        ctx.model.Add(sum(flows) <= sum(ctx.slots[k] * ctx.works[k] for k in cells[cell]))
    return Coverage(
        served=sum(all_flows) if all_flows else 0,
        demand_total=sum(row.patients for row in scenario.demand),
    )
