"""Helpers of the sweep tests: sweep files over tests/data/tiny, real Dask clusters on loopback, the CLI.

Every process started here is killed by the matching stop function, which fixtures call in ``finally``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "tiny"
#: Seconds to wait for a scheduler file or for workers to register.
STARTUP_TIMEOUT_S = 60

#: 2 x 2 x 2 = 8 points of the tiny scenario, 3 replications each. The tiny roster is optimal long before
#: its 5 s budget, so even a heavily loaded machine stays far from the 10 s wall-clock cap (reproducible).
GRID_SWEEP = f"""\
name: tiny grid
base: {TINY.as_posix()}
set:
  solver.time_limit_s: 5
  simulation.replications: 3
parameters:
  - path: demand.csv:patients
    name: growth
    scale: [0.8, 1.2]
  - path: opening.weekday
    values: [[AM, PM], [AM, PM, EVE]]
  - path: simulation.walk_in_share
    values: [0.2, 0.35]
"""
GRID_POINTS = 8
GRID_REPLICATIONS = 3


def write_sweep(folder: Path, text: str = GRID_SWEEP, name: str = "sweep.yaml") -> Path:
    """A sweep file in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def subprocess_env() -> dict[str, str]:
    """Environment of child processes: the repository importable, no stray output buffering."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_sweep_command(sweep: Path, out: Path, *options: str) -> subprocess.Popen:
    """``python cli.py sweep SWEEP --out OUT OPTIONS`` in its own process group (see :func:`kill_group`)."""
    command = [sys.executable, str(REPO / "cli.py"), "sweep", str(sweep), "--out", str(out), *options]
    return subprocess.Popen(command, cwd=REPO, env=subprocess_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL a process started by :func:`start_sweep_command` with every process it started, and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


@dataclass
class LoopbackCluster:
    """A Dask scheduler and workers, each its own process, on 127.0.0.1."""

    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)

    def processes(self) -> list[subprocess.Popen]:
        return [self.scheduler, *self.workers]


def _wait_for_address(scheduler_file: Path, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dask scheduler exited with code {process.returncode}")
        if scheduler_file.is_file():
            try:
                return json.loads(scheduler_file.read_text())["address"]
            except (ValueError, KeyError):
                pass  # being written
        time.sleep(0.1)
    raise TimeoutError("dask scheduler did not write its scheduler file")


def start_cluster(folder: Path, n_workers: int, logs: list) -> LoopbackCluster:
    """Start ``dask scheduler`` and ``n_workers`` single-threaded ``dask worker`` processes (no nanny)."""
    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    env = subprocess_env()

    def launch(args: list[str], name: str) -> subprocess.Popen:
        log = open(folder / f"{name}.log", "w")  # noqa: SIM115 (closed by the fixture)
        logs.append(log)
        return subprocess.Popen([sys.executable, "-m", *args], cwd=REPO, env=env, stdout=log,
                                stderr=subprocess.STDOUT)

    scheduler = launch(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                        "--no-dashboard", "--scheduler-file", str(scheduler_file)], "scheduler")
    cluster = LoopbackCluster(address="", scheduler=scheduler)
    try:
        cluster.address = _wait_for_address(scheduler_file, scheduler)
        for i in range(n_workers):
            cluster.workers.append(launch(
                ["distributed.cli.dask_worker", cluster.address, "--host", "127.0.0.1", "--nthreads", "1",
                 "--no-nanny", "--no-dashboard", "--name", f"worker-{i}"], f"worker-{i}"))
    except BaseException:
        stop_cluster(cluster)
        raise
    return cluster


def stop_cluster(cluster: LoopbackCluster) -> None:
    """Kill every process of the cluster and reap it."""
    for process in cluster.processes():
        if process.poll() is None:
            process.kill()
    for process in cluster.processes():
        process.wait()


@contextlib.contextmanager
def running_cluster(folder: Path, n_workers: int = 2) -> Iterator[LoopbackCluster]:
    """A cluster for the duration of a ``with`` block; its processes are killed on exit."""
    logs: list = []
    cluster = start_cluster(folder, n_workers, logs)
    try:
        yield cluster
    finally:
        stop_cluster(cluster)
        for log in logs:
            log.close()
