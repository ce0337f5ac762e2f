"""The designed route before any simulation: passages it uses both ways."""

from __future__ import annotations

import itertools

import pandas as pd

from sim.model.journey import possible_moves, stage_zones, wait_zone
from sim.model.layout import Layout
from sim.model.routes import route_table, travel_time_s
from sim.model.scenario import Scenario


def static_route_check(layout: Layout, scenario: Scenario) -> pd.DataFrame:
    """Passages the designed route (every move the journey can make) uses in both directions."""
    routes = route_table(layout, scenario.journey.walk_speed_mps, scenario.journey.stair_speed_factor)
    moves = possible_moves(layout, scenario)
    exits = [z.id for z in layout.zones if z.kind == "entrance" or z.visitor_exit]
    for zone in _last_zones(layout, scenario):  # and out, by the nearest exit (as the engine walks)
        reachable = [e for e in exits if e in routes[zone]]
        if reachable:
            moves.add((zone, min(reachable, key=lambda e, z=zone: _route_s(layout, routes[z][e], scenario))))
    uses: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for a, b in sorted(moves):
        for u, v in itertools.pairwise(routes[a].get(b, [])):
            uses.setdefault((u, v), set()).add((a, b))
    rows = []
    for p in layout.passages:
        there, back = uses.get((p.from_, p.to), set()), uses.get((p.to, p.from_), set())
        if there and back:
            rows.append(
                {
                    "passage": p.pid,
                    "forward": "; ".join(f"{a}→{b}" for a, b in sorted(there)),
                    "backward": "; ".join(f"{a}→{b}" for a, b in sorted(back)),
                }
            )
    return pd.DataFrame(rows, columns=["passage", "forward", "backward"])


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
