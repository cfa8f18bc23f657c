"""Reading the scenario's CSV tables: one typed accessor per kind of cell.

Every failure raises :class:`~scheduler.errors.InputError` naming the file,
the line (the header is line 1) and the column, the expectation and the value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from scheduler.errors import InputError

TRUE_WORDS = frozenset({"yes", "true", "1", "y"})
FALSE_WORDS = frozenset({"no", "false", "0", "n"})
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_date(text: str) -> dt.date:
    """An ISO ``YYYY-MM-DD`` date; raises ValueError otherwise."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def parse_hhmm(text: str) -> int:
    """``HH:MM`` as minutes after midnight (``24:00`` allowed); raises ValueError."""
    match = _HHMM.match(text)
    if not match:
        raise ValueError(text)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(text)
    return hours * 60 + minutes


class Row:
    """One data row of a CSV table, with typed accessors that report bad cells."""

    def __init__(self, path: Path, line: int, values: dict[str, str]) -> None:
        self.path = path
        self.line = line
        self.values = values

    def error(self, column: str | None, message: str) -> InputError:
        """An :class:`InputError` located at this row (and column)."""
        return InputError(self.path, message, row=self.line, column=column)

    def has(self, column: str) -> bool:
        """The column exists and this row's cell is not blank."""
        return bool(self.values.get(column, ""))

    def text(self, column: str, *, blank_ok: bool = False) -> str:
        """The cell's text, stripped; blank is an error unless ``blank_ok``."""
        value = self.values.get(column, "")
        if not value and not blank_ok:
            raise self.error(column, "is blank; a value is required")
        return value

    def integer(self, column: str, *, minimum: int | None = 0) -> int:
        """A whole number, at least ``minimum`` (0 by default)."""
        value = self.text(column)
        try:
            number = int(value)
        except ValueError:
            raise self.error(column, f"expected a whole number, got '{value}'") from None
        if minimum is not None and number < minimum:
            raise self.error(column, f"must be at least {minimum}, got {number}")
        return number

    def optional_integer(self, column: str, *, minimum: int | None = 0) -> int | None:
        """A whole number, or None when blank."""
        return self.integer(column, minimum=minimum) if self.has(column) else None

    def number(
        self, column: str, *, minimum: float | None = 0.0, maximum: float | None = None,
        strictly_positive: bool = False,
    ) -> float:
        """A decimal number within bounds."""
        value = self.text(column)
        try:
            number = float(value)
        except ValueError:
            raise self.error(column, f"expected a number, got '{value}'") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise self.error(column, f"expected a finite number, got '{value}'")
        if strictly_positive and number <= 0:
            raise self.error(column, f"must be greater than 0, got {value}")
        if minimum is not None and number < minimum:
            raise self.error(column, f"must be at least {minimum:g}, got {value}")
        if maximum is not None and number > maximum:
            raise self.error(column, f"must be at most {maximum:g}, got {value}")
        return number

    def optional_share(self, column: str) -> float | None:
        """A share in [0, 1], or None when blank."""
        if not self.has(column):
            return None
        return self.number(column, minimum=0.0, maximum=1.0)

    def boolean(self, column: str) -> bool:
        """``yes``/``no`` (also ``true``/``false``, ``1``/``0``)."""
        value = self.text(column).lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        raise self.error(column, f"expected yes or no, got '{self.values[column]}'")

    def date(self, column: str) -> dt.date:
        """An ISO date ``YYYY-MM-DD``."""
        value = self.text(column)
        try:
            return parse_date(value)
        except ValueError:
            raise self.error(column, f"expected a date YYYY-MM-DD, got '{value}'") from None

    def hhmm(self, column: str) -> int:
        """A time ``HH:MM`` as minutes after midnight."""
        value = self.text(column)
        try:
            return parse_hhmm(value)
        except ValueError:
            raise self.error(column, f"expected a time HH:MM, got '{value}'") from None

    def choice(self, column: str, choices: Sequence[str]) -> str:
        """One of ``choices`` (case-insensitive; returned in lower case)."""
        value = self.text(column).lower()
        if value not in choices:
            raise self.error(
                column, f"expected one of {', '.join(choices)}, got '{self.values[column]}'"
            )
        return value


def read_text(path: Path) -> str:
    """A file's text as UTF-8 (a leading byte-order mark is dropped)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, expected a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            path,
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
            "save it as 'CSV UTF-8'",
            row=line,
        ) from None


def read_table(
    path: Path, required: Sequence[str], optional: Sequence[str] = ()
) -> list[Row]:
    """Rows of a CSV table with a header; checks required columns and row widths.

    Headers and cells are stripped of surrounding spaces; blank lines are
    skipped; unknown extra columns are allowed (kept in ``Row.values``).
    """
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(path, "is empty; expected a header row", row=1) from None
    except csv.Error as exc:
        raise InputError(path, f"is not valid CSV: {exc}", row=1) from None
    columns = [name.strip() for name in header]
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise InputError(path, "column appears twice in the header", row=1, column=name)
        seen.add(name)
    for name in required:
        if name not in seen:
            raise InputError(
                path,
                f"missing required column; the header must include {', '.join(required)}",
                row=1,
                column=name,
            )
    return list(_rows(path, reader, columns))


def _rows(path: Path, reader: Iterator[list[str]], columns: list[str]) -> Iterator[Row]:
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(path, f"is not valid CSV: {exc}", row=reader.line_num) from None  # type: ignore[attr-defined]
        line = reader.line_num  # type: ignore[attr-defined]
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            raise InputError(
                path,
                f"has {len(cells)} cells but the header has {len(columns)} columns",
                row=line,
            )
        values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(columns) if name}
        yield Row(path, line, values)


def check_unique(rows: Sequence[Row], key_columns: Sequence[str]) -> None:
    """Raise on the first row whose key repeats an earlier row's."""
    first_line: dict[tuple[str, ...], int] = {}
    for row in rows:
        key = tuple(row.values.get(c, "") for c in key_columns)
        if key in first_line:
            shown = ", ".join(f"{c}={v}" for c, v in zip(key_columns, key, strict=True))
            raise row.error(
                key_columns[-1],
                f"duplicate id ({shown}); it is already defined at row {first_line[key]}",
            )
        first_line[key] = row.line
