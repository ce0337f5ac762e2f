"""The quickest evacuation capacities allow: a time-expanded maximum flow (a lower bound).

Zones hold people (at most their capacity), passages carry at most so many people per period and
take whole periods to cross, exits absorb everyone. The largest number out by period T is a max
flow in the time-expanded network (Ford & Fulkerson 1958; EVACNET4, Kisko, Francis & Nobel 1998;
construction in research/evacuation.md §7). People split over routes perfectly, use every
capacity from t = 0 and never hesitate, so no real or simulated evacuation with the same
capacities can finish earlier.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

SOURCE, SINK = "⊙source", "⊙sink"


@dataclass(frozen=True)
class FlowNetwork:
    """Zones with people and capacities, passages with flow per period and traversal periods."""

    initial: dict[str, float]  # zone → people at t = 0
    capacity: dict[str, float]  # zone → most people it can hold (math.inf: no limit)
    arcs: list[tuple[str, str, float, int]]  # (from, to, people per period, periods to cross)
    exits: frozenset[str] = field(default_factory=frozenset)
    lindo: bool = False  # LINDO's convention: an arc with lead time τ costs τ + 1 periods

    @property
    def people(self) -> float:
        """Everyone to get out."""
        return float(sum(self.initial.values()))


def expanded(net: FlowNetwork, periods: int) -> nx.DiGraph:
    """The time-expanded network for a horizon of ``periods``."""
    graph = nx.DiGraph()
    graph.add_nodes_from([SOURCE, SINK])  # present even when nobody can get out
    zones = set(net.capacity) | {z for a in net.arcs for z in a[:2]} | set(net.initial)
    for zone in zones:
        cap = math.inf if zone in net.exits else net.capacity.get(zone, math.inf)
        for t in range(periods + 1):
            _arc(graph, (zone, t, "in"), (zone, t, "out"), cap)
            if t < periods:
                _arc(graph, (zone, t, "out"), (zone, t + 1, "in"), cap)  # waiting in the zone
            if zone in net.exits:
                _arc(graph, (zone, t, "out"), SINK, math.inf)
    for zone, people in net.initial.items():
        if people > 0:
            _arc(graph, SOURCE, (zone, 0, "in"), people)
    for u, v, per_period, lead in net.arcs:
        lag = lead + (1 if net.lindo else 0)
        for t in range(periods + 1 - lag):
            _arc(graph, (u, t, "out"), (v, t + lag, "in"), per_period)
    return graph


def _arc(graph: nx.DiGraph, u, v, capacity: float) -> None:
    if math.isinf(capacity):
        graph.add_edge(u, v)  # networkx reads a missing capacity as unbounded
    else:
        graph.add_edge(u, v, capacity=capacity)


def out_by(net: FlowNetwork, periods: int) -> float:
    """The most people who can be out by the end of ``periods``."""
    if net.people == 0:
        return 0.0
    return float(nx.maximum_flow_value(expanded(net, periods), SOURCE, SINK))


def quickest(net: FlowNetwork, max_periods: int = 20_000) -> int:
    """The smallest number of periods in which everyone can be out (doubling, then bisection).

    Raises:
        ValueError: if some people can never reach an exit (no escape route), or the horizon is
            exceeded.
    """
    if net.people == 0:
        return 0
    trapped = _trapped(net)
    if trapped:
        raise ValueError(
            f"{', '.join(sorted(trapped))}: people there cannot get out, no escape route to an open exit"
        )
    everyone = net.people - 1e-9
    high = 1
    while out_by(net, high) < everyone:
        if high >= max_periods:
            stuck = net.people - out_by(net, high)
            raise ValueError(
                f"{stuck:g} people cannot get out within {max_periods} periods: no escape route?"
            )
        high *= 2
    low = high // 2
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if out_by(net, mid) >= everyone else (mid, high)
    return high


def _trapped(net: FlowNetwork) -> set[str]:
    """Zones with people and no path to an exit (decided on the static network)."""
    graph = nx.DiGraph([(u, v) for u, v, per_period, _ in net.arcs if per_period > 0])
    graph.add_nodes_from(net.initial)
    can_leave = set(net.exits) | {z for e in net.exits if e in graph for z in nx.ancestors(graph, e)}
    return {z for z, people in net.initial.items() if people > 0 and z not in can_leave}


def out_curve(net: FlowNetwork, periods: int) -> dict[str, list[float]]:
    """Cumulative people out through each exit at the end of each period, on a max flow."""
    graph = expanded(net, periods)
    _, flow = nx.maximum_flow(graph, SOURCE, SINK)
    curve = {}
    for exit_ in sorted(net.exits):
        per_period = [flow.get((exit_, t, "out"), {}).get(SINK, 0.0) for t in range(periods + 1)]
        running, total = [], 0.0
        for amount in per_period:
            total += amount
            running.append(total)
        curve[exit_] = running
    return curve
