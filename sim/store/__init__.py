"""Writing results: files on disk, the run store (DuckDB) and provenance.

Owns the output files (Parquet event logs, CSV tables, JSON written whole, an output folder held
by one run at a time), the catalogue of runs with their
inputs' texts and hashes and the code version, and typed round trips of tables through DuckDB.
May import ``sim.engine``, ``sim.metrics``, ``sim.io``, ``sim.model`` and ``sim.core``.
"""
