"""Per-slot loads from event logs, for the staffing planner. Pure functions, like ``sim.metrics``.

A *slot* is a half hour from opening. Parties are counted in the slot in which they joined the
guide queue; "parties needing a guide" (waiting or on a tour) is sampled on a 5-minute grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.metrics.grid import SLOT_S
from sim.metrics.headcount import presence
from sim.metrics.stats import pooled_share
from sim.metrics.steps import level_at, step_levels, time_average, window_max
from sim.model import eventlog as ev
from sim.model.layout import Layout
from sim.model.scenario import Scenario

GRID_S = 300.0  # ISA reads the distribution of parties needing a guide every 5 minutes


SERVICE_KINDS = ("reception", "negotiation", "signing", "payment")


def n_slots(scenario: Scenario) -> int:
    """Half-hour slots from opening to closing."""
    return math.ceil(scenario.day_s / SLOT_S)


def grid(scenario: Scenario) -> np.ndarray:
    """ISA sampling times (seconds from opening) within opening hours."""
    return np.arange(0.0, scenario.day_s, GRID_S)


@dataclass
class GuideDay:
    """One day, seen by the guide planner."""

    waited: np.ndarray  # per slot: parties that joined the guide queue
    within: np.ndarray  # per slot: of those, greeted within the target time
    reneged: np.ndarray  # per slot: of those, gave up
    arrivals: np.ndarray  # per slot: parties arriving at the door
    needing: np.ndarray  # per grid time: parties waiting for or with a guide
    busy: np.ndarray  # per grid time: parties with a guide
    tour_s: float  # total greeting-to-goodbye seconds
    tours: int  # number of tours


@dataclass
class LoadDay(GuideDay):
    """One unconstrained day: guide loads plus desk, table, cleaning and occupancy loads."""

    in_service: dict[str, np.ndarray] = field(default_factory=dict)  # kind → mean units busy per slot
    service_s: dict[str, tuple[float, int]] = field(default_factory=dict)  # kind → (total s, count)
    starts: dict[str, np.ndarray] = field(default_factory=dict)  # kind → services begun per slot
    visitors: dict[str, np.ndarray] = field(default_factory=dict)  # zone → persons entering per slot
    inside_max: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per slot


def _slot_of(times: pd.Series | np.ndarray, slots: int) -> np.ndarray:
    return np.clip((np.asarray(times, dtype=float) // SLOT_S).astype(int), 0, slots - 1)


def guide_day(log: pd.DataFrame, layout: Layout, scenario: Scenario, replication: int = 0) -> GuideDay:
    """Greeting outcome per slot and the guide load on the grid, for one day."""
    slots = n_slots(scenario)
    target_s = 60.0 * scenario.targets.greet_within_min
    first = log[log["party"] >= 0].drop_duplicates(["party", "event"])
    t = first.pivot(index="party", columns="event", values="t")
    t = t.reindex(columns=[ev.ARRIVE, ev.WAIT_GUIDE, ev.GREET, ev.RENEGE, ev.GOODBYE])
    queued = t[t[ev.WAIT_GUIDE].notna()]
    slot = _slot_of(queued[ev.WAIT_GUIDE], slots)
    wait = (queued[ev.GREET] - queued[ev.WAIT_GUIDE]).to_numpy()
    count = lambda mask: np.bincount(slot[mask], minlength=slots).astype(float)  # noqa: E731
    need = log[log["event"].isin([ev.WAIT_GUIDE, ev.RENEGE, ev.GOODBYE])]
    busy = log[log["event"].isin([ev.GREET, ev.GOODBYE])]
    at = grid(scenario)
    tours = (t[ev.GOODBYE] - t[ev.GREET]).dropna()
    return GuideDay(
        waited=count(np.ones(len(slot), bool)),
        within=count(wait <= target_s),  # NaN for those who gave up compares False
        reneged=count(queued[ev.RENEGE].notna().to_numpy()),
        arrivals=np.bincount(_slot_of(t[ev.ARRIVE].dropna(), slots), minlength=slots).astype(float),
        needing=level_at(
            *step_levels(need["t"].to_numpy(), np.where(need["event"] == ev.WAIT_GUIDE, 1, -1)), at
        ),
        busy=level_at(*step_levels(busy["t"].to_numpy(), np.where(busy["event"] == ev.GREET, 1, -1)), at),
        tour_s=float(tours.sum()),
        tours=len(tours),
    )


def load_day(log: pd.DataFrame, layout: Layout, scenario: Scenario, replication: int = 0) -> LoadDay:
    """Everything ``guide_day`` gives, plus desk and table loads, foot traffic and peak occupancy."""
    base = guide_day(log, layout, scenario, replication)
    slots = n_slots(scenario)
    kind_of = {z.id: z.kind for z in layout.zones}
    out = LoadDay(**base.__dict__)
    for kind in SERVICE_KINDS:
        rows = log[
            log["place"].isin([z for z, k in kind_of.items() if k == kind])
            & log["event"].isin([ev.START, ev.END])
        ]
        times, levels = step_levels(rows["t"].to_numpy(), np.where(rows["event"] == ev.START, 1, -1))
        out.in_service[kind] = np.array(
            [
                time_average(times, levels, j * SLOT_S, min((j + 1) * SLOT_S, scenario.day_s))
                for j in range(slots)
            ]
        )
        starts = rows[rows["event"] == ev.START]
        out.starts[kind] = np.bincount(_slot_of(starts["t"], slots), minlength=slots).astype(float)
        ends = rows[rows["event"] == ev.END]
        out.service_s[kind] = (
            float(ends["t"].sum() - starts["t"].sum()) if len(ends) == len(starts) else math.nan,
            len(starts),
        )
    enters = log[log["event"] == ev.ENTER]
    for zone in layout.zones:
        mine = enters[enters["place"] == zone.id]
        out.visitors[zone.id] = np.bincount(
            _slot_of(mine["t"], slots), weights=mine["persons"], minlength=slots
        )
    times, levels = step_levels(*presence(log))  # persons inside, as the day report counts them
    out.inside_max = np.array([window_max(times, levels, j * SLOT_S, (j + 1) * SLOT_S) for j in range(slots)])
    return out


def greeted_share(days: list[GuideDay]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Share greeted within target per slot, pooled over days, with its 95% CI."""
    return pooled_share(np.array([d.within for d in days]), np.array([d.waited for d in days]))
