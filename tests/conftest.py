"""Shared pytest fixtures.

Hand-built scenarios and rosters live in :mod:`builders` (``tests/builders.py``);
fixtures here only wrap the most common ones.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Test modules import the helper module as ``import builders``; keep that working
# whichever pytest import mode or rootdir is used.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

import builders  # noqa: E402  (needs the path above)

from scheduler.model import Roster, Scenario  # noqa: E402


@pytest.fixture
def scenario() -> Scenario:
    """The default hand-built scenario (see :func:`builders.make_scenario`)."""
    return builders.make_scenario()


@pytest.fixture
def clean_roster(scenario: Scenario) -> Roster:
    """A roster of :func:`scenario` that obeys every hard rule."""
    return builders.clean_roster(scenario)
