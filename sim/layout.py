"""Gallery layout: zones (nodes) and passages (edges), validated once, then frozen.

A layout is a directed graph. Zones carry their area and the resources their kind needs
(desks, sand-table places, negotiation tables, a show unit's person limit); passages carry a
length and a clear width and may be one-way. Positions (metres) let front ends draw it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Literal

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from sim.problems import Problem

ZoneKind = Literal[
    "entrance", "reception", "lounge", "sand_table", "show_unit", "negotiation",
    "signing", "payment", "restroom", "corridor", "stair", "exit", "other",
]  # fmt: skip
PassageKind = Literal["corridor", "door", "stair", "outdoor", "shuttle"]

# The resource each kind needs, and the kinds each resource field belongs to.
REQUIRED_FIELD = {
    "reception": "desks",
    "signing": "desks",
    "payment": "desks",
    "sand_table": "places",
    "negotiation": "tables",
    "show_unit": "max_persons",
}
FIELD_KINDS = {
    "desks": {"reception", "signing", "payment"},
    "places": {"sand_table"},
    "tables": {"negotiation"},
    "seats": {"lounge", "negotiation", "sand_table", "other"},
    "visitor_exit": {"exit"},
}
# Zones without floor area of their own: the forecourt outside a door, the outside beyond an exit.
AREA_OPTIONAL = {"entrance", "exit"}
# Visitors walk *through* only these (open-plan) kinds on the way somewhere else; they never cut
# through a show unit, the signing office, the cashier or the restrooms.
TRANSIT_KINDS = frozenset(
    {"entrance", "reception", "lounge", "sand_table", "negotiation", "corridor", "stair", "other"}
)
SAFE_KINDS = frozenset({"exit", "entrance"})  # outside: reaching one means out of the building

_ID = r"^[A-Za-z0-9_\-]+$"
_MODEL = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Zone(BaseModel):
    """A zone: an area where visitors are, with the resources its kind needs."""

    model_config = _MODEL
    id: str = Field(pattern=_ID, description="unique id (letters, digits, _ and -)")
    name: str | None = Field(None, description="display name, Chinese or English")
    kind: ZoneKind
    area_m2: float | None = Field(None, gt=0, description="floor area for density (m²)")
    xy: tuple[float, float] = Field(description="position of the zone's centre, metres")
    floor: int = Field(1, description="storey (1 = ground floor)")
    desks: int | None = Field(None, ge=1, description="service desks (reception, signing, payment)")
    places: int | None = Field(None, ge=1, description="parties served at once at the sand table")
    tables: int | None = Field(None, ge=1, description="negotiation tables")
    seats: int | None = Field(None, ge=0, description="seats (information only)")
    max_persons: int | None = Field(
        None, ge=1, description="persons allowed inside at once (required for show units)"
    )
    visitor_exit: bool = Field(False, description="exit zones only: visitors leave this way daily")
    security_posts: int = Field(0, ge=0, description="fixed security posts (保安岗) at this zone")
    note: str | None = None

    @property
    def label(self) -> str:
        """Display name, falling back to the id."""
        return self.name or self.id


class Passage(BaseModel):
    """A passage between two zones: corridor, door, stair, outdoor path or shuttle."""

    model_config = _MODEL
    id: str | None = Field(None, pattern=_ID, description="optional id; default 'from-to'")
    from_: str = Field(alias="from", description="zone id at one end")
    to: str = Field(description="zone id at the other end")
    kind: PassageKind
    length_m: float = Field(ge=0, description="walking length (along the slope for stairs)")
    width_m: float = Field(gt=0, description="clear width, metres")
    one_way: bool = Field(False, description="true: only from 'from' to 'to'")
    seats: int | None = Field(None, ge=1, description="shuttle: seats per vehicle")
    vehicles: int | None = Field(None, ge=1, description="shuttle: vehicles in service")
    round_trip_min: float | None = Field(None, gt=0, description="shuttle: minutes per round trip")
    note: str | None = None

    @property
    def pid(self) -> str:
        """Passage id."""
        return self.id or f"{self.from_}-{self.to}"

    @property
    def headway_s(self) -> float:
        """Shuttle: seconds between departures from one stop."""
        return 60.0 * (self.round_trip_min or 0.0) / (self.vehicles or 1)


class Layout(BaseModel):
    """A gallery layout."""

    model_config = _MODEL
    name: str = Field(description="layout name")
    description: str | None = Field(None, description="dimensions and where the numbers come from")
    zones: list[Zone] = Field(min_length=1)
    passages: list[Passage] = Field(min_length=1)

    @cached_property
    def zone(self) -> dict[str, Zone]:
        """Zones by id."""
        return {z.id: z for z in self.zones}

    @cached_property
    def passage(self) -> dict[str, Passage]:
        """Passages by id."""
        return {p.pid: p for p in self.passages}

    def zones_of(self, kind: str) -> list[Zone]:
        """Zones of one kind, in file order."""
        return [z for z in self.zones if z.kind == kind]

    @cached_property
    def graph(self) -> nx.DiGraph:
        """Directed graph: zone attributes on nodes, passage attributes on edges."""
        return build_graph(self)


def build_graph(layout: Layout) -> nx.DiGraph:
    """Build the directed zone graph; a two-way passage becomes two edges."""
    graph = nx.DiGraph()
    for zone in layout.zones:
        graph.add_node(zone.id, kind=zone.kind, area_m2=zone.area_m2, zone=zone)
    for passage in layout.passages:
        ends = [(passage.from_, passage.to)]
        if not passage.one_way:
            ends.append((passage.to, passage.from_))
        for origin, destination in ends:
            graph.add_edge(
                origin, destination, pid=passage.pid, kind=passage.kind,
                length_m=passage.length_m, width_m=passage.width_m, passage=passage,
            )  # fmt: skip
    return graph


def check_layout(layout: Layout) -> list[Problem]:
    """Cross-checks that field validation cannot see: ids, resources, connectivity."""
    problems = list(_check_ids(layout))
    problems += _check_zone_fields(layout)
    problems += _check_passages(layout)
    if problems:
        return problems  # connectivity is meaningless on a broken graph
    return _check_connectivity(layout)


def _check_ids(layout: Layout) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, zone in enumerate(layout.zones):
        if zone.id in seen:
            yield Problem(f"zones[{i}].id", f"duplicate zone id {zone.id!r} (also zones[{seen[zone.id]}])")
        seen.setdefault(zone.id, i)
    pids: dict[str, int] = {}
    pairs: dict[frozenset[str], int] = {}
    for i, passage in enumerate(layout.passages):
        if passage.pid in pids:
            yield Problem(
                f"passages[{i}]", f"duplicate passage id {passage.pid!r} (also passages[{pids[passage.pid]}])"
            )
        pids.setdefault(passage.pid, i)
        pair = frozenset((passage.from_, passage.to))
        if pair in pairs:
            yield Problem(
                f"passages[{i}]",
                f"a second passage between {passage.from_!r} and {passage.to!r} (also "
                f"passages[{pairs[pair]}]); put a corridor zone between them or merge the two",
            )
        pairs.setdefault(pair, i)


def _check_zone_fields(layout: Layout) -> Iterator[Problem]:
    for i, zone in enumerate(layout.zones):
        need = REQUIRED_FIELD.get(zone.kind)
        if need and getattr(zone, need) is None:
            yield Problem(f"zones[{i}].{need}", f"required for a {zone.kind} zone ({zone.id!r})")
        if zone.area_m2 is None and zone.kind not in AREA_OPTIONAL:
            yield Problem(f"zones[{i}].area_m2", f"required for a {zone.kind} zone ({zone.id!r})")
        for field, kinds in FIELD_KINDS.items():
            value = getattr(zone, field)
            if value not in (None, False) and zone.kind not in kinds:
                yield Problem(
                    f"zones[{i}].{field}",
                    f"not used by a {zone.kind} zone; it belongs to: {', '.join(sorted(kinds))}",
                )
    kinds = {z.kind for z in layout.zones}
    if "entrance" not in kinds:
        yield Problem("zones", "no zone of kind 'entrance': visitors need a way in")
    if "exit" not in kinds:
        yield Problem("zones", "no zone of kind 'exit': the gallery needs an exit to evacuate through")


def _check_passages(layout: Layout) -> Iterator[Problem]:
    ids = {z.id for z in layout.zones}
    for i, passage in enumerate(layout.passages):
        for key, end in (("from", passage.from_), ("to", passage.to)):
            if end not in ids:
                yield Problem(f"passages[{i}].{key}", f"unknown zone id {end!r}; known ids: {_some(ids)}")
        if passage.from_ == passage.to:
            yield Problem(f"passages[{i}]", f"a passage from {passage.from_!r} to itself")
        shuttle_fields = ("seats", "vehicles", "round_trip_min")
        if passage.kind == "shuttle":
            for field in ("seats", "round_trip_min"):
                if getattr(passage, field) is None:
                    yield Problem(f"passages[{i}].{field}", "required for a shuttle")
        else:
            for field in shuttle_fields:
                if getattr(passage, field) is not None:
                    yield Problem(
                        f"passages[{i}].{field}", f"only a shuttle has {field}, this is a {passage.kind}"
                    )


def _check_connectivity(layout: Layout) -> list[Problem]:
    graph = layout.graph
    entrances = [z.id for z in layout.zones if z.kind == "entrance"]
    safe = [z.id for z in layout.zones if z.kind in SAFE_KINDS]
    reachable = set().union(*(nx.descendants(graph, e) | {e} for e in entrances))
    can_leave = set().union(*(nx.ancestors(graph, s) | {s} for s in safe))
    problems = []
    for i, zone in enumerate(layout.zones):
        if zone.kind in SAFE_KINDS:
            continue
        if zone.id not in reachable:
            problems.append(Problem(f"zones[{i}]", f"zone {zone.id!r} cannot be reached from any entrance"))
        if zone.id not in can_leave:
            problems.append(Problem(f"zones[{i}]", f"zone {zone.id!r} has no way out to an exit or entrance"))
    return problems


def _some(ids: set[str], limit: int = 8) -> str:
    names = sorted(ids)
    more = f", … ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


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
