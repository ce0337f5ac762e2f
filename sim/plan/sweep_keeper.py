"""Use case: run a sweep file (``anchang sweep``), keeping each configuration in the run store as it ends.

A sweep is one parent run; each configuration is a child kept the moment it finishes, so an
interrupted sweep (Ctrl-C, a killed process) loses only the configurations in flight, and
``resume`` runs the rest: the result is the table an uninterrupted sweep gives, to the last digit.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.problems import refuse
from sim.core.text import text
from sim.io.files import load_scenario
from sim.io.sweepfile import load_sweep
from sim.metrics.stats import Results
from sim.model.sweep import SweepSpec
from sim.plan.settings import Resolved, RunSettings
from sim.plan.sweep import Row, SweepProgress, configurations, run_sweep, sweep_key, variant_inputs
from sim.store.provenance import inputs_of
from sim.store.runstore import Record, RunStore, replication_kpis

Note = Callable[[str, dict[str, Any]], None]  # a catalogue key and its fields, for the front end to say


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: what was kept, and where."""

    def __init__(self, parent: int | None, kept: int, total: int) -> None:
        super().__init__()
        self.parent, self.kept, self.total = parent, kept, total


@dataclass
class SweepOutcome:
    """A finished sweep: its table and the run that keeps it."""

    spec: SweepSpec
    table: pd.DataFrame
    run_id: int | None
    store: Path | None


class _Keeper:
    """The sweep's record in the run store: a parent run, and a child per configuration."""

    def __init__(
        self, path: Path, spec: SweepSpec, base: dict[str, Any], base_path: Path, settings: Resolved
    ):
        self.store, self.spec, self.base, self.base_path = RunStore(path), spec, base, base_path
        self.settings, self.total = settings, len(configurations(spec))
        self.parent: int | None = None
        self.count = 0
        self.since = datetime.now(UTC)  # when the configuration being run began

    def start(self, resume: bool, note: Note) -> dict[int, Row]:
        """Open the parent run (or reopen the interrupted one); return the rows already kept."""
        key = sweep_key(self.spec, self.base, self.base_path)
        found = self.store.unfinished("sweep", key)
        if resume and found is not None:
            _refuse_if_alive(found)
            self.parent = int(found["run_id"])
            self.store.claim(self.parent)
            children = self.store.children(self.parent)
            done = {int(i): row for i, row in zip(children["config_index"], children["summary"], strict=True)}
            self.count = len(done)
            note("console.sweep.resuming", {"run": self.parent, "kept": len(done), "total": self.total})
            return done
        if resume:
            note("console.sweep.nothing_to_resume", {})
        elif found is not None:
            note("console.sweep.unfinished", {"run": found["run_id"]})
        record = Record(
            "sweep", inputs_of(self.base_path), self.settings.seed, self.spec.replications,
            dict(self.settings.options), summary={"sweep": self.spec.model_dump(mode="json")},
            headline=text("console.headline.sweep", total=self.total),
        )  # fmt: skip
        self.parent = self.store.begin(record, key, self.total)
        return {}

    def keep(self, index: int, config: dict[str, Any], row: Row, results: Results) -> None:
        """Keep one finished configuration (called by ``run_sweep``)."""
        assert self.parent is not None
        label = ", ".join(f"{k}={row[k]}" for k in config)  # the table's cells: JSON for mappings
        record = Record(
            "sweep-config", variant_inputs(self.base, self.base_path, config), results.seed,
            results.replications, summary=row, headline=label,
            frames={"kpis": results.kpis, "half_hours": results.half_hours,
                    "replications": replication_kpis(results)}, started=self.since,
        )  # fmt: skip
        if self.store.add_child(self.parent, index, config, record) is not None:
            self.count += 1
        self.since = datetime.now(UTC)

    def stop(self, status: str) -> None:
        """Close the parent run."""
        assert self.parent is not None
        headline = text("console.headline.sweep_done", kept=self.count, total=self.total)
        self.store.finish(self.parent, status, headline=headline)


def _refuse_if_alive(found: dict[str, Any]) -> None:
    """Two processes must not resume the same sweep: refuse while its process still runs."""
    if found["status"] != "running" or found["host"] != socket.gethostname() or found["pid"] == os.getpid():
        return
    try:
        os.kill(int(found["pid"]), 0)
    except (ProcessLookupError, PermissionError):
        return  # the process that ran it is gone (killed): safe to continue
    raise refuse("--resume", "resume_running", run=found["run_id"], pid=found["pid"])


def sweep(
    *,
    file: Path,
    settings: RunSettings | None = None,
    resume: bool = False,
    progress: SweepProgress | None = None,
    note: Note | None = None,
) -> SweepOutcome:
    """Every configuration of a sweep file on the same seed; one row each, kept as it finishes.

    ``settings.replications`` and ``settings.seed``, when given, override the sweep file's.

    Raises:
        InputError: for a bad sweep file or configuration (before anything runs), or ``resume``
            without a run store.
        SweepInterrupted: on Ctrl-C, after closing the parent run as interrupted.
    """
    settings = settings or RunSettings()
    spec, base, base_path = load_sweep(file)
    chosen = {"replications": settings.replications, "seed": settings.seed}
    spec = spec.model_copy(update={k: v for k, v in chosen.items() if v is not None})
    own = RunSettings(replications=spec.replications, seed=spec.seed, workers=settings.workers,
                      dask=settings.dask, store=settings.store, options=settings.options)  # fmt: skip
    resolved = own.resolve(load_scenario(base_path))
    if settings.store is None and resume:
        raise refuse("--resume", "resume_needs_store")
    keeper = _Keeper(settings.store, spec, base, base_path, resolved) if settings.store is not None else None
    done = keeper.start(resume, note or (lambda key, fields: None)) if keeper else {}
    try:
        table = run_sweep(spec, base, base_path, resolved, progress, done, keeper.keep if keeper else None)
    except KeyboardInterrupt:
        if keeper:
            keeper.stop("interrupted")
        raise SweepInterrupted(keeper.parent if keeper else None, keeper.count if keeper else 0,
                               len(configurations(spec))) from None  # fmt: skip
    if keeper:
        keeper.stop("done")
    return SweepOutcome(spec, table, keeper.parent if keeper else None, settings.store)
