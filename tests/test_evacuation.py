"""The layout as a flow network and its evacuation lower bound."""

import pytest
from helpers import ROOT

from sim.codecheck import design_occupants
from sim.evacuation import flow_network, lower_bound_s
from sim.io import load_layout

LAYOUTS = sorted((ROOT / "layouts").glob("*.yaml"))


@pytest.mark.parametrize("path", LAYOUTS, ids=lambda p: p.stem)
def test_every_shipped_layout_has_a_finite_lower_bound(path):
    layout = load_layout(path)
    bound = lower_bound_s(layout, design_occupants(layout))
    assert 0 < bound < 3600


def test_blocking_an_exit_never_speeds_the_evacuation():
    layout = load_layout(ROOT / "layouts" / "one_floor_gallery.yaml")
    occupants = design_occupants(layout)
    base = lower_bound_s(layout, occupants)
    for exit_ in ("exit_east", "exit_west", "exit_north", "plaza"):
        assert lower_bound_s(layout, occupants, blocked=frozenset({exit_})) >= base


def test_the_only_exit_blocked_is_no_escape_route():
    layout = load_layout(ROOT / "layouts" / "one_floor_gallery.yaml")
    every_exit = frozenset({"exit_east", "exit_west", "exit_north", "plaza"})
    with pytest.raises(ValueError, match="no escape route"):
        lower_bound_s(layout, {"lounge": 10}, blocked=every_exit)


def test_capacities_follow_flow_times_width():
    layout = load_layout(ROOT / "layouts" / "one_floor_gallery.yaml")
    net = flow_network(layout, {"lounge": 10}, period_s=5.0)
    door = next(a for a in net.arcs if a[:2] == ("reception", "plaza"))
    assert door[2] == pytest.approx(1.3 * 3.6 * 5.0)  # Fs,max 1.3 p/(s·m) × 3.6 m × 5 s
    assert door[3] == 2  # 12 m at 0.85 × 1.40 m/s = 10.1 s → 2 periods of 5 s
