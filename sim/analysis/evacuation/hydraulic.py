"""The hydraulic method (SFPE / IMO simplified) over the zones' escape routes.

Each element passes its people in N / (Fs·W) and is walked in L / S. A zone's people wait at its
ways out at once; a corridor or stair zone is an element itself, so its own people, where they
form a crowd (0.54 p/m² and more), leave it at the specific flow of their initial density (IMO
MSC.1/Circ.1238 Table 1.1); a room's queue passes its door at the door's maximum. The two conventions differ in width and in the flow the speed is read at:

- ``imo`` (MSC/Circ.1166 simplified analysis): clear widths, and every element carries a stream at
  its maximum specific flow (Table 1.2) walked at the speed Table 1.3 gives for it, unless the
  element's people start in it at a known density (then that density's flow and speed).
- ``sfpe`` (SFPE Handbook ch. 59): widths less boundary layers, and the flow an element carries is
  what reaches it (conserved through transitions, capped at Fs,max); its speed is read from that.

In both, people too few to form the stream walk at the speed of their own density.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import cast

import networkx as nx
import numpy as np
import pandas as pd

from sim.analysis.evacuation.elements import (
    FS_MAX,
    crowd_speed,
    effective_width,
    free_speed,
    initial_flow,
    speed_after,
)
from sim.analysis.evacuation.network import NoEscapeRoute, escape_directions, open_exits
from sim.model.layout import Layout, Zone


def _escape_graph(
    layout: Layout, blocked: frozenset[str], convention: str, widths: dict[str, float]
) -> nx.DiGraph:
    """Directed passages usable in an evacuation, with their element, effective width and walk."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(z.id for z in layout.zones)
    for u, v, p, element in escape_directions(layout, blocked):
        clear = widths.get(p.pid, p.width_m)
        width = effective_width(clear, element.split("_")[0], convention)
        if width <= 0:
            continue
        graph.add_edge(
            u, v, pid=p.pid, element=element, length_m=p.length_m, clear_m=clear, width_m=width,
            walk_s=p.length_m / free_speed(element),
        )  # fmt: skip
    return graph


@dataclass
class Hydraulic:
    """The hydraulic method's result."""

    clearance_s: float
    premovement_s: float
    movement_s: float  # the longest route without pre-movement (Tt)
    elements: pd.DataFrame  # one row per passage used
    routes: pd.DataFrame  # one row per occupied zone
    by_exit: pd.DataFrame
    curve: pd.DataFrame  # t_s, remaining


TIE = 0.05  # ways out whose walk is within 5% (or TIE_S) of the quickest count as equally quick


TIE_S = 1.0


def hydraulic(
    layout: Layout,
    occupants: Mapping[str, float],
    premovement_s: float = 0.0,
    convention: str = "imo",
    blocked: frozenset[str] = frozenset(),
    widths: dict[str, float] | None = None,
) -> Hydraulic:
    """The SFPE / IMO hydraulic calculation over the zones' escape routes.

    Each zone's people take its quickest way out (the usual hand-calculation assignment, to the
    nearest exit); where several ways are equally quick they divide by capacity.

    Raises:
        NoEscapeRoute: if some occupants have no escape route.
    """
    graph = _escape_graph(layout, blocked, convention, widths or {})
    exits = open_exits(layout, blocked)
    reach = sorted(set(exits) & set(graph))  # sorted: a set of ids iterates in a per-process order
    rev = graph.reverse(copy=False)
    found = nx.multi_source_dijkstra(rev, reach, weight="walk_s") if reach else ({}, {})
    dist, tree = cast(tuple[dict[str, float], dict[str, list[str]]], found)  # no target: both maps
    people = {z: n for z, n in occupants.items() if n > 0}
    trapped = [z for z in people if z not in dist]
    if trapped:
        raise NoEscapeRoute(trapped)
    ways = _ways_out(graph, dist, tree, exits)
    stream = {z: _own_stream(layout.zone[z], n) for z, n in people.items()}
    rows = _element_rows(graph, dist, tree, ways, exits, people, stream, convention)
    elements = pd.DataFrame(list(rows.values()))
    routes, pieces = _route_rows(rows, ways, people, exits, premovement_s)
    routes_df = pd.DataFrame(routes)
    if routes_df.empty:
        return Hydraulic(0.0, premovement_s, 0.0, elements, routes_df, pd.DataFrame(), _curve([], 0.0))
    into_exit = elements[elements["to"].isin(exits)]
    by_exit = (
        into_exit.groupby("to")
        .agg(persons=("persons", "sum"), flow_p_s=("flow_p_s", "sum"), flow_s=("flow_s", "max"))
        .reset_index()
        .rename(columns={"to": "exit"})
    )
    movement = float(routes_df["movement_s"].max())
    return Hydraulic(
        premovement_s + movement,
        premovement_s,
        movement,
        elements,
        routes_df,
        by_exit,
        _curve(pieces, movement),
    )


