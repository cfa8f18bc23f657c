"""Forecast: log reading with column mapping, the fitted model, the back-test and the command."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from scheduler.errors import InputError
from scheduler.forecast import ColumnMap, backtest, fit, forecast_rows, read_log
from scheduler.forecast.command import forecast_command
from scheduler.forecast.model import daily_counts, detect_closures, weekday_profile

REPO = Path(__file__).resolve().parents[2]
APPOINTMENTS = REPO.parent / "shared" / "data" / "appointments" / "KaggleV2-May-2016.csv"
PROFILE = (1.1, 1.0, 1.0, 1.0, 0.9, 0.0, 0.0)  #: weekday factors of the synthetic logs (Mon..Sun)
START = dt.date(2026, 1, 5)  # a Monday


def write_log(path: Path, weeks: int = 6, per_day: float = 60.0, slope: float = 0.0, seed: int = 3,
              closed: tuple[dt.date, ...] = (), header: tuple[str, ...] = ("Appt", "Booked", "Clinic")) -> Path:
    """A Poisson appointment log: two sites (shares 0.75 / 0.25), one weekday profile, a linear trend."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(weeks * 7):
        date = START + dt.timedelta(days=day)
        if date in closed:
            continue
        mean = (per_day + slope * day) * PROFILE[date.weekday()]
        for site, share in (("A", 0.75), ("B", 0.25)):
            for _ in range(rng.poisson(mean * share)):
                booked = date - dt.timedelta(days=int(rng.integers(0, 10)))
                rows.append((f"{date}T00:00:00Z", f"{booked}T08:15:00Z", site))
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


MAPPED = ColumnMap(date="Appt", booked="Booked", site="Clinic", department=None, default_department="gp")


def test_column_mapping_loads_a_log_without_department(tmp_path: Path) -> None:
    """Mapped columns are read; the missing department gets the default for every row."""
    log = read_log(write_log(tmp_path / "log.csv", weeks=1), MAPPED)
    assert set(log.frame["department"]) == {"gp"}
    assert set(log.frame["site_id"]) == {"A", "B"}
    assert log.first_date == START and log.has_booking_times


def test_missing_column_names_the_option(tmp_path: Path) -> None:
    """A log without the mapped date column is bad input at the header row."""
    with pytest.raises(InputError) as info:
        read_log(write_log(tmp_path / "log.csv", weeks=1), ColumnMap(date="AppointmentDay"))
    assert info.value.row == 1 and info.value.column == "AppointmentDay"
    assert "--date-column" in info.value.message


