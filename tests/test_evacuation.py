"""Evacuation: the three methods against published cases, and the relations between them."""

import math
from itertools import pairwise

import numpy as np
import pytest
from helpers import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.analysis.evacuation.codecheck import design_occupants
from sim.analysis.evacuation.egress import egress_network, simulate_egress
from sim.analysis.evacuation.findings import analyse, premovement_design_s
from sim.analysis.evacuation.hydraulic import hydraulic
from sim.analysis.evacuation.lower_bound import flow_network, lower_bound_s
from sim.analysis.evacuation.occupants import check_occupants
from sim.analysis.evacuation.simulated import simulated
from sim.core.problems import InputError
from sim.io.files import load_layout
from sim.model.layout import Layout
from sim.model.settings import Evacuation

LAYOUTS = sorted((ROOT / "layouts").glob("*.yaml"))
IMMEDIATE = Evacuation(premovement={"dist": "fixed", "value_min": 0}, replications=3)


def zero_premovement(occupants):
    return {z: np.zeros(n) for z, n in occupants.items()}


def corridor(length_m=40.0, width_m=2.0) -> Layout:
    """RiMEA test 1: one person at the start of a 2 m × 40 m corridor."""
    zones = [
        {"id": "start", "kind": "corridor", "area_m2": 4, "xy": [0, 0]},
        {"id": "out", "kind": "exit", "xy": [length_m, 0]},
    ]
    passages = [{"from": "start", "to": "out", "kind": "corridor", "length_m": length_m, "width_m": width_m}]
    return Layout.model_validate({"name": "RiMEA 1", "zones": zones, "passages": passages})


def rimea9(exits=4) -> Layout:
    """RiMEA test 9: a 30 × 20 m room, 1 m exits at x = 4.5 and 25.5 m on both long walls.

    Each exit is 14.3 m from the room's centre (15, 10): √(10.5² + 10²).
    """
    spots = [(4.5, 0), (25.5, 0), (4.5, 20), (25.5, 20)][:exits]
    zones = [{"id": "hall", "kind": "other", "area_m2": 600, "xy": [15, 10]}]
    zones += [{"id": f"exit{i}", "kind": "exit", "xy": list(xy)} for i, xy in enumerate(spots)]
    passages = [
        {"from": "hall", "to": f"exit{i}", "kind": "door", "length_m": math.hypot(10.5, 10), "width_m": 1.0}
        for i in range(len(spots))
    ]
    return Layout.model_validate({"name": "RiMEA 9", "zones": zones, "passages": passages})


def imo_1166() -> Layout:
    """IMO MSC/Circ.1166 Appendix §5: door 1, corridor 1, stair 1, corridor 2, doors 2A + 2B.

    165 persons behind door 1; 35 more join corridor 2 (200 in all); the two 1.4 m doors at the
    end are one 2.8 m element here (100 persons each in the circular).
    """
    zones = [
        {"id": "cabins", "kind": "other", "area_m2": 300, "xy": [0, 0], "floor": 2},
        {"id": "lobby", "kind": "corridor", "area_m2": 60, "xy": [1, 0], "floor": 2},
        {"id": "landing", "kind": "stair", "area_m2": 20, "xy": [15, 0], "floor": 2},
        {"id": "lower", "kind": "corridor", "area_m2": 60, "xy": [20, 0], "floor": 1},
        {"id": "hall", "kind": "corridor", "area_m2": 60, "xy": [34, 0], "floor": 1},
        {"id": "deck", "kind": "exit", "xy": [35, 0], "floor": 1},
    ]
    passages = [
        {"id": "door1", "from": "cabins", "to": "lobby", "kind": "door", "length_m": 0, "width_m": 1.4},
        {
            "id": "corridor1",
            "from": "lobby",
            "to": "landing",
            "kind": "corridor",
            "length_m": 14,
            "width_m": 4.2,
        },
        {"id": "stair1", "from": "landing", "to": "lower", "kind": "stair", "length_m": 4.7, "width_m": 3.5},
        {
            "id": "corridor2",
            "from": "lower",
            "to": "hall",
            "kind": "corridor",
            "length_m": 14,
            "width_m": 3.0,
        },
        {"id": "door2", "from": "hall", "to": "deck", "kind": "door", "length_m": 0, "width_m": 2.8},
    ]
    return Layout.model_validate({"name": "IMO 1166", "zones": zones, "passages": passages})


# ---------------------------------------------------------------- published cases


