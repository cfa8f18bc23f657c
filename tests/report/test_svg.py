"""The inline-SVG chart kit: round ticks, escaping of every text, geometry of bars and cells."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.report.svg import (
    Series,
    bar_chart,
    heat_colour,
    heatmap,
    interval_bar,
    legend_layout,
    line_chart,
    nice_step,
    nice_ticks,
)

HOSTILE = '<script>alert("x")</script> & co'


@given(st.floats(min_value=-1e6, max_value=1e6), st.floats(min_value=1e-3, max_value=1e6))
def test_ticks_cover_the_range_with_a_round_step(low: float, span: float) -> None:
    """First tick <= low, last >= high, equal 1/2/5 x 10^k steps, at most a dozen ticks."""
    high = low + span
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low + 1e-9 * max(1, abs(low)) and ticks[-1] >= high - 1e-9 * max(1, abs(high))
    step = nice_step(high - low)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 5, 10))
    assert all(math.isclose(b - a, step, rel_tol=1e-6, abs_tol=1e-9) for a, b in zip(ticks, ticks[1:], strict=False))
    assert 2 <= len(ticks) <= 12


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0, 100, [0, 20, 40, 60, 80, 100]), (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1.0]), (0, 7, [0, 2, 4, 6, 8]),
     (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1.0])],
)
def test_ticks_of_common_ranges(low: float, high: float, expected: list[float]) -> None:
    """Familiar ranges get familiar ticks; an empty range becomes 0..1."""
    assert nice_ticks(low, high) == pytest.approx(expected)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: bar_chart([HOSTILE], [Series(HOSTILE, [1.0], "#000")], title=HOSTILE, y_label=HOSTILE,
                          markers=[(0.5, HOSTILE)], divider=(0.5, HOSTILE)),
        lambda: line_chart([0, 1], [Series(HOSTILE, [1.0, 2.0], "#000")], title=HOSTILE, x_label=HOSTILE,
                           y_label=HOSTILE, x_ticks=[(0, HOSTILE)]),
        lambda: heatmap([HOSTILE], [HOSTILE], [[0.5]], title=HOSTILE),
    ],
)
def test_every_text_is_escaped(draw) -> None:
    """No raw markup from names reaches the SVG; the escaped text does."""
    svg = draw()
    assert "<script" not in svg and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in svg


def test_bars_are_proportional_to_values() -> None:
    """A bar twice the value is twice as tall; NaN draws no bar."""
    svg = bar_chart(["a", "b", "c"], [Series("s", [1.0, 2.0, math.nan], "#123456")], title="t")
    heights = [float(h) for h in re.findall(r'class="bar"[^>]*height="([\d.]+)"', svg)]
    assert len(heights) == 2 and heights[1] == pytest.approx(2 * heights[0], rel=0.01)


def test_heatmap_draws_one_cell_per_value_with_its_colour() -> None:
    """Cells in row order; NaN is the 'no session' grey; over 100% is warm."""
    svg = heatmap(["d1", "d2"], ["Mon AM", "Mon PM"], [[0.0, 1.0], [math.nan, 1.3]], title="t")
    fills = re.findall(r'class="cell"[^>]*fill="([^"]+)"', svg)
    assert fills == [heat_colour(0.0), heat_colour(1.0), heat_colour(math.nan), heat_colour(1.3)]
    assert heat_colour(0.0) == "rgb(255,255,255)" and heat_colour(math.nan) == "#f4f4f4"
    red, _, blue = (int(x) for x in re.findall(r"\d+", heat_colour(1.3)))
    assert red > blue


def test_legend_wraps_when_a_row_is_full() -> None:
    """Keys go left to right and start a new row when the next would pass the edge."""
    places = legend_layout(["a" * 10, "b" * 10, "c" * 10], 0, 200)
    assert [row for _, row in places] == [0, 0, 1]
    assert places[2][0] == 0


def test_interval_bar_is_grey_when_it_contains_zero() -> None:
    """A difference whose interval includes 0 is drawn grey, else in colour."""
    assert 'stroke="#888"' in interval_bar(0.1, 0.5, 1.0)
    assert 'stroke="#888"' not in interval_bar(0.6, 0.5, 1.0)
