"""Visitor routes: the quickest way between zones, through open-plan zones only."""

from __future__ import annotations

import networkx as nx

from sim.model.layout import TRANSIT_KINDS, Layout, Passage


def travel_time_s(passage: Passage, speed_mps: float, stair_factor: float) -> float:
    """Expected seconds to use a passage: walking, or half a headway plus the ride."""
    if passage.kind == "shuttle":
        return passage.headway_s / 2.0 + 30.0 * (passage.round_trip_min or 0.0)
    factor = stair_factor if passage.kind == "stair" else 1.0
    return passage.length_m / (speed_mps * factor)


def route_table(
    layout: Layout, speed_mps: float = 1.0, stair_factor: float = 1.0
) -> dict[str, dict[str, list[str]]]:
    """Quickest visitor routes ``routes[a][b] = [a, …, b]`` between all zones.

    Routes pass only through ``TRANSIT_KINDS`` zones in between, so nobody cuts through a
    show unit or the signing office on the way somewhere else.
    """
    graph = layout.graph
    weight = {
        (u, v): travel_time_s(d["passage"], speed_mps, stair_factor) for u, v, d in graph.edges(data=True)
    }
    routes: dict[str, dict[str, list[str]]] = {}
    for source in graph.nodes:
        view = nx.subgraph_view(
            graph,
            filter_edge=lambda u, _v, s=source: u == s or graph.nodes[u]["kind"] in TRANSIT_KINDS,
        )
        _, paths = nx.single_source_dijkstra(view, source, weight=lambda u, v, _d: weight[(u, v)])
        routes[source] = paths
    return routes
