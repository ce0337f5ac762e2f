"""GB 50016 code check on small layouts with known answers, and on the shipped two-floor gallery."""

import math

import pytest
from helpers import ROOT

from sim.analysis.evacuation.codecheck import RuleKind, check, design_occupants, failures
from sim.analysis.evacuation.travel import travels
from sim.io.files import load_layout
from sim.model.layout import Layout
from sim.model.layout_checks import check_layout


def hall(door_m=1.5, corridor_m=1.2) -> Layout:
    return Layout.model_validate(
        {
            "name": "hall",
            "zones": [
                {"id": "door", "kind": "entrance", "xy": [0, 0]},
                {"id": "hall", "kind": "other", "area_m2": 200, "xy": [10, 0]},
                {"id": "exit", "kind": "exit", "xy": [30, 0]},
            ],
            "passages": [
                {
                    "id": "main",
                    "from": "door",
                    "to": "hall",
                    "kind": "door",
                    "length_m": 8,
                    "width_m": door_m,
                },
                {
                    "id": "escape",
                    "from": "hall",
                    "to": "exit",
                    "kind": "corridor",
                    "length_m": 12,
                    "width_m": corridor_m,
                },
            ],
        }
    )


def by_rule(rules):
    """Rules by (kind, element), a storey's rules by (kind, floor)."""
    return {(r.kind, r.element if r.element is not None else r.floor): r for r in rules}


def test_widths_and_width_per_hundred_persons():
    rules = by_rule(check(hall(door_m=1.0, corridor_m=1.0), {"hall": 300}))
    width = rules[(RuleKind.EXIT_WIDTH, 1)]
    assert (width.value, width.limit, width.ok, width.persons) == (2.0, 1.95, True, 300)  # 300 × 0.65 / 100
    assert not rules[(RuleKind.CROWDED_DOOR, "main")].ok  # 1.0 m < 1.40 m in a crowded place
    assert rules[(RuleKind.EXIT_DOOR, "main")].ok  # but ≥ 0.90 m, any evacuation door
    relaxed = by_rule(check(hall(door_m=1.0), {"hall": 10}, crowded=False))
    assert (RuleKind.CROWDED_DOOR, "main") not in relaxed and relaxed[(RuleKind.EXIT_DOOR, "main")].ok
    assert not rules[(RuleKind.CORRIDOR_WIDTH, "escape")].ok  # 1.0 < 1.10 m
    assert not by_rule(check(hall(), {"hall": 500}))[(RuleKind.EXIT_WIDTH, 1)].ok


def test_travel_distance_from_the_farthest_point_of_the_zone():
    # No size_m: a square of 200 m² (14.1 m sides) centred at (10, 0), doors on the walls facing
    # the next zones. The farthest points, (10, ±7.07), are 9.5 m from a door's edge (before: the
    # 8 m passage plus half the square's diagonal, 18.0 m).
    found = travels(hall())["hall"]
    assert found.farthest_m == pytest.approx(math.hypot(7.07, 7.07 - 0.75), abs=0.05)
    assert not found.shape_given
    rule = by_rule(check(hall(), {"hall": 10}))[(RuleKind.TRAVEL_DISTANCE, "hall")]
    assert rule.ok and rule.assumed_shape


def test_the_rimea_9_room_is_14_m_from_its_nearest_exit_at_its_centre():
    # 30 × 20 m, 1 m exits at x = 4–5 and 25–26 m on both long walls: the centre is √(10² + 10²)
    # from the nearest exit's edge (before: 31.8 m, path plus half a diagonal).
    zones = [{"id": "hall", "kind": "other", "area_m2": 600, "size_m": [30, 20], "xy": [15, 10]}]
    spots = [(4.5, 0), (25.5, 0), (4.5, 20), (25.5, 20)]
    zones += [{"id": f"exit{i}", "kind": "exit", "xy": list(xy)} for i, xy in enumerate(spots)]
    passages = [
        {"from": "hall", "to": f"exit{i}", "kind": "door", "length_m": 14.5, "width_m": 1.0} for i in range(4)
    ]
    room = Layout.model_validate({"name": "RiMEA 9", "zones": zones, "passages": passages})
    found = travels(room)["hall"]
    assert found.farthest_m == pytest.approx(math.hypot(10, 10), abs=0.01) and found.shape_given


