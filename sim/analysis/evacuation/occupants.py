"""Who is where at the evacuation: checked occupants, the busiest moment of the simulated day."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sim.core.problems import InputError, Problem
from sim.metrics.grid import day_grid, places
from sim.metrics.occupancy import occupancy_grid
from sim.model.eventlog import passage_key
from sim.model.layout import SAFE_KINDS, Layout
from sim.runner.replications import map_replications

MAX_P_M2 = 5.0  # more people than this per m² cannot physically stand in a zone (research §5.1: jam 5.4)


def check_occupants(layout: Layout, occupants: dict[str, float], source: str = "occupants") -> dict[str, int]:
    """Whole persons per zone (rounded up), or an ``InputError`` naming every impossible entry."""
    problems = []
    for zone_id, persons in occupants.items():
        where = f"{source}: {zone_id}"
        zone = layout.zone.get(zone_id)
        if zone is None:
            problems.append(Problem(where, f"no such zone in layout {layout.name!r}"))
        elif not isinstance(persons, int | float) or not math.isfinite(persons) or persons < 0:
            problems.append(Problem(where, f"persons must be a number ≥ 0, got {persons!r}"))
        elif zone.kind in SAFE_KINDS and persons > 0:
            problems.append(Problem(where, f"{zone.kind} zones are outside: people there are already out"))
        elif zone.area_m2 and persons / zone.area_m2 > MAX_P_M2:
            problems.append(
                Problem(
                    where,
                    f"{persons:g} persons on {zone.area_m2:g} m² is {persons / zone.area_m2:.1f} p/m²; "
                    f"more than {MAX_P_M2:g} p/m² cannot stand there",
                )
            )
    if problems:
        raise InputError(problems)
    return {z: math.ceil(n - 1e-9) for z, n in occupants.items() if n > 0}


def read_occupants(path: str | Path, layout: Layout) -> dict[str, int]:
    """Occupants from a CSV with columns ``zone,persons``."""
    source = str(path)
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise InputError([Problem("", f"cannot read the occupants CSV: {exc}")], source) from None
    missing = {"zone", "persons"} - set(table.columns)
    if missing:
        raise InputError(
            [Problem("", f"needs columns zone,persons; missing {', '.join(sorted(missing))}")], source
        )
    persons = pd.to_numeric(table["persons"], errors="coerce")
    bad = table.index[persons.isna()].tolist()
    if bad:
        row = bad[0] + 2  # header is line 1
        raise InputError(
            [Problem(f"line {row}", f"persons {table['persons'][bad[0]]!r} is not a number")], source
        )
    if table["zone"].duplicated().any():
        twice = table["zone"][table["zone"].duplicated()].iloc[0]
        raise InputError([Problem(f"zone {twice}", "listed twice")], source)
    return check_occupants(
        layout, dict(zip(table["zone"].astype(str), persons.astype(float), strict=True)), source
    )


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
    layout: Layout,
    scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
):
    """Occupants at the simulated day's peak, and the table of each day's peak moment.

    Per zone, the p95 across replications of the headcount at each replication's moment of
    highest total occupancy (conservative: the sum of p95s is at least the p95 of the sums).
    """
    reps = replications or scenario.run.replications
    seed = scenario.run.seed if seed is None else seed
    snaps = map_replications(peak_snapshot, layout, scenario, reps, seed, workers)
    table = pd.DataFrame(snaps)
    minutes = table.pop("_minute")
    p95 = table.quantile(0.95).to_dict()
    peaks = pd.DataFrame({"replication": range(reps), "minute": minutes, "total": table.sum(axis=1)}).assign(
        clock=lambda d: [scenario.clock_at(m) for m in d["minute"]]
    )
    return check_occupants(layout, {z: n for z, n in p95.items() if n > 0}, "simulated peak"), peaks
