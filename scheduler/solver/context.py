"""The CP-SAT model under construction: decision variables and their index.

The decision is ``works[(doctor_id, date, session_id, site_id)]``: the doctor
holds that session at that site. Rooms are not decided here: rooms of a site
are interchangeable within their department (or shared), so the room rule
is a count per site and session, and rooms are numbered after solving
(:mod:`scheduler.solver.extract`). A variable exists only where the
domain rules (:func:`scheduler.solver.hard_rules.forbidding_rule`) allow it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.model import Doctor, Scenario, SessionTemplate
from scheduler.slots import session_slots

WorkKey = tuple[str, dt.date, str, str]  # doctor_id, date, session_id, site_id
JointKey = tuple[str, dt.date, str]  # joint clinic name, date, session_id
SeatKey = tuple[str, str, dt.date, str]  # joint clinic name, doctor_id, date, session_id


def seven_day_windows(dates: Sequence[dt.date]) -> list[list[dt.date]]:
    """Every run of 7 consecutive dates of the horizon (the whole horizon if shorter)."""
    if len(dates) <= 7:
        return [list(dates)]
    return [list(dates[i : i + 7]) for i in range(len(dates) - 6)]


@dataclass(frozen=True)
class AtLeast:
    """A requirement 'at least ``target`` of these work decisions' (for explanations)."""

    keys: tuple[WorkKey, ...]
    target: int
    subject: object  #: the scenario rule it comes from (e.g. a PartnerSupport)
    window: tuple[dt.date, ...]  #: the 7-day window it applies to


@dataclass
class Penalty:
    """One soft-rule term: ``weight * expr``, named after its rule and subject."""

    rule: str
    subject: str
    expr: cp_model.LinearExprT
    weight: int


@dataclass
class BuildContext:
    """Everything the rule functions need while the model is built."""

    scenario: Scenario
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    works: dict[WorkKey, cp_model.IntVar] = field(default_factory=dict)
    slots: dict[WorkKey, int] = field(default_factory=dict)
    #: requirement literals used as solver assumptions, with their words
    requirements: dict[int, str] = field(default_factory=dict)
    #: requirement literal index -> what it asks, where an explanation can measure the shortfall
    requirement_terms: dict[int, AtLeast] = field(default_factory=dict)
    #: joint clinics: held(clinic, date, session) and seat(clinic, doctor, date, session)
    joint_held: dict[JointKey, cp_model.IntVar] = field(default_factory=dict)
    joint_seats: dict[SeatKey, cp_model.IntVar] = field(default_factory=dict)
    joint_built: bool = False
    #: coverage flows (patients) with their lead: visit date - demand date [days]
    lead_flows: list[tuple[cp_model.IntVar, int]] = field(default_factory=list)
    #: shared rooms a department uses beyond its own, per site and session, with their most
    shared_used: list[tuple[cp_model.IntVar, int]] = field(default_factory=list)
    #: phase 1's tie-break cost of a shared room-session, in patient-days (0: none); a
    #: department block of a hospital sets it so its relaxed roster leaves shared rooms free
    shared_room_cost: int = 0

    # --- indexes over ``works`` (built once by :meth:`index`) ---------------
    by_doctor: dict[str, list[WorkKey]] = field(default_factory=lambda: defaultdict(list))
    by_doctor_day: dict[tuple[str, dt.date], list[WorkKey]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_doctor_session: dict[tuple[str, dt.date, str], list[WorkKey]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_site_session: dict[tuple[str, dt.date, str], list[WorkKey]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def index(self) -> None:
        """Fill the lookup tables from ``works``."""
        for key in self.works:
            doctor_id, date, session_id, site_id = key
            self.by_doctor[doctor_id].append(key)
            self.by_doctor_day[(doctor_id, date)].append(key)
            self.by_doctor_session[(doctor_id, date, session_id)].append(key)
            self.by_site_session[(site_id, date, session_id)].append(key)

    def add_work_variable(
        self, doctor: Doctor, date: dt.date, session: SessionTemplate, site_id: str
    ) -> None:
        """Create the decision 'doctor holds this session at this site'."""
        key = (doctor.doctor_id, date, session.session_id, site_id)
        self.works[key] = self.model.NewBoolVar(
            f"works({doctor.doctor_id},{date},{session.session_id},{site_id})"
        )
        self.slots[key] = session_slots(
            session, self.scenario.departments[doctor.department], doctor.clinic
        )

    def sum_works(self, keys: Iterable[WorkKey]) -> cp_model.LinearExprT:
        """Sum of the work literals of ``keys``."""
        return sum(self.works[k] for k in keys)

    def require(self, name: str) -> cp_model.IntVar:
        """A literal that switches a hard requirement on, for infeasibility cores."""
        literal = self.model.NewBoolVar(f"requirement({name})")
        self.requirements[literal.Index()] = name
        return literal