def long_hall(sprinklers=False, grade=2) -> Layout:
    """A 36 × 6 m hall with its only doors at the west end: its east corners are 36.1 m away."""
    zones = [
        {"id": "street", "kind": "entrance", "xy": [0, 0]},
        {"id": "hall", "kind": "other", "area_m2": 216, "size_m": [36, 6], "xy": [18, 0]},
        {"id": "out", "kind": "exit", "xy": [0, 0]},
    ]
    passages = [
        {"id": "main", "from": "street", "to": "hall", "kind": "door", "length_m": 18, "width_m": 1.5},
        {"id": "back", "from": "hall", "to": "out", "kind": "door", "length_m": 18, "width_m": 1.5},
    ]
    data = {"name": "long hall", "zones": zones, "passages": passages}
    return Layout.model_validate(data | {"sprinklers": sprinklers, "fire_resistance_grade": grade})


@pytest.mark.parametrize(
    ("sprinklers", "grade", "limit", "ok", "clause"),
    [
        (False, 2, 30.0, False, "5.5.17-4"),
        (True, 2, 37.5, True, "5.5.17-4"),
        (False, 3, 35.0, False, "5.5.17-1, 表5.5.17"),
        (True, 3, 43.75, True, "5.5.17-1, 表5.5.17"),
    ],
)
def test_a_halls_farthest_point_to_its_nearest_exit(sprinklers, grade, limit, ok, clause):
    rule = by_rule(check(long_hall(sprinklers, grade), {"hall": 10}))[(RuleKind.TRAVEL_DISTANCE, "hall")]
    assert rule.value == pytest.approx(math.hypot(36, 3 - 0.75), abs=0.1)
    assert (rule.limit, rule.ok, rule.clause) == (limit, ok, clause)


def hall_and_corridor(corridor_m: float) -> Layout:
    """A hall whose door opens onto a corridor zone ``corridor_m`` long, its exit at the far end."""
    centre = 5 + corridor_m / 2
    zones = [
        {"id": "street", "kind": "entrance", "xy": [-10, 0]},
        {"id": "hall", "kind": "other", "area_m2": 100, "xy": [0, 0]},
        {"id": "passage", "kind": "corridor", "area_m2": 2 * corridor_m, "size_m": [corridor_m, 2], "xy": [centre, 0]},
        {"id": "out", "kind": "exit", "xy": [centre + corridor_m, 0]},
    ]  # fmt: skip
    passages = [
        {"from": "street", "to": "hall", "kind": "door", "length_m": 10, "width_m": 1.5},
        {"id": "hall_door", "from": "hall", "to": "passage", "kind": "door", "length_m": centre, "width_m": 1.5},
        {"from": "passage", "to": "out", "kind": "corridor", "length_m": corridor_m, "width_m": 1.5},
    ]  # fmt: skip
    return Layout.model_validate({"name": "hall and corridor", "zones": zones, "passages": passages})


@pytest.mark.parametrize(("corridor_m", "ok"), [(9.0, True), (12.0, False)])
def test_a_hall_door_onto_a_corridor_reaches_an_exit_within_10_m(corridor_m, ok):
    rule = by_rule(check(hall_and_corridor(corridor_m), {"hall": 10}))[(RuleKind.HALL_CORRIDOR, "hall")]
    assert rule.value == pytest.approx(corridor_m, abs=0.05)  # door at x = 5, exit door at x = 5 + L
    assert (rule.limit, rule.ok) == (10.0, ok)


def room_on_corridor(corridor_m: float, exits: int, depth_m: float = 4.0) -> Layout:
    """A 5 m wide room whose door opens onto the middle of a corridor with one exit or two at its ends."""
    zones = [
        {"id": "room", "kind": "restroom", "area_m2": 5 * depth_m, "size_m": [5, depth_m], "xy": [0, 1 + depth_m / 2]},
        {"id": "passage", "kind": "corridor", "area_m2": 2 * corridor_m, "size_m": [corridor_m, 2], "xy": [0, 0]},
        {"id": "street", "kind": "entrance", "xy": [corridor_m / 2, 0]},
    ]  # fmt: skip
    passages = [
        {"id": "room_door", "from": "room", "to": "passage", "kind": "door", "length_m": 1 + depth_m / 2, "width_m": 1.0},
        {"from": "passage", "to": "street", "kind": "door", "length_m": corridor_m / 2, "width_m": 1.5},
    ]  # fmt: skip
    if exits == 2:
        zones.append({"id": "west", "kind": "exit", "xy": [-corridor_m / 2, 0]})
        passages.append(
            {"from": "passage", "to": "west", "kind": "door", "length_m": corridor_m / 2, "width_m": 1.5}
        )
    return Layout.model_validate({"name": "room on a corridor", "zones": zones, "passages": passages})


