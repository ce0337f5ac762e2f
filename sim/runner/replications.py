"""Replications: one simulated day per replication, run on all local cores by default.

Each replication draws its own parties from ``(seed, replication)`` streams, simulates, writes
its event log to disk if asked, and returns only a small ``DaySummary``; so results are
identical for the same seed whatever the number of workers, and memory stays bounded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor, Future, as_completed
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from sim.engine.day import simulate
from sim.metrics.day import DaySummary, summarise_day
from sim.metrics.stats import Results, aggregate
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.runner.pool import default_workers, process_pool
from sim.store.outputs import write_events

Progress = Callable[[int, int], None]


Summariser = Callable[[pd.DataFrame, Layout, Scenario, int], Any]


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
    failed: dict[int, BaseException] = {}
    with process_pool(workers) as pool:
        rep_of = {pool.submit(_one, summarise, layout, scenario, seed, rep): rep for rep in reps}
        for future in as_completed(rep_of):
            rep = rep_of[future]
            if future.cancelled():
                continue
            error = future.exception()
            if error is not None:  # later replications are dropped; earlier ones may still fail first
                failed[rep] = error
                for other, later in rep_of.items():
                    if later > min(failed):
                        other.cancel()
                continue
            results[rep] = future.result()
            if progress:
                progress(len(results), replications)
    if failed:  # the same error however the workers were scheduled: the first replication's
        raise failed[min(failed)]
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
    replications: int,
    seed: int,
    workers: int | None = None,
    log_dir: str | Path | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> Results:
    """Run replications and summarise them with 95% CIs.

    ``executor``: a process pool or a Dask executor (``dask_executor``) to run them on. The logs go
    to ``log_dir`` made absolute here, so workers started elsewhere (a Dask worker's own working
    folder) write them where this process reads them.
    """
    where = None if log_dir is None else str(Path(log_dir).resolve())
    summarise = summarise_day if where is None else partial(_summarise_and_keep, log_dir=where)
    days = map_replications(summarise, layout, scenario, replications, seed, workers, progress, executor)
    return aggregate(days, layout, scenario, seed)


def _summarise_and_keep(
    log: pd.DataFrame, layout: Layout, scenario: Scenario, replication: int, log_dir: str
) -> DaySummary:
    write_events(log, log_dir, replication)
    return summarise_day(log, layout, scenario, replication)
