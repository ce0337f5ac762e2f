"""How a use case runs: replications, seed, workers, backend and run store, resolved in one place.

Every front end builds one ``RunSettings`` from what its user chose (``None`` for "the scenario's
own"), and every use case resolves it against the scenario with ``resolve``: nothing else in the
product works out a default number of replications or a seed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.model.scenario import Scenario
from sim.model.settings import Evacuation


@dataclass(frozen=True, kw_only=True)
class RunSettings:
    """What a front end asks for; ``None`` means the scenario's own value."""

    replications: int | None = None  # simulated days per estimate (scenario ``run.replications``)
    staff_replications: int | None = None  # days per staffing evaluation (``staffing.replications``)
    evacuation_replications: int | None = None  # simulated evacuations per variant (``evacuation``)
    verification_days: int | None = None  # fresh days a staffing plan is verified on (``staffing``)
    seed: int | None = None  # root seed (``run.seed``)
    workers: int | None = None  # local worker processes (None: every core)
    dask: str | None = None  # a Dask scheduler address instead of the local pool
    store: Path | None = None  # the run store to record in (None: record nothing)
    options: Mapping[str, Any] = field(default_factory=dict)  # what the user chose, kept with the record

    def resolve(self, scenario: Scenario | None) -> Resolved:
        """Every setting as a number: the chosen value, else the scenario's (a layout alone: defaults)."""
        evacuation = scenario.evacuation if scenario is not None else Evacuation()
        own_days = scenario.run.replications if scenario is not None else 20
        days = self.replications or own_days
        staff = self.staff_replications or (scenario.staffing.replications if scenario is not None else None)
        seed = self.seed if self.seed is not None else (scenario.run.seed if scenario is not None else 0)
        return Resolved(
            replications=days,
            staff_replications=staff or own_days,
            evacuation_replications=self.evacuation_replications or evacuation.replications,
            verification_days=self.verification_days
            or (scenario.staffing.verification_days if scenario is not None else 200),
            seed=seed,
            workers=self.workers,
            dask=self.dask,
            store=self.store,
            options=dict(self.options),
        )


@dataclass(frozen=True, kw_only=True)
class Resolved:
    """Settings with every number known."""

    replications: int
    staff_replications: int
    evacuation_replications: int
    verification_days: int
    seed: int
    workers: int | None
    dask: str | None
    store: Path | None
    options: dict[str, Any]

    @contextmanager
    def executor(self) -> Iterator[Executor | None]:
        """The Dask executor when a scheduler is named, else None (the local pool is made per call)."""
        if self.dask is None:
            yield None
            return
        from sim.runner.dask import dask_executor

        with dask_executor(self.dask) as executor:
            yield executor