def test_imo_1166_route_reproduces_the_published_flow_times_element_by_element():
    result = hydraulic(imo_1166(), {"cabins": 165, "lower": 35})
    flow = result.elements.set_index("element")["capacity_flow_s"]
    published = {"door1": 91, "corridor1": 30, "stair1": 43, "corridor2": 51, "door2": 55}
    for element, seconds in published.items():
        assert flow[element] == pytest.approx(seconds, abs=1.0), element
    cabins = result.routes.set_index("zone").loc["cabins"]
    assert cabins["governing"] == "door1"  # "door 1, 91 s, governs"
    assert cabins["flow_s"] == pytest.approx(90.7, abs=0.1)


def test_imo_1166_route_reproduces_the_published_walking_times():
    # The circular walks every element at the speed Table 1.3 gives for its maximum specific flow.
    elements = hydraulic(imo_1166(), {"cabins": 165, "lower": 35}).elements.set_index("element")
    published = {"corridor1": 21, "stair1": 9, "corridor2": 21}
    for element, seconds in published.items():
        assert elements.loc[element, "walk_s"] == pytest.approx(seconds, abs=1.0), element
    cabins = hydraulic(imo_1166(), {"cabins": 165, "lower": 35}).routes.set_index("zone").loc["cabins"]
    assert cabins["walk_s"] == pytest.approx(sum(published.values()), abs=1.0)  # 51 s in the circular
    sfpe = hydraulic(imo_1166(), {"cabins": 165, "lower": 35}, convention="sfpe").elements.set_index(
        "element"
    )
    assert sfpe.loc["corridor1", "walk_s"] < 14  # SFPE reads the speed at the flow door 1 lets through


def corridor_crowd(persons: float, density: float) -> Layout:
    """A 0.9 m corridor holding ``persons`` at ``density`` p/m², 10 m from its exit."""
    zones = [
        {"id": "corridor", "kind": "corridor", "area_m2": persons / density, "xy": [0, 0]},
        {"id": "out", "kind": "exit", "xy": [10, 0]},
    ]
    passages = [{"from": "corridor", "to": "out", "kind": "corridor", "length_m": 10, "width_m": 0.9}]
    return Layout.model_validate({"name": "corridor crowd", "zones": zones, "passages": passages})


@pytest.mark.parametrize(
    ("persons", "density", "fs", "fc", "s"), [(11, 0.94, 0.85, 0.77, 1.03), (55, 1.7, 1.21, 1.09, 0.75)]
)
def test_imo_1238_initial_corridor_conditions(persons, density, fs, fc, s):
    # MSC.1/Circ.1238 Annex 1 App. 2, initial corridor conditions: Fs and S from the initial density.
    row = hydraulic(corridor_crowd(persons, density), {"corridor": persons}).elements.iloc[0]
    assert row["specific_flow"] == pytest.approx(fs, abs=0.01)
    assert row["flow_p_s"] == pytest.approx(fc, abs=0.01)
    assert row["speed_m_s"] == pytest.approx(s, abs=0.01)
    assert row["flow_s"] == pytest.approx(persons / fc, abs=1.0)  # 11 persons: 14.3 s, not 9.4 s at Fs,max


@pytest.mark.parametrize(("model", "expected"), [("sfpe", 40 / 1.19), ("weidmann", 40 / 1.34)])
def test_rimea_1_corridor_walk_is_within_its_band(model, expected):
    net = egress_network(corridor(), model=model)
    run = simulate_egress(net, {"start": 1}, {"start": np.zeros(1)})
    assert 26 <= run.clearance_s <= 34
    assert run.clearance_s == pytest.approx(expected, rel=1e-6)
    assert 26 <= hydraulic(corridor(), {"start": 1}).clearance_s <= 34


def test_rimea_9_two_exits_take_about_twice_as_long_as_four():
    people = {"hall": 1000}
    four = simulated(rimea9(4), people, IMMEDIATE).clearance[0]
    two = simulated(rimea9(2), people, IMMEDIATE).clearance[0]
    assert 1.6 <= two / four <= 2.4  # JuPedSim's criterion for RiMEA 9
    assert two / four == pytest.approx(2.0, abs=0.1)
    assert 1.6 <= hydraulic(rimea9(2), people).clearance_s / hydraulic(rimea9(4), people).clearance_s <= 2.4
    assert 1.6 <= lower_bound_s(rimea9(2), people) / lower_bound_s(rimea9(4), people) <= 2.4


