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
    table = np.array(log, dtype=float)
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
    """Sum of per-bin means and maximum of per-bin maxima over replications."""

    width_min: float
    sums: dict[tuple[SeriesKey, int], list[float]] = field(default_factory=dict)

    def add(self, key: SeriesKey, binned: Binned | None) -> None:
        """Add one replication's bins of one queue."""
        if binned is None:
            return
        sums = self.sums
        for k, (mean, peak) in enumerate(zip(binned.mean.tolist(), binned.max.tolist(), strict=True)):
            cell = sums.get((key, binned.first_bin + k))
            if cell is None:
                sums[(key, binned.first_bin + k)] = [mean, peak]
            else:
                cell[0] += mean
                if peak > cell[1]:
                    cell[1] = peak

    def merge(self, others: Iterable[SeriesSum]) -> None:
        """Fold other sums (e.g. from worker processes) into this one."""
        for other in others:
            for key, (mean, peak) in other.sums.items():
                cell = self.sums.get(key)
                if cell is None:
                    self.sums[key] = [mean, peak]
                else:
                    cell[0] += mean
                    cell[1] = max(cell[1], peak)

    def frame(self, replications: int) -> pd.DataFrame:
        """``date, site_id, queue, time, mean_queue_len, max_queue_len`` sorted by queue and time.

        ``mean_queue_len``: time-averaged patients waiting in the bin, averaged
        over replications (a replication where nobody waited counts as 0);
        ``max_queue_len``: the most waiting at any moment in any replication.
        """
        columns = ["date", "site_id", "queue", "time", "mean_queue_len", "max_queue_len"]
        rows = [
            (date_of(key[0]).isoformat(), key[1], key[2], format_hhmm(int(k * self.width_min)),
             mean / replications, int(peak))
            for (key, k), (mean, peak) in sorted(self.sums.items())
        ]
        return pd.DataFrame(rows, columns=columns)
