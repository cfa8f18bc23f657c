"""The report opened in headless Chromium: it renders, with its charts.

Needs Debian's ``chromium`` (``.ci/run`` installs it). Outside CI a missing
browser skips the test; in CI (``CI`` set) it fails, so the check cannot
silently disappear.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from scheduler.report.svg import PALETTE

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
WINDOW = (1280, 2400)
#: Seconds a headless browser run may take on a loaded 2-core machine.
BROWSER_TIMEOUT_S = 120


def browser() -> str:
    """Path of a Chromium binary; skip (locally) or fail (in CI) without one."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def headless(page: Path, work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a local page with a throwaway profile."""
    command = [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
               f"--user-data-dir={work / 'profile'}", f"--window-size={WINDOW[0]},{WINDOW[1]}", *args, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S, check=False)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """``#0072B2`` -> (0, 114, 178)."""
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def test_report_renders_with_its_charts_in_headless_chromium(tiny_report: tuple[Path, Path], tmp_path: Path) -> None:
    """The DOM Chromium builds holds the chart SVGs, and the screenshot shows them in colour."""
    page = tiny_report[1] / "report.html"
    dom = headless(page, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count('<svg class="chart"') >= 6
    assert dom.stdout.count('class="bar"') > 20 and 'class="cell"' in dom.stdout
    shot = tmp_path / "report.png"
    run = headless(page, tmp_path, f"--screenshot={shot}")
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == WINDOW
    colours = image.getcolors(maxcolors=WINDOW[0] * WINDOW[1]) or []
    assert len(colours) > 50, "a blank or near-blank page"
    counts = {colour: count for count, colour in colours}
    non_white = WINDOW[0] * WINDOW[1] - counts.get((255, 255, 255), 0)
    assert non_white / (WINDOW[0] * WINDOW[1]) > 0.03
    for series_colour in PALETTE[:2]:  # the first two series colours fill bars in several charts
        assert counts.get(hex_rgb(series_colour), 0) > 500, f"no {series_colour} chart bars on screen"


def test_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Chromium: CI set -> the test fails (never a silent skip); CI unset -> it is skipped."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed"):
        browser()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        browser()
