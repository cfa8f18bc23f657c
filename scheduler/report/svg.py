"""A small inline-SVG chart kit: bars, lines, heat maps and interval bars.

Every function returns an ``<svg>`` element as text, ready to inline in an HTML
page: no scripts, no fonts, no network. Every piece of text that reaches the
markup (titles, labels, series names, tooltips) is HTML-escaped here, so callers
may pass names straight from scenario files. Tooltips are native ``<title>``
elements. Sizes are SVG user units (CSS pixels at 100% zoom).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: Colour-blind-safe series colours (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: Plot margins: left, right, top, bottom [px].
MARGIN = (56, 16, 28, 48)
#: Bottom margin of bar charts, which have category labels but no axis title [px].
BAR_BOTTOM = 30
#: Ticks wanted on a value axis.
TICKS = 5
FONT = 'font-family="sans-serif" font-size="11"'


@dataclass(frozen=True)
class Series:
    """A named run of values (NaN = no value) drawn in one colour."""

    name: str
    values: Sequence[float]
    color: str


def esc(text: object) -> str:
    """Text escaped for HTML/SVG content and attribute values."""
    return escape(str(text), quote=True)


def nice_step(span: float, ticks: int = TICKS) -> float:
    """A 1, 2 or 5 x 10^k step that splits ``span`` into about ``ticks`` intervals."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power  # pragma: no cover  (the loop always returns)


def nice_ticks(low: float, high: float, ticks: int = TICKS) -> list[float]:
    """Round tick values covering ``[low, high]``: first <= low, last >= high."""
    if high <= low:
        high = low + 1.0
    step = nice_step(high - low, ticks)
    first = math.floor(low / step) * step
    count = math.ceil(round((high - first) / step, 9))
    return [round(first + i * step, 12) for i in range(count + 1)]


def tick_text(value: float) -> str:
    """A tick label without float noise: ``0.25``, ``10``, ``1.5k``."""
    if abs(value) >= 10000:
        return f"{value / 1000:g}k"
    return f"{value:.6g}"


def _open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" {FONT}>',
        f"<title>{esc(title)}</title>",
    ]