def test_a_saturated_door_passes_its_code_flow():
    run = simulate_egress(egress_network(rimea9(1)), {"hall": 300}, zero_premovement({"hall": 300}))
    steady = run.exit_times["exit0"][150:]  # once the crowd on the passage has settled
    assert (len(steady) - 1) / (steady[-1] - steady[0]) == pytest.approx(1.3, rel=0.01)  # Fs,max × 1 m


# ---------------------------------------------------------------- relations between the methods


@pytest.mark.parametrize("path", LAYOUTS, ids=lambda p: p.stem)
def test_lower_bound_is_below_the_other_methods_on_every_shipped_layout(path):
    layout = load_layout(path)
    people = check_occupants(layout, design_occupants(layout))
    bound = lower_bound_s(layout, people)
    assert 0 < bound < 3600
    assert bound <= hydraulic(layout, people).clearance_s
    assert bound <= simulate_egress(egress_network(layout), people, zero_premovement(people)).clearance_s
    for exit_ in (z.id for z in layout.zones if z.kind in ("exit", "entrance")):
        blocked = frozenset({exit_})
        try:
            worse = lower_bound_s(layout, people, blocked=blocked)
        except ValueError:
            continue  # this exit was the only way out for some zone
        assert worse >= bound
        net = egress_network(layout, blocked)
        assert worse <= simulate_egress(net, people, zero_premovement(people)).clearance_s


@st.composite
def random_layouts(draw):
    """A connected tree of 2–7 rooms plus extra passages, one to three exits, people up to 3 p/m²."""
    n = draw(st.integers(2, 7))
    zones = [
        {"id": f"z{i}", "kind": "other", "area_m2": draw(st.integers(20, 300)), "xy": [10 * i, 0]}
        for i in range(n)
    ]
    passages = []
    for i in range(1, n):
        j = draw(st.integers(0, i - 1))
        passages.append(
            {"from": f"z{j}", "to": f"z{i}", "kind": draw(st.sampled_from(["corridor", "door"])),
             "length_m": draw(st.integers(0, 30)), "width_m": draw(st.sampled_from([0.9, 1.2, 1.5, 2.4, 4.0]))}
        )  # fmt: skip
    for k in range(draw(st.integers(1, 3))):
        zones.append({"id": f"x{k}", "kind": "exit", "xy": [0, 10 * k]})
        passages.append(
            {"from": f"z{draw(st.integers(0, n - 1))}", "to": f"x{k}", "kind": "door",
             "length_m": draw(st.integers(0, 20)), "width_m": draw(st.sampled_from([0.9, 1.2, 1.5]))}
        )  # fmt: skip
    layout = Layout.model_validate({"name": "random", "zones": zones, "passages": passages})
    people = {z["id"]: draw(st.integers(0, 3 * z["area_m2"])) for z in zones[:n]}
    return layout, people


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_layouts())
def test_no_method_beats_the_lower_bound_on_random_layouts(case):
    layout, people = case
    people = check_occupants(layout, people)
    bound = lower_bound_s(layout, people)
    assert bound <= hydraulic(layout, people).clearance_s + 1e-9
    assert (
        bound <= simulate_egress(egress_network(layout), people, zero_premovement(people)).clearance_s + 1e-9
    )


def test_wider_doors_never_slow_the_evacuation():
    layout = load_layout(ROOT / "layouts" / "one_floor_gallery.yaml")
    people = check_occupants(layout, design_occupants(layout))
    draws = [zero_premovement(people)]
    for door in ("west_door", "east_door", "north_door", "main_door"):
        width = layout.passage[door].width_m
        times = {
            method: [fn(layout, people, {door: width + extra}) for extra in (0.0, 0.3, 0.6, 1.2)]
            for method, fn in {
                "hydraulic": lambda lay, p, w: hydraulic(lay, p, widths=w).clearance_s,
                "lower bound": lambda lay, p, w: lower_bound_s(lay, p, widths=w),
                "simulated": lambda lay, p, w: simulated(lay, p, IMMEDIATE, widths=w, draws=draws).clearance[
                    0
                ],
            }.items()
        }
        for method, series in times.items():
            assert all(b <= a + 1e-6 for a, b in pairwise(series)), (door, method, series)


