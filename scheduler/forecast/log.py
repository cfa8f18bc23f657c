"""Reading an appointment log with mappable column names.

One row per appointment (or visit): the appointment date, optionally the
booking time, a site and a department. Logs from other systems name these
columns differently, so every name is an option of :class:`ColumnMap`; a log
without a site or department column gets a fixed default for all rows (the
public "Medical Appointment No Shows" log has no department, for example).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scheduler.errors import InputError

#: Line of the first data row in a CSV file (the header is line 1).
FIRST_DATA_LINE = 2


@dataclass(frozen=True)
class ColumnMap:
    """Which log column holds what; ``None`` = the log has no such column.

    Attributes
    ----------
    date
        Appointment date (``YYYY-MM-DD``, optionally followed by a time).
    booked
        Booking timestamp (ISO 8601); optional, used for lead times and the
        booking hour profile.
    site
        Site of the appointment; ``None`` = every row is at ``default_site``.
    department
        Department; ``None`` = every row is in ``default_department``.
    """

    date: str = "date"
    booked: str | None = "booked_at"
    site: str | None = "site_id"
    department: str | None = "department"
    default_site: str = "S1"
    default_department: str = "general"


@dataclass(frozen=True)
class AppointmentLog:
    """A read log: one row per appointment, columns ``date`` (datetime64, day
    resolution), ``site_id``, ``department`` and, when mapped, ``booked_at``
    (datetime64, naive local time)."""

    path: Path
    frame: pd.DataFrame
    dropped_rows: int = 0  #: rows dropped because the booking is after the appointment date

    @property
    def first_date(self) -> dt.date:
        """Earliest appointment date."""
        return self.frame["date"].min().date()

    @property
    def last_date(self) -> dt.date:
        """Latest appointment date."""
        return self.frame["date"].max().date()

    @property
    def has_booking_times(self) -> bool:
        """The log maps a booking-time column."""
        return "booked_at" in self.frame


def _require_column(path: Path, header: list[str], name: str, option: str) -> None:
    if name not in header:
        raise InputError(
            path,
            f"no column '{name}' (choose the log's column with {option}); columns: {', '.join(header)}",
            row=1,
            column=name,
        )


def _first_bad(path: Path, mask: pd.Series, values: pd.Series, column: str, expected: str) -> None:
    """Raise an InputError at the first row where ``mask`` is true."""
    if mask.any():
        index = int(mask.to_numpy().nonzero()[0][0])
        raise InputError(
            path,
            f"expected {expected}, got '{values.iloc[index]}'",
            row=index + FIRST_DATA_LINE,
            column=column,
        )


def _parse_dates(path: Path, raw: pd.Series, column: str) -> pd.Series:
    """Day-resolution dates from ``YYYY-MM-DD...`` text."""
    text = raw.str.strip()
    parsed = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    _first_bad(path, parsed.isna(), raw, column, "a date YYYY-MM-DD")
    return parsed


def _parse_timestamps(path: Path, raw: pd.Series, column: str) -> pd.Series:
    """Naive timestamps from ISO 8601 text (a ``Z`` or offset is dropped: wall-clock kept)."""
    text = raw.str.strip().str.replace(r"(Z|[+-]\d{2}:?\d{2})$", "", regex=True)
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    _first_bad(path, parsed.isna(), raw, column, "a timestamp YYYY-MM-DD[THH:MM[:SS]]")
    return parsed


def _labels(path: Path, raw: pd.Series, column: str) -> pd.Series:
    text = raw.str.strip()
    _first_bad(path, text == "", raw, column, "a non-blank value")
    return text


def read_log(path: Path, columns: ColumnMap | None = None) -> AppointmentLog:
    """Read an appointment log CSV (UTF-8, header row) with ``columns`` naming its fields.

    Raises :class:`~scheduler.errors.InputError` naming the file, row and
    column for a missing file or column, a malformed date or timestamp, a
    blank site or department, or a log without rows. Rows booked after their
    appointment date (data-entry errors) are dropped and counted.
    """
    path = Path(path)
    cols = columns or ColumnMap()
    if not path.is_file():
        raise InputError(path, "appointment log not found")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except pd.errors.ParserError as exc:
        raise InputError(path, f"is not a readable CSV table: {exc}") from None
    except pd.errors.EmptyDataError:
        raise InputError(path, "is empty; expected a header row and appointment rows") from None
    header = list(raw.columns)
    dropped = 0
    _require_column(path, header, cols.date, "--date-column")
    frame = pd.DataFrame({"date": _parse_dates(path, raw[cols.date], cols.date)})
    for target, name, default, option in (
        ("site_id", cols.site, cols.default_site, "--site-column"),
        ("department", cols.department, cols.default_department, "--department-column"),
    ):
        if name is None:
            frame[target] = default
        else:
            _require_column(path, header, name, option)
            frame[target] = _labels(path, raw[name], name)
    if cols.booked is not None and cols.booked in header:
        booked = _parse_timestamps(path, raw[cols.booked], cols.booked)
        frame["booked_at"] = booked
        late = booked.dt.normalize() > frame["date"]
        dropped = int(late.sum())
        frame = frame[~late].reset_index(drop=True)
    elif cols.booked is not None and cols.booked != ColumnMap.booked:
        _require_column(path, header, cols.booked, "--booked-column")
    if frame.empty:
        raise InputError(path, "has no appointment rows")
    return AppointmentLog(path, frame, dropped)
