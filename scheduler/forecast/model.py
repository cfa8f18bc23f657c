"""Daily demand per site and department: weekday profile x linear trend x site share, holidays closed.

The model, fitted on the days before a cut-off date:

``patients(s, t) = share(s) * level(t) * profile(weekday(t))`` on ordinary
days, ``0`` on holidays (and on weekdays the log shows closed), where

* ``profile`` is the pooled weekday profile: mean daily total of each
  weekday over the ordinary training days, divided by the mean over the
  seven weekdays (so a week of profile values sums to 7);
* ``level(t)`` is the mean de-seasonalised daily total (total / profile)
  of the last ``level_weeks`` weeks. With ``trend`` it is a least-squares
  line ``a + b * t`` through them instead, clipped at 0, kept only when the
  slope is more than :data:`TREND_T` standard errors from 0. The trend is
  off by default: on the real log (six weeks of dates) the test kept one
  rising slope (fitted on 2016-04-29..05-18), and the week after it was
  lower, so it made the three-week back-test worse and no horizon better
  (``benchmarks/forecast_backtest.py``);
* ``share(s)`` is series ``s``'s share of all appointments over the same
  weeks.

Pooling the profile and the trend over every site and department keeps the
forecast stable for small series, where a series' own last week (the
seasonal-naive forecast) is mostly noise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler.forecast.log import AppointmentLog

DAYS_PER_WEEK = 7
#: A weekday whose profile is below this share of a mean day is too quiet to
#: de-seasonalise by (weekends in a weekday-only clinic) [-].
MIN_PROFILE = 0.2
#: An ordinary weekday with fewer appointments than this share of what the
#: profile expects is taken as a closure (an unlisted holiday or strike) [-].
CLOSURE_SHARE = 0.1

#: t value a trend slope must exceed (in standard errors) to be used [-].
TREND_T = 2.0

Series = tuple[str, str]  #: (site_id, department)


def daily_counts(log: AppointmentLog) -> pd.DataFrame:
    """Appointments per calendar day (rows, every day of the log's range) and series (columns)."""
    frame = log.frame
    counts = frame.groupby(["date", "site_id", "department"]).size().unstack(["site_id", "department"], fill_value=0)
    days = pd.date_range(frame["date"].min(), frame["date"].max(), freq="D")
    counts = counts.reindex(days, fill_value=0).sort_index(axis=1)
    counts.index.name = "date"
    return counts


def weekday_profile(totals: pd.Series, ordinary: pd.Series) -> np.ndarray:
    """Mean total of each weekday (Monday = 0) over ordinary days, over the mean of the seven.

    Weekdays without an ordinary day get 0. Returns an array of 7 values
    summing to 7 (all zeros if there is no appointment at all).
    """
    weekday = totals.index.dayofweek
    means = np.zeros(DAYS_PER_WEEK)
    for day in range(DAYS_PER_WEEK):
        values = totals[(weekday == day) & ordinary.to_numpy()]
        means[day] = float(values.mean()) if len(values) else 0.0
    mean = means.mean()
    return means / mean if mean > 0 else means


def detect_closures(totals: pd.Series, holidays: frozenset[dt.date]) -> frozenset[dt.date]:
    """Weekdays of a busy weekday kind with almost no appointments (below :data:`CLOSURE_SHARE`)."""
    ordinary = pd.Series([d.date() not in holidays for d in totals.index], index=totals.index)
    profile = weekday_profile(totals, ordinary)
    level = totals[ordinary].sum() / max(1.0, profile[totals.index.dayofweek][ordinary.to_numpy()].sum())
    expected = profile[totals.index.dayofweek] * level
    closed = (profile[totals.index.dayofweek] >= 1.0 - MIN_PROFILE) & (totals.to_numpy() < CLOSURE_SHARE * expected)
    return frozenset(d.date() for d in totals.index[closed])


@dataclass(frozen=True)
class DemandModel:
    """A fitted forecast (see the module docstring).

    Attributes
    ----------
    origin
        First day after the training data; ``level`` is measured in days from it.
    profile
        Weekday factors, Monday first, summing to 7 [-].
    level_intercept
        De-seasonalised daily total at ``origin`` [patients/day].
    level_slope
        Its change per day [patients/day/day].
    shares
        Each (site, department)'s share of appointments [-], summing to 1.
    holidays
        Dates forecast as closed (given and detected).
    """

    origin: dt.date
    profile: np.ndarray
    level_intercept: float
    level_slope: float
    shares: dict[Series, float]
    holidays: frozenset[dt.date]

    def total(self, date: dt.date) -> float:
        """Forecast patients over all series on ``date``."""
        if date in self.holidays:
            return 0.0
        level = max(0.0, self.level_intercept + self.level_slope * (date - self.origin).days)
        return level * float(self.profile[date.weekday()])


def fit(
    counts: pd.DataFrame,
    holidays: Iterable[dt.date] = (),
    *,
    origin: dt.date | None = None,
    level_weeks: int = 4,
    trend: bool = False,
) -> DemandModel:
    """Fit the model to ``counts`` (from :func:`daily_counts`) on days before ``origin``.

    ``origin`` defaults to the day after the last day of ``counts``.
    """
    given = frozenset(holidays)
    if origin is None:
        origin = counts.index.max().date() + dt.timedelta(days=1)
    train = counts[counts.index < pd.Timestamp(origin)]
    if train.empty:
        raise ValueError(f"no history before {origin}")
    totals = train.sum(axis=1)
    closed = given | detect_closures(totals, given)
    ordinary = pd.Series([d.date() not in closed for d in totals.index], index=totals.index)
    profile = weekday_profile(totals, ordinary)
    recent = totals.index >= pd.Timestamp(origin - dt.timedelta(days=DAYS_PER_WEEK * level_weeks))
    weights = profile[totals.index.dayofweek]
    usable = ordinary.to_numpy() & recent & (weights >= MIN_PROFILE)
    days = np.array([(d.date() - origin).days for d in totals.index[usable]], dtype=float)
    level = totals.to_numpy()[usable] / weights[usable]
    if level.size == 0:
        intercept, slope = 0.0, 0.0
    else:
        intercept, slope = float(level.mean()), 0.0
        if trend:
            intercept, slope = _significant_trend(days, level, intercept)
    window = train[recent & ordinary.to_numpy()]
    window_total = float(window.to_numpy().sum())
    sums = window.sum(axis=0) if window_total > 0 else train.sum(axis=0)
    grand = float(sums.sum())
    shares = {(str(k[0]), str(k[1])): (float(v) / grand if grand else 0.0) for k, v in sums.items()}
    return DemandModel(origin, profile, intercept, slope, shares, closed)


def _significant_trend(days: np.ndarray, level: np.ndarray, mean: float) -> tuple[float, float]:
    """Least-squares line ``(intercept, slope)`` if its slope is significant, else ``(mean, 0)``.

    Significant: ``|slope| > TREND_T * standard error`` (a two-sided t test at
    about 5%), so a few noisy weeks do not extrapolate a spurious trend.
    """
    if level.size < 3 or np.ptp(days) == 0:
        return mean, 0.0
    slope, intercept = (float(v) for v in np.polyfit(days, level, 1))
    residual = level - (intercept + slope * days)
    spread = float(((days - days.mean()) ** 2).sum())
    error = float(np.sqrt((residual**2).sum() / (level.size - 2) / spread))
    return (intercept, slope) if abs(slope) > TREND_T * error else (mean, 0.0)


def forecast_frame(model: DemandModel, dates: Iterable[dt.date]) -> pd.DataFrame:
    """Forecast patients (unrounded) per date and series: columns ``date, site_id, department, patients``."""
    rows = [
        {"date": date, "site_id": site, "department": dept, "patients": model.total(date) * share}
        for date in dates
        for (site, dept), share in sorted(model.shares.items())
    ]
    return pd.DataFrame(rows, columns=["date", "site_id", "department", "patients"])


def forecast_rows(model: DemandModel, start: dt.date, days: int) -> list[tuple[dt.date, str, str, int]]:
    """demand.csv rows ``(date, site_id, department, patients)`` for ``days`` days from ``start``.

    Patients are rounded per row; rows forecasting 0 patients are left out.
    """
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    frame = forecast_frame(model, dates)
    out = []
    for row in frame.itertuples(index=False):
        patients = int(round(row.patients))
        if patients > 0:
            out.append((row.date, row.site_id, row.department, patients))
    return out
