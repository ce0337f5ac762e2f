"""Parameter sweeps: every configuration of a base scenario on common random numbers, one tidy table.

A sweep file names a base scenario and axes. Each axis is a dotted path into the scenario file
(``guides.schedule.10:00``, ``demand.parties``, ``policies.batch_admission.persons``) with a list
of values; the axis ``layout`` takes layout files. ``mode: grid`` runs every combination,
``mode: list`` pairs the axes' values position by position. Every configuration runs on the same
seed, so differences between rows are paired (common random numbers).
"""

from __future__ import annotations

import collections
import contextlib
import copy
import hashlib
import itertools
import json
import math
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.problems import InputError, refuse
from sim.io.files import load_layout, parse
from sim.metrics.day import summarise_day
from sim.metrics.stats import Results, aggregate
from sim.model.layout import Layout
from sim.model.limits import SWEEP_CONFIGURATIONS
from sim.model.scenario import Scenario
from sim.model.scenario_checks import check_pair
from sim.model.sweep import SweepSpec
from sim.plan.settings import Resolved
from sim.runner.pool import default_workers, process_pool
from sim.runner.replications import gather, run, submit_replications


def configurations(spec: SweepSpec) -> list[dict[str, Any]]:
    """Every configuration: path → value.

    Raises:
        InputError: if ``mode: list`` axes differ in length, or the sweep has more than
            ``SWEEP_CONFIGURATIONS`` configurations.
    """
    names = list(spec.axes)
    count = (
        len(next(iter(spec.axes.values())))
        if spec.mode == "list"
        else math.prod(map(len, spec.axes.values()))
    )
    if count > SWEEP_CONFIGURATIONS:
        raise refuse("axes", "too_many_configurations", count=count, limit=SWEEP_CONFIGURATIONS)
    if spec.mode == "list":
        lengths = {len(v) for v in spec.axes.values()}
        if len(lengths) > 1:
            raise refuse("axes", "list_lengths")
        return [dict(zip(names, values, strict=True)) for values in zip(*spec.axes.values(), strict=True)]
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*spec.axes.values())]


