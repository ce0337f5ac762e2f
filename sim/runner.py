"""Replications: one simulated day per replication, run on all local cores by default.

Each replication draws its own parties from ``(seed, replication)`` streams, simulates, writes
its event log to disk if asked, and returns only a small ``DaySummary``; so results are
identical for the same seed whatever the number of workers, and memory stays bounded.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
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


def process_pool(workers: int | None = None) -> Executor:
    """A process pool for repeated ``map_replications`` calls (use it as a context manager)."""
    return ProcessPoolExecutor(max_workers=workers or default_workers(), mp_context=_context())


def default_workers() -> int:
    """All local cores."""
    return os.cpu_count() or 1


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: safe in threaded hosts (Streamlit, Jupyter) on Linux; spawn elsewhere.
    if sys.platform.startswith("linux"):
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
) -> list[Any]:
    """Simulate days and return ``summarise(log, layout, scenario, rep)`` for each, in order.

    ``summarise`` must be a module-level function (or a partial of one): it is sent to workers.
    Pass ``executor`` to reuse one process pool across many calls (the staffing search does).
    """
    if executor is not None:
        futures = [
            executor.submit(_one, summarise, layout, scenario, seed, rep) for rep in range(replications)
        ]
        return [future.result() for future in futures]
    workers = min(workers or default_workers(), replications)
    if workers <= 1:
        out = []
        for rep in range(replications):
            out.append(_one(summarise, layout, scenario, seed, rep))
            if progress:
                progress(len(out), replications)
        return out
    results: dict[int, Any] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        futures = {
            pool.submit(_one, summarise, layout, scenario, seed, rep): rep for rep in range(replications)
        }
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress:
                progress(len(results), replications)
    return [results[rep] for rep in range(replications)]


def run(
    layout: Layout,
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    log_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> Results:
    """Run replications (scenario defaults unless given) and summarise them with 95% CIs."""
    reps = replications if replications is not None else scenario.run.replications
    seed = seed if seed is not None else scenario.run.seed
    summarise = summarise_day if log_dir is None else partial(_summarise_and_keep, log_dir=str(log_dir))
    days = map_replications(summarise, layout, scenario, reps, seed, workers, progress)
    return aggregate(days, layout, scenario, seed)


def _summarise_and_keep(
    log: pd.DataFrame, layout: Layout, scenario: Scenario, replication: int, log_dir: str
) -> DaySummary:
    write_events(log, log_dir, replication)
    return summarise_day(log, layout, scenario, replication)
