"""Fixtures of the sweep tests: real Dask clusters on loopback and the reference run of the command line.

Every process a fixture starts is killed in a ``finally`` block, whatever the test did.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

# The test modules import the helper module as ``import sweep_helpers``, as tests/sim does with its factories.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from sweep_helpers import (  # noqa: E402  (needs the path above)
    GRID_POINTS,
    LoopbackCluster,
    kill_group,
    running_cluster,
    start_sweep_command,
    write_sweep,
)


@pytest.fixture
def fresh_cluster(tmp_path: Path) -> Iterator[LoopbackCluster]:
    """A scheduler and two workers of this test's own (for tests that kill a worker)."""
    with running_cluster(tmp_path / "cluster") as cluster:
        yield cluster


@pytest.fixture(scope="module")
def shared_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackCluster]:
    """A scheduler and two workers shared by the tests of a module that leave them running."""
    with running_cluster(tmp_path_factory.mktemp("cluster")) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Output folder of the grid sweep run by the command line on its local cluster (2 worker processes)."""
    folder = tmp_path_factory.mktemp("local")
    sweep = write_sweep(folder)
    process = start_sweep_command(sweep, folder / "out", "--workers", "2")
    try:
        stdout, stderr = process.communicate(timeout=300)
    finally:
        kill_group(process)
    assert process.returncode == 0, stderr
    assert f"{GRID_POINTS} points computed" in stdout
    return folder / "out"


@pytest.fixture(scope="module")
def local_reference(local_run: Path) -> pd.DataFrame:
    """The table of :func:`local_run`: the reference every other run must equal."""
    return pd.read_parquet(local_run / "results.parquet")