@pytest.mark.parametrize(
    ("corridor_m", "exits", "limit", "ok"),
    [(40.0, 1, 22.0, True), (50.0, 1, 22.0, False), (50.0, 2, 40.0, True), (90.0, 2, 40.0, False)],
)
def test_a_room_door_to_the_nearest_exit_by_table_5_5_17(corridor_m, exits, limit, ok):
    # The door is on the corridor's wall: 1 m to its centre line, then half the corridor on.
    rule = by_rule(check(room_on_corridor(corridor_m, exits), {"room": 4}))[(RuleKind.ROOM_DOOR, "room")]
    assert rule.value == pytest.approx(1 + corridor_m / 2, abs=0.05)
    assert (rule.limit, rule.ok) == (limit, ok)
    assert rule.clause.endswith("(两个安全出口之间)" if exits == 2 else "(袋形走道)")


@pytest.mark.parametrize(("depth_m", "ok"), [(20.0, True), (24.0, False)])
def test_a_rooms_farthest_point_to_its_door_within_the_dead_end_limit(depth_m, ok):
    # The door is 1 m wide in the middle of the room's 5 m south wall; the far corners are
    # √(depth² + 2²) from its edge.
    room = room_on_corridor(20.0, 1, depth_m=depth_m)
    rule = by_rule(check(room, {"room": 4}))[(RuleKind.ROOM_INTERIOR, "room")]
    assert rule.value == pytest.approx(math.hypot(depth_m, 2.0), abs=0.05)
    assert (rule.limit, rule.ok) == (22.0, ok)


def test_a_zones_area_fits_its_size():
    data = long_hall().model_dump(by_alias=True)
    data["zones"][1]["area_m2"] = 300  # more than 36 × 6
    problems = check_layout(Layout.model_validate(data))
    assert [(p.path, p.code) for p in problems] == [("zones[1].area_m2", "area_exceeds_size")]


def test_design_occupancy_uses_the_exhibition_density_for_the_sand_table():
    layout = load_layout(ROOT / "layouts" / "one_floor_gallery.yaml")
    occupants = design_occupants(layout)
    assert occupants["sand_table"] == pytest.approx(220 * 0.75) and occupants["lounge"] == pytest.approx(
        170 * 0.60
    )


def test_the_two_floor_fire_stair_door_is_flagged_as_its_file_says():
    layout = load_layout(ROOT / "layouts" / "two_floor_gallery.yaml")
    failing = {(r.kind, r.element) for r in failures(check(layout, design_occupants(layout)))}
    assert (RuleKind.CROWDED_DOOR, "fire_stair_door") in failing  # 1.2 m < 1.40 m


def test_the_two_floor_gallery_has_two_ground_floor_exits_and_one_upstairs():
    # The open feature stair is no exit, and a stair going up never is (before: 7.1 m and 3 exits
    # on the ground floor, the feature stair counted).
    layout = load_layout(ROOT / "layouts" / "two_floor_gallery.yaml")
    rules = by_rule(check(layout, design_occupants(layout)))
    ground, upper = rules[(RuleKind.EXIT_WIDTH, 1)], rules[(RuleKind.EXIT_WIDTH, 2)]
    assert (ground.value, rules[(RuleKind.EXIT_COUNT, 1)].value) == (5.1, 2)  # main door 3.6 + west 1.5
    assert (upper.value, rules[(RuleKind.EXIT_COUNT, 2)].value) == (1.2, 1)  # the enclosed fire stair only
    assert not rules[(RuleKind.EXIT_COUNT, 2)].ok
    # The ground floor's doors are sized for the most-populated storey at or above (5.5.21).
    people = design_occupants(layout)
    upstairs = sum(n for z, n in people.items() if layout.zone[z].floor == 2)
    downstairs = sum(n for z, n in people.items() if layout.zone[z].floor == 1)
    assert ground.limit == pytest.approx(round(max(upstairs, downstairs) * 0.65 / 100, 2))


def storeys(stair: dict, **layout_fields) -> Layout:
    """An upper room down a stair to a ground-floor hall with two doors out."""
    zones = [
        {"id": "up", "kind": "other", "area_m2": 100, "floor": 2, "xy": [0, 0]},
        {"id": "well", "kind": "stair", "area_m2": 10, "floor": 2, "xy": [5, 0], **stair},
        {"id": "hall", "kind": "other", "area_m2": 100, "xy": [10, 0]},
        {"id": "west", "kind": "exit", "xy": [0, 10]},
        {"id": "east", "kind": "exit", "xy": [20, 10]},
    ]
    passages = [
        {"id": "well_door", "from": "up", "to": "well", "kind": "door", "length_m": 3, "width_m": 1.5},
        {"id": "flight", "from": "well", "to": "hall", "kind": "stair", "length_m": 8, "width_m": 1.2},
        {"id": "west_door", "from": "hall", "to": "west", "kind": "door", "length_m": 5, "width_m": 1.5},
        {"id": "east_door", "from": "hall", "to": "east", "kind": "door", "length_m": 5, "width_m": 1.5},
    ]
    data = {"name": "storeys", "zones": zones, "passages": passages, **layout_fields}
    return Layout.model_validate(data)


