"""The report page: one self-contained HTML file (inline CSS and SVG; no scripts, fonts or links).

Every name from scenario files reaches the page through :func:`~scheduler.report.svg.esc`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scheduler.compare import ComparisonResult
from scheduler.export.labels import KPI_LABELS, kpi_rows
from scheduler.model import Roster, Scenario
from scheduler.report import charts, data
from scheduler.report.svg import esc, interval_bar

STYLE = """
body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#eef2f7}td:first-child,th:first-child{text-align:left}
.met{color:#006d2c;font-weight:bold}.missed{color:#b30000;font-weight:bold}
figure{margin:8px 12px 16px 0}figcaption{font-size:12px;color:#444;max-width:700px}
.grid{display:flex;flex-wrap:wrap}.note{font-size:13px;color:#555}
.side{display:flex;flex-wrap:wrap;gap:24px}.side>div{flex:1;min-width:420px}
"""


@dataclass(frozen=True)
class ReportRun:
    """One rostered and simulated scenario, as the report needs it."""

    scenario: Scenario
    roster: Roster
    kpis: Mapping[str, float]
    visits: pd.DataFrame
    solve: Mapping[str, Any] | None = None  #: solve.json content, if the roster was solved here
    queues: pd.DataFrame | None = None  #: the simulator's queue series, if it logs one


def _number(fmt: str, value: float) -> str:
    return fmt.format(value) if math.isfinite(value) else "n/a"


def kpi_table(run: ReportRun) -> str:
    """KPIs with 95% half-widths and the scenario's targets."""
    lines = ["<table><tr><th>KPI</th><th>unit</th><th>mean</th><th>± 95%</th><th>target</th><th>met</th></tr>"]
    for row in kpi_rows(run.scenario, run.kpis):
        fmt = str(row["fmt"])
        met = "" if row["met"] is None else (
            '<span class="met">yes</span>' if row["met"] else '<span class="missed">no</span>')
        lines.append(f"<tr><td>{esc(row['label'])}</td><td>{esc(row['unit'])}</td>"
                     f"<td>{_number(fmt, float(row['value']))}</td><td>{_number(fmt, float(row['ci95']))}</td>"
                     f"<td>{esc(row['target'])}</td><td>{met}</td></tr>")
    lines.append("</table>")
    return "\n".join(lines)


def summary(run: ReportRun) -> str:
    """One paragraph: scenario, horizon, size of the roster, solver outcome."""
    s = run.scenario
    roster = run.roster
    text = (f"{len(s.doctors)} doctors, {len(s.sites)} sites ({', '.join(site.name for site in s.sites.values())}), "
            f"{s.days} days from {s.start_date.isoformat()}. Roster: {len(roster)} doctor-sessions, "
            f"{sum(a.slots for a in roster.assignments)} appointment slots, "
            f"{sum(1 for a in roster.assignments if s.session(a.session_id).evening)} evening sessions. "
            f"Simulation: {int(run.kpis.get('replications', 0))} replications, seed {int(run.kpis.get('seed', 0))}.")
    if run.solve:
        text += (f" Solver: {run.solve.get('status')}, {run.solve.get('served_within_window')} of "
                 f"{run.solve.get('demand_patients')} patients servable inside the booking window "
                 f"(no roster can serve more than {run.solve.get('served_bound')}).")
    return f"<p>{esc(text)}</p>"


def scenario_sections(run: ReportRun) -> str:
    """The charts of one scenario."""
    table = data.demand_capacity(run.scenario, run.roster, run.visits)
    label = run.scenario.name
    return "\n".join([
        "<h2>Served share and capacity against demand</h2>",
        charts.served_share_chart(run.scenario, table),
        charts.capacity_charts(run.scenario, table),
        "<h2>Wait for the doctor</h2>",
        charts.wait_chart([(label, run.visits)], run.scenario),
        "<h2>Queue length over the day</h2>",
        charts.queue_charts(run.scenario, run.visits, run.queues),
        "<h2>Doctor utilisation</h2>",
        charts.utilisation_chart(run.scenario, run.roster, run.visits),
        "<h2>Booking lead time</h2>",
        charts.lead_time_chart([(label, run.visits)], run.scenario),
    ])


def comparison_rows(rows: list, labels: Mapping[str, tuple[str, str]]) -> str:
    """A table of compared KPIs: A, B, B - A with its 95% interval and an interval bar."""
    lines = ["<table><tr><th>KPI</th><th>A</th><th>B</th><th>B - A (95% interval)</th>"
             "<th>difference (bar: 95% interval, grey when it includes 0)</th></tr>"]
    for row in rows:
        label, fmt = labels.get(row.kpi, (row.kpi, "{:.3f}"))
        scale = 1.2 * (abs(row.b_minus_a) + row.b_minus_a_ci95)
        lines.append(
            f"<tr><td>{esc(label)}</td>"
            f"<td>{_number(fmt, row.a)} ± {_number(fmt, row.a_ci95)}</td>"
            f"<td>{_number(fmt, row.b)} ± {_number(fmt, row.b_ci95)}</td>"
            f"<td>{esc(f'{row.b_minus_a:+.3g} ± {row.b_minus_a_ci95:.3g}')}</td>"
            f"<td>{interval_bar(row.b_minus_a, row.b_minus_a_ci95, scale)}</td></tr>"
        )
    lines.append("</table>")
    return "\n".join(lines)


def comparison_table(result: ComparisonResult) -> str:
    """The contract KPIs of A and B with paired differences; every other compared KPI folded below."""
    labels = {item.key: (item.label, item.fmt) for item in KPI_LABELS}
    rows = list(result.table.itertuples())
    main = [r for r in rows if r.kpi in labels]
    more = [r for r in rows if r.kpi not in labels]
    html = comparison_rows(main, labels)
    if more:
        html += (f"<details><summary>{len(more)} more KPIs of the simulation</summary>"
                 f"{comparison_rows(more, labels)}</details>")
    return html


def comparison_section(a: ReportRun, b: ReportRun, result: ComparisonResult) -> str:
    """Two scenarios side by side: headline, KPI differences with intervals, overlaid distributions."""
    runs = [(f"A: {a.scenario.name}", a.visits), (f"B: {b.scenario.name}", b.visits)]
    sides = "".join(
        f"<div><h3>{esc(tag)}: {esc(run.scenario.name)}</h3>{summary(run)}{kpi_table(run)}</div>"
        for tag, run in (("A", a), ("B", b))
    )
    return "\n".join([
        "<h2>Comparison: A and B side by side</h2>",
        f"<p><strong>{esc(result.headline)}</strong></p>",
        "<p class=\"note\">Both scenarios were simulated with the same random numbers; differences are paired "
        "replication by replication, with Student-t 95% intervals.</p>",
        comparison_table(result),
        f'<div class="side">{sides}</div>',
        '<div class="grid">',
        charts.wait_chart(runs, a.scenario),
        charts.lead_time_chart(runs, a.scenario),
        "</div>",
    ])


def render_report(run: ReportRun, compare_with: ReportRun | None = None,
                  comparison: ComparisonResult | None = None) -> str:
    """The whole page; with ``compare_with`` and ``comparison``, a comparison section comes first."""
    title = f"Outpatient roster report: {run.scenario.name}"
    body = [f"<h1>{esc(title)}</h1>", summary(run), "<h2>KPIs against targets</h2>", kpi_table(run)]
    if compare_with is not None and comparison is not None:
        body.append(comparison_section(run, compare_with, comparison))
        body.append(f"<h2>Scenario A in detail: {esc(run.scenario.name)}</h2>")
    body.append(scenario_sections(run))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width\"><title>{esc(title)}</title>"
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
