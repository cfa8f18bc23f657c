"""Rolling-origin back-test: the forecast against a seasonal-naive baseline on held-out weeks.

The last ``weeks`` whole weeks of the log are held out one at a time: for
each, both methods see only the days before it and forecast its seven days
for every site and department.

* **forecast**: :func:`scheduler.forecast.model.fit` on the earlier days.
* **seasonal naive**: each series' count on the same weekday one week
  earlier (the latest earlier same weekday that was not a holiday or closure,
  so a closed day is not copied forward).

Scored cells: (day, series) pairs on ordinary days (not a given holiday or a
detected closure of the whole log) with at least one actual appointment.
MAPE = mean of ``|forecast - actual| / actual`` x 100 over those cells; the
same for daily totals over all series.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.forecast.model import DAYS_PER_WEEK, detect_closures, fit, forecast_frame


@dataclass(frozen=True)
class BacktestResult:
    """Back-test errors [%] of the forecast and of the seasonal-naive baseline on the same cells."""

    weeks: tuple[tuple[dt.date, dt.date], ...]  #: held-out weeks, first and last day
    cells: int  #: scored (day, series) cells
    days: int  #: scored days
    mape: float  #: forecast, per (day, series) cell [%]
    naive_mape: float  #: seasonal naive, per cell [%]
    total_mape: float  #: forecast of daily totals [%]
    naive_total_mape: float  #: seasonal naive of daily totals [%]

    def text(self) -> str:
        """A short report of both errors."""
        first, last = self.weeks[0][0], self.weeks[-1][1]
        return (
            f"Back-test on {len(self.weeks)} held-out week(s) {first}..{last} "
            f"({self.days} open days, {self.cells} site-department-days):\n"
            f"  MAPE per site and department: forecast {self.mape:.1f}%, seasonal naive {self.naive_mape:.1f}%\n"
            f"  MAPE of daily totals:         forecast {self.total_mape:.1f}%, "
            f"seasonal naive {self.naive_total_mape:.1f}%"
        )


def seasonal_naive(counts: pd.DataFrame, day: pd.Timestamp, closed: frozenset[dt.date]) -> pd.Series:
    """Each series' count on the latest non-closed same weekday before ``day`` (zeros if none)."""
    probe = day - pd.Timedelta(days=DAYS_PER_WEEK)
    while probe >= counts.index[0]:
        if probe.date() not in closed:
            return counts.loc[probe]
        probe -= pd.Timedelta(days=DAYS_PER_WEEK)
    return pd.Series(0.0, index=counts.columns)


def _mape(forecast: np.ndarray, actual: np.ndarray) -> float:
    return float(np.mean(np.abs(forecast - actual) / actual) * 100.0) if actual.size else float("nan")


def backtest(
    counts: pd.DataFrame,
    holidays: Iterable[dt.date] = (),
    *,
    weeks: int = 2,
    level_weeks: int = 4,
    trend: bool = False,
) -> BacktestResult:
    """Hold out the last ``weeks`` weeks of ``counts`` one by one; score both methods (see module doc)."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    given = frozenset(holidays)
    closed = given | detect_closures(counts.sum(axis=1), given)
    last = counts.index.max().date()
    starts = [last - dt.timedelta(days=DAYS_PER_WEEK * k - 1) for k in range(weeks, 0, -1)]
    if pd.Timestamp(starts[0]) <= counts.index.min() + pd.Timedelta(days=DAYS_PER_WEEK):
        raise ValueError(f"the log is too short for {weeks} held-out weeks after a week of history")
    fc_cells, nv_cells, act_cells, fc_tot, nv_tot, act_tot = [], [], [], [], [], []
    for start in starts:
        model = fit(counts, given, origin=start, level_weeks=level_weeks, trend=trend)
        history = counts[counts.index < pd.Timestamp(start)]
        dates = [start + dt.timedelta(days=i) for i in range(DAYS_PER_WEEK)]
        frame = forecast_frame(model, dates).set_index(["date", "site_id", "department"])["patients"]
        for date in dates:
            if date in closed:
                continue
            day = pd.Timestamp(date)
            actual = counts.loc[day].astype(float)
            naive = seasonal_naive(history, day, closed).astype(float)
            predicted = np.array([frame.get((date, str(s), str(d)), 0.0) for s, d in counts.columns])
            seen = actual.to_numpy() > 0
            fc_cells.append(predicted[seen])
            nv_cells.append(naive.to_numpy()[seen])
            act_cells.append(actual.to_numpy()[seen])
            if actual.sum() > 0:
                fc_tot.append(predicted.sum())
                nv_tot.append(naive.sum())
                act_tot.append(actual.sum())
    actual_cells = np.concatenate(act_cells) if act_cells else np.empty(0)
    return BacktestResult(
        weeks=tuple((s, s + dt.timedelta(days=DAYS_PER_WEEK - 1)) for s in starts),
        cells=int(actual_cells.size),
        days=len(act_tot),
        mape=_mape(np.concatenate(fc_cells) if fc_cells else np.empty(0), actual_cells),
        naive_mape=_mape(np.concatenate(nv_cells) if nv_cells else np.empty(0), actual_cells),
        total_mape=_mape(np.array(fc_tot), np.array(act_tot)),
        naive_total_mape=_mape(np.array(nv_tot), np.array(act_tot)),
    )