def test_malformed_date_names_row_and_column(tmp_path: Path) -> None:
    """The first unparsable date is reported with its line number."""
    path = tmp_path / "log.csv"
    path.write_text("Appt,Clinic\n2026-01-05,A\n05/01/2026,A\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_log(path, ColumnMap(date="Appt", booked=None, site="Clinic", department=None))
    assert (info.value.row, info.value.column) == (3, "Appt")


def test_booking_after_appointment_is_dropped(tmp_path: Path) -> None:
    """Rows booked after their appointment date are dropped and counted, not fatal."""
    path = tmp_path / "log.csv"
    path.write_text("date,booked_at,site_id,department\n2026-01-05,2026-01-04T09:00:00Z,A,gp\n"
                    "2026-01-05,2026-01-06T09:00:00Z,A,gp\n", encoding="utf-8")
    log = read_log(path)
    assert len(log.frame) == 1 and log.dropped_rows == 1


def test_weekday_profile_sums_to_seven() -> None:
    """Mean of each weekday over the mean of the seven, closed days left out."""
    days = pd.date_range("2026-01-05", periods=14, freq="D")
    totals = pd.Series([110, 100, 100, 100, 90, 0, 0] * 2, index=days, dtype=float)
    ordinary = pd.Series(True, index=days)
    profile = weekday_profile(totals, ordinary)
    assert profile.sum() == pytest.approx(7.0)
    assert profile[0] / profile[4] == pytest.approx(110 / 90)
    totals.iloc[7] = 0  # a closed Monday
    assert detect_closures(totals, frozenset()) == frozenset({dt.date(2026, 1, 12)})


def test_fit_recovers_level_trend_profile_and_shares(tmp_path: Path) -> None:
    """On a long Poisson log the forecast is close to the generating means."""
    log = read_log(write_log(tmp_path / "log.csv", weeks=8, per_day=200, slope=1.0), MAPPED)
    model = fit(daily_counts(log), level_weeks=4, trend=True)
    assert model.shares[("A", "gp")] == pytest.approx(0.75, abs=0.02)
    assert model.level_slope == pytest.approx(1.0, abs=0.35)
    monday = START + dt.timedelta(days=56)
    assert model.total(monday) == pytest.approx((200 + 56) * 1.1, rel=0.05)
    assert model.total(monday + dt.timedelta(days=5)) == 0  # Saturday: closed in the history


def test_holidays_are_closed_and_excluded_from_fitting(tmp_path: Path) -> None:
    """A given holiday forecasts 0 and a closed day in the history does not drag the level down."""
    closed = (START + dt.timedelta(days=21),)
    log = read_log(write_log(tmp_path / "log.csv", weeks=6, per_day=200, closed=closed), MAPPED)
    holiday = START + dt.timedelta(days=43)
    model = fit(daily_counts(log), [holiday], trend=False)
    assert closed[0] in model.holidays
    assert model.total(holiday) == 0
    assert model.total(holiday + dt.timedelta(days=1)) == pytest.approx(200, rel=0.06)
    rows = forecast_rows(model, START + dt.timedelta(days=42), 7)
    assert {r[0] for r in rows} == {START + dt.timedelta(days=d) for d in (42, 44, 45, 46)}


def test_backtest_beats_seasonal_naive_on_noisy_series(tmp_path: Path) -> None:
    """Pooled profile and level beat last week's counts on small Poisson series."""
    log = read_log(write_log(tmp_path / "log.csv", weeks=8, per_day=40), MAPPED)
    result = backtest(daily_counts(log), weeks=2)
    assert result.cells > 0 and len(result.weeks) == 2
    assert result.mape < result.naive_mape


def test_command_writes_contract_demand(tmp_path: Path) -> None:
    """``forecast`` writes demand.csv with the contract columns and prints both MAPEs."""
    log = write_log(tmp_path / "log.csv", weeks=5)
    out = tmp_path / "demand.csv"
    result = CliRunner().invoke(forecast_command, [
        str(log), "--out", str(out), "--date-column", "Appt", "--booked-column", "Booked",
        "--site-column", "Clinic", "--department", "gp", "--start", "2026-02-09", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "seasonal naive" in result.output
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["date", "site_id", "department", "patients"]
    assert set(frame["date"]) == {f"2026-02-{d:02d}" for d in range(9, 14)}
    assert (frame["patients"] > 0).all()


def test_command_bad_column_exits_2(tmp_path: Path) -> None:
    """An unmapped column is one error line and exit code 2."""
    log = write_log(tmp_path / "log.csv", weeks=1)
    result = CliRunner().invoke(forecast_command, [str(log), "--out", str(tmp_path / "d.csv")])
    assert result.exit_code == 2
    assert "column 'date'" in result.output


@pytest.mark.data
@pytest.mark.skipif(not APPOINTMENTS.exists(), reason=f"shared data absent: {APPOINTMENTS}")
def test_real_log_forecast_beats_seasonal_naive() -> None:
    """On the public appointment log the forecast's held-out MAPE is below seasonal naive's."""
    log = read_log(APPOINTMENTS, ColumnMap(date="AppointmentDay", booked="ScheduledDay",
                                           site="Neighbourhood", department=None))
    result = backtest(daily_counts(log), [dt.date(2016, 5, 26)], weeks=2)
    assert result.mape < result.naive_mape
    assert result.total_mape < result.naive_total_mape
