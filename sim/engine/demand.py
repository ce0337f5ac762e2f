"""Draw the day's parties and each party's whole visit plan, before any simulation.

Everything random about a party (arrival, size, route choices, dwell times, patience) is drawn
here from streams keyed by ``(replication, source, index)`` of one ``numpy.random.SeedSequence``.
Two scenarios that differ only in staffing or policy therefore see exactly the same visitors
(common random numbers), and a replication's draws never depend on how many ran before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.core.streams import stream
from sim.model.journey import entrance_weights, stage_zones
from sim.model.layout import Layout
from sim.model.scenario import Scenario, Stage

WALK_IN, GROUP, APPOINTMENT, QUEUE_AT_OPEN = "walk_in", "group", "appointment", "queue_at_open"


SOURCES = (WALK_IN, GROUP, APPOINTMENT, QUEUE_AT_OPEN)


_PLAN_STREAM = 100  # spawn-key offset of the per-party plan streams


@dataclass(frozen=True, slots=True)
class Visit:
    """One zone the party will spend time in."""

    stage: str
    zone: str
    dwell_s: float
    guided: bool


@dataclass(frozen=True, slots=True)
class Party:
    """A party of visitors with its plan for the day."""

    id: int
    source: str
    arrive_s: float
    persons: int
    entrance: str
    priority: int  # 0: appointment (goes to the next free guide first), 1: everyone else
    patience_s: float  # math.inf: never gives up waiting for a guide
    visits: tuple[Visit, ...]


def draw_parties(layout: Layout, scenario: Scenario, seed: int, replication: int = 0) -> list[Party]:
    """All parties of one simulated day, sorted by arrival time."""
    arrivals = [
        *(
            (WALK_IN, t, n, e)
            for t, n, e in _walk_ins(layout, scenario, *(stream(seed, replication, k) for k in (0, 4, 5)))
        ),
        *((GROUP, t, n, e) for t, n, e in _groups(layout, scenario, stream(seed, replication, 1))),
        *(
            (APPOINTMENT, t, n, e)
            for t, n, e in _appointments(layout, scenario, stream(seed, replication, 2))
        ),
        *((QUEUE_AT_OPEN, t, n, e) for t, n, e in _queue(layout, scenario, stream(seed, replication, 3))),
    ]
    parties = []
    counters = dict.fromkeys(SOURCES, 0)
    for party_id, (source, arrive_s, persons, entrance) in enumerate(arrivals):
        index = counters[source]
        counters[source] += 1
        rng = stream(seed, replication, _PLAN_STREAM + SOURCES.index(source), index)
        parties.append(_plan(layout, scenario, rng, party_id, source, arrive_s, persons, entrance))
    parties.sort(key=lambda p: (p.arrive_s, p.id))
    return parties


def _sizes(scenario: Scenario, rng: np.random.Generator, n: int) -> np.ndarray:
    sizes = np.array(list(scenario.demand.party_size), dtype=int)
    probs = np.array(list(scenario.demand.party_size.values()), dtype=float)
    return rng.choice(sizes, size=n, p=probs / probs.sum())


def _entrances(layout: Layout, scenario: Scenario, rng: np.random.Generator, n: int) -> list[str]:
    weights = entrance_weights(layout, scenario)
    names = list(weights)
    if len(names) == 1:
        return names * n
    p = np.array(list(weights.values()), dtype=float)
    return [names[i] for i in rng.choice(len(names), size=n, p=p / p.sum())]


def _walk_ins(
    layout: Layout,
    scenario: Scenario,
    rng: np.random.Generator,
    sizes_rng: np.random.Generator,
    doors_rng: np.random.Generator,
):
    """Non-homogeneous Poisson arrivals by inversion of the cumulative intensity.

    Unit-rate Poisson epochs S_k map to t_k = Λ⁻¹(S_k) (Çinlar 1975), exact for any profile.

    Party k's epoch, size and entrance come from prefix-stable streams, so a day with more demand
    has every party of the lighter day, each arriving no later, plus more (N_high(t) ≥ N_low(t)).
    """
    keys = sorted(scenario.demand.profile)
    starts = [scenario.seconds(k) for k in keys]
    ends = [*starts[1:], scenario.day_s]
    mass = np.array(
        [scenario.demand.profile[k] * (e - s) for k, s, e in zip(keys, starts, ends, strict=True)]
    )
    cumulative = np.concatenate([[0.0], np.cumsum(scenario.demand.expected_parties * mass / mass.sum())])
    knots = np.array([*starts, scenario.day_s])
    epochs = _epochs(rng, cumulative[-1])
    arrive = np.interp(epochs, cumulative, knots)  # Λ is piecewise linear: invert it by interpolation
    sizes = _sizes(scenario, sizes_rng, len(arrive))
    entrances = _entrances(layout, scenario, doors_rng, len(arrive))
    return zip(arrive.tolist(), sizes.tolist(), entrances, strict=True)


def _epochs(rng: np.random.Generator, total: float, block: int = 256) -> np.ndarray:
    """Unit-rate Poisson epochs up to ``total``, drawn in blocks (the prefix never depends on total)."""
    epochs: list[np.ndarray] = []
    last = 0.0
    while last <= total:
        chunk = last + np.cumsum(rng.exponential(1.0, size=block))
        epochs.append(chunk)
        last = float(chunk[-1])
    out = np.concatenate(epochs) if epochs else np.empty(0)
    return out[out <= total]


def _groups(layout: Layout, scenario: Scenario, rng: np.random.Generator):
    """Each group splits into parties by the party-size mix; it steps in over ``spread_min``."""
    out = []
    for group in scenario.demand.groups:
        left = group.persons
        while left > 0:
            size = min(int(_sizes(scenario, rng, 1)[0]), left)
            left -= size
            at = scenario.seconds(group.at) + rng.uniform(0.0, 60.0 * group.spread_min)
            out.append((float(at), size, _entrances(layout, scenario, rng, 1)[0]))
    return out


def _appointments(layout: Layout, scenario: Scenario, rng: np.random.Generator):
    sd = 60.0 * scenario.demand.appointment_lateness_sd_min
    out = []
    for appointment in scenario.demand.appointments:
        for _ in range(appointment.parties):
            at = (
                scenario.seconds(appointment.at) + rng.normal(0.0, sd)
                if sd
                else scenario.seconds(appointment.at)
            )
            at = float(np.clip(at, 0.0, scenario.day_s - 1.0))
            out.append((at, int(_sizes(scenario, rng, 1)[0]), _entrances(layout, scenario, rng, 1)[0]))
    return out


def _queue(layout: Layout, scenario: Scenario, rng: np.random.Generator):
    queue = scenario.demand.queue_at_open
    if queue is None:
        return []
    sizes = _sizes(scenario, rng, queue.parties)
    entrances = _entrances(layout, scenario, rng, queue.parties)
    return [(0.0, int(n), e) for n, e in zip(sizes, entrances, strict=True)]


def _plan(
    layout: Layout, scenario: Scenario, rng: np.random.Generator,
    party_id: int, source: str, arrive_s: float, persons: int, entrance: str,
) -> Party:  # fmt: skip
    done: dict[str, list[str]] = {}
    visits: list[Visit] = []
    for stage in scenario.journey.stages:
        go = rng.random() < stage.probability
        if not go or (stage.only_if is not None and stage.only_if not in done):
            continue
        zones = _choose_zones(layout, stage, rng)
        done[stage.id] = zones
        visits += [Visit(stage.id, z, stage.dwell.sample_s(rng), stage.is_guided) for z in zones]
        if stage.revisit is not None and rng.random() < stage.revisit.probability:
            back = scenario.stage(stage.revisit.stage)
            earlier = done.get(back.id) or _choose_zones(layout, back, rng)[:1]
            zone = earlier[int(rng.integers(len(earlier)))]
            visits.append(Visit(back.id, zone, back.dwell.sample_s(rng), stage.is_guided))
    patience = scenario.policies.patience
    gives_up = patience if source in (WALK_IN, GROUP) else None  # appointments wait for their consultant
    return Party(
        id=party_id,
        source=source,
        arrive_s=float(arrive_s),
        persons=int(persons),
        entrance=entrance,
        priority=0 if source == APPOINTMENT else 1,
        patience_s=gives_up.sample_s(rng) if gives_up is not None else math.inf,
        visits=tuple(visits),
    )


def _choose_zones(layout: Layout, stage: Stage, rng: np.random.Generator) -> list[str]:
    """Pick how many zones of the stage's kind to visit, then which, by weight."""
    weights = stage_zones(layout, stage)
    names = list(weights)
    count = 1
    if stage.visits is not None:
        counts = list(stage.visits)
        p = np.array(list(stage.visits.values()), dtype=float)
        count = int(counts[rng.choice(len(counts), p=p / p.sum())])
    if len(names) == 1:
        return names
    p = np.array(list(weights.values()), dtype=float)
    picked = rng.choice(len(names), size=min(count, len(names)), replace=False, p=p / p.sum())
    return [names[i] for i in picked]
