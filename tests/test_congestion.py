"""Congestion: level-of-service tables, flag windows from hand-made days, counter-flow, what-if."""

import itertools
import math
import warnings

import numpy as np
import pytest
from helpers import ROOT, line_layout, scenario

from sim.analysis.congestion.flags import windows
from sim.analysis.congestion.report import analyse
from sim.analysis.congestion.route import static_route_check
from sim.engine.day import run_day
from sim.engine.demand import Party, Visit
from sim.io.files import load_pair
from sim.metrics import los
from sim.metrics.day import summarise_day
from sim.metrics.stats import aggregate
from sim.model.eventlog import to_frame
from sim.model.layout import Layout
from sim.model.settings import Congestion
from sim.plan.compare import compare, flag_changes
from sim.plan.settings import RunSettings


@pytest.mark.parametrize(
    ("table", "values", "expected"),
    [
        (los.QUEUING_M2, [1.21, 1.2099, 0.93, 0.65, 0.28, 0.19, 0.1899], "ABBCDEF"),
        (los.WALKWAY_M2, [3.25, 3.0, 2.32, 1.39, 0.93, 0.46, 0.4], "ABBCDEF"),
        (los.STAIRWAY_M2, [1.86, 1.39, 1.0, 0.93, 0.65, 0.37, 0.36], "ABCCDEF"),
    ],
)
def test_space_levels_at_the_table_boundaries(table, values, expected):
    # Fruin, Pedestrian Planning and Design, ch. 4: a value on a boundary gets the better level.
    assert "".join(los.letter(k) for k in los.by_space(values, table)) == expected


def test_flow_levels_at_the_table_boundaries():
    got = "".join(los.letter(k) for k in los.by_flow([23, 23.01, 33, 49, 66, 82, 82.01], los.WALKWAY_FLOW))
    assert got == "ABBCDEF"
    assert (
        "".join(los.letter(k) for k in los.by_flow([16, 23, 33, 43, 56, 57], los.STAIRWAY_FLOW)) == "ABCDEF"
    )


def test_windows_merge_and_measure_share_of_replications():
    rule = Congestion(min_share=0.5, merge_gap_min=2)
    hit = np.zeros((4, 30), bool)
    hit[:3, 5:8] = True  # 3 of 4 days, minutes 5–7
    hit[:2, 10:12] = True  # 2 of 4 days, minutes 10–11: a gap of 2 minutes, merged
    hit[0, 20] = True  # 1 of 4 days: below the share, never a window
    value = np.where(hit, 7.0, 0.0)
    assert windows(hit, value, rule) == [(5, 12, 0.75, 7.0)]


def _show_party(pid, persons):
    visits = (
        Visit("register", "reception", 120.0, False),
        Visit("sand", "sand", 600.0, True),
        Visit("show", "show", 300.0, True),
    )
    return Party(pid, "walk_in", 0.0, persons, "door", 1, math.inf, visits)


def test_capacity_flag_window_from_a_hand_made_day():
    # Party 1 (2 + guide) waits at the door of a 4-person show unit from 860 s to 1040 s
    # (tests/test_engine_exact.py): the minutes sampled inside are 15, 16 and 17.
    layout = line_layout(places=2, show_cap=4)
    sc = scenario(
        guides={"schedule": {"09:00": 2}},
        demand={"parties": 1, "party_size": {2: 1.0}, "profile": {"09:00": 1}},
    )
    log = to_frame(run_day(layout, sc, [_show_party(0, 2), _show_party(1, 2)]))
    report = analyse(aggregate([summarise_day(log, layout, sc)], layout, sc, 0), layout, sc)
    flags = report.flags[report.flags["kind"] == "capacity"]
    assert flags[["element", "start", "end", "peak", "probability"]].values.tolist() == [
        ["show", "09:15", "09:18", 1.0, 1.0]
    ]


def _walk_layout(one_way: bool) -> Layout:
    """Door → reception → lounge → hall → show unit; back out through the hall, or on a one-way loop."""
    zones = [
        {"id": "door", "kind": "entrance", "xy": [0, 0]},
        {"id": "reception", "kind": "reception", "area_m2": 50, "desks": 5, "xy": [0, 5]},
        {"id": "lounge", "kind": "lounge", "area_m2": 50, "xy": [0, 10]},
        {"id": "hall", "kind": "corridor", "area_m2": 40, "xy": [5, 10]},
        {"id": "show", "kind": "show_unit", "area_m2": 80, "max_persons": 40, "xy": [10, 10]},
        {"id": "out", "kind": "exit", "visitor_exit": True, "xy": [15, 10]},
    ]
    step = {"kind": "corridor", "length_m": 10, "width_m": 2, "one_way": one_way}
    chain = ["door", "reception", "lounge", "hall", "show"]
    passages = [{"from": a, "to": b, **step} for a, b in itertools.pairwise(chain)]
    if one_way:
        passages.append({"from": "show", "to": "out", **step})  # leave forward, never back
    else:
        passages.append({"from": "hall", "to": "out", "kind": "door", "length_m": 5, "width_m": 2})
    return Layout.model_validate({"name": "walk", "zones": zones, "passages": passages})


def _walk_scenario():
    return scenario(
        demand={"parties": 60, "party_size": {2: 1.0}, "profile": {"09:00": 1}},
        journey={"stages": [
            {"id": "register", "kind": "reception", "dwell": {"dist": "fixed", "value_min": 1}},
            {"id": "show", "kind": "show_unit", "dwell": {"dist": "exponential", "mean_min": 5}},
        ]},
        guides={"schedule": {"09:00": 30}},
        congestion={"counter_flow_persons": 4},
    )  # fmt: skip


