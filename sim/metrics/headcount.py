"""Persons inside the gallery, and the busiest moment of a day: one definition for every report.

*Persons inside* are the visitors in the building (from admission to exit) and the guides with
them (from greeting to goodbye). Each party is where it last stepped in or queued: in a zone that
is not outside (entrances and exits are outside) or on a passage, counted in the zone the passage
leads to (or comes from, when that one is outside). People queuing outside are out.

The *busiest moment* of a day is the instant when the most persons are inside (exact, from the
event log; changes at one instant are taken together). The run sheet, the evacuation check, the
drills, the app and the JSON all use it: per day its headcount and where those people are, and
across days the mean and the 95th percentile of the headcount.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.metrics.steps import merged
from sim.model import eventlog as ev
from sim.model.layout import SAFE_KINDS, Layout


@dataclass(frozen=True)
class Peak:
    """One day's busiest moment: when (seconds from opening), how many, and in which zones."""

    t_s: float
    persons: float
    zones: dict[str, float]


def inside_zone(layout: Layout, place: str) -> str | None:
    """The zone a place counts in when counting persons inside; None for outside."""
    if place in layout.zone:
        return None if layout.zone[place].kind in SAFE_KINDS else place
    ends = ev.split_passage_key(place)
    for zone in reversed(ends) if ends else ():
        if zone in layout.zone and layout.zone[zone].kind not in SAFE_KINDS:
            return zone
    return None


def presence(log: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Persons inside as (times, changes): visitors from admission to exit, guides from greeting to goodbye."""
    rows = log[log["event"].isin([ev.ADMIT, ev.EXIT, ev.GREET, ev.GOODBYE])]
    event = rows["event"].to_numpy()
    size = np.where(np.isin(event, [ev.ADMIT, ev.EXIT]), rows["persons"].to_numpy(), 1)
    sign = np.where(np.isin(event, [ev.ADMIT, ev.GREET]), 1, -1)
    return merged(rows["t"].to_numpy(dtype=float), size * sign)


def whereabouts(log: pd.DataFrame, layout: Layout, at_s: float) -> list[tuple[str, int]]:
    """Where each party inside is at ``at_s``: (zone, persons with its guide), one entry per party.

    A party is where it last stepped in or queued (at a full room's door, at a shuttle stop).
    """
    seen = log[(log["t"] <= at_s) & (log["party"] >= 0)]
    did = {e: set(seen.loc[seen["event"] == e, "party"]) for e in (ev.ADMIT, ev.EXIT, ev.GREET, ev.GOODBYE)}
    inside = did[ev.ADMIT] - did[ev.EXIT]
    places = (
        seen[seen["event"].isin([ev.ENTER, ev.QUEUE]) & seen["party"].isin(inside)].groupby("party").tail(1)
    )
    out = []
    for party, place, persons in zip(
        places["party"], places["place"].astype(str), places["persons"], strict=True
    ):
        zone = inside_zone(layout, place)
        if zone is not None:
            guided = party in did[ev.GREET] and party not in did[ev.GOODBYE]
            out.append((zone, int(persons) + int(guided)))
    return out


def busiest_moment(log: pd.DataFrame, layout: Layout) -> Peak:
    """The day's busiest moment (the first, if the most persons are inside more than once)."""
    times, deltas = presence(log)
    if len(times) == 0:
        return Peak(0.0, 0.0, {})
    levels = np.cumsum(deltas)
    at = int(np.argmax(levels))
    zones: dict[str, float] = {}
    for zone, persons in whereabouts(log, layout, float(times[at])):
        zones[zone] = zones.get(zone, 0.0) + persons
    return Peak(float(times[at]), float(levels[at]), zones)


@dataclass(frozen=True)
class PeakHeadcount:
    """The persons inside at each day's busiest moment, across days."""

    mean: float
    ci_low: float
    ci_high: float
    p95: float  # the 95th percentile across days
    days: int
    typical_s: float  # seconds from opening: the median moment within the half hour most days peak in


def typical_moment_s(times_s: Sequence[float]) -> float:
    """The busiest moment over days: the median within the half hour most days peak in.

    (The plain median of two-peaked days can fall in the lunch lull between them.)
    """
    t = pd.Series(times_s, dtype=float)
    if t.empty:
        return math.nan
    slot = (t // 1800).mode().min()
    return float(t[t // 1800 == slot].median())


def apportion(zones: dict[str, float], total: int) -> dict[str, int]:
    """Whole persons per zone in proportion to ``zones``, summing to exactly ``total`` (largest remainders)."""
    weight = sum(zones.values())
    if total <= 0 or weight <= 0:
        return {}
    exact = {z: total * n / weight for z, n in zones.items()}
    whole = {z: math.floor(x) for z, x in exact.items()}
    left = total - sum(whole.values())
    for z in sorted(exact, key=lambda z: -(exact[z] - whole[z]))[:left]:
        whole[z] += 1
    return {z: n for z, n in whole.items() if n > 0}
