"""Local worker processes: a pool that forks when that is safe and stops cleanly."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


@contextmanager
def process_pool(workers: int | None = None) -> Iterator[ProcessPoolExecutor]:
    """A process pool for repeated ``map_replications`` calls.

    Left normally, it waits for its workers. Left by an exception (Ctrl-C above all), it drops
    the queued work and stops the workers at once, instead of running every queued replication
    first and then waiting on workers that may never be told to stop.
    """
    pool = ProcessPoolExecutor(
        max_workers=workers or default_workers(), mp_context=_context(), initializer=_watch_parent
    )
    try:
        yield pool
    except BaseException:
        workers_now = list(getattr(pool, "_processes", None) or {})  # the pool keeps them by pid
        pool.shutdown(wait=False, cancel_futures=True)
        for pid in workers_now:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        raise
    pool.shutdown(wait=True)


def _watch_parent() -> None:
    """In a worker: exit when the process that started it is gone (killed with SIGKILL, say).

    A worker would otherwise wait for work forever, holding its memory.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="anchang-parent-watch", daemon=True).start()


def default_workers() -> int:
    """All local cores."""
    return os.cpu_count() or 1


def _context() -> multiprocessing.context.BaseContext:
    """How worker processes start: fork when that is safe, else forkserver (Linux) or spawn.

    Fork copies this process with its imports done, so a pool is ready in milliseconds instead
    of the 3–4 s a fresh interpreter spends importing pandas, networkx and scipy. It is safe only
    while this process runs a single thread; threaded hosts (Streamlit, Jupyter, a progress bar
    that refreshes itself) get forkserver, whose server imports ``sim.runner`` once for all pools.
    """
    if sys.platform.startswith("linux"):
        if threading.active_count() == 1:
            return multiprocessing.get_context("fork")
        context = multiprocessing.get_context("forkserver")
        # Workers fork with the imports done; the server leaves when its driver does.
        context.set_forkserver_preload(["sim.runner.replications", "sim.runner.forkserver_watch"])
        return context
    return multiprocessing.get_context("spawn")
