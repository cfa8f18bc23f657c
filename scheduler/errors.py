"""Errors raised at the boundary, each naming where the bad input is."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad user input: a file, row and column that broke a requirement.

    Parameters
    ----------
    file
        Path of the offending file (as the user named it).
    message
        What is wrong, with the expectation and the value found.
    row
        1-based line number in the file (the header is line 1), if any.
    column
        Column (CSV) or key path (YAML), if any.
    """

    def __init__(
        self,
        file: str | Path,
        message: str,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(file)
        self.row = row
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class InfeasibleError(Exception):
    """The scenario's hard rules cannot all hold; ``reasons`` says why in words."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))


class NoRosterError(Exception):
    """The solver found no roster within its time limit (not proven infeasible)."""
