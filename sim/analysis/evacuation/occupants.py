"""Who is where at the evacuation: checked occupants, the busiest moment of the simulated day."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from sim.core.problems import InputError, problem
from sim.metrics.grid import day_grid, places
from sim.metrics.occupancy import occupancy_grid
from sim.model.eventlog import passage_key
from sim.model.layout import SAFE_KINDS, Layout
from sim.model.names import Names
from sim.model.scenario import Scenario
from sim.runner.replications import map_replications

MAX_P_M2 = 5.0  # more people than this per m² cannot physically stand in a zone (jam density 5.4 p/m²: Weidmann 1993)


@dataclass(frozen=True)
class OccupantSource:
    """Where the occupants of an evacuation come from (``findings.occupants.<kind>`` says it in words)."""

    kind: Literal["peak", "design", "file", "given"]
    days: int | None = None  # peak: simulated days
    scenario: Names | None = None  # peak: the scenario's name
    file: str | None = None  # file: the occupants CSV


def check_occupants(
    layout: Layout, occupants: Mapping[str, float], source: str = "occupants"
) -> dict[str, int]:
    """Whole persons per zone (rounded up), or an ``InputError`` naming every impossible entry."""
    problems = []
    for zone_id, persons in occupants.items():
        where = f"{source}: {zone_id}"
        zone = layout.zone.get(zone_id)
        if zone is None:
            problems.append(problem(where, "occupants_no_zone", layout=repr(str(layout.name))))
        elif not isinstance(persons, int | float) or not math.isfinite(persons) or persons < 0:
            problems.append(problem(where, "occupants_negative", value=repr(persons)))
        elif zone.kind in SAFE_KINDS and persons > 0:
            problems.append(problem(where, "occupants_outside", kind=zone.kind))
        elif zone.area_m2 and persons / zone.area_m2 > MAX_P_M2:
            density = f"{persons / zone.area_m2:.1f}"
            problems.append(
                problem(
                    where,
                    "occupants_too_dense",
                    persons=f"{persons:g}",
                    area=f"{zone.area_m2:g}",
                    density=density,
                    most=f"{MAX_P_M2:g}",
                )
            )
    if problems:
        raise InputError(problems)
    return {z: math.ceil(n - 1e-9) for z, n in occupants.items() if n > 0}


def peak_snapshot(log: pd.DataFrame, layout: Layout, scenario, replication: int) -> dict[str, float]:
    """Persons in each zone at the minute of the day when the most people are inside.

    People walking a passage count in the zone they are walking to (or from, if that is outside).
    """
    grid = occupancy_grid(log, day_grid(scenario), places(layout))
    inside = [z.id for z in layout.zones if z.kind not in SAFE_KINDS]
    per_zone = grid[inside].copy()
    for u, v in layout.graph.edges:
        target = v if layout.zone[v].kind not in SAFE_KINDS else u
        key = passage_key(u, v)
        if key in grid.columns and layout.zone[target].kind not in SAFE_KINDS:
            per_zone[target] += grid[key]
    peak = per_zone.sum(axis=1).idxmax()
    return {z: float(per_zone.at[peak, z]) for z in inside} | {"_minute": float(peak)}


def busiest_minute(minutes: pd.Series) -> float:
    """The busiest moment over days: the median minute within the half hour most days peak in.

    (The plain median of two-peaked days can fall in the lunch lull between them.)
    """
    slot = (minutes // 30).mode().min()
    return float(minutes[minutes // 30 == slot].median())


def peak_occupants(
    layout: Layout, scenario: Scenario, replications: int, seed: int, workers: int | None = None
) -> tuple[dict[str, int], pd.DataFrame]:
    """Occupants at the simulated day's peak, and the table of each day's peak moment.

    Per zone, the p95 across replications of the headcount at each replication's moment of
    highest total occupancy (conservative: the sum of p95s is at least the p95 of the sums).
    """
    reps = replications
    snaps = map_replications(peak_snapshot, layout, scenario, reps, seed, workers)
    table = pd.DataFrame(snaps)
    minutes = table.pop("_minute")
    p95 = table.quantile(0.95).to_dict()
    peaks = pd.DataFrame({"replication": range(reps), "minute": minutes, "total": table.sum(axis=1)}).assign(
        clock=lambda d: [scenario.clock_at(m) for m in d["minute"]]
    )
    return check_occupants(layout, {z: n for z, n in p95.items() if n > 0}, "simulated peak"), peaks
