"""Each run-sheet rule fires on a hand-built case that should trigger it, and not on one that should not."""

import pandas as pd
import pytest

from sim.analysis.congestion.flags import COLUMNS, DETAIL_COLUMNS
from sim.plan import runsheet
from sim.plan.runsheet import Context

CTX = Context(
    open_min=9 * 60,
    greet_within_min=5,
    greet_share=0.9,
    mean_tour_min=60,
    mean_party_size=2.5,
    batch_in_force=False,
    wait_zone="lounge",
    reception_zones=("reception", "plaza"),
)


def sheet(needed, rostered):
    n = len(needed)
    return pd.DataFrame(
        {
            "start": [f"{9 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(n)],
            "parties_arrived": [5.0] * n,
            "persons_arrived": [12.0] * n,
            "persons_inside_max": [40.0] * n,
            "guides_needed": needed,
            "guides_rostered": rostered,
            "greet_wait_p90_min": [3.0] * n,
            "greet_within_target_share": [0.8] * n,
            "greet_within_target_share_ci_low": [0.7] * n,
            "greet_within_target_share_ci_high": [0.9] * n,
            "reneged": [0.0] * n,
        }
    )


def flags(*rows):
    return pd.DataFrame(list(rows), columns=list(COLUMNS))


def flag(element, kind, start_min, end_min, severity="high", peak=12.0):
    clock = lambda m: f"{9 + m // 60:02d}:{m % 60:02d}"  # noqa: E731
    window = (
        element,
        kind,
        clock(start_min),
        clock(end_min),
        start_min,
        end_min,
        peak,
        "parties",
        1.0,
        severity,
    )
    return window + (None,) * len(DETAIL_COLUMNS)


def test_guides_are_called_before_a_shortfall_and_only_for_one():
    found = runsheet.rule_guides(sheet([5, 8, 9, 5], [6, 6, 6, 6]), CTX)
    assert len(found) == 1
    action = found[0]
    assert action.params == {"n": 3, "from": "09:30", "to": "10:30"}
    assert action.minute == 30 - runsheet.LEAD_MIN
    assert action.because["needed"] == 9 and action.because["rostered"] == 6
    assert runsheet.rule_guides(sheet([5, 6, 6], [6, 6, 6]), CTX) == []


def test_spare_guides_are_released_only_for_an_hour_or_more():
    found = runsheet.rule_release(sheet([2, 2, 5, 2], [6, 6, 6, 6]), CTX)
    assert [(a.params["from"], a.params["to"], a.params["n"]) for a in found] == [("09:00", "10:00", 4)]
    assert runsheet.rule_release(sheet([2, 6, 2, 6], [6, 6, 6, 6]), CTX) == []  # never two slots in a row


def test_batch_admission_when_reception_queues_unless_batches_run_already():
    queue = flags(flag("reception", "queue", 92, 104))
    found = runsheet.rule_batch(queue, sheet([6] * 8, [20] * 8), CTX)
    assert len(found) == 1
    # 20 guides × 15 / 60 min × 2.5 persons = 12.5 → 10 or 15 (nearest 5)
    assert found[0].params["persons"] in (10, 15) and found[0].params["every"] == 15
    assert found[0].minute == 92 - runsheet.LEAD_MIN
    in_force = Context(**{**CTX.__dict__, "batch_in_force": True})
    assert runsheet.rule_batch(queue, sheet([6] * 8, [20] * 8), in_force) == []
    assert (
        runsheet.rule_batch(flags(flag("reception", "queue", 92, 104, "low")), sheet([6] * 8, [20] * 8), CTX)
        == []
    )
    assert runsheet.rule_batch(flags(flag("lounge", "queue", 92, 104)), sheet([6] * 8, [20] * 8), CTX) == []


def test_overflow_lounge_when_the_waiting_zone_crowds():
    found = runsheet.rule_overflow(flags(flag("lounge", "queue", 114, 134, "medium")), CTX)
    assert [(a.params["from"], a.params["to"]) for a in found] == [("10:54", "11:14")]
    assert runsheet.rule_overflow(flags(flag("reception", "queue", 114, 134)), CTX) == []
    assert runsheet.rule_overflow(flags(flag("lounge", "wait", 114, 134)), CTX) == []


def test_usher_at_a_full_show_unit_door():
    found = runsheet.rule_usher(flags(flag("show_a", "capacity", 77, 204)), ("show_a", "show_b"))
    assert [a.params["zone"] for a in found] == ["show_a"]
    assert runsheet.rule_usher(flags(flag("show_a", "capacity", 77, 204, "low")), ("show_a",)) == []
    assert runsheet.rule_usher(flags(flag("lounge", "capacity", 77, 204)), ("show_a",)) == []


def test_one_way_flow_where_flows_cross():
    found = runsheet.rule_one_way(flags(flag("display_hall", "crossing", 120, 210)))
    assert [a.params["zone"] for a in found] == ["display_hall"]
    assert runsheet.rule_one_way(flags(flag("display_hall", "crossing", 120, 210, "medium"))) == []
    assert runsheet.rule_one_way(flags(flag("display_hall", "counter_flow", 120, 210))) == []


def test_evacuation_marshals_at_the_busiest_moment():
    evac = {"clock": "11:00", "persons": 232, "mean_persons": 210.5, "simulated_s": 105.0, "lower_bound_s": 25.0, "hydraulic_s": 149.0,
            "governing": "door_show_b", "worst_exit": "exit_west", "worst_extra_s": 15.0}  # fmt: skip
    found = runsheet.rule_evacuation(Context(**{**CTX.__dict__, "evacuation": evac}))
    assert len(found) == 1 and found[0].minute == 120 and found[0].params["worst_exit"] == "exit_west"
    assert runsheet.rule_evacuation(CTX) == []


def test_actions_come_in_time_order():
    found = runsheet.actions(
        sheet([5, 9, 9, 5], [6, 6, 6, 6]),
        flags(flag("display_hall", "crossing", 10, 40), flag("show_a", "capacity", 5, 20)),
        CTX,
        ("show_a",),
    )
    assert [a.minute for a in found] == sorted(a.minute for a in found)
    assert {a.rule for a in found} == {"guides", "one_way", "usher"}


def test_run_sheet_copies_its_numbers_from_the_tables():
    half_hours = sheet([0, 0], [0, 0]).drop(columns=["guides_needed", "guides_rostered"])
    half_hours["guides_on_duty"] = [14.0, 26.0]
    plan = pd.DataFrame({"guides": [7, 30]})
    out = runsheet.run_sheet(half_hours, plan)
    assert out["guides_needed"].tolist() == [7, 30]
    assert out["guides_rostered"].tolist() == [14, 26]
    for column in ("persons_arrived", "persons_inside_max", "greet_within_target_share"):
        assert out[column].tolist() == pytest.approx(half_hours[column].tolist())
