"""Replications until the chosen KPIs are known to a relative precision."""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from pathlib import Path

import numpy as np

from sim.core.problems import refuse
from sim.metrics.columns import POOLED_SHARES
from sim.metrics.day import DaySummary, summarise_day
from sim.metrics.stats import Results, aggregate, ci95, day_kpis, pooled_share
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.runner.replications import _summarise_and_keep, map_replications

DEFAULT_PRECISION_KPIS = ("greet_within_target_share", "peak_persons_inside")


def precise_enough(
    values: dict[str, list[float]], relative: float, kpis: tuple[str, ...] | None = None
) -> dict[str, float]:
    """Each KPI's 95% CI half-width relative to its mean (0 for a KPI that never varies).

    A share of parties gets the pooled estimate and its interval (``stats.pooled_share``), as the
    KPI table has it, from the day's counts in ``values``.
    """
    out = {}
    for name in kpis if kpis is not None else tuple(values):
        if name in POOLED_SHARES:
            hits, trials = POOLED_SHARES[name]
            counts = np.array(values[hits]), np.array(values[trials])
            mean, low, high = (float(v[0]) for v in pooled_share(*counts))
        else:
            mean, low, high = ci95(values[name])
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
    kept = set(kpis) | {count for k in kpis if k in POOLED_SHARES for count in POOLED_SHARES[k]}
    values: dict[str, list[float]] = {k: [] for k in kept}
    done = 0
    size = min(first_batch, ceiling)
    while True:
        for row in draw(done, size):
            unknown = [k for k in kpis if k not in row]
            if unknown:
                raise refuse("--kpi", "unknown_kpi", kpi=repr(unknown[0]), known=", ".join(sorted(row)))
            for k in kept:
                values[k].append(float(row[k]))
        done += size
        widths = precise_enough(values, relative, kpis)
        if all(w <= relative for w in widths.values()) or done >= ceiling:
            return done, widths
        size = min(batch, ceiling - done)


def run_to_precision(
    layout: Layout,
    scenario: Scenario,
    seed: int,
    relative: float = 0.05,
    kpis: tuple[str, ...] = DEFAULT_PRECISION_KPIS,
    ceiling: int = 500,
    workers: int | None = None,
    log_dir: str | Path | None = None,
    executor: Executor | None = None,
) -> tuple[Results, dict[str, float]]:
    """Replications until the chosen KPIs are known to ``relative`` (95% CI half-width / mean).

    Returns the results of every replication run and the relative half-widths reached.
    """
    summarise = summarise_day if log_dir is None else partial(_summarise_and_keep, log_dir=str(log_dir))
    days: list[DaySummary] = []

    def draw(first: int, n: int) -> list[dict[str, float]]:
        batch = map_replications(
            summarise, layout, scenario, n, seed, workers, executor=executor, first=first
        )
        days.extend(batch)
        return [day_kpis(d) for d in batch]

    _, widths = until_precise(draw, kpis, relative, ceiling=ceiling, first_batch=max(10, workers or 0))
    return aggregate(days, layout, scenario, seed), widths
