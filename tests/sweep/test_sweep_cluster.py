"""Sweeps on real Dask clusters: same numbers locally and on separate processes, a killed worker, resume.

The reference is the command line's run on its local cluster (``local_reference``).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from distributed import Client
from sweep_helpers import GRID_POINTS, GRID_REPLICATIONS, LoopbackCluster, kill_group, start_sweep_command, write_sweep

from cli import main
from scheduler.sweep.run import run_sweep
from scheduler.sweep.store import POINTS_DIR, RESULT_FILE

#: Seconds a test waits for the sweep to reach a state (tasks running, points stored).
WAIT_S = 120


def _client(cluster: LoopbackCluster, workers: int = 2) -> Client:
    client = Client(cluster.address, timeout=30)
    client.wait_for_workers(workers, timeout=60)
    return client


def _stored_results(out: Path) -> dict[Path, tuple[int, int]]:
    """Each stored per-point result file with its (inode, modification time [ns])."""
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (out / POINTS_DIR).glob(f"*/{RESULT_FILE}")}


def test_cli_local_run_writes_the_tidy_table(local_reference: pd.DataFrame) -> None:
    """One row per point and replication, points in grid order, every solve reproducible."""
    table = local_reference
    assert len(table) == GRID_POINTS * GRID_REPLICATIONS
    assert list(table["point"].unique()) == [f"p{i:03d}" for i in range(GRID_POINTS)]
    assert table.groupby("point")["replication"].apply(list).map(lambda r: r == [0, 1, 2]).all()
    assert table["solve_reproducible"].all()
    assert sorted(table["growth"].unique()) == [0.8, 1.2]
    # the grid changes the numbers: more demand, more patients and fewer served within the window
    by_growth = table.groupby("growth")[["patients", "within_booking_window_share"]].mean()
    assert by_growth.loc[0.8, "patients"] < by_growth.loc[1.2, "patients"]
    assert by_growth.loc[0.8, "within_booking_window_share"] > by_growth.loc[1.2, "within_booking_window_share"]


def test_rerun_of_a_finished_sweep_reads_every_point_and_starts_no_cluster(
    local_run: Path, local_reference: pd.DataFrame
) -> None:
    """All points stored: nothing is computed, so even an unreachable --scheduler is never contacted."""
    result = CliRunner().invoke(main, ["sweep", str(local_run.parent / "sweep.yaml"), "--out", str(local_run),
                                       "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 0, result.output
    assert f"0 points computed, {GRID_POINTS} read from earlier runs." in result.output
    pd.testing.assert_frame_equal(pd.read_parquet(local_run / "results.parquet"), local_reference)
    assert not list(local_run.glob("results.*.~*~"))  # same content: no backup


def test_separate_process_cluster_gives_the_local_results(
    tmp_path: Path, shared_cluster: LoopbackCluster, local_reference: pd.DataFrame
) -> None:
    """A scheduler and two workers as separate processes on 127.0.0.1 reproduce the local run exactly."""
    sweep = write_sweep(tmp_path)
    with _client(shared_cluster) as client:
        run = run_sweep(sweep, tmp_path / "out", client)
        ran_on = {w["name"] for w in client.scheduler_info()["workers"].values()}
    assert ran_on == {"worker-0", "worker-1"}
    assert len(run.computed) == GRID_POINTS
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out" / "results.parquet"), local_reference)


def test_killed_worker_mid_sweep_still_gives_the_complete_identical_result(
    tmp_path: Path, fresh_cluster: LoopbackCluster, local_reference: pd.DataFrame
) -> None:
    """SIGKILL a worker while it runs a task: its tasks are rerun elsewhere, the table is unchanged."""
    sweep = write_sweep(tmp_path)
    out = tmp_path / "out"
    outcome: dict[str, object] = {}
    with _client(fresh_cluster) as client, _client(fresh_cluster) as watcher:

        def sweep_in_background() -> None:
            try:
                outcome["run"] = run_sweep(sweep, out, client)
            except BaseException as exc:  # reported by the main thread
                outcome["error"] = exc

        thread = threading.Thread(target=sweep_in_background)
        thread.start()
        victim_name, victim_tasks = None, 0
        deadline = time.monotonic() + WAIT_S
        while victim_name is None and time.monotonic() < deadline and thread.is_alive():
            info = watcher.scheduler_info()["workers"]
            for address, tasks in watcher.processing().items():
                name = info[address]["name"] if address in info else None
                if tasks and name == "worker-1":
                    victim_name, victim_tasks = name, len(tasks)
            time.sleep(0.02)
        stored_at_kill = len(_stored_results(out))
        assert victim_name == "worker-1", "the sweep ended before worker-1 got a task"
        os.kill(fresh_cluster.workers[1].pid, signal.SIGKILL)
        fresh_cluster.workers[1].wait(timeout=30)
        thread.join(timeout=WAIT_S)
        assert not thread.is_alive()
        survivors = {w["name"] for w in watcher.scheduler_info()["workers"].values()}
    assert "error" not in outcome, outcome.get("error")
    assert victim_tasks >= 1 and stored_at_kill < GRID_POINTS  # the kill landed mid-sweep
    assert survivors == {"worker-0"}
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), local_reference)


class _InterruptedError(Exception):
    """Stands for Ctrl-C or a lost driver in the middle of a sweep."""


def test_interrupted_sweep_resumes_without_recomputing_finished_points(
    tmp_path: Path, shared_cluster: LoopbackCluster, local_reference: pd.DataFrame
) -> None:
    """Points stored before the interruption are read, not recomputed; the rest are computed once."""
    sweep = write_sweep(tmp_path)
    out = tmp_path / "out"

    def stop_after_three(done: int, total: int) -> None:
        if done >= 3:
            raise _InterruptedError

    with _client(shared_cluster) as client:
        with pytest.raises(_InterruptedError):
            run_sweep(sweep, out, client, progress=stop_after_three)
        first = _stored_results(out)
        assert 3 <= len(first) < GRID_POINTS
        assert not (out / "results.parquet").exists()
        resumed = run_sweep(sweep, out, client)
    assert len(resumed.reused) == len(first)
    assert len(resumed.computed) == GRID_POINTS - len(first)  # each point computed exactly once overall
    assert set(resumed.computed).isdisjoint(resumed.reused)
    after = _stored_results(out)
    assert len(after) == GRID_POINTS
    assert {path: after[path] for path in first} == first  # finished points' files untouched
    pd.testing.assert_frame_equal(resumed.results, local_reference)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), local_reference)


def test_sweep_whose_driver_is_killed_resumes_without_recomputing_finished_points(
    tmp_path: Path, shared_cluster: LoopbackCluster, local_reference: pd.DataFrame
) -> None:
    """SIGKILL the ``sweep`` command mid-run; the same command again computes only the missing points."""
    sweep = write_sweep(tmp_path)
    out = tmp_path / "out"
    process = start_sweep_command(sweep, out, "--scheduler", shared_cluster.address)
    try:
        deadline = time.monotonic() + WAIT_S
        while len(_stored_results(out)) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        kill_group(process)
    first = _stored_results(out)
    assert 2 <= len(first) < GRID_POINTS, "the sweep was not interrupted mid-run"
    assert not (out / "results.parquet").exists()
    again = start_sweep_command(sweep, out, "--scheduler", shared_cluster.address)
    try:
        stdout, stderr = again.communicate(timeout=WAIT_S)
    finally:
        kill_group(again)
    assert again.returncode == 0, stderr
    # each point computed exactly once over the two runs
    assert f"{GRID_POINTS - len(first)} points computed, {len(first)} read from earlier runs." in stdout
    after = _stored_results(out)
    assert len(after) == GRID_POINTS
    assert {path: after[path] for path in first} == first  # finished points' files untouched
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), local_reference)
