"""Fire-code check of a layout (GB 50016-2014, 2018 ed., 《建筑设计防火规范》).

Each rule gives a value, the limit, pass or fail and the clause. The values were read from
public pages quoting the code, not the official text; clauses marked "(?)" were not verified,
and the mandatory GB 55037-2022 may override overlapping clauses: a fire engineer confirms
before relying on the result.

Safe exits (安全出口) of a storey are its doors to outside and its doors into an enclosed or
smoke-proof stair (``Zone.enclosed``). An open stair, however wide, is not one, and a stair going
up never is. The fire-resistance grade and sprinklers are the layout's. Travel distances (5.5.17)
are measured from each zone's farthest point on its floor rectangle (``travel``, ``geometry``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

from sim.analysis.evacuation.network import safe_for
from sim.analysis.evacuation.travel import travels
from sim.model.layout import SAFE_KINDS, Layout, Passage

# 表5.5.21-1: exit width per 100 persons (m) by the storey's position (1–2, 3, 4 and above) and grade.
WIDTH_PER_100 = {
    (1, 2): (0.65, 0.75, 1.00),
    (3,): (0.75, 1.00, None),
    (4,): (1.00, 1.25, None),
}
MIN_DOOR_M = 0.90  # 5.5.18: net width of evacuation doors and safe exits of public buildings
MIN_CORRIDOR_STAIR_M = 1.10  # 5.5.18: evacuation corridors and stairs
MIN_CROWDED_DOOR_M = 1.40  # 5.5.19: doors of crowded places (人员密集的公共场所)
MIN_CROWDED_OUTDOOR_M = 3.00  # 5.5.19: the outdoor escape passage of a crowded place
MIN_EXIT_SPACING_M = 5.0  # 5.5.2: adjacent safe exits of a storey at least 5 m apart
HALL_TRAVEL_M = 30.0  # 5.5.17-4: any point of a hall to the nearest exit; +25% with sprinklers
HALL_CORRIDOR_M = 10.0  # 5.5.17-4: a hall door that does not open outside, by a corridor to the exit
# 表5.5.17, 其他建筑 (single- and multi-storey): room door to the nearest exit by grade,
# (between two safe exits, on a dead-end corridor); a room's farthest point to its door ≤ the latter.
ROOM_TRAVEL_M = {1: (40.0, 22.0), 2: (40.0, 22.0), 3: (35.0, 20.0), 4: (25.0, 15.0)}
DESIGN_DENSITY = {"sand_table": 0.75, "show_unit": 0.75}  # 展览厅 ≥ 0.75 p/m²; others 营业厅 0.60
RETAIL_DENSITY = 0.60  # 营业厅, floors 1–2, upper value of 0.43–0.60 p/m²


class RuleKind(StrEnum):
    """What a code check measures."""

    EXIT_WIDTH = "exit_width"  # exit width per 100 persons, per storey
    EXIT_COUNT = "exit_count"  # number of exits, per storey
    EXIT_SPACING = "exit_spacing"  # the two nearest exits of a storey
    EXIT_DOOR = "exit_door"  # clear width of a door on an escape route
    CROWDED_DOOR = "crowded_door"  # clear width of a crowded place's exit door
    OUTDOOR_WIDTH = "outdoor_width"  # clear width of a crowded place's outdoor escape passage
    CORRIDOR_WIDTH = "corridor_width"  # clear width of a corridor on an escape route
    STAIR_WIDTH = "stair_width"  # clear width of a stair on an escape route
    TRAVEL_DISTANCE = "travel_distance"  # a hall's farthest point to the nearest exit
    HALL_CORRIDOR = "hall_corridor"  # a hall's door to the nearest exit along a corridor
    ROOM_INTERIOR = "room_interior"  # a room's farthest point to its door
    ROOM_DOOR = "room_door"  # a room's door to the nearest exit


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
    assumed_shape: bool = False  # a travel distance in a zone without size_m: a square of its area


def design_occupants(layout: Layout) -> dict[str, float]:
    """Design occupancy: area × density (exhibition areas 0.75 p/m², retail floor 0.60 p/m²)."""
    return {
        z.id: z.area_m2 * DESIGN_DENSITY.get(z.kind, RETAIL_DENSITY)
        for z in layout.zones
        if z.area_m2 is not None and z.kind not in SAFE_KINDS
    }


def is_safe_exit(layout: Layout, zone_id: str) -> bool:
    """Outside, or an enclosed stair: where a storey's escape ends."""
    zone = layout.zone[zone_id]
    return zone.kind in SAFE_KINDS or (zone.kind == "stair" and zone.enclosed)


def floor_exits(layout: Layout, floor: int) -> list[tuple[Passage, str]]:
    """The storey's safe exits: (passage, where it leads) from its zones to outside or an enclosed stair."""
    out: dict[str, tuple[Passage, str]] = {}
    for p in layout.passages:
        for u, v in ((p.from_, p.to), (p.to, p.from_)) if not p.one_way else ((p.from_, p.to),):
            if (
                layout.zone[u].floor == floor
                and not is_safe_exit(layout, u)
                and safe_for(layout.zone[v], floor)
            ):
                out[p.pid] = (p, v)
    return list(out.values())


def width_per_100(floor: int, grade: int) -> float:
    """Exit width per 100 persons for a storey at ``floor`` (表5.5.21-1).

    Grades 1 and 2 share a column, the 4th storey and above share a row; where the table allows
    no such building (grade 3 above the 4th storey, grade 4 above the 2nd), its largest value.
    """
    row = WIDTH_PER_100[(1, 2) if floor <= 2 else (3,) if floor == 3 else (4,)]
    found = row[max(0, grade - 2)]
    return found if found is not None else 1.25


