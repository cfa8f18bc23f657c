"""Demand forecasting from an appointment log: the contract's ``demand.csv`` for a future horizon.

Modules, in order of use:

1. :mod:`~scheduler.forecast.log`: read an appointment or visit log (one row
   per appointment) with mappable column names into a typed frame.
2. :mod:`~scheduler.forecast.model`: daily counts per site and department,
   a weekday profile, a level (optionally a linear trend) and holidays; fit and forecast.
3. :mod:`~scheduler.forecast.backtest`: rolling-origin back-test on held-out
   weeks, MAPE of the forecast beside a seasonal-naive baseline.
4. :mod:`~scheduler.forecast.command`: the ``forecast`` click command.
"""

from scheduler.forecast.backtest import BacktestResult, backtest
from scheduler.forecast.log import AppointmentLog, ColumnMap, read_log
from scheduler.forecast.model import DemandModel, fit, forecast_rows

__all__ = [
    "AppointmentLog",
    "BacktestResult",
    "ColumnMap",
    "DemandModel",
    "backtest",
    "fit",
    "forecast_rows",
    "read_log",
]
