"""Gallery layout: zones (nodes) and passages (edges), validated once, then frozen.

A layout is a directed graph. Zones carry their area and the resources their kind needs
(desks, sand-table places, negotiation tables, a show unit's person limit); passages carry a
length and a clear width and may be one-way. Positions (metres) let front ends draw it.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from sim.model import limits as L
from sim.model.names import Names

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
    "enclosed": {"stair"},
    "size_m": {
        "reception", "lounge", "sand_table", "show_unit", "negotiation", "signing", "payment",
        "restroom", "corridor", "stair", "other",
    },
}  # fmt: skip


# Zones without floor area of their own: the forecourt outside a door, the outside beyond an exit.
AREA_OPTIONAL = {"entrance", "exit"}


# Visitors walk *through* only these (open-plan) kinds on the way somewhere else; they never cut
# through a show unit, the signing office, the cashier or the restrooms.
TRANSIT_KINDS = frozenset(
    {"entrance", "reception", "lounge", "sand_table", "negotiation", "corridor", "stair", "other"}
)


SAFE_KINDS = frozenset({"exit", "entrance"})  # outside: reaching one means out of the building


_ID = r"^[A-Za-z0-9_\-]+$"


_MODEL = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)
_Extent = Annotated[float, Field(gt=0, le=L.COORD_M)]  # a room's side, metres
_Coord = Annotated[float, Field(ge=-L.COORD_M, le=L.COORD_M)]  # a position, metres


class Zone(BaseModel):
    """A zone: an area where visitors are, with the resources its kind needs."""

    model_config = _MODEL
    id: str = Field(pattern=_ID, max_length=L.ID_CHARS, description="unique id (letters, digits, _ and -)")
    name: Names | None = Field(None, description="display name: a text, or {zh: …, en: …}")
    kind: ZoneKind
    area_m2: float | None = Field(None, gt=0, le=L.AREA_M2, description="floor area for density (m²)")
    xy: tuple[_Coord, _Coord] = Field(description="position of the zone's centre, metres")
    size_m: tuple[_Extent, _Extent] | None = Field(
        None,
        description="the room's extent along x and y (metres), centred on xy: the code check measures "
        "travel distances from its farthest point (default: a square of area_m2)",
    )
    floor: int = Field(1, ge=-L.FLOORS, le=L.FLOORS, description="storey (1 = ground floor)")
    desks: int | None = Field(
        None, ge=1, le=L.DESKS, description="service desks (reception, signing, payment)"
    )
    places: int | None = Field(
        None, ge=1, le=L.PLACES, description="parties served at once at the sand table"
    )
    tables: int | None = Field(None, ge=1, le=L.PLACES, description="negotiation tables")
    seats: int | None = Field(None, ge=0, le=L.SEATS, description="seats (information only)")
    max_persons: int | None = Field(
        None, ge=1, le=L.ZONE_PERSONS, description="persons allowed inside at once (required for show units)"
    )
    visitor_exit: bool = Field(False, description="exit zones only: visitors leave this way daily")
    enclosed: bool = Field(
        False,
        description="stair zones only: an enclosed or smoke-proof stair (封闭/防烟楼梯间), a safe exit of "
        "each storey it serves; an open stair is not",
    )
    security_posts: int = Field(0, ge=0, le=L.POSTS, description="fixed security posts (保安岗) at this zone")
    note: str | None = None


class Passage(BaseModel):
    """A passage between two zones: corridor, door, stair, outdoor path or shuttle."""

    model_config = _MODEL
    id: str | None = Field(
        None, pattern=_ID, max_length=L.ID_CHARS, description="optional id; default 'from-to'"
    )
    name: Names | None = Field(None, description="display name (default: from the zones it joins)")
    from_: str = Field(alias="from", description="zone id at one end")
    to: str = Field(description="zone id at the other end")
    kind: PassageKind
    length_m: float = Field(ge=0, le=L.LENGTH_M, description="walking length (along the slope for stairs)")
    width_m: float = Field(gt=0, le=L.WIDTH_M, description="clear width, metres")
    one_way: bool = Field(False, description="true: only from 'from' to 'to'")
    seats: int | None = Field(None, ge=1, le=L.VEHICLES, description="shuttle: seats per vehicle")
    vehicles: int | None = Field(None, ge=1, le=L.VEHICLES, description="shuttle: vehicles in service")
    round_trip_min: float | None = Field(
        None, gt=0, le=L.MINUTES, description="shuttle: minutes per round trip"
    )
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
    name: Names = Field(description="layout name: a text, or {zh: …, en: …}")
    description: Names | None = Field(
        None, description="dimensions and where the numbers come from: a text, or {zh: …, en: …}"
    )
    zones: list[Zone] = Field(min_length=1, max_length=L.ZONES)
    passages: list[Passage] = Field(min_length=1, max_length=L.PASSAGES)
    fire_resistance_grade: int = Field(
        2, ge=1, le=4, description="耐火等级 1–4 (GB 50016): grades 1 and 2 share the code's limits"
    )
    sprinklers: bool = Field(False, description="automatic sprinklers: travel distances may be 25% longer")

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
    graph: nx.DiGraph[str] = nx.DiGraph()
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