def _value_axis(parts: list[str], ticks: list[float], y_of, x0: float, x1: float, label: str) -> None:
    """Horizontal grid lines with tick labels, and the axis label, on the left."""
    for tick in ticks:
        y = y_of(tick)
        parts.append(f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{x0 - 4:.1f}" y="{y + 4:.1f}" text-anchor="end">{esc(tick_text(tick))}</text>')
    if label:
        mid = (y_of(ticks[0]) + y_of(ticks[-1])) / 2
        parts.append(f'<text transform="translate(12 {mid:.1f}) rotate(-90)" text-anchor="middle">{esc(label)}</text>')


#: Average width of a character of the 11 px sans-serif labels [px] (for laying out legends).
CHAR_W = 6.2
#: Height of the title line and of a legend row [px].
TITLE_H, LEGEND_ROW_H = 20, 16


def legend_layout(names: Sequence[str], x0: float, x_max: float) -> list[tuple[float, int]]:
    """Position ``(x, row)`` of each legend key, wrapping to a new row past ``x_max``."""
    places, x, row = [], x0, 0
    for name in names:
        item_w = 24 + CHAR_W * len(name)
        if x > x0 and x + item_w > x_max:
            x, row = x0, row + 1
        places.append((x, row))
        x += item_w
    return places


def _header(parts: list[str], title: str, series: Sequence[Series], x0: float, x_max: float) -> float:
    """Visible title and legend; returns the y where the plot may start."""
    parts.append(f'<text class="chart-title" x="{x0 - 40:.1f}" y="15" font-size="13" font-weight="bold">'
                 f"{esc(title)}</text>")
    places = legend_layout([s.name for s in series], x0, x_max)
    for s, (x, row) in zip(series, places, strict=True):
        y = TITLE_H + 12 + row * LEGEND_ROW_H
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{esc(s.color)}"/>')
        parts.append(f'<text x="{x + 14:.1f}" y="{y:.1f}">{esc(s.name)}</text>')
    rows = (places[-1][1] + 1) if places else 0
    return TITLE_H + rows * LEGEND_ROW_H + 14


def _finite_max(series: Sequence[Series], floor: float = 0.0) -> float:
    values = [v for s in series for v in s.values if math.isfinite(v)]
    return max([floor, *values])


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_label: str = "",
    width: int = 640,
    height: int = 260,
    value_fmt: str = "{:.0f}",
    markers: Sequence[tuple[float, str]] = (),
    divider: tuple[float, str] | None = None,
) -> str:
    """Grouped vertical bars: one group per category, one bar per series.

    ``markers`` are horizontal reference lines ``(value, label)`` (e.g. a target);
    ``divider`` is a vertical line ``(position, label)`` at a category position
    (``2.0`` = the left edge of the third category).
    """
    left, right, _, _ = MARGIN
    bottom = BAR_BOTTOM  # category labels only, no axis title
    parts = _open(width, height, title)
    top = _header(parts, title, series, left, width - right)
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = max(_finite_max(series), *(m[0] for m in markers), 0.0) or 1.0
    ticks = nice_ticks(0.0, y_max)

    def y_of(v: float) -> float:
        return top + plot_h * (1 - v / ticks[-1])

    _value_axis(parts, ticks, y_of, left, left + plot_w, y_label)
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    label_every = max(1, math.ceil(len(categories) * 40 / plot_w))
    for i, category in enumerate(categories):
        gx = left + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            value = s.values[i]
            if not math.isfinite(value):
                continue
            y = y_of(value)
            parts.append(
                f'<rect class="bar" x="{gx + j * bar_w:.1f}" y="{y:.1f}" width="{max(bar_w - 1, 0.5):.1f}" '
                f'height="{top + plot_h - y:.1f}" fill="{esc(s.color)}">'
                f"<title>{esc(category)}: {esc(s.name)} {esc(value_fmt.format(value))}</title></rect>"
            )
        if i % label_every == 0:
            parts.append(f'<text x="{left + (i + 0.5) * group_w:.1f}" y="{top + plot_h + 14:.1f}" '
                         f'text-anchor="middle">{esc(category)}</text>')
    for value, label in markers:
        y = y_of(value)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#c00" '
                     f'stroke-dasharray="5 3"/>')
        parts.append(f'<text x="{left + plot_w - 2}" y="{y - 3:.1f}" text-anchor="end" fill="#c00">{esc(label)}</text>')
    if divider is not None and 0 <= divider[0] <= len(categories):
        x = left + divider[0] * group_w
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#c00" '
                     f'stroke-dasharray="5 3"/>')
        right_half = divider[0] > 0.6 * len(categories)
        parts.append(f'<text x="{x - 3 if right_half else x + 3:.1f}" y="{top + 10}" fill="#c00" '
                     f'text-anchor="{"end" if right_half else "start"}">{esc(divider[1])}</text>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#555"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    x: Sequence[float],
    series: Sequence[Series],
    *,
    title: str,
    x_label: str = "",
    y_label: str = "",
    x_ticks: Sequence[tuple[float, str]] = (),
    width: int = 640,
    height: int = 240,
) -> str:
    """Lines over a shared numeric x; ``x_ticks`` are ``(x, label)`` pairs for the horizontal axis."""
    left, right, _, bottom = MARGIN
    parts = _open(width, height, title)
    top = _header(parts, title, series, left, width - right)
    plot_w, plot_h = width - left - right, height - top - bottom
    x_lo, x_hi = (min(x), max(x)) if len(x) else (0.0, 1.0)
    x_hi = x_hi if x_hi > x_lo else x_lo + 1.0
    ticks = nice_ticks(0.0, _finite_max(series) or 1.0)

    def x_of(v: float) -> float:
        return left + plot_w * (v - x_lo) / (x_hi - x_lo)

    def y_of(v: float) -> float:
        return top + plot_h * (1 - v / ticks[-1])

    _value_axis(parts, ticks, y_of, left, left + plot_w, y_label)
    for value, label in x_ticks:
        if x_lo <= value <= x_hi:
            parts.append(f'<text x="{x_of(value):.1f}" y="{top + plot_h + 14:.1f}" text-anchor="middle">'
                         f"{esc(label)}</text>")
    for s in series:
        points = " ".join(f"{x_of(a):.1f},{y_of(b):.1f}" for a, b in zip(x, s.values, strict=True)
                          if math.isfinite(b))
        parts.append(f'<polyline class="line" fill="none" stroke="{esc(s.color)}" stroke-width="2" '
                     f'points="{points}"><title>{esc(s.name)}</title></polyline>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#555"/>')
    if x_label:
        parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle">{esc(x_label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def heat_colour(share: float) -> str:
    """White (0) to dark blue (1) through light blue; over 1 (overtime) in orange-red."""
    if not math.isfinite(share):
        return "#f4f4f4"
    if share > 1.0:
        over = min(share - 1.0, 0.5) / 0.5
        return f"rgb({int(230 + 15 * over)},{int(120 - 80 * over)},{int(60 - 40 * over)})"
    t = max(share, 0.0)
    return f"rgb({int(255 - 222 * t)},{int(255 - 153 * t)},{int(255 - 83 * t)})"


