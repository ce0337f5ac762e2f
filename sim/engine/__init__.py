"""The discrete-event engine: parties drawn up front, resources, the SimPy day.

``draw_parties`` draws each party's arrival and whole plan from its own random streams;
``simulate`` runs the day and returns the flat event log. The only importer of SimPy (an
import-linter contract). May import ``sim.model`` and ``sim.core``.
"""
