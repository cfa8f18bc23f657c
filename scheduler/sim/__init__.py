"""Discrete-event simulation (SimPy) of outpatient clinic days under a roster.

Public API: :func:`simulate` runs replications and returns a
:class:`SimulationResult`; :func:`write_simulation` writes ``kpis.json`` and
``visits.csv``. Random models are injectable (:class:`Models`).
"""

from scheduler.sim.distributions import Models, default_models
from scheduler.sim.kpis import CONTRACT_KEYS
from scheduler.sim.runner import SimulationResult, simulate, write_simulation

__all__ = [
    "CONTRACT_KEYS",
    "Models",
    "SimulationResult",
    "default_models",
    "simulate",
    "write_simulation",
]
