"""Replications on an existing Dask scheduler, as a concurrent.futures executor."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager


@contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """Replications on an existing Dask scheduler, as a ``concurrent.futures`` executor.

    The same tasks as the local pool, seeded by replication number, so the numbers are identical
    on either backend and any number of workers. Workers must have ``anchang`` installed.

    Raises:
        InputError: if ``distributed`` is not installed or the scheduler cannot be reached.
    """
    from sim.core.problems import refuse

    try:
        from distributed import Client
    except ImportError:
        raise refuse("--dask", "dask_extra") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise refuse("--dask", "dask_unreachable", address=address, reason=str(exc)) from None
    try:
        executor = client.get_executor(pure=False)  # pure=False: random replications are never deduplicated
        executor.workers = sum(client.nthreads().values()) or 1  # sizes the batches of replications
        yield executor
    finally:
        client.close()