def heatmap(
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    values: Sequence[Sequence[float]],
    *,
    title: str,
    cell_w: int = 26,
    cell_h: int = 14,
    label_w: int = 190,
    value_fmt: str = "{:.0%}",
) -> str:
    """A grid of shares coloured by :func:`heat_colour` (NaN = no session, light grey)."""
    top = 90
    width = max(label_w + cell_w * len(column_labels) + 20, 320)
    height = top + cell_h * len(row_labels) + 40
    parts = _open(width, height, title)
    parts.append(f'<text class="chart-title" x="4" y="15" font-size="13" font-weight="bold">{esc(title)}</text>')
    for j, label in enumerate(column_labels):
        x = label_w + (j + 0.5) * cell_w
        parts.append(f'<text transform="translate({x:.1f} {top - 4}) rotate(-60)">{esc(label)}</text>')
    for i, (label, row) in enumerate(zip(row_labels, values, strict=True)):
        y = top + i * cell_h
        parts.append(f'<text x="{label_w - 4}" y="{y + cell_h - 3}" text-anchor="end">{esc(label)}</text>')
        for j, value in enumerate(row):
            shown = value_fmt.format(value) if math.isfinite(value) else "no session"
            parts.append(
                f'<rect class="cell" x="{label_w + j * cell_w}" y="{y}" width="{cell_w - 1}" height="{cell_h - 1}" '
                f'fill="{heat_colour(value)}"><title>{esc(label)}, {esc(column_labels[j])}: {esc(shown)}'
                f"</title></rect>"
            )
    key_y = top + cell_h * len(row_labels) + 14
    for k, share in enumerate((0.0, 0.25, 0.5, 0.75, 1.0, 1.25)):
        x = label_w + k * 52
        parts.append(f'<rect x="{x}" y="{key_y}" width="14" height="12" fill="{heat_colour(share)}" stroke="#999"/>')
        parts.append(f'<text x="{x + 18}" y="{key_y + 10}">{share:.0%}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def interval_bar(value: float, half: float, scale: float, *, width: int = 220, height: int = 18) -> str:
    """A difference and its 95% interval on a zero-centred axis spanning ``±scale``."""
    mid = width / 2
    scale = scale if scale > 0 and math.isfinite(scale) else 1.0

    def x_of(v: float) -> float:
        return min(max(mid + (width / 2 - 6) * v / scale, 0.0), float(width))

    colour = "#888" if abs(value) <= half else "#0072B2"  # grey: the interval contains 0
    return (
        f'<svg class="interval" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"><title>{esc(f"{value:+.3g} ± {half:.3g}")}</title>'
        f'<line x1="{mid}" x2="{mid}" y1="0" y2="{height}" stroke="#999"/>'
        f'<line x1="{x_of(value - half):.1f}" x2="{x_of(value + half):.1f}" y1="{height / 2}" y2="{height / 2}" '
        f'stroke="{colour}" stroke-width="3"/>'
        f'<circle cx="{x_of(value):.1f}" cy="{height / 2}" r="4" fill="{colour}"/></svg>'
    )