def test_an_enclosed_stair_is_a_safe_exit_of_its_storey_and_an_open_one_is_not():
    enclosed = by_rule(check(storeys({"enclosed": True}), {"up": 40, "hall": 40}))
    open_ = by_rule(check(storeys({}), {"up": 40, "hall": 40}))
    assert enclosed[(RuleKind.EXIT_COUNT, 2)].value == 1 and enclosed[(RuleKind.EXIT_WIDTH, 2)].value == 1.5
    assert open_[(RuleKind.EXIT_COUNT, 2)].value == 0 and not open_[(RuleKind.EXIT_WIDTH, 2)].ok
    assert open_[(RuleKind.EXIT_COUNT, 1)].value == 2  # the stair up from the hall is no exit


def test_exits_closer_than_5_m_fail_and_farther_pass():
    far = by_rule(check(storeys({"enclosed": True}), {"hall": 40}))[(RuleKind.EXIT_SPACING, 1)]
    assert (far.value, far.ok) == (20.0, True)
    near = storeys({"enclosed": True})
    data = near.model_dump(by_alias=True)
    data["zones"][4]["xy"] = [3, 10]
    close = by_rule(check(Layout.model_validate(data), {"hall": 40}))[(RuleKind.EXIT_SPACING, 1)]
    assert (close.value, close.ok) == (3.0, False)


@pytest.mark.parametrize(("width", "ok"), [(1.2, False), (1.4, True)])
def test_a_crowded_places_exit_doors_are_at_least_1_40_m(width, ok):
    assert by_rule(check(hall(door_m=width), {"hall": 10}))[(RuleKind.CROWDED_DOOR, "main")].ok is ok


@pytest.mark.parametrize(("blocked", "count", "ok"), [(None, 2, True), ("east_door", 1, False)])
def test_a_storey_needs_two_exits(blocked, count, ok):
    data = storeys({"enclosed": True}).model_dump(by_alias=True)
    data["passages"] = [p for p in data["passages"] if p["id"] != blocked]
    rule = by_rule(check(Layout.model_validate(data), {"hall": 60}))[(RuleKind.EXIT_COUNT, 1)]
    assert (rule.value, rule.ok) == (count, ok)


@pytest.mark.parametrize(("width", "ok"), [(0.8, False), (0.9, True)])
def test_every_evacuation_door_is_at_least_0_90_m(width, ok):
    assert (
        by_rule(check(hall(door_m=width), {"hall": 10}, crowded=False))[(RuleKind.EXIT_DOOR, "main")].ok is ok
    )


@pytest.mark.parametrize(("width", "ok"), [(2.4, False), (3.0, True)])
def test_a_crowded_places_outdoor_escape_passage_is_at_least_3_m(width, ok):
    data = hall().model_dump(by_alias=True)
    data["passages"][1] |= {"kind": "outdoor", "width_m": width}
    rules = by_rule(check(Layout.model_validate(data), {"hall": 10}))
    assert rules[(RuleKind.OUTDOOR_WIDTH, "escape")].ok is ok


@pytest.mark.parametrize(("width", "ok"), [(1.0, False), (1.1, True)])
def test_corridors_and_stairs_on_an_escape_route_are_at_least_1_10_m(width, ok):
    assert by_rule(check(hall(corridor_m=width), {"hall": 10}))[(RuleKind.CORRIDOR_WIDTH, "escape")].ok is ok
    data = storeys({"enclosed": True}).model_dump(by_alias=True)
    data["passages"][1]["width_m"] = width
    assert by_rule(check(Layout.model_validate(data), {"up": 10}))[(RuleKind.STAIR_WIDTH, "flight")].ok is ok


def test_the_fire_resistance_grade_and_sprinklers_are_the_layouts():
    grade_3 = by_rule(check(storeys({"enclosed": True}, fire_resistance_grade=3), {"hall": 100, "up": 10}))
    assert grade_3[(RuleKind.EXIT_WIDTH, 1)].limit == pytest.approx(0.75)  # 100 × 0.75 / 100
    room = room_on_corridor(38.0, 1).model_dump(by_alias=True)
    grade_3_room = by_rule(check(Layout.model_validate(room | {"fire_resistance_grade": 3}), {"room": 4}))
    assert (
        grade_3_room[(RuleKind.ROOM_DOOR, "room")].limit,
        grade_3_room[(RuleKind.ROOM_DOOR, "room")].ok,
    ) == (20.0, True)
    sprinkled = Layout.model_validate(room | {"sprinklers": True, "fire_resistance_grade": 4})
    assert by_rule(check(sprinkled, {"room": 4}))[(RuleKind.ROOM_DOOR, "room")].limit == 15.0 * 1.25
