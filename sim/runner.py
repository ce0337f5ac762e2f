"""Replications: one simulated day per replication, run on all local cores by default.

Each replication draws its own parties from ``(seed, replication)`` streams, simulates, writes
its event log to disk if asked, and returns only a small ``DaySummary``; so results are
identical for the same seed whatever the number of workers, and memory stays bounded.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from sim.demand import draw_parties
from sim.engine import run_day
from sim.eventlog import to_frame
from sim.layout import Layout
from sim.metrics import DaySummary, Results, aggregate, summarise_day
from sim.scenario import Scenario
from sim.store import write_events

Progress = Callable[[int, int], None]
Summariser = Callable[[pd.DataFrame, Layout, Scenario, int], Any]


def simulate(layout: Layout, scenario: Scenario, seed: int = 0, replication: int = 0) -> pd.DataFrame:
    """Simulate one day and return its event log.

    Examples:
        >>> from sim.io import load_pair
        >>> layout, scenario = load_pair("scenarios/weekday.yaml")
        >>> log = simulate(layout, scenario, seed=1)
        >>> sorted(log.columns)
        ['event', 'guide', 'party', 'persons', 'place', 't']
    """
    parties = draw_parties(layout, scenario, seed, replication)
    return to_frame(run_day(layout, scenario, parties))


def replicate(
    layout: Layout, scenario: Scenario, seed: int, replication: int, log_dir: str | Path | None = None
) -> DaySummary:
    """One replication: simulate, keep the log on disk (if ``log_dir``), return the summary."""
    log = simulate(layout, scenario, seed, replication)
    if log_dir is not None:
        write_events(log, log_dir, replication)
    return summarise_day(log, layout, scenario, replication)


def _one(summarise: Summariser, layout: Layout, scenario: Scenario, seed: int, replication: int) -> Any:
    return summarise(simulate(layout, scenario, seed, replication), layout, scenario, replication)


def _several(summarise: Summariser, layout: Layout, scenario: Scenario, seed: int, reps: range) -> list[Any]:
    return [_one(summarise, layout, scenario, seed, rep) for rep in reps]


TASKS_PER_WORKER = 4  # Dask tasks carry several replications: fewer round trips, still balanced


@contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """Replications on an existing Dask scheduler, as a ``concurrent.futures`` executor.

    The same tasks as the local pool, seeded by replication number, so the numbers are identical
    on either backend and any number of workers. Workers must have ``anchang`` installed.

    Raises:
        InputError: if ``distributed`` is not installed or the scheduler cannot be reached.
    """
    from sim.problems import InputError, Problem

    try:
        from distributed import Client
    except ImportError:
        raise InputError([Problem("--dask", "needs the dask extra: pip install 'anchang[dask]'")]) from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            [Problem("--dask", f"cannot reach the Dask scheduler at {address}: {exc}")]
        ) from None
    try:
        executor = client.get_executor(pure=False)  # pure=False: random replications are never deduplicated
        executor.workers = sum(client.nthreads().values()) or 1  # sizes the batches of replications
        yield executor
    finally:
        client.close()


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
        context.set_forkserver_preload(["sim.runner"])  # workers fork with the imports done
        return context
    return multiprocessing.get_context("spawn")


def map_replications(
    summarise: Summariser,
    layout: Layout,
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
    first: int = 0,
) -> list[Any]:
    """Simulate days and return ``summarise(log, layout, scenario, rep)`` for each, in order.

    ``summarise`` must be a module-level function (or a partial of one): it is sent to workers.
    Pass ``executor`` to reuse one process pool across many calls (the staffing search does), and
    ``first`` to continue a run: replications ``first … first + replications − 1``.
    """
    reps = range(first, first + replications)
    if executor is not None:
        futures = submit_replications(executor, summarise, layout, scenario, replications, seed, first)
        return gather(futures, progress, replications)
    workers = min(workers or default_workers(), replications)
    if workers <= 1:
        out = []
        for rep in reps:
            out.append(_one(summarise, layout, scenario, seed, rep))
            if progress:
                progress(len(out), replications)
        return out
    results: dict[int, Any] = {}
    with process_pool(workers) as pool:
        futures = {pool.submit(_one, summarise, layout, scenario, seed, rep): rep for rep in reps}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress:
                progress(len(results), replications)
    return [results[rep] for rep in reps]


def submit_replications(
    executor: Executor,
    summarise: Summariser,
    layout: Layout,
    scenario: Scenario,
    replications: int,
    seed: int,
    first: int = 0,
) -> list[Future]:
    """Send replications to ``executor`` without waiting; ``gather`` collects them in order.

    A Dask executor knows its workers, so it gets batches of replications, about
    ``TASKS_PER_WORKER`` per worker: fewer round trips, still balanced.
    """
    reps = range(first, first + replications)
    remote = getattr(executor, "workers", None)
    size = math.ceil(replications / (TASKS_PER_WORKER * remote)) if remote else 1
    batches = [reps[i : i + size] for i in range(0, replications, size)]
    return [executor.submit(_several, summarise, layout, scenario, seed, batch) for batch in batches]


def gather(futures: list[Future], progress: Progress | None = None, total: int | None = None) -> list[Any]:
    """The results of ``submit_replications``, in replication order."""
    out: list[Any] = []
    for future in futures:
        out.extend(future.result())
        if progress:
            progress(len(out), total or len(out))
    return out


def run(
    layout: Layout,
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    log_dir: str | Path | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> Results:
    """Run replications (scenario defaults unless given) and summarise them with 95% CIs.

    ``executor``: a process pool or a Dask executor (``dask_executor``) to run them on.
    """
    reps = replications if replications is not None else scenario.run.replications
    seed = seed if seed is not None else scenario.run.seed
    summarise = summarise_day if log_dir is None else partial(_summarise_and_keep, log_dir=str(log_dir))
    days = map_replications(summarise, layout, scenario, reps, seed, workers, progress, executor)
    return aggregate(days, layout, scenario, seed)


def _summarise_and_keep(
    log: pd.DataFrame, layout: Layout, scenario: Scenario, replication: int, log_dir: str
) -> DaySummary:
    write_events(log, log_dir, replication)
    return summarise_day(log, layout, scenario, replication)


DEFAULT_PRECISION_KPIS = ("greet_within_target_share", "max_persons_inside")


def precise_enough(values: dict[str, list[float]], relative: float) -> dict[str, float]:
    """Each KPI's 95% CI half-width relative to its mean (0 for a KPI that never varies)."""
    from sim.metrics import ci95

    out = {}
    for name, series in values.items():
        mean, low, high = ci95(series)
        half = (high - low) / 2 if high == high and low == low else math.inf
        out[name] = 0.0 if half == 0 else (half / abs(mean) if mean else math.inf)
    return out