PIPE_KINDS = frozenset({"corridor", "stair"})  # zones that are escape elements, not rooms
CROWD_DENSITY = 0.54  # p/m²: below it people walk freely (SFPE), and their spread is in their walk


def _own_stream(zone: Zone, persons: float) -> float | None:
    """A corridor or stair zone's initial density (p/m²) where it forms a crowd; None otherwise.

    None for a room (its people queue at the door at the door's maximum flow), for a zone of
    unknown area, and below ``CROWD_DENSITY``.
    """
    if zone.kind not in PIPE_KINDS or not zone.area_m2 or persons / zone.area_m2 < CROWD_DENSITY:
        return None
    return persons / zone.area_m2


def _element_rows(
    graph: nx.DiGraph,
    dist: dict[str, float],
    tree: dict[str, list[str]],
    ways: dict[str, list],
    exits: frozenset[str],
    people: dict[str, float],
    density: dict[str, float | None],
    convention: str,
) -> dict[tuple[str, str], dict]:
    """Each element used, from the zones farthest out inwards: who it carries and how long they take."""
    carried = dict.fromkeys(dist, 0.0)
    rows: dict[tuple[str, str], dict] = {}
    for u in sorted((z for z in dist if z not in exits), key=lambda z: (-dist[z], -len(tree[z]))):
        feeders = [r for (a, b), r in rows.items() if b == u]
        carried[u] += people.get(u, 0.0)
        if carried[u] <= 0:
            continue
        # The zone's own people are at its ways out at once; feeders arrive over their flow times.
        arriving_s = max((f["flow_s"] for f in feeders), default=0.0)
        own = people.get(u, 0.0)
        for v, share in ways[u]:
            edge = graph.edges[u, v]
            start = density.get(u)
            own_fs = initial_flow(start, edge["element"], convention) if start is not None else None
            crowd = _Crowd(carried[u] * share, arriving_s, own * share, own_fs)
            rows[u, v] = _element(edge, u, v, crowd, convention)
            carried[v] += carried[u] * share
    return rows


def _route_rows(
    rows: dict[tuple[str, str], dict],
    ways: dict[str, list],
    people: dict[str, float],
    exits: frozenset[str],
    premovement_s: float,
) -> tuple[list[dict], list[tuple[float, float, float]]]:
    """One row per occupied zone (its slowest way out), and the pieces of the N–t curve."""
    routes, pieces = [], []
    for zone, n in people.items():
        timed = []
        for path, share in _paths(ways, zone, exits):
            chain = [rows[a, b] for a, b in pairwise(path)]
            walk = sum(r["walk_s"] for r in chain)
            slowest = max(chain, key=lambda r: r["flow_s"])
            timed.append((walk + slowest["flow_s"], walk, slowest, chain, share, path[-1]))
            pieces.append((n * share, premovement_s + walk, premovement_s + walk + slowest["flow_s"]))
        movement, walk, slowest, chain, _, _ = max(timed, key=lambda x: x[0])
        routes.append(
            {
                "zone": zone, "persons": n,
                "exit": ", ".join(f"{e} {sum(t[4] for t in timed if t[5] == e):.0%}" for e in
                                  sorted({t[5] for t in timed})),
                "route": " → ".join(r["element"] for r in chain), "walk_s": walk, "flow_s": slowest["flow_s"],
                "governing": slowest["element"], "movement_s": movement, "total_s": premovement_s + movement,
            }
        )  # fmt: skip
    return routes, pieces


