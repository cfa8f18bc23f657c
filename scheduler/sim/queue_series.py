"""Queue length over the day: time-averaged and maximum queue per clock bin, per queue.

A queue's log is the list of ``(time [min], patients waiting)`` at every change
(:data:`scheduler.sim.day.QueueLog`), the queue being empty before the first
change. Bins are aligned to the clock: bin ``k`` covers ``[k * width, (k+1) *
width)`` minutes after midnight, so bins of different replications line up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import pandas as pd

from scheduler.model import format_hhmm
from scheduler.sim.plan import date_of

#: A series key: (date ordinal, site_id, queue name).
SeriesKey = tuple[int, str, str]


@dataclass(frozen=True)
class Binned:
    """One queue's bins: the first bin's index and per-bin mean and maximum length."""

    first_bin: int
    mean: np.ndarray  #: time-averaged patients waiting in each bin [-]
    max: np.ndarray  #: most patients waiting at any moment of each bin [-]


def _columns(log: list[tuple[float, int]]) -> tuple[np.ndarray, np.ndarray]:
    """A log's change times [min] and queue lengths [patients] as float arrays."""
    table = np.fromiter(chain.from_iterable(log), dtype=float, count=2 * len(log)).reshape(-1, 2)
    return table[:, 0], table[:, 1]


def log_area(log: list[tuple[float, int]], until_min: float) -> tuple[float, float, int]:
    """(patient-minutes waited, minutes from the first change to ``until_min``, longest queue)."""
    if not log:
        return 0.0, 0.0, 0
    times, lengths = _columns(log)
    stop = max(until_min, float(times[-1]))
    widths = np.diff(np.append(times, stop))
    return float(widths @ lengths), stop - float(times[0]), int(lengths.max())


def bin_log(log: list[tuple[float, int]], width_min: float, until_min: float) -> Binned | None:
    """Bin a queue log up to ``until_min`` [min]; None for a queue nobody waited in."""
    if not log:
        return None
    times, lengths = _columns(log)
    stop = max(until_min, float(times[-1]))
    first = int(math.floor(times[0] / width_min))
    last = max(first + 1, int(math.ceil(stop / width_min)))
    edges = np.arange(first, last + 1, dtype=float) * width_min
    # cumulative patient-minutes: piecewise linear between changes, exact at the edges
    knots = np.append(times, max(stop, edges[-1]))
    area = np.concatenate(([0.0], np.cumsum(np.diff(knots) * lengths)))
    cumulative = np.interp(edges, knots, area, left=0.0)
    mean = np.diff(cumulative) / width_min
    # longest queue in a bin: the level on entering it, or any level set inside it
    level_at_edge = np.concatenate(([0.0], lengths))[np.searchsorted(times, edges[:-1], side="right")]
    peak = level_at_edge.copy()
    bins = np.minimum(((times / width_min).astype(np.int64) - first), len(peak) - 1)
    np.maximum.at(peak, bins, lengths)
    return Binned(first, mean, peak)


@dataclass
class SeriesSum:
    """Sum of per-bin means and maximum of per-bin maxima over replications, per queue."""

    width_min: float
    #: queue -> (first bin, summed means, maxima), aligned bins
    series: dict[SeriesKey, tuple[int, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def add(self, key: SeriesKey, binned: Binned | None) -> None:
        """Add one replication's bins of one queue."""
        if binned is not None:
            self._fold(key, binned.first_bin, binned.mean, binned.max)

    def _fold(self, key: SeriesKey, first: int, mean: np.ndarray, peak: np.ndarray) -> None:
        held = self.series.get(key)
        if held is None:
            self.series[key] = (first, mean.copy(), peak.copy())
            return
        start, sums, maxima = held
        lo, hi = min(start, first), max(start + len(sums), first + len(mean))
        if (lo, hi) != (start, start + len(sums)):
            grown_sums, grown_max = np.zeros(hi - lo), np.zeros(hi - lo)
            grown_sums[start - lo:start - lo + len(sums)] = sums
            grown_max[start - lo:start - lo + len(sums)] = maxima
            start, sums, maxima = lo, grown_sums, grown_max
        offset = first - start
        sums[offset:offset + len(mean)] += mean
        np.maximum(maxima[offset:offset + len(peak)], peak, out=maxima[offset:offset + len(peak)])
        self.series[key] = (start, sums, maxima)

    def merge(self, others: Iterable[SeriesSum]) -> None:
        """Fold other sums (e.g. from worker processes) into this one, in the given order."""
        for other in others:
            for key, (first, sums, maxima) in other.series.items():
                self._fold(key, first, sums, maxima)

    def frame(self, replications: int) -> pd.DataFrame:
        """``date, site_id, queue, time, mean_queue_len, max_queue_len`` sorted by queue and time.

        ``mean_queue_len``: time-averaged patients waiting in the bin, averaged
        over replications (a replication where nobody waited counts as 0);
        ``max_queue_len``: the most waiting at any moment in any replication.
        """
        columns = ["date", "site_id", "queue", "time", "mean_queue_len", "max_queue_len"]
        if not self.series:
            return pd.DataFrame(columns=columns)
        keys = sorted(self.series)
        sizes = [len(self.series[k][1]) for k in keys]
        bins = np.concatenate([np.arange(self.series[k][0], self.series[k][0] + len(self.series[k][1])) for k in keys])
        labels = {b: format_hhmm(int(b * self.width_min)) for b in np.unique(bins).tolist()}
        dates = {k[0]: date_of(k[0]).isoformat() for k in keys}
        return pd.DataFrame({
            "date": np.repeat(np.array([dates[k[0]] for k in keys], dtype=object), sizes),
            "site_id": np.repeat(np.array([k[1] for k in keys], dtype=object), sizes),
            "queue": np.repeat(np.array([k[2] for k in keys], dtype=object), sizes),
            "time": np.array([labels[b] for b in bins.tolist()], dtype=object),
            "mean_queue_len": np.concatenate([self.series[k][1] for k in keys]) / replications,
            "max_queue_len": np.concatenate([self.series[k][2] for k in keys]).astype(np.int64),
        })
