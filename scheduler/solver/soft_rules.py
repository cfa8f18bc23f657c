"""Soft rules: one function per rule, each returning named penalty terms.

Each function has the signature ``(ctx) -> list[Penalty]``; the weight of a
rule comes from :class:`~scheduler.model.SoftRuleWeights` under the same name,
so ``solve.json`` can report each rule's weight and penalty. The objective
sums them once (:mod:`scheduler.solver.build`). Coverage of demand inside the
booking window is the first soft rule, with a weight that dominates the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from scheduler.solver.context import BuildContext, Penalty

PenaltyFunction = Callable[[BuildContext], list[Penalty]]


@dataclass(frozen=True)
class SoftRule:
    """A named soft rule and the function that builds its penalties."""

    name: str  #: also the field of SoftRuleWeights holding its weight
    description: str
    penalties: PenaltyFunction


def _weight(ctx: BuildContext, name: str) -> int:
    return int(getattr(ctx.scenario.solver.weights, name))


def unsocial_fairness(ctx: BuildContext) -> list[Penalty]:
    """Spread (max - min) of evening, and of weekend/holiday, sessions among the
    eligible doctors of each department: unsocial hours shared fairly.

    A doctor's load counts the sessions already worked in earlier weeks
    (history.csv), so over several weeks the doctors who did fewer get more.
    """
    scenario = ctx.scenario
    weight = _weight(ctx, "unsocial_fairness")
    penalties: list[Penalty] = []
    kinds = {
        "evening": (
            lambda doctor: doctor.evening,
            lambda key: scenario.session(key[2]).evening,
            lambda past: past.evening_sessions,
        ),
        "weekend": (
            lambda doctor: doctor.weekend,
            lambda key: scenario.is_weekend_or_holiday(key[1]),
            lambda past: past.weekend_sessions,
        ),
    }
    for kind, (eligible, counts, earlier) in kinds.items():
        groups: dict[str, list] = defaultdict(list)
        for doctor in scenario.doctors:
            keys = [k for k in ctx.by_doctor.get(doctor.doctor_id, []) if counts(k)]
            past = scenario.history.get(doctor.doctor_id)
            if eligible(doctor) and keys:
                groups[doctor.department].append((keys, earlier(past) if past is not None else 0))
        for department, doctor_keys in groups.items():
            if len(doctor_keys) < 2:
                continue
            most = max(len(keys) + before for keys, before in doctor_keys)  # highest load possible
            loads = []
            for keys, before in doctor_keys:
                load = ctx.model.NewIntVar(before, before + len(keys), "")
                ctx.model.Add(load == before + ctx.sum_works(keys))
                loads.append(load)
            high = ctx.model.NewIntVar(0, most, f"unsocial_fairness({kind},{department}).max")
            low = ctx.model.NewIntVar(0, most, f"unsocial_fairness({kind},{department}).min")
            ctx.model.AddMaxEquality(high, loads)
            ctx.model.AddMinEquality(low, loads)
            penalties.append(Penalty("unsocial_fairness", f"{kind},{department}", high - low, weight))
    return penalties


def away_from_home_site(ctx: BuildContext) -> list[Penalty]:
    """Sessions held at a site other than the doctor's home site."""
    weight = _weight(ctx, "away_from_home_site")
    home = {d.doctor_id: d.home_site for d in ctx.scenario.doctors}
    return [
        Penalty("away_from_home_site", f"{key[0]},{key[1]},{key[2]}", var, weight)
        for key, var in ctx.works.items()
        if key[3] != home[key[0]]
    ]


def site_change(ctx: BuildContext) -> list[Penalty]:
    """Doctor-days spent at more than one site (each extra site counts once)."""
    weight = _weight(ctx, "site_change")
    penalties = []
    for (doctor_id, date), keys in ctx.by_doctor_day.items():
        sites = sorted({k[3] for k in keys})
        if len(sites) < 2:
            continue
        present = []
        for site in sites:
            at_site = ctx.model.NewBoolVar(f"present({doctor_id},{date},{site})")
            for k in keys:
                if k[3] == site:
                    ctx.model.AddImplication(ctx.works[k], at_site)
            present.append(at_site)
        changes = ctx.model.NewIntVar(0, len(sites) - 1, f"site_change({doctor_id},{date})")
        ctx.model.Add(changes >= sum(present) - 1)
        penalties.append(Penalty("site_change", f"{doctor_id},{date}", changes, weight))
    return penalties


def doctor_request(ctx: BuildContext) -> list[Penalty]:
    """Requests in requests.csv not honoured: a session worked that was asked off,
    or a requested session (or day) not worked."""
    weight = _weight(ctx, "doctor_request")
    penalties = []
    for request in ctx.scenario.requests:
        keys = [
            k
            for k in ctx.by_doctor_day.get((request.doctor_id, request.date), [])
            if request.session_id in (None, k[2])
        ]
        subject = f"{request.doctor_id},{request.date},{request.session_id or 'day'}"
        if not keys:
            continue  # nothing can be worked then: an 'off' request holds; an 'on' one cannot
        if request.wants_on:
            missed = ctx.model.NewBoolVar(f"doctor_request({subject}).missed")
            ctx.model.AddBoolOr([missed] + [ctx.works[k] for k in keys])
            penalties.append(Penalty("doctor_request", subject, missed, weight))
        else:
            penalties.append(Penalty("doctor_request", subject, ctx.sum_works(keys), weight))
    return penalties


def session_rostered(ctx: BuildContext) -> list[Penalty]:
    """Every rostered doctor-session: among equally good rosters, prefer fewer idle sessions."""
    weight = _weight(ctx, "session_rostered")
    return [
        Penalty("session_rostered", f"{key[0]},{key[1]},{key[2]}", var, weight)
        for key, var in ctx.works.items()
    ]


def booking_lead(ctx: BuildContext) -> list[Penalty]:
    """Patient-days of waiting: each coverage flow times its lead (visit date - demand
    date, days), so capacity goes where and when demand arises (e.g. the Monday peak)."""
    terms = [(flow, lead) for flow, lead in ctx.lead_flows if lead > 0]
    if not terms:
        return []
    expr = sum(lead * flow for flow, lead in terms)
    return [Penalty("booking_lead", "patient-days", expr, _weight(ctx, "booking_lead"))]


SOFT_RULES: tuple[SoftRule, ...] = (
    SoftRule("unsocial_fairness", "evening and weekend sessions shared fairly", unsocial_fairness),
    SoftRule("away_from_home_site", "doctors at their home site", away_from_home_site),
    SoftRule("site_change", "few site changes within a day", site_change),
    SoftRule("doctor_request", "doctors' requests honoured", doctor_request),
    SoftRule("session_rostered", "no idle sessions", session_rostered),
    SoftRule("booking_lead", "demand served soon after it arises", booking_lead),
)
