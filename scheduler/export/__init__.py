"""Roster outputs people keep: Excel duty sheets (:mod:`~scheduler.export.workbook`) and
one iCalendar file per doctor (:mod:`~scheduler.export.calendars`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from scheduler.export.calendars import write_calendars
from scheduler.export.workbook import write_workbook
from scheduler.model import Roster, Scenario

#: File and folder names inside an export folder.
WORKBOOK_NAME, CALENDARS_DIR = "roster.xlsx", "calendars"


@dataclass(frozen=True)
class ExportedFiles:
    """Where an export wrote its files."""

    workbook: Path
    calendars: tuple[Path, ...]


def export_roster(scenario: Scenario, roster: Roster, out_dir: Path,
                  kpis: Mapping[str, float] | None = None) -> ExportedFiles:
    """Write ``out_dir/roster.xlsx`` and ``out_dir/calendars/<doctor_id>.ics``."""
    workbook = write_workbook(scenario, roster, out_dir / WORKBOOK_NAME, kpis)
    calendars = write_calendars(scenario, roster, out_dir / CALENDARS_DIR)
    return ExportedFiles(workbook, tuple(calendars))


__all__ = ["ExportedFiles", "export_roster", "write_calendars", "write_workbook"]
