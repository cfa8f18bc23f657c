"""``python cli.py forecast HISTORY.csv --out demand.csv``: the run function and its click command."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import click
import holidays as holiday_calendars

from scheduler.errors import InputError
from scheduler.forecast.backtest import BacktestResult, backtest
from scheduler.forecast.log import AppointmentLog, ColumnMap, read_log
from scheduler.forecast.model import DemandModel, daily_counts, fit, forecast_rows
from scheduler.output import write_text_safely

#: Exit code for bad input (CONTRACT.md).
EXIT_BAD_INPUT = 2
#: Header of the contract's demand.csv (required columns only).
DEMAND_COLUMNS = ("date", "site_id", "department", "patients")


@dataclass(frozen=True)
class ForecastRun:
    """What :func:`run_forecast` did."""

    log: AppointmentLog
    model: DemandModel
    backtest: BacktestResult | None  #: None when the log is too short to hold weeks out
    rows: list[tuple[dt.date, str, str, int]]  #: demand.csv rows written
    start: dt.date
    days: int


def demand_csv(rows: list[tuple[dt.date, str, str, int]]) -> str:
    """The demand rows as contract ``demand.csv`` text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DEMAND_COLUMNS)
    for date, site, dept, patients in rows:
        writer.writerow([date.isoformat(), site, dept, patients])
    return buffer.getvalue()


def country_holidays(country: str, subdivision: str | None, years: range) -> frozenset[dt.date]:
    """Public holidays of a country (ISO code, e.g. ``BR``) and optional subdivision (``ES``)."""
    try:
        calendar = holiday_calendars.country_holidays(country, subdiv=subdivision, years=list(years))
    except NotImplementedError as exc:
        raise InputError("--country", f"unknown country or subdivision: {exc}") from None
    return frozenset(calendar.keys())


def run_forecast(
    history: Path,
    out: Path,
    columns: ColumnMap,
    *,
    start: dt.date | None = None,
    days: int = 7,
    holidays: frozenset[dt.date] = frozenset(),
    country: str | None = None,
    subdivision: str | None = None,
    holdout_weeks: int = 2,
    level_weeks: int = 4,
    trend: bool = False,
) -> ForecastRun:
    """Read a log, back-test, fit on all of it, write ``demand.csv`` for ``days`` days from ``start``.

    ``start`` defaults to the day after the log's last appointment date.
    """
    log = read_log(history, columns)
    counts = daily_counts(log)
    begin = start or log.last_date + dt.timedelta(days=1)
    closed = set(holidays)
    if country:
        years = range(log.first_date.year, (begin + dt.timedelta(days=days)).year + 1)
        closed |= country_holidays(country, subdivision, years)
    try:
        result = backtest(counts, closed, weeks=holdout_weeks, level_weeks=level_weeks, trend=trend)
    except ValueError:
        result = None
    model = fit(counts, closed, level_weeks=level_weeks, trend=trend)
    if begin < model.origin:
        raise InputError("--start", f"must be after the log's last date {log.last_date}, got {begin}")
    rows = forecast_rows(model, begin, days)
    write_text_safely(out, demand_csv(rows))
    return ForecastRun(log, model, result, rows, begin, days)


def _date(_: click.Context, __: click.Parameter, value: object) -> object:
    if value is None:
        return None
    values = value if isinstance(value, tuple) else (value,)
    try:
        parsed = tuple(dt.date.fromisoformat(str(v)) for v in values)
    except ValueError as exc:
        raise click.BadParameter(f"expected a date YYYY-MM-DD ({exc})") from None
    return parsed if isinstance(value, tuple) else parsed[0]


def _mapped(column: str | None, default_value: str | None, usual: str) -> str | None:
    """The column to read: the one named, else none when a default value is given, else the usual name."""
    if column:
        return column
    return None if default_value else usual


@click.command("forecast")
@click.argument("history", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="demand.csv to write.")
@click.option("--start", callback=_date, help="First forecast date (default: day after the log's last date).")
@click.option("--days", type=click.IntRange(min=1), default=7, show_default=True, help="Forecast horizon [days].")
@click.option("--date-column", default="date", show_default=True, help="Appointment date column.")
@click.option("--booked-column", default="booked_at", show_default=True,
              help="Booking timestamp column (optional in the log).")
@click.option("--site-column", default=None, help="Site column [default: site_id, unless --site is given].")
@click.option("--site", "default_site", default=None, help="Site id for every row when the log has no site column.")
@click.option("--department-column", default=None,
              help="Department column [default: department, unless --department is given].")
@click.option("--department", "default_department", default=None,
              help="Department for every row when the log has no department column.")
@click.option("--holiday", "holiday_dates", multiple=True, callback=_date,
              help="A closed date, in the history or the horizon (repeatable).")
@click.option("--country", default=None, help="Add this country's public holidays (ISO code, e.g. BR).")
@click.option("--subdivision", default=None, help="State or province for --country (e.g. ES).")
@click.option("--holdout-weeks", type=click.IntRange(min=1), default=2, show_default=True,
              help="Weeks held out, one at a time, for the back-test.")
@click.option("--level-weeks", type=click.IntRange(min=1), default=4, show_default=True,
              help="Recent weeks the level, trend and site shares are fitted on.")
@click.option("--trend/--no-trend", default=False, show_default=True,
              help="Fit a linear trend (kept if significant); off by default, see docs/booking.md.")
def forecast_command(history: Path, out: Path, start: dt.date | None, days: int, date_column: str,
                     booked_column: str, site_column: str | None, default_site: str | None,
                     department_column: str | None, default_department: str | None,
                     holiday_dates: tuple[dt.date, ...], country: str | None, subdivision: str | None,
                     holdout_weeks: int, level_weeks: int, trend: bool) -> None:
    """Forecast demand.csv from an appointment log HISTORY (one row per appointment).

    Prints the back-test error (MAPE on held-out weeks) beside a seasonal-naive baseline.
    """
    columns = ColumnMap(
        date=date_column,
        booked=booked_column,
        site=_mapped(site_column, default_site, "site_id"),
        department=_mapped(department_column, default_department, "department"),
        default_site=default_site or ColumnMap.default_site,
        default_department=default_department or ColumnMap.default_department,
    )

    try:
        done = run_forecast(history, out, columns, start=start, days=days, holidays=frozenset(holiday_dates),
                            country=country, subdivision=subdivision, holdout_weeks=holdout_weeks,
                            level_weeks=level_weeks, trend=trend)
    except InputError as exc:  # bad input: one line, exit 2 (CONTRACT.md), as cli.handle_errors does
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    log = done.log
    click.echo(f"{history}: {len(log.frame)} appointments {log.first_date}..{log.last_date}, "
               f"{len(done.model.shares)} site-department series"
               + (f" ({log.dropped_rows} rows booked after their date dropped)" if log.dropped_rows else ""))
    click.echo(done.backtest.text() if done.backtest else "Back-test skipped: the log is too short.")
    total = sum(r[3] for r in done.rows)
    last = done.start + dt.timedelta(days=days - 1)
    click.echo(f"Wrote {len(done.rows)} rows ({total} patients, {done.start}..{last}) "
               f"to {out}")