def _set(data: dict, path: str, value: Any) -> None:
    keys = path.split(".")
    node = data
    for key in keys[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[keys[-1]] = value


def variant(
    base: dict, base_path: Path, config: dict[str, Any], default_layout: Layout
) -> tuple[Layout, Scenario]:
    """The layout and scenario of one configuration.

    Raises:
        InputError: if the configuration makes an invalid scenario or layout.
    """
    data = copy.deepcopy(base)
    layout = default_layout
    for path, value in config.items():
        if path == "layout":
            layout = load_layout(base_path.parent / str(value))
        else:
            _set(data, path, value)
    label = ", ".join(f"{k}={v}" for k, v in config.items())
    scenario = parse(Scenario, data, None, f"sweep configuration ({label})")
    problems = check_pair(layout, scenario)
    if problems:
        raise InputError([replace(p, path=f"sweep configuration ({label}): {p.path}") for p in problems])
    return layout, scenario


def _cell(value: Any) -> Any:
    """An axis value as a table cell: numbers and text as they are, the rest as compact JSON."""
    if isinstance(value, int | float | str | bool):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def sweep_key(spec: SweepSpec, base: dict, base_path: Path) -> str:
    """What makes two sweeps the same: the file's settings and the base inputs' content."""
    from sim.store.provenance import inputs_of

    hashes = [i.hash for i in inputs_of(base_path)]
    text = json.dumps([spec.model_dump(mode="json"), base, hashes], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def variant_inputs(base: dict, base_path: Path, config: dict[str, Any]) -> list:
    """The scenario and layout of one configuration, as the run store keeps them."""
    from sim.io.files import file_data
    from sim.store.provenance import input_of

    data = copy.deepcopy(base)
    layout_file = base_path.parent / str(config.get("layout", base.get("layout")))
    for path, value in config.items():
        if path != "layout":
            _set(data, path, value)
    return [input_of("scenario", data, base_path), input_of("layout", file_data(layout_file), layout_file)]


Row = dict[str, Any]
SweepProgress = Callable[[int, int, float], None]  # (finished, total, elapsed seconds)


def is_sweep(data: Any) -> bool:
    """Whether file data is a sweep file (a ``base`` scenario and ``axes``), not a layout or scenario."""
    return isinstance(data, dict) and "axes" in data and "base" in data


def validate_sweep(path: Path) -> int:
    """Check a sweep file, its base and every configuration, as a sweep would before running; their count.

    Raises:
        InputError: for the sweep file, its base, or the first configuration that is invalid.
    """
    from sim.io.files import load_pair
    from sim.io.sweepfile import load_sweep

    spec, base, base_path = load_sweep(path)
    default_layout, _ = load_pair(base_path)
    configs = configurations(spec)
    for config in configs:
        variant(base, base_path, config, default_layout)
    return len(configs)


def run_sweep(
    spec: SweepSpec,
    base: dict[str, Any],
    base_path: Path,
    settings: Resolved,
    progress: SweepProgress | None = None,
    done: dict[int, Row] | None = None,
    on_row: Callable[[int, dict[str, Any], Row, Results], None] | None = None,
) -> pd.DataFrame:
    """One row per configuration: the axes' values, then each KPI's mean and 95% CI.

    Every configuration runs ``settings.replications`` days on ``settings.seed``. ``done`` maps
    configuration numbers to rows already computed (a resumed sweep): those are not run again.
    ``on_row(number, config, row, results)`` is called as each one finishes. Every configuration
    is validated before the first runs.
    """
    from sim.io.files import load_pair

    default_layout, _ = load_pair(base_path)
    reps, seed, workers = settings.replications, settings.seed, settings.workers
    configs = configurations(spec)
    pairs = [variant(base, base_path, config, default_layout) for config in configs]  # validate all first
    rows = dict(done or {})
    todo = [i for i in range(len(configs)) if i not in rows]
    started = time.perf_counter()

    def finish(i: int, results: Results) -> None:
        rows[i] = _row(spec, configs[i], results) | {"replications": reps, "seed": seed}
        if on_row:
            on_row(i, configs[i], rows[i], results)
        if progress:
            progress(len(rows), len(configs), time.perf_counter() - started)

    with contextlib.ExitStack() as stack:
        executor = stack.enter_context(settings.executor())
        if executor is None and min(workers or default_workers(), reps) > 1:
            executor = stack.enter_context(process_pool(workers))  # one pool for the whole sweep
        if executor is None:
            for i in todo:
                finish(i, run(*pairs[i], reps, seed, workers=1))
        else:
            _pipelined(executor, todo, pairs, reps, seed, finish)
    return pd.DataFrame([rows[i] for i in range(len(configs))])


IN_FLIGHT = 3  # configurations queued on the workers at once: no idle worker between two of them


def _pipelined(
    executor: Executor,
    todo: list[int],
    pairs: list[tuple[Layout, Scenario]],
    reps: int,
    seed: int,
    finish: Callable[[int, Results], None],
) -> None:
    """Run configurations with the next ones already queued, finishing them in order."""
    pending: collections.deque = collections.deque()
    queue = iter(todo)

    def submit_next() -> None:
        i = next(queue, None)
        if i is not None:
            layout, scenario = pairs[i]
            pending.append((i, submit_replications(executor, summarise_day, layout, scenario, reps, seed)))

    try:
        for _ in range(IN_FLIGHT):
            submit_next()
        while pending:
            i, futures = pending.popleft()
            days = gather(futures)
            submit_next()  # keep the workers fed while this one is aggregated and kept
            layout, scenario = pairs[i]
            finish(i, aggregate(days, layout, scenario, seed))
    finally:
        for _, futures in pending:  # interrupted: queued work is dropped, not run
            for future in futures:
                future.cancel()


def _row(spec: SweepSpec, config: dict[str, Any], results: Results) -> Row:
    kpis = results.kpis.set_index("metric")
    missing = [k for k in spec.kpis if k not in kpis.index]
    if missing:
        raise refuse("kpis", "unknown_kpi", kpi=repr(missing[0]), known=", ".join(kpis.index))
    row = {k: _cell(v) for k, v in config.items()}
    for k in spec.kpis:
        row |= {
            k: float(kpis.at[k, "mean"]),
            f"{k}_ci_low": float(kpis.at[k, "ci_low"]),
            f"{k}_ci_high": float(kpis.at[k, "ci_high"]),
        }
    return row