def _ways_out(
    graph: nx.DiGraph, dist: dict[str, float], tree: dict, exits: frozenset[str]
) -> dict[str, list]:
    """Zone → [(next zone, share)]: its quickest way out, or its equally quick ways.

    Ways whose walk to an exit is within ``TIE`` of the quickest (people spread over a room use the
    door nearest them) divide the zone's people in proportion to what each can carry: the
    capacity of its narrowest element out to the exit. The next zone on the quickest way always
    counts (even over a zero-length door); any other must be strictly nearer an exit, so the ways
    never form a loop.
    """

    def capacity(edge: tuple[str, str]) -> float:
        d = graph.edges[edge]
        return FS_MAX[d["element"]] * d["width_m"]

    ways = {}
    for u in dist:
        if u in exits:
            continue
        tie = max(TIE * dist[u], TIE_S)
        options = [
            v
            for _, v, d in graph.out_edges(u, data=True)
            if v == tree[u][-2]
            or (v in dist and dist[v] < dist[u] and d["walk_s"] + dist[v] <= dist[u] + tie)
        ]
        necks = [min([capacity((u, v)), *(capacity(e) for e in pairwise(tree[v][::-1]))]) for v in options]
        ways[u] = [(v, c / sum(necks)) for v, c in zip(options, necks, strict=True)]
    return ways


def _paths(ways: dict[str, list], zone: str, exits: frozenset[str]) -> list[tuple[list[str], float]]:
    """Every way from ``zone`` to an exit over the split network, with the share that takes it."""
    out, stack = [], [([zone], 1.0)]
    while stack:
        path, share = stack.pop()
        if path[-1] in exits:
            out.append((path, share))
            continue
        for v, w in ways[path[-1]]:
            stack.append(([*path, v], share * w))
    return out


@dataclass(frozen=True)
class _Crowd:
    """Who an element carries.

    ``persons`` in all, the last feeder arriving after ``arriving_s``; ``own`` of them start in the
    zone it leaves, at specific flow ``own_fs`` where their initial density is known.
    """

    persons: float
    arriving_s: float
    own: float
    own_fs: float | None


def _element(edge: dict, u: str, v: str, crowd: _Crowd, convention: str) -> dict:
    """One element's hydraulic figures for a crowd (see the module's conventions)."""
    n, width, kind = crowd.persons, edge["width_m"], edge["element"]
    cap = FS_MAX[kind] * width
    own_s = crowd.own / (crowd.own_fs * width) if crowd.own_fs else 0.0
    flow_s = max(n / cap, crowd.arriving_s, own_s)
    fc = n / flow_s
    if convention == "imo":  # the stream IMO assumes: the start density's, else the element's maximum
        specific = crowd.own_fs if crowd.own_fs and not crowd.arriving_s else FS_MAX[kind]
    else:
        specific = fc / width
    row = "corridor" if kind in ("door", "outdoor") else kind
    speed = speed_after(specific, row)
    stream = specific / speed * edge["length_m"] * width  # persons a steady stream holds
    if 0 < n < stream:  # too few to form the stream: they walk at the speed of their own density
        speed = max(speed, crowd_speed(n / (edge["length_m"] * width), kind))
    return {
        "element": edge["pid"], "kind": kind, "from": u, "to": v, "persons": n,
        "clear_m": edge["clear_m"], "effective_m": round(width, 3), "capacity_p_s": cap,
        "inflow_p_s": math.inf if crowd.own else (n / crowd.arriving_s if crowd.arriving_s else math.inf),
        "flow_p_s": fc, "specific_flow": specific, "speed_m_s": speed, "walk_s": edge["length_m"] / speed,
        "flow_s": flow_s, "capacity_flow_s": n / cap, "queue_s": flow_s - crowd.arriving_s,
    }  # fmt: skip


def _curve(pieces: list[tuple[float, float, float]], horizon: float) -> pd.DataFrame:
    """People still inside over time when each piece of ``n`` leaves evenly between two times."""
    end = max([b for _, _, b in pieces], default=horizon)
    t = np.linspace(0.0, max(end, 1.0), 200)
    total = sum(n for n, _, _ in pieces)
    out = sum(n * np.clip((t - a) / max(b - a, 1e-9), 0.0, 1.0) for n, a, b in pieces) if pieces else 0 * t
    return pd.DataFrame({"t_s": t, "remaining": total - out})
