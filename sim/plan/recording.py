"""Keeping a use case's run in the run store, when the settings name one.

A record holds what ran (the command, the options the user chose), on which inputs (the files as
read, or the objects when there were no files), with which code, and its summary and tables.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pandas as pd

from sim.core.problems import InputError
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan.settings import Resolved
from sim.store.provenance import Input, input_of, inputs_of
from sim.store.runstore import Record, RunStore

OnRecord = Callable[[int, Path], None]


@dataclass(frozen=True)
class Sources:
    """The files the inputs came from, as the user named them (for the record's provenance).

    The files are read when the sources are made, before anything runs: an edit saved during a
    long run is not what ran, and is not recorded as such.
    """

    scenario: Path | None = None
    layout: Path | None = None
    read: tuple[Input, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        if self.scenario is not None or self.layout is not None:
            object.__setattr__(self, "read", tuple(inputs_of(self.scenario, self.layout)))


P = ParamSpec("P")
R = TypeVar("R")


def naming_the_file(use_case: Callable[P, R]) -> Callable[P, R]:
    """A use case whose input errors without a file (raised while simulating) name its ``sources``' file."""

    @functools.wraps(use_case)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return use_case(*args, **kwargs)
        except InputError as exc:
            sources = kwargs.get("sources")
            named = getattr(sources, "scenario", None) or getattr(sources, "layout", None)
            if exc.source is not None or named is None:
                raise
            raise InputError(exc.problems, str(named)) from None

    return wrapped


def inputs(sources: Sources | None, layout: Layout | None, scenario: Scenario | None) -> list[Input]:
    """The inputs as kept: from their files as read at the start when known, else from the objects."""
    if sources is not None and sources.read:
        return list(sources.read)
    found = []
    if scenario is not None:
        found.append(input_of("scenario", scenario.model_dump(mode="json", by_alias=True, exclude_none=True)))
    if layout is not None:
        found.append(input_of("layout", layout.model_dump(mode="json", by_alias=True, exclude_none=True)))
    return found


def keep(
    settings: Resolved,
    command: str,
    inputs_kept: list[Input],
    started: datetime,
    *,
    replications: int | None = None,
    summary: dict[str, Any] | None = None,
    headline: str | None = None,
    frames: dict[str, pd.DataFrame] | None = None,
    events: Path | None = None,
    on_record: OnRecord | None = None,
) -> int | None:
    """Record a finished run if the settings name a store; its id, or None."""
    if settings.store is None:
        return None
    record = Record(
        command, inputs_kept, settings.seed, replications, dict(settings.options), summary, headline,
        frames or {}, events, started,
    )  # fmt: skip
    return record_in(settings.store, record, on_record)


def record_in(store: Path, record: Record, on_record: OnRecord | None = None) -> int:
    """Keep a record in a store and tell ``on_record`` where."""
    run_id = RunStore(store).record(record)
    if on_record is not None:
        on_record(run_id, store)
    return run_id
