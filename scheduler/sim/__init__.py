"""Discrete-event simulation (SimPy) of outpatient clinic days under a roster.

Public API: :func:`simulate` runs replications and returns a
:class:`SimulationResult` (KPIs with 95% half-widths, one row per replication,
one row per patient visit); :func:`write_simulation` writes ``kpis.json`` and
``visits.csv``. Random models are injectable through :class:`Models`
(defaults: :func:`default_models`). :data:`CONTRACT_KEYS` lists the KPI keys
``kpis.json`` must carry.

How a replication runs (modules, in order):

1. :mod:`~scheduler.sim.plan`: the scenario and roster compiled once into
   slot tables, walk-in groups and demand rows.
2. :mod:`~scheduler.sim.patients`: each demand patient's random attributes,
   from a generator per demand row keyed by (seed, replication, row content):
   common random numbers across scenarios with the same demand.
3. :mod:`~scheduler.sim.booking`: booked patients take the earliest free
   booking-open slot; walk-ins take leftover slots on their demand day.
4. :mod:`~scheduler.sim.day`: each site-day as a discrete-event run of the
   visit flow: registration (desk, kiosk or mobile), doctors' and departments'
   consultation queues, cashiers (pay at each step or settle at the end),
   laboratory and imaging with result turnaround, the return to the doctor,
   pharmacy; stations and servers per site from :mod:`~scheduler.sim.stations`
   (scenario settings and the optional ``stations.csv``).
5. :mod:`~scheduler.sim.kpis`: KPIs per replication (computed for blocks of
   replications at once, like the visit records), then mean and Student-t
   95% half-width; :mod:`~scheduler.sim.queue_series`: queue length over the
   day per station and doctor; :mod:`~scheduler.sim.runner` runs replications
   (in worker processes when ``workers > 1``) and writes the files.

Textbook mode (``arrivals: walk_in``, ``flow: consult_only``) and its
validation helpers (Erlang C, Lindley): :mod:`~scheduler.sim.textbook`.

Calibration constants and their sources: :mod:`~scheduler.sim.calibration`.
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