def check(layout: Layout, occupants: dict[str, float], crowded: bool = True) -> list[Rule]:
    """The code checks, one row per rule and storey or element."""
    return [*_storey_rules(layout, occupants), *_element_rules(layout, crowded), *_travel_rules(layout)]


def _storey_rules(layout: Layout, occupants: dict[str, float]) -> list[Rule]:
    """Exit width (sized by the most-populated storey at or above, 5.5.21), count and spacing per storey."""
    floors = sorted({z.floor for z in layout.zones if z.kind not in SAFE_KINDS})
    people = {f: sum(n for z, n in occupants.items() if layout.zone[z].floor == f) for f in floors}
    rules: list[Rule] = []
    for floor in floors:
        exits = floor_exits(layout, floor)
        width = sum(p.width_m for p, _ in exits)
        sizing = max(people[f] * width_per_100(f, layout.fire_resistance_grade) for f in floors if f >= floor)
        need = sizing / 100.0
        rules.append(Rule(RuleKind.EXIT_WIDTH, "5.5.21, 表5.5.21-1", None, round(width, 2), round(need, 2),
                          width >= need - 1e-9, floor, people[floor]))  # fmt: skip
        area = sum(z.area_m2 or 0.0 for z in layout.zones if z.floor == floor and z.kind not in SAFE_KINDS)
        single_ok = len(floors) == 1 and area <= 200 and people[floor] <= 50
        need_exits = 1 if single_ok else 2
        rules.append(Rule(RuleKind.EXIT_COUNT, "5.5.8 (?)", None, len(exits), need_exits,
                          len(exits) >= need_exits, floor))  # fmt: skip
        places = {v: layout.zone[v].xy for _, v in exits}
        if len(places) >= 2:
            nearest = min(math.dist(a, b) for a, b in combinations(places.values(), 2))
            rules.append(Rule(RuleKind.EXIT_SPACING, "5.5.2", None, round(nearest, 1), MIN_EXIT_SPACING_M,
                              nearest >= MIN_EXIT_SPACING_M, floor))  # fmt: skip
    return rules


def _element_rules(layout: Layout, crowded: bool) -> list[Rule]:
    """Clear widths of the doors, corridors, stairs and outdoor paths people escape by (5.5.18, 5.5.19)."""
    rules: list[Rule] = []
    for p in layout.passages:
        if p.kind == "shuttle":
            continue
        ends = (p.from_, p.to)
        to_exit = any(is_safe_exit(layout, z) for z in ends)
        if p.kind == "door":
            rules.append(
                Rule(RuleKind.EXIT_DOOR, "5.5.18", p.pid, p.width_m, MIN_DOOR_M, p.width_m >= MIN_DOOR_M)
            )
            if crowded and to_exit:
                ok = p.width_m >= MIN_CROWDED_DOOR_M
                rules.append(Rule(RuleKind.CROWDED_DOOR, "5.5.19", p.pid, p.width_m, MIN_CROWDED_DOOR_M, ok))
        elif p.kind == "outdoor" and crowded and to_exit:
            ok = p.width_m >= MIN_CROWDED_OUTDOOR_M
            rules.append(Rule(RuleKind.OUTDOOR_WIDTH, "5.5.19", p.pid, p.width_m, MIN_CROWDED_OUTDOOR_M, ok))
        elif p.kind in ("corridor", "stair"):
            kind = RuleKind.STAIR_WIDTH if p.kind == "stair" else RuleKind.CORRIDOR_WIDTH
            ok = p.width_m >= MIN_CORRIDOR_STAIR_M
            rules.append(Rule(kind, "5.5.18", p.pid, p.width_m, MIN_CORRIDOR_STAIR_M, ok))
    return rules


def _travel_rules(layout: Layout) -> list[Rule]:
    """Travel distances (5.5.17): halls by 5.5.17-4, rooms by table 5.5.17 (see ``travel``)."""
    sprinkled = 1.25 if layout.sprinklers else 1.0  # 5.5.17 note 3 and 5.5.17-4: +25% with sprinklers
    between, dead_end = ROOM_TRAVEL_M[layout.fire_resistance_grade]
    low_grade = layout.fire_resistance_grade > 2  # 5.5.17-4 is for grades 1 and 2 only
    rules = []
    for t in travels(layout).values():
        shape = not t.shape_given
        if t.hall:
            limit, clause = (between, "5.5.17-1, 表5.5.17") if low_grade else (HALL_TRAVEL_M, "5.5.17-4")
            rules.append(
                _distance(RuleKind.TRAVEL_DISTANCE, clause, t.zone, t.farthest_m, limit * sprinkled, shape)
            )
            if t.door_m is not None and not low_grade:
                rules.append(_distance(RuleKind.HALL_CORRIDOR, "5.5.17-4", t.zone, t.door_m,
                                       HALL_CORRIDOR_M * sprinkled, shape))  # fmt: skip
            continue
        rules.append(
            _distance(RuleKind.ROOM_INTERIOR, "5.5.17-3", t.zone, t.farthest_m, dead_end * sprinkled, shape)
        )
        clause = "5.5.17-1, 表5.5.17 " + ("(两个安全出口之间)" if t.between_exits else "(袋形走道)")
        limit = (between if t.between_exits else dead_end) * sprinkled
        rules.append(_distance(RuleKind.ROOM_DOOR, clause, t.zone, t.door_m or 0.0, limit, shape))
    return rules


def _distance(kind: RuleKind, clause: str, zone: str, metres: float, limit: float, shape: bool) -> Rule:
    value = round(metres, 1)
    return Rule(kind, clause, zone, value, limit, value <= limit, assumed_shape=shape)


def failures(rules: list[Rule]) -> list[Rule]:
    """The rules that fail."""
    return [r for r in rules if not r.ok]
