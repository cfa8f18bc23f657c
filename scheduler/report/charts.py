"""Each chart of the report: data from :mod:`scheduler.report.data`, drawn with :mod:`scheduler.report.svg`.

Every function returns HTML (``<figure>`` elements with inline SVG and an
escaped caption).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from scheduler.export.labels import department_label, doctor_label
from scheduler.model import Roster, Scenario, format_hhmm
from scheduler.report import data
from scheduler.report.svg import PALETTE, Series, bar_chart, esc, heatmap, line_chart

#: Days shown beyond the booking window in the lead-time histogram, at least [days].
MIN_LEAD_BEYOND_DAYS = 3
#: Colours of the stations in queue charts.
STATION_COLOURS = {"registration": PALETTE[0], "consultation": PALETTE[5], "payment": PALETTE[2],
                   "cashier": PALETTE[2]}


def figure(svg: str, caption: str) -> str:
    """A chart with its caption (caption text is escaped), as wide as the chart."""
    width = re.search(r'width="(\d+)"', svg)
    style = f' style="max-width:{width.group(1)}px"' if width else ""
    return f"<figure{style}>{svg}<figcaption>{esc(caption)}</figcaption></figure>"


def _day(date) -> str:
    return f"{date:%a %d}"


def served_share_chart(scenario: Scenario, table: pd.DataFrame) -> str:
    """Share of each day's demand seen or booked inside the window, by department."""
    dates = list(scenario.dates)
    series = []
    for k, department in enumerate(scenario.departments):
        rows = table[table["department"] == department].set_index("date")
        series.append(Series(department_label(department),
                             [float(rows.loc[d, "served_share"]) * 100 for d in dates], PALETTE[k % len(PALETTE)]))
    target = scenario.targets.booking_window_share * 100
    svg = bar_chart([_day(d) for d in dates], series, title="Served share by department and day",
                    y_label="% of the day's demand", value_fmt="{:.1f}%", width=max(640, 60 * len(dates) + 120),
                    markers=[(target, f"target {target:.0f}%")])
    return figure(svg, "Share of each day's patients seen or booked within "
                       f"{scenario.targets.booking_window_days} days (walk-ins seen on the day count), "
                       "mean over replications. The dashed line is the scenario's target.")


def capacity_charts(scenario: Scenario, table: pd.DataFrame) -> str:
    """Small multiples: demand, rostered slots and slots used per day, one chart per department."""
    dates = list(scenario.dates)
    parts = []
    for department in scenario.departments:
        rows = table[table["department"] == department].set_index("date")
        series = [
            Series("demand", [float(rows.loc[d, "demand"]) for d in dates], "#999999"),
            Series("rostered slots", [float(rows.loc[d, "capacity"]) for d in dates], PALETTE[0]),
            Series("slots used", [float(rows.loc[d, "used"]) for d in dates], PALETTE[1]),
        ]
        svg = bar_chart([_day(d) for d in dates], series, y_label="patients / slots", width=460, height=220,
                        title=f"Capacity against demand: {department_label(department)}")
        parts.append(figure(svg, f"{department_label(department)}: forecast patients wanting each day, "
                                 "appointment slots rostered, and slots used (seen or no-show) per replication."))
    return '<div class="grid">' + "".join(parts) + "</div>"


def wait_chart(runs: Sequence[tuple[str, pd.DataFrame]], scenario: Scenario) -> str:
    """Distribution of the wait for the doctor, per run (label, visits), split by channel for one run."""
    upper = data.wait_upper_min(*(v for _, v in runs))
    series = []
    if len(runs) == 1:
        visits = data.seen(runs[0][1])
        for k, channel in enumerate(("booked", "walk_in")):
            waits = visits[visits["channel"] == channel]["wait_min"].to_numpy(dtype=float)
            edges, shares = data.histogram(waits, data.WAIT_BIN_MIN, upper)
            series.append(Series(f"{channel.replace('_', '-')} ({waits.size / data.replications(runs[0][1]):.0f}"
                                 " patients/replication)", list(shares * 100), PALETTE[k]))
    else:
        for k, (label, visits) in enumerate(runs):
            edges, shares = data.histogram(data.seen(visits)["wait_min"].to_numpy(dtype=float), data.WAIT_BIN_MIN,
                                           upper)
            series.append(Series(label, list(shares * 100), PALETTE[k]))
    labels = [f"{e:.0f}" for e in edges]
    labels[-1] += "+"
    target = scenario.targets.p90_wait_min
    svg = bar_chart(labels, series, title="Wait for the doctor", y_label="% of patients", value_fmt="{:.1f}%",
                    width=700, divider=(target / data.WAIT_BIN_MIN, f"p90 target {target:g} min"))
    return figure(svg, "Minutes from joining the consultation queue to seeing the doctor, in "
                       f"{data.WAIT_BIN_MIN}-minute bins (last bin: all longer waits), seen patients over all "
                       "replications.")


