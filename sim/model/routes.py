"""Visitor routes: the quickest way between zones, through open-plan zones only."""

from __future__ import annotations

from typing import cast

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

    def seconds(u: str, v: str, _data: dict) -> float:
        return weight[(u, v)]

    for source in graph.nodes:

        def onward(u: str, _v: str, s: str = source) -> bool:
            return u == s or graph.nodes[u]["kind"] in TRANSIT_KINDS

        view = nx.subgraph_view(graph, filter_edge=onward)
        _, paths = nx.single_source_dijkstra(view, source, weight=seconds)
        routes[source] = cast(dict[str, list[str]], paths)
    return routes
