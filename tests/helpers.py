"""Small layouts and scenarios built in code for the tests."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

from sim.model.layout import Layout
from sim.model.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]


def line_layout(
    lengths=(10.0, 5.0, 5.0, 10.0), places: int = 1, desks: int = 1, show_cap: int | None = None
) -> Layout:
    """door → reception → lounge → sand → out, in a line; optionally a capped show unit off sand."""
    zones = [
        {"id": "door", "kind": "entrance", "xy": [0, 0]},
        {"id": "reception", "kind": "reception", "area_m2": 40, "desks": desks, "xy": [10, 0]},
        {"id": "lounge", "kind": "lounge", "area_m2": 60, "xy": [15, 0]},
        {"id": "sand", "kind": "sand_table", "area_m2": 80, "places": places, "xy": [20, 0]},
        {"id": "out", "kind": "exit", "visitor_exit": True, "xy": [30, 0]},
    ]
    names = ["door", "reception", "lounge", "sand", "out"]
    passages = [
        {"from": a, "to": b, "kind": "corridor", "length_m": length, "width_m": 2.0}
        for a, b, length in zip(names[:-1], names[1:], lengths, strict=True)
    ]
    if show_cap is not None:
        zones.append(
            {"id": "show", "kind": "show_unit", "area_m2": 50, "max_persons": show_cap, "xy": [20, 10]}
        )
        passages.append({"from": "sand", "to": "show", "kind": "door", "length_m": 0, "width_m": 1.0})
    return Layout.model_validate({"name": "line", "zones": zones, "passages": passages})


def scenario(**overrides) -> Scenario:
    """A one-hour scenario on the line layout; ``overrides`` replace top-level sections."""
    data = {
        "name": "tiny",
        "hours": {"open": "09:00", "close": "10:00"},
        "demand": {"parties": 5, "party_size": {2: 1.0}, "profile": {"09:00": 1}},
        "journey": {
            "walk_speed_mps": 1.0,
            "stages": [
                {"id": "register", "kind": "reception", "dwell": {"dist": "fixed", "value_min": 2}},
                {"id": "sand", "kind": "sand_table", "dwell": {"dist": "fixed", "value_min": 10}},
            ],
        },
        "guides": {"schedule": {"09:00": 1}},
    }
    data.update(copy.deepcopy(overrides))
    return Scenario.model_validate(data)


def point_layout(kind: str, **resources) -> Layout:
    """door → lounge → zone → out with zero-length passages: no walking time at all."""
    zones = [
        {"id": "door", "kind": "entrance", "xy": [0, 0]},
        {"id": "lounge", "kind": "lounge", "area_m2": 100, "xy": [1, 0]},
        {"id": "zone", "kind": kind, "area_m2": 100, "xy": [2, 0], **resources},
        {"id": "out", "kind": "exit", "visitor_exit": True, "xy": [3, 0]},
    ]
    names = [z["id"] for z in zones]
    passages = [
        {"from": a, "to": b, "kind": "corridor", "length_m": 0, "width_m": 2}
        for a, b in itertools.pairwise(names)
    ]
    return Layout.model_validate({"name": "point", "zones": zones, "passages": passages})