def lead_time_chart(runs: Sequence[tuple[str, pd.DataFrame]], scenario: Scenario) -> str:
    """Distribution of booking lead days (slot date - wanted date) of booked patients."""
    leads = [data.booked_lead_days(v) for _, v in runs]
    window = scenario.targets.booking_window_days
    longest = max([window + MIN_LEAD_BEYOND_DAYS, *(int(x.max()) + 1 for x in leads if x.size)])
    series = []
    for k, ((label, _), values) in enumerate(zip(runs, leads, strict=True)):
        _, shares = data.histogram(values, 1.0, longest + 1)
        series.append(Series(label, list(shares * 100), PALETTE[k]))
    svg = bar_chart([str(d) for d in range(longest + 1)], series, title="Booking lead time",
                    y_label="% of booked patients", value_fmt="{:.1f}%", width=700,
                    divider=(window + 1, f"booking window {window} days"))
    return figure(svg, "Days between the day a booked patient wanted and the day of the slot they got "
                       "(0 = the day wanted); patients right of the dashed line wait beyond the booking window.")


def station_colours(names: Sequence[str]) -> dict[str, str]:
    """A distinct colour per station: the fixed ones first, then unused palette colours."""
    colours = {n: STATION_COLOURS[n] for n in names if n in STATION_COLOURS}
    spare = [c for c in PALETTE if c not in colours.values()]
    for name in names:
        if name not in colours:
            colours[name] = spare.pop(0) if spare else "#777777"
    return colours


def queue_charts(scenario: Scenario, visits: pd.DataFrame, log: pd.DataFrame | None = None) -> str:
    """Queue length over the day (``log``: the simulator's queue series, if any).

    One chart of the consultation queues with a line per site, then one chart
    per site of its other stations (registration, payment, ...), each on its
    own scale so short queues stay visible beside long consultation queues.
    """
    times, series = data.queue_series(visits, log)
    if not series:
        return '<p class="note">No patient was seen, so there are no queues to show.</p>'
    ticks = [(float(t), format_hhmm(int(t))) for t in times if t % 120 == 0]

    def site_name(site_id: str) -> str:
        return scenario.sites[site_id].name if site_id in scenario.sites else site_id

    def chart(title: str, lines: list[Series], caption: str) -> str:
        svg = line_chart(list(times), lines, title=title, x_label="time of day", y_label="patients waiting",
                         x_ticks=ticks, width=560)
        peak = max(float(np.max(s.values)) for s in lines)
        return figure(svg, f"{caption} Mean over site-days and replications (peak {peak:.1f}).")

    parts = []
    consultation = [(site_id, stations["consultation"]) for site_id, stations in series.items()
                    if "consultation" in stations]
    if consultation:
        lines = [Series(site_name(site_id), list(values), PALETTE[k % len(PALETTE)])
                 for k, (site_id, values) in enumerate(consultation)]
        parts.append(chart("Consultation queues over the day", lines,
                           "Patients waiting for a doctor (own doctor's and walk-in queues together), per site."))
    for site_id, stations in series.items():
        others = {name: values for name, values in stations.items() if name != "consultation"}
        if others:
            colours = station_colours(list(others))
            lines = [Series(name, list(values), colours[name]) for name, values in others.items()]
            parts.append(chart(f"Station queues over the day: {site_name(site_id)}", lines,
                               f"{site_name(site_id)}: patients waiting at each shared station."))
    drawn = {station for stations in series.values() for station in stations}
    if "cashier" in drawn:  # the simulator's log names the payment station 'cashier'
        drawn.add("payment")
    missing = sorted(set(data.STATION_COLUMNS) - drawn)
    note = (f'<p class="note">No queue recorded for: {esc(", ".join(missing))}.</p>'
            if missing else "")
    return '<div class="grid">' + "".join(parts) + "</div>" + note


def utilisation_chart(scenario: Scenario, roster: Roster, visits: pd.DataFrame) -> str:
    """Heat map: each doctor's consulting time over rostered time per session."""
    doctors, columns, grid = data.utilisation_grid(scenario, roster, visits)
    if not doctors:
        return '<p class="note">The roster has no sessions.</p>'
    rows = [f"{doctor_label(scenario.doctor(d))}, {department_label(scenario.doctor(d).department)}" for d in doctors]
    cols = [f"{date:%a %d} {session}" for date, session in columns]
    svg = heatmap(rows, cols, grid.tolist(), title="Doctor utilisation", label_w=min(
        330, 40 + 6 * max(len(r) for r in rows)))
    busy = grid[np.isfinite(grid)]
    over = int((busy > 1.0).sum())
    mean = float(busy.mean()) if busy.size else math.nan
    return figure(svg, f"Consultation minutes over rostered session minutes, per doctor and session, mean over "
                       f"replications (mean {mean:.0%}; {over} doctor-sessions over 100% run into overtime). "
                       "Grey: no session.")