def test_blocking_an_exit_never_speeds_the_evacuation():
    layout = load_layout(ROOT / "layouts" / "one_floor_gallery.yaml")
    report = analyse(layout, design_occupants(layout), IMMEDIATE)
    rows = report.n_minus_1.set_index("blocked_exit")
    assert set(rows.index) == {"exit_east", "exit_west", "exit_north", "plaza"}
    assert (rows["lower_bound_s"] >= report.lower_bound_s).all()
    assert (rows["hydraulic_s"] >= report.hydraulic.clearance_s - 1e-9).all()
    assert (rows["simulated_s"] >= report.simulated.clearance[0] - 1e-9).all()


# ---------------------------------------------------------------- findings and bad input


def only_exit_layout() -> Layout:
    zones = [
        {"id": "room", "kind": "other", "area_m2": 100, "xy": [0, 0]},
        {"id": "out", "kind": "exit", "xy": [10, 0]},
    ]
    passages = [{"from": "room", "to": "out", "kind": "door", "length_m": 5, "width_m": 1.5}]
    return Layout.model_validate({"name": "one exit", "zones": zones, "passages": passages})


def test_the_only_exit_blocked_is_a_finding_not_a_crash():
    report = analyse(only_exit_layout(), {"room": 50}, IMMEDIATE)
    row = report.n_minus_1.iloc[0]
    assert row["blocked_exit"] == "out"
    assert row["trapped"] == "room"  # the zones whose people have no way out
    assert math.isnan(row["simulated_s"])
    with pytest.raises(ValueError, match="room: people there cannot get out, no escape route"):
        lower_bound_s(only_exit_layout(), {"room": 10}, blocked=frozenset({"out"}))


def test_an_sfpe_door_narrower_than_its_boundary_layers_is_no_way_out():
    layout = Layout.model_validate(
        only_exit_layout().model_dump(by_alias=True)
        | {"passages": [{"from": "room", "to": "out", "kind": "door", "length_m": 5, "width_m": 0.3}]}
    )
    with pytest.raises(ValueError, match="no escape route"):
        hydraulic(layout, {"room": 10}, convention="sfpe")


def test_occupants_denser_than_5_per_m2_are_refused_with_the_zone_named():
    layout = only_exit_layout()
    with pytest.raises(InputError, match=r"room: 600 persons on 100 m² is 6.0 p/m²"):
        check_occupants(layout, {"room": 600})
    with pytest.raises(InputError, match="no such zone"):
        check_occupants(layout, {"lobby": 5})
    with pytest.raises(InputError, match="already out"):
        check_occupants(layout, {"out": 5})
    assert check_occupants(layout, {"room": 10.2}) == {"room": 11}  # whole persons, rounded up


def test_capacities_are_whole_persons_per_period():
    layout = load_layout(ROOT / "layouts" / "one_floor_gallery.yaml")
    net = flow_network(layout, {"lounge": 10}, period_s=5.0)  # 5-s periods make the rounding visible
    door = next(a for a in net.arcs if a[:2] == ("reception", "plaza"))
    assert door[2] == math.ceil(1.3 * 3.6 * 5.0)  # Fs,max 1.3 p/(s·m) × 3.6 m × 5 s = 23.4 → 24
    assert door[3] == 1  # 12 m at the fastest 1.34 m/s = 9.0 s → 1 whole period of 5 s


def test_design_premovement_is_the_99th_percentile():
    triangular = Evacuation(premovement={"dist": "triangular", "low_min": 0, "mode_min": 0, "high_min": 1})
    # P(T > t) = (1 − t/60)² for a right triangle on [0, 60 s]: 1% at t = 54 s.
    assert premovement_design_s(triangular) == pytest.approx(54.0, abs=0.01)


def test_the_report_compares_rset_with_the_allowed_time():
    layout = load_layout(ROOT / "layouts" / "one_floor_gallery.yaml")
    report = analyse(layout, {"lounge": 40}, IMMEDIATE, allowed_s=120)
    rset = report.rset.set_index("method")
    hyd = report.hydraulic
    assert rset.loc["hydraulic", "rset_s"] == pytest.approx(60 + 0 + 2.0 * hyd.movement_s)
    assert rset.loc["hydraulic", "ok"] == (rset.loc["hydraulic", "rset_s"] <= 120)
    top = report.governing.iloc[0]  # 40 people: nothing to gain from a wider door
    assert report.governing_element == (top["element"] if top["gain_s"] >= 1.0 else None)


SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_bound_from_the_alarm_is_below_the_simulation_in_every_replication(path):
    from sim.io.files import load_pair
    from sim.plan.evacuation import check_evacuation
    from sim.plan.settings import RunSettings

    layout, scenario = load_pair(path)
    settings = RunSettings(replications=3, evacuation_replications=6, seed=4, workers=1)
    report = check_evacuation(layout=layout, scenario=scenario, settings=settings, occupants="peak")
    runs = [r.clearance_s for r in report.simulated.runs]
    assert len(report.alarm_bounds_s) == len(runs) == 6
    assert all(b <= r for b, r in zip(report.alarm_bounds_s, runs, strict=True)), (
        report.alarm_bounds_s,
        runs,
    )
    assert report.movement_bound_s < report.lower_bound_s <= report.simulated.clearance[0]


def test_the_bound_from_the_alarm_adds_each_persons_own_pre_movement():
    layout = load_layout(ROOT / "layouts" / "one_floor_gallery.yaml")
    people = {"lounge": 30, "negotiation": 20}
    moving = lower_bound_s(layout, people)
    ready = {z: np.zeros(n) for z, n in people.items()}
    assert lower_bound_s(layout, people, premovement=ready) == moving
    late = {z: np.full(n, 30.0) for z, n in people.items()}
    assert lower_bound_s(layout, people, premovement=late) == moving + 30.0  # 1-s periods: exact here
    one_late = {"lounge": np.r_[np.zeros(29), 120.0], "negotiation": np.zeros(20)}
    assert lower_bound_s(layout, people, premovement=one_late) >= 120.0  # the last one ready governs


def two_rooms_in_series() -> Layout:
    """A hall through a 1.6 m door into a lobby, out through a 0.8 m exit."""
    zones = [
        {"id": "hall", "kind": "other", "area_m2": 200, "xy": [0, 0]},
        {"id": "lobby", "kind": "other", "area_m2": 100, "xy": [20, 0]},
        {"id": "out", "kind": "exit", "xy": [30, 0]},
    ]
    passages = [
        {"from": "hall", "to": "lobby", "kind": "door", "length_m": 10, "width_m": 1.6},
        {"from": "lobby", "to": "out", "kind": "door", "length_m": 5, "width_m": 0.8},
    ]
    return Layout.model_validate({"name": "two rooms", "zones": zones, "passages": passages})


def test_in_two_rooms_in_series_the_narrow_exit_governs_not_the_wider_door_upstream():
    layout = two_rooms_in_series()
    report = analyse(layout, {"hall": 300}, Evacuation(replications=4), seed=2)
    door, exit_ = (p.pid for p in layout.passages)
    assert report.governing_element == exit_
    gains = report.widening.set_index(["element", "extra_m"])["gain_s"]
    assert gains[(exit_, 0.6)] >= 50.0  # the exit sets the pace
    assert abs(gains[(door, 0.6)]) < 5.0  # widening the door upstream changes nothing
    assert list(report.governing["element"])[:1] == [exit_]  # the ranking is the widening study's


def stair_down() -> Layout:
    """500 persons on an upper floor, one 1.2 m stair of 20 m down to the street."""
    zones = [
        {"id": "upper", "kind": "other", "area_m2": 400, "xy": [0, 0], "floor": 2},
        {"id": "street", "kind": "exit", "xy": [10, 0], "floor": 1},
    ]
    passages = [{"from": "upper", "to": "street", "kind": "stair", "length_m": 20, "width_m": 1.2}]
    return Layout.model_validate({"name": "one stair", "zones": zones, "passages": passages})


@pytest.mark.parametrize("model", ["sfpe", "weidmann"])
def test_a_500_person_stair_carries_what_it_admits(model):
    layout, people = stair_down(), {"upper": 500}
    run = simulate_egress(egress_network(layout, model=model), people, zero_premovement(people))
    hand = hydraulic(layout, people).clearance_s  # flow-bound: 500 / (1.1 p/(s·m) × 1.2 m) + walking
    print(model, run.clearance_s, hand)
    assert run.clearance_s == pytest.approx(hand, rel=0.10)


def test_rimea_9_under_both_speed_laws_agrees_within_ten_per_cent():
    people = {"hall": 1000}
    sfpe, weidmann = (
        simulate_egress(egress_network(rimea9(2), model=m), people, zero_premovement(people)).clearance_s
        for m in ("sfpe", "weidmann")
    )
    print(sfpe, weidmann)
    assert weidmann == pytest.approx(sfpe, rel=0.10)  # no jam at the shuffling floor under Weidmann
