"""GB 50016 code check on small layouts with known answers, and on the shipped two-floor gallery."""

import pytest
from helpers import ROOT

from sim.analysis.evacuation.codecheck import RuleKind, check, design_occupants, failures, travel_distances
from sim.io.files import load_layout
from sim.model.layout import Layout


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
    assert not rules[(RuleKind.EXIT_DOOR, "main")].ok  # 1.0 m < 1.40 m in a crowded place
    assert by_rule(check(hall(door_m=1.0), {"hall": 10}, crowded=False))[(RuleKind.EXIT_DOOR, "main")].ok
    assert not rules[(RuleKind.CORRIDOR_WIDTH, "escape")].ok  # 1.0 < 1.10 m
    assert not by_rule(check(hall(), {"hall": 500}))[(RuleKind.EXIT_WIDTH, 1)].ok


def test_travel_distance_from_the_far_side_of_the_zone():
    # Nearest way out is the 8 m door; half the diagonal of a 200 m² square is 10 m.
    assert travel_distances(hall())["hall"] == pytest.approx(18.0)
    assert by_rule(check(hall(), {"hall": 10}))[(RuleKind.TRAVEL_DISTANCE, "hall")].ok


def test_design_occupancy_uses_the_exhibition_density_for_the_sand_table():
    layout = load_layout(ROOT / "layouts" / "one_floor_gallery.yaml")
    occupants = design_occupants(layout)
    assert occupants["sand_table"] == pytest.approx(220 * 0.75) and occupants["lounge"] == pytest.approx(
        170 * 0.60
    )


def test_the_two_floor_fire_stair_door_is_flagged_as_its_file_says():
    layout = load_layout(ROOT / "layouts" / "two_floor_gallery.yaml")
    failing = {(r.kind, r.element) for r in failures(check(layout, design_occupants(layout)))}
    assert (RuleKind.EXIT_DOOR, "fire_stair_door") in failing  # 1.2 m < 1.40 m
