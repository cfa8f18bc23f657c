"""Scenario sweeps on Dask: a grid of scenario variants, each rostered once and simulated.

Modules, in the order a sweep uses them:

1. :mod:`~scheduler.sweep.spec`: the sweep file (base scenario, fixed changes,
   parameters by path: a scenario.yaml key or ``FILE.csv:COLUMN``, KPIs).
2. :mod:`~scheduler.sweep.points`: the grid of points, each materialised as a
   scenario folder and identified by a hash of its files.
3. :mod:`~scheduler.sweep.tasks`: :func:`run_point`, the pure task a Dask
   worker runs (roster once, simulate the replications).
4. :mod:`~scheduler.sweep.store`: per-point results stored atomically (so a
   sweep resumes), assembled into one tidy table.
5. :mod:`~scheduler.sweep.summary`: 95% intervals per point, the targets
   check, the one-page Markdown summary.
6. :mod:`~scheduler.sweep.run`: :func:`run_sweep` and :func:`dask_client`
   (a local cluster by default, or an existing one).

Nothing is imported here, so ``cli.py`` can register the command
(:mod:`~scheduler.sweep.command`) without loading Dask for other commands.
"""