def until_precise(
    draw: Callable[[int, int], list[dict[str, float]]],
    kpis: tuple[str, ...],
    relative: float = 0.05,
    first_batch: int = 10,
    batch: int = 10,
    ceiling: int = 500,
) -> tuple[int, dict[str, float]]:
    """Draw replications in batches until every KPI is known to ``relative`` precision.

    Stops when each KPI's 95% CI half-width is within ``relative`` of its mean, or at ``ceiling``.
    ``draw(first, n)`` returns the KPI dicts of replications ``first … first + n − 1``. Returns
    (replications used, relative half-widths).
    """
    values: dict[str, list[float]] = {k: [] for k in kpis}
    done = 0
    size = min(first_batch, ceiling)
    while True:
        for row in draw(done, size):
            unknown = [k for k in kpis if k not in row]
            if unknown:
                raise ValueError(f"unknown KPI {unknown[0]!r}; choose from {', '.join(sorted(row))}")
            for k in kpis:
                values[k].append(float(row[k]))
        done += size
        widths = precise_enough(values, relative)
        if all(w <= relative for w in widths.values()) or done >= ceiling:
            return done, widths
        size = min(batch, ceiling - done)


def run_to_precision(
    layout: Layout,
    scenario: Scenario,
    relative: float = 0.05,
    kpis: tuple[str, ...] = DEFAULT_PRECISION_KPIS,
    ceiling: int = 500,
    seed: int | None = None,
    workers: int | None = None,
    log_dir: str | Path | None = None,
    executor: Executor | None = None,
) -> tuple[Results, dict[str, float]]:
    """Replications until the chosen KPIs are known to ``relative`` (95% CI half-width / mean).

    Returns the results of every replication run and the relative half-widths reached.
    """
    seed = scenario.run.seed if seed is None else seed
    summarise = summarise_day if log_dir is None else partial(_summarise_and_keep, log_dir=str(log_dir))
    days: list[DaySummary] = []

    def draw(first: int, n: int) -> list[dict[str, float]]:
        batch = map_replications(
            summarise, layout, scenario, n, seed, workers, executor=executor, first=first
        )
        days.extend(batch)
        return [d.kpis for d in batch]

    _, widths = until_precise(draw, kpis, relative, ceiling=ceiling, first_batch=max(10, workers or 0))
    return aggregate(days, layout, scenario, seed), widths
