"""Replications on local worker processes or a Dask cluster, with identical results."""
