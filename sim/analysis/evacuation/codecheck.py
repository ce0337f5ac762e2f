"""Fire-code check of a layout (GB 50016-2014, 2018 ed., 《建筑设计防火规范》).

Each rule gives a value, the limit, pass or fail and the clause. The clause numbers marked "(?)"
were not verified against the official text, and the mandatory GB 55037-2022 may override
overlapping clauses: a fire engineer confirms before relying on the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from sim.model.layout import SAFE_KINDS, Layout

# 表5.5.21-1, fire-resistance grade 1–2: exit width per 100 persons by storey position (m).
WIDTH_PER_100 = {1: 0.65, 2: 0.65, 3: 0.75}  # 4th storey and above: 1.00
MIN_EXIT_DOOR_M = 0.90  # 5.5.18 (?)
MIN_CORRIDOR_STAIR_M = 1.10  # 5.5.18 (?)
MIN_CROWDED_DOOR_M = 1.40  # 人员密集的公共场所 疏散门 (older numbering 5.3.14)
HALL_TRAVEL_M = 30.0  # 5.5.17-4: any point of a hall to the nearest exit; +25% with sprinklers
DESIGN_DENSITY = {"sand_table": 0.75, "show_unit": 0.75}  # 展览厅 ≥ 0.75 p/m²; others 营业厅 0.60
RETAIL_DENSITY = 0.60  # 营业厅, floors 1–2, upper value of 0.43–0.60 p/m²


class RuleKind(StrEnum):
    """What a code check measures."""

    EXIT_WIDTH = "exit_width"  # exit width per 100 persons, per storey
    EXIT_COUNT = "exit_count"  # number of exits, per storey
    EXIT_DOOR = "exit_door"  # clear width of a door out (or into a stair enclosure)
    CORRIDOR_WIDTH = "corridor_width"  # clear width of a corridor on an escape route
    STAIR_WIDTH = "stair_width"  # clear width of a stair on an escape route
    TRAVEL_DISTANCE = "travel_distance"  # from the far side of a zone to the nearest exit


@dataclass(frozen=True)
class Rule:
    """One code check result: a storey's (``floor``, ``persons``) or an element's (``element``)."""

    kind: RuleKind
    clause: str
    element: str | None  # a zone or passage id; None for a storey's rules
    value: float
    limit: float
    ok: bool
    floor: int | None = None
    persons: float | None = None


def design_occupants(layout: Layout) -> dict[str, float]:
    """Design occupancy: area × density (exhibition areas 0.75 p/m², retail floor 0.60 p/m²)."""
    return {
        z.id: z.area_m2 * DESIGN_DENSITY.get(z.kind, RETAIL_DENSITY)
        for z in layout.zones
        if z.area_m2 is not None and z.kind not in SAFE_KINDS
    }


def _floor_exits(layout: Layout, floor: int) -> list:
    """Passages that leave a storey: straight to outside, or down a stair."""
    out = []
    for p in layout.passages:
        for u, v in ((p.from_, p.to), (p.to, p.from_)) if not p.one_way else ((p.from_, p.to),):
            zu, zv = layout.zone[u], layout.zone[v]
            if (
                zu.floor == floor
                and zu.kind not in SAFE_KINDS
                and (zv.kind in SAFE_KINDS or p.kind == "stair" or zv.floor < floor)
            ):
                out.append(p)
    return list({p.pid: p for p in out}.values())


def check(
    layout: Layout, occupants: dict[str, float], crowded: bool = True, sprinklers: bool = False
) -> list[Rule]:
    """The code checks, one row per rule and element."""
    rules: list[Rule] = []
    floors = sorted({z.floor for z in layout.zones if z.kind not in SAFE_KINDS})
    for floor in floors:
        people = sum(n for zid, n in occupants.items() if layout.zone[zid].floor == floor)
        exits = _floor_exits(layout, floor)
        width = sum(p.width_m for p in exits)
        need = people * WIDTH_PER_100.get(floor, 1.00) / 100.0
        rules.append(
            Rule(RuleKind.EXIT_WIDTH, "5.5.21, 表5.5.21-1", None, round(width, 2), round(need, 2), width >= need,
                 floor, people)
        )  # fmt: skip
        area = sum(z.area_m2 or 0.0 for z in layout.zones if z.floor == floor and z.kind not in SAFE_KINDS)
        single_ok = len(floors) == 1 and area <= 200 and people <= 50
        need_exits = 1 if single_ok else 2
        rules.append(
            Rule(
                RuleKind.EXIT_COUNT,
                "5.5.8 (?)",
                None,
                len(exits),
                need_exits,
                len(exits) >= need_exits,
                floor,
            )
        )
    for p in layout.passages:
        ends = {layout.zone[p.from_].kind, layout.zone[p.to].kind}
        if p.kind == "door" and ends & (SAFE_KINDS | {"stair"}):  # out, or into a stair enclosure
            limit, clause = (
                (MIN_CROWDED_DOOR_M, "人员密集场所疏散门 (5.5.19 (?))")
                if crowded
                else (MIN_EXIT_DOOR_M, "5.5.18 (?)")
            )
            rules.append(Rule(RuleKind.EXIT_DOOR, clause, p.pid, p.width_m, limit, p.width_m >= limit))
        elif p.kind in ("corridor", "stair") and (ends & SAFE_KINDS or "stair" in ends or p.kind == "stair"):
            kind = RuleKind.STAIR_WIDTH if p.kind == "stair" else RuleKind.CORRIDOR_WIDTH
            ok = p.width_m >= MIN_CORRIDOR_STAIR_M
            rules.append(Rule(kind, "5.5.18 (?)", p.pid, p.width_m, MIN_CORRIDOR_STAIR_M, ok))
    limit = HALL_TRAVEL_M * (1.25 if sprinklers else 1.0)
    for zone_id, distance in travel_distances(layout).items():
        rules.append(
            Rule(RuleKind.TRAVEL_DISTANCE, "5.5.17-4", zone_id, round(distance, 1), limit, distance <= limit)
        )
    return rules


def travel_distances(layout: Layout) -> dict[str, float]:
    """Walking distance from the far side of each zone to its nearest exit or entrance.

    The shortest path over passages from the zone's centre, plus half the diagonal of a square
    of the zone's area (the far corner to the centre); any zone may be walked through. On upper
    floors a stair counts as the exit (the stair enclosure is the safe exit of the storey).
    """
    import networkx as nx

    graph = layout.graph
    safe = [z.id for z in layout.zones if z.kind in SAFE_KINDS]
    out = {}
    for zone in layout.zones:
        if zone.kind in SAFE_KINDS or zone.area_m2 is None:
            continue
        lengths = nx.single_source_dijkstra_path_length(graph, zone.id, weight="length_m")
        targets = safe + ([z.id for z in layout.zones if z.kind == "stair"] if zone.floor > 1 else [])
        reach = [lengths[s] for s in targets if s in lengths]
        if reach:
            out[zone.id] = min(reach) + math.sqrt(2 * zone.area_m2) / 2
    return out


def failures(rules: list[Rule]) -> list[Rule]:
    """The rules that fail."""
    return [r for r in rules if not r.ok]
