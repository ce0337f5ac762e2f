"""Who is where at the evacuation: checked occupants, and the busiest moment of the simulated days."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from sim.core.problems import InputError, problem
from sim.metrics.headcount import Peak, PeakHeadcount, apportion, busiest_moment
from sim.metrics.stats import peak_headcount
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
    headcount: PeakHeadcount | None = None  # peak: persons inside at the days' busiest moments
    typical_clock: str | None = None  # peak: when most days peak


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


def peak_snapshot(log: pd.DataFrame, layout: Layout, scenario: Scenario, replication: int) -> Peak:
    """One simulated day's busiest moment (``sim.metrics.headcount``)."""
    return busiest_moment(log, layout)


def peak_table(peaks: list[Peak], scenario: Scenario) -> pd.DataFrame:
    """Each day's busiest moment: replication, minute from opening, clock, persons inside."""
    minutes = [p.t_s / 60.0 for p in peaks]
    return pd.DataFrame(
        {"replication": range(len(peaks)), "minute": minutes, "total": [p.persons for p in peaks],
         "clock": [scenario.clock_at(m) for m in minutes]}
    )  # fmt: skip


def peak_occupants(
    layout: Layout,
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int | None = None,
    peaks: list[Peak] | None = None,
) -> tuple[dict[str, int], list[Peak]]:
    """Occupants at the busiest moment, and each day's busiest moment.

    The 95th percentile of days' headcounts, spread over the zones as the days' busiest moments
    have them on average.

    ``peaks`` are the days' busiest moments when they are already simulated (the same days give
    the same answer); otherwise ``replications`` days are simulated.
    """
    if peaks is None:
        peaks = map_replications(peak_snapshot, layout, scenario, replications, seed, workers)
    headcount = peak_headcount(peaks)
    zones = pd.DataFrame([p.zones for p in peaks]).fillna(0.0).mean().to_dict() if peaks else {}
    people = apportion({str(z): float(n) for z, n in zones.items()}, int(headcount.p95))
    return check_occupants(layout, people, "simulated peak"), peaks
