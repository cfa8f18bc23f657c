"""Outpatient scheduling: CP-SAT rosters and SimPy queue simulation."""

__version__ = "0.1.0"
