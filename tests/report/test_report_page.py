"""The HTML report: self-contained, every chart present, every scenario name escaped."""

from __future__ import annotations

import re
from pathlib import Path

from hostile import HOSTILE_DOCTOR, HOSTILE_SCENARIO

from scheduler.report.svg import esc

CHART_TITLES = ("Served share by department and day", "Capacity against demand", "Wait for the doctor",
                "Consultation queues over the day", "Doctor utilisation", "Booking lead time")


def test_page_has_every_chart(tiny_report: tuple[Path, Path]) -> None:
    """One page with the served-share, capacity, wait, queue, utilisation and lead-time charts."""
    page = (tiny_report[1] / "report.html").read_text(encoding="utf-8")
    titles = re.findall(r'<text class="chart-title"[^>]*>([^<]*)</text>', page)
    for wanted in CHART_TITLES:
        assert any(t.startswith(wanted) for t in titles), wanted
    assert page.count('<svg class="chart"') >= len(CHART_TITLES)
    assert page.count('class="bar"') > 20 and 'class="line"' in page and 'class="cell"' in page


def test_page_is_self_contained(tiny_report: tuple[Path, Path]) -> None:
    """No scripts, external links, fonts or images: it works offline."""
    page = (tiny_report[1] / "report.html").read_text(encoding="utf-8").lower()
    assert "<script" not in page and "<link" not in page and "@import" not in page and "@font-face" not in page
    assert " src=" not in page and "url(" not in page
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://www.w3.org/2000/svg"] * page.count("xmlns=")


def test_names_from_scenario_files_are_escaped(tiny_report: tuple[Path, Path]) -> None:
    """A doctor named <script>alert(1)</script> and a scenario name with markup appear only escaped."""
    page = (tiny_report[1] / "report.html").read_text(encoding="utf-8")
    assert HOSTILE_DOCTOR not in page and "<i>clinic</i>" not in page
    assert esc(HOSTILE_DOCTOR) in page
    assert esc(HOSTILE_SCENARIO) in page