@pytest.mark.parametrize(("one_way", "expected"), [(False, {"hall-show"}), (True, set())])
def test_counter_flow_where_the_route_doubles_back_and_none_on_a_one_way_loop(one_way, expected):
    layout, sc = _walk_layout(one_way), _walk_scenario()
    days = [
        summarise_day(to_frame(run_day(layout, sc, _parties(layout, sc, rep))), layout, sc, rep)
        for rep in range(3)
    ]
    report = analyse(aggregate(days, layout, sc, 0), layout, sc)
    assert set(report.flags.loc[report.flags["kind"] == "counter_flow", "element"]) == expected
    assert set(report.static["passage"]) == expected  # the designed route says the same before any simulation


def _parties(layout, sc, rep):
    from sim.engine.demand import draw_parties

    return draw_parties(layout, sc, seed=4, replication=rep)


def test_static_check_of_the_shipped_gallery_names_the_show_unit_doors():
    layout, sc = load_pair(ROOT / "scenarios" / "national_day_peak.yaml")
    assert {"door_show_a", "door_show_b"} <= set(static_route_check(layout, sc)["passage"])


@pytest.fixture(scope="module")
def national_day_pair():
    return load_pair(ROOT / "scenarios" / "national_day_peak.yaml")


@pytest.mark.slow
def test_a_scenario_compared_with_itself_differs_by_exactly_zero(national_day_pair):
    result = compare(
        a=national_day_pair, b=national_day_pair, settings=RunSettings(replications=3, seed=2, workers=1)
    )
    assert (result.kpis["difference"].abs() == 0).all() and (result.kpis["ci_high"].fillna(0) == 0).all()
    assert set(result.flags["status"]) <= {"same"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("zone", "field", "more"),
    [("show_a", "max_persons", 30), ("negotiation", "tables", 24), ("reception", "desks", 5)],
)
def test_more_room_or_tables_never_adds_a_capacity_or_queue_flag_there(national_day_pair, zone, field, more):
    layout, sc = national_day_pair
    data = layout.model_dump(by_alias=True)
    for z in data["zones"]:
        if z["id"] == zone:
            z[field] = more
    bigger = Layout.model_validate(data)
    result = compare(a=(layout, sc), b=(bigger, sc), settings=RunSettings(replications=4, seed=3, workers=1))
    mine = result.flags[(result.flags["element"] == zone) & result.flags["kind"].isin(["capacity", "queue"])]
    assert "appears" not in set(mine["status"])
    assert (mine["minutes_b"].fillna(0) <= mine["minutes_a"].fillna(0)).all()


def test_flag_changes_classifies_appear_disappear_change():
    import pandas as pd

    def flags(*rows):
        return pd.DataFrame(
            rows, columns=["element", "kind", "start", "end", "start_min", "end_min", "probability"]
        )

    a = flags(
        ("x", "capacity", "10:00", "11:00", 60, 120, 1.0), ("y", "queue", "10:00", "10:30", 60, 90, 0.9)
    )
    b = flags(
        ("y", "queue", "10:00", "12:00", 60, 180, 0.9), ("z", "density", "14:00", "14:30", 300, 330, 0.5)
    )
    status = dict(zip(flag_changes(a, b)["element"], flag_changes(a, b)["status"], strict=True))
    assert status == {"x": "disappears", "y": "changes", "z": "appears"}


def test_maps_and_timeline_render_headless_with_chinese_labels(national_day_pair, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from sim.present import figures as plots
    from sim.runner.replications import run

    layout, sc = national_day_pair
    report = analyse(run(layout, sc, replications=2, seed=1, workers=1), layout, sc)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning: fail on it
        with plots.chinese_font():
            fig = plots.los_map_strip(plt.figure(figsize=(12, 8)), report, layout)
            fig.savefig(tmp_path / "map.png")
            fig, ax = plt.subplots()
            plots.flag_timeline(ax, report, layout, sc)
            fig.savefig(tmp_path / "flags.png")
    plt.close("all")
    assert (tmp_path / "map.png").stat().st_size > 20_000


def test_the_queue_outside_is_rated_on_the_forecourt_area():
    # Batch admission of 3 persons every 10 minutes holds parties of 2 outside (tests/test_engine_exact.py).
    data = line_layout(desks=3, places=3).model_dump(by_alias=True)
    data["zones"][0]["area_m2"] = 1.0  # a one-square-metre forecourt: four persons are Fruin F
    layout = Layout.model_validate(data)
    sc = scenario(
        policies={"batch_admission": {"persons": 3, "every_min": 10}}, guides={"schedule": {"09:00": 3}}
    )
    parties = [
        Party(i, "walk_in", 0.0, 2, "door", 1, math.inf, _show_party(i, 2).visits[:2]) for i in range(3)
    ]
    log = to_frame(run_day(layout, sc, parties))
    report = analyse(aggregate([summarise_day(log, layout, sc)], layout, sc, 0), layout, sc)
    shares = report.los_share[report.los_share["element"] == "door"].set_index("level")["share"]
    assert shares[["E", "F"]].sum() > 0  # 4 persons on 1 m² (0.25 m²/p) is E, 2 persons (0.5) is D
    assert report.peak_level["door"] >= los.LEVELS.index("E")
