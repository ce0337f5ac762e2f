"""Replications on local worker processes or a Dask cluster, with identical results.

Replication *r* always draws from its own streams, so the numbers do not depend on the backend or
the number of workers; ``until_precise`` adds replications until a precision is reached. Workers
leave when the process that started them does, under fork and forkserver alike. May
import ``sim.store``, ``sim.engine``, ``sim.metrics``, ``sim.io``, ``sim.model`` and ``sim.core``.
"""
