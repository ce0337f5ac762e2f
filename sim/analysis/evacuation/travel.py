"""Travel distances for GB 50016-2014 §5.5.17, from each zone's farthest point.

Halls (open-plan zones: reception, lounge, sand table, negotiation, corridors and others) are
measured from their farthest point to the nearest safe exit, walking through the open plan; a
hall's door into a corridor zone, by the corridor's walk from that door to the nearest safe exit.
Rooms (show units, signing, the cashier, restrooms) are measured from their farthest point to
their nearest door in a straight line, and from that door to the nearest safe exit.

Inside the zone the distance is a straight line on its floor rectangle (``geometry``); beyond its
door it is the passages' walking lengths, the last one only as far as the safe exit's door.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from sim.analysis.evacuation.geometry import Box, box, door, farthest, to_door
from sim.analysis.evacuation.network import escape_directions, safe_for
from sim.model.layout import SAFE_KINDS, Layout, Passage, Zone

HALL_KINDS = frozenset({"reception", "lounge", "sand_table", "negotiation", "corridor", "other"})
ROOM_KINDS = frozenset({"show_unit", "signing", "payment", "restroom"})
_SINK = "\0safe exit"


@dataclass(frozen=True)
class Travel:
    """A zone's travel distances (metres).

    ``farthest_m``: a hall's farthest point to the nearest safe exit, or a room's farthest point to
    its nearest door. ``door_m``: a room's door to the nearest safe exit, or the longest corridor a
    hall's door into a corridor zone needs (None where there is none). ``between_exits``: the
    room's door lies between two safe exits (two ways to different exits), not in a dead end.
    """

    zone: str
    hall: bool
    farthest_m: float
    door_m: float | None
    between_exits: bool
    shape_given: bool


Ways = dict[str, list[tuple[Passage, str]]]  # zone → the passages out of it on foot, with where each leads


def travels(layout: Layout) -> dict[str, Travel]:
    """Each hall's and room's travel distances, where it can reach a safe exit of its storey."""
    ways: Ways = defaultdict(list)
    for u, v, p, _ in escape_directions(layout):
        ways[u].append((p, v))
    walks = {f: _to_safe_exit(layout, ways, f) for f in {z.floor for z in layout.zones}}
    out = {}
    for zone in layout.zones:
        room = box(zone)
        if room is None or zone.kind not in HALL_KINDS | ROOM_KINDS:
            continue
        found = _travel(layout, ways, zone, room, walks[zone.floor])
        if found is not None:
            out[zone.id] = found
    return out


def _travel(layout: Layout, ways: Ways, zone: Zone, room: Box, walk: dict[str, float]) -> Travel | None:
    """One zone's travel distances, from its doors and the walk on from each."""
    doors = []  # (opening, walk on from it, passage, the zone beyond)
    for p, other in ways[zone.id]:
        beyond = layout.zone[other]
        opening = door(room, beyond.xy, p.width_m)
        if safe_for(beyond, zone.floor):
            doors.append((opening, 0.0, p, beyond))
        elif other in walk:
            doors.append((opening, max(0.0, p.length_m - to_door(room, opening)) + walk[other], p, beyond))
    if not doors:
        return None
    if zone.kind in HALL_KINDS:
        into_corridor = [w for _, w, p, b in doors if p.kind == "door" and b.kind == "corridor"]
        return Travel(zone.id, True, farthest(room, [(o, w) for o, w, _, _ in doors]),
                      max(into_corridor, default=None), False, room.given)  # fmt: skip
    nearest = min(doors, key=lambda d: d[1])
    between = nearest[1] == 0.0 or _two_ways_out(layout, ways, nearest[3].id, zone.id)
    return Travel(zone.id, False, farthest(room, [(o, 0.0) for o, _, _, _ in doors]), nearest[1],
                  between, room.given)  # fmt: skip


def _to_safe_exit(layout: Layout, ways: Ways, floor: int) -> dict[str, float]:
    """Walk (m) from each zone's centre to the nearest safe exit of ``floor``, the last leg to its door."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    for zone in layout.zones:
        if safe_for(zone, floor):
            continue
        room = box(zone)
        for p, other in ways[zone.id]:
            beyond = layout.zone[other]
            if safe_for(beyond, floor):
                leg = min(p.length_m, to_door(room, door(room, beyond.xy, p.width_m))) if room else p.length_m
                if not graph.has_edge(zone.id, _SINK) or graph.edges[zone.id, _SINK]["m"] > leg:
                    graph.add_edge(zone.id, _SINK, m=leg)
            elif beyond.kind not in SAFE_KINDS:
                graph.add_edge(zone.id, other, m=p.length_m)
    if _SINK not in graph:
        return {}
    found = nx.single_source_dijkstra_path_length(graph.reverse(copy=False), _SINK, weight="m")
    return {z: float(m) for z, m in found.items() if z != _SINK}


def _two_ways_out(layout: Layout, ways: Ways, start: str, room: str) -> bool:
    """Whether two passage-disjoint ways lead from ``start`` to different safe exits, not back through ``room``."""
    floor = layout.zone[room].floor
    graph: nx.DiGraph[str] = nx.DiGraph()
    for zone in layout.zones:
        if zone.id == room or safe_for(zone, floor):
            continue
        for _, other in ways[zone.id]:
            if other == room:
                continue
            if safe_for(layout.zone[other], floor):
                old = graph.edges[zone.id, _SINK]["capacity"] if graph.has_edge(zone.id, _SINK) else 0
                graph.add_edge(zone.id, _SINK, capacity=old + 1)
            elif layout.zone[other].kind not in SAFE_KINDS:
                graph.add_edge(zone.id, other, capacity=1)
    if start not in graph or _SINK not in graph:
        return False
    return bool(nx.maximum_flow_value(graph, start, _SINK) >= 2)
