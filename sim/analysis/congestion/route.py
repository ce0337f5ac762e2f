"""The route (动线): counter-flow on passages and crossing in zones, and the designed route.

Counter-flow and crossing come from the simulated day; the designed route is checked before any
simulation, for the passages it uses both ways (回流).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

from sim.analysis.congestion.conditions import slots_in, to_minutes
from sim.analysis.congestion.flags import Condition, Detail, FlagKind, Unit
from sim.metrics.day import DaySummary
from sim.metrics.grid import SLOT_S
from sim.model.journey import possible_moves, stage_zones, wait_zone
from sim.model.layout import Layout
from sim.model.routes import route_table, travel_time_s
from sim.model.scenario import Scenario

Move = tuple[str, str]


def _volumes(days: list[DaySummary], slots: int) -> dict[Move, np.ndarray]:
    """Persons per direction, day × slot, for every directed passage used."""
    out: dict[Move, np.ndarray] = {}
    for i, day in enumerate(days):
        f = day.flows
        for slot, a, b, persons in zip(f["slot"], f["from"], f["to"], f["persons"], strict=True):
            if slot < slots:
                out.setdefault((a, b), np.zeros((len(days), slots)))[i, slot] = persons
    return out


def counter_flows(days: list[DaySummary], layout: Layout, scenario: Scenario) -> Iterator[Condition]:
    """A passage used both ways in the same half hour, each way by at least the threshold."""
    rule, minutes = scenario.congestion, int(scenario.day_s // 60)
    volumes = _volumes(days, slots_in(minutes))
    none = np.zeros((len(days), slots_in(minutes)))
    for p in layout.passages:
        if p.one_way or p.kind == "shuttle":
            continue
        forward = to_minutes(volumes.get((p.from_, p.to), none), minutes)
        back = to_minutes(volumes.get((p.to, p.from_), none), minutes)
        hit = (forward >= rule.counter_flow_persons) & (back >= rule.counter_flow_persons)
        detail = Detail(from_a=p.from_, to_a=p.to, from_b=p.to, to_b=p.from_)
        yield Condition(p.pid, FlagKind.COUNTER_FLOW, hit, np.minimum(forward, back),
                        3 * rule.counter_flow_persons, Unit.HALF_HOUR, detail)  # fmt: skip


def crossings(days: list[DaySummary], layout: Layout, scenario: Scenario) -> Iterator[Condition]:
    """Through-movements in a zone that oppose each other or whose paths cross."""
    rule, minutes = scenario.congestion, int(scenario.day_s // 60)
    per_slot, slots = int(SLOT_S // 60), slots_in(minutes)
    through = pd.concat([d.through.assign(day=i) for i, d in enumerate(days)], ignore_index=True)
    if through.empty:
        return
    big = through[through["persons"] >= rule.crossing_persons]
    for zone, rows in big.groupby("zone"):
        moves = sorted(set(zip(rows["from"], rows["to"], strict=True)))
        for m1, m2 in itertools.combinations(moves, 2):
            if not _conflict(layout, str(zone), m1, m2):
                continue
            hit = np.zeros((len(days), slots), bool)
            value = np.zeros((len(days), slots))
            for (day, slot), group in rows.groupby(["day", "slot"]):
                pairs = set(zip(group["from"], group["to"], strict=True))
                if m1 in pairs and m2 in pairs and slot < slots:
                    hit[day, slot] = True
                    value[day, slot] = group["persons"].sum()
            detail = Detail(from_a=m1[0], to_a=m1[1], from_b=m2[0], to_b=m2[1], opposing=m1 == (m2[1], m2[0]))
            yield Condition(str(zone), FlagKind.CROSSING, np.repeat(hit, per_slot, axis=1)[:, :minutes],
                            np.repeat(value, per_slot, axis=1)[:, :minutes], 3 * rule.crossing_persons,
                            Unit.HALF_HOUR, detail)  # fmt: skip


def _conflict(layout: Layout, zone: str, m1: Move, m2: Move) -> bool:
    if m1 == (m2[1], m2[0]):
        return True  # the same way, in opposite directions: backflow through the zone
    if len({*m1, *m2}) < 4:
        return False  # movements that share an end merge or split; they do not cross
    pos = {z: np.asarray(layout.zone[z].xy, dtype=float) for z in (*m1, *m2, zone)}
    return _segments_cross(pos[m1[0]], pos[m1[1]], pos[m2[0]], pos[m2[1]])


def _segments_cross(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> bool:
    """Do the chords a–b and c–d through a zone properly intersect?"""

    def side(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> float:
        return float(np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])))

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


# --- the designed route, before any simulation ------------------------------------------------


def static_route_check(layout: Layout, scenario: Scenario) -> pd.DataFrame:
    """Passages the designed route (every move the journey can make) uses in both directions.

    One row per passage: ``forward`` and ``backward`` are the moves (from zone, to zone) that
    walk it each way.
    """
    routes = route_table(layout, scenario.journey.walk_speed_mps, scenario.journey.stair_speed_factor)
    moves = possible_moves(layout, scenario)
    exits = [z.id for z in layout.zones if z.kind == "entrance" or z.visitor_exit]
    for zone in _last_zones(layout, scenario):  # and out, by the nearest exit (as the engine walks)
        reachable = [e for e in exits if e in routes[zone]]
        if reachable:
            moves.add((zone, min(reachable, key=lambda e: _route_s(layout, routes[zone][e], scenario))))
    uses: dict[Move, set[Move]] = {}
    for a, b in sorted(moves):
        for u, v in itertools.pairwise(routes[a].get(b, [])):
            uses.setdefault((u, v), set()).add((a, b))
    rows = []
    for p in layout.passages:
        there, back = uses.get((p.from_, p.to), set()), uses.get((p.to, p.from_), set())
        if there and back:
            rows.append({"passage": p.pid, "forward": tuple(sorted(there)), "backward": tuple(sorted(back))})
    return pd.DataFrame(rows, columns=["passage", "forward", "backward"])


def moves_text(moves: tuple[Move, ...], name: Callable[[str], str] = str) -> str:
    """Moves as ``a→b; c→d``, each zone named by ``name``."""
    return "; ".join(f"{name(a)}→{name(b)}" for a, b in moves)


def _last_zones(layout: Layout, scenario: Scenario) -> set[str]:
    """Zones where a visit can end.

    A stage after which every later stage may be skipped, the zones it revisits, and the lounge
    if parties may give up waiting there.
    """
    stages = scenario.journey.stages
    out: set[str] = set()
    for i, stage in enumerate(stages):
        if all(s.probability < 1 or s.only_if is not None for s in stages[i + 1 :]):
            out |= set(stage_zones(layout, stage))
            if stage.revisit is not None:
                out |= set(stage_zones(layout, scenario.stage(stage.revisit.stage)))
    if scenario.policies.patience is not None and (lounge := wait_zone(layout, scenario)):
        out.add(lounge)
    return out


def _route_s(layout: Layout, path: list[str], scenario: Scenario) -> float:
    j = scenario.journey
    return sum(
        travel_time_s(layout.graph.edges[u, v]["passage"], j.walk_speed_mps, j.stair_speed_factor)
        for u, v in itertools.pairwise(path)
    )
