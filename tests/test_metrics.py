"""Metric helpers on hand-made inputs with known answers."""

import math

import numpy as np
import pandas as pd
import pytest
from helpers import point_layout

from sim.metrics.day import greet_stats, party_table
from sim.metrics.headcount import apportion, busiest_moment, whereabouts
from sim.metrics.occupancy import place_peaks
from sim.metrics.stats import ci95, pooled_share
from sim.metrics.steps import level_at, time_average, time_quantile
from sim.model import eventlog as ev


def test_ci95_matches_the_t_interval():
    mean, low, high = ci95([1.0, 2.0, 3.0, 4.0])
    assert mean - low == pytest.approx(high - mean)
    # t(3, 0.975) = 3.182446; s = 1.290994; half-width = 3.182446 * 1.290994 / 2.
    assert mean == 2.5 and high - mean == pytest.approx(3.182446 * 1.290994 / 2, rel=1e-6)
    assert math.isnan(ci95([5.0])[1]) and math.isnan(ci95([])[0])


def test_step_function_values_and_time_average():
    times, levels = np.array([10.0, 20.0, 30.0]), np.array([2.0, 5.0, 0.0])
    assert level_at(times, levels, np.array([0.0, 10.0, 15.0, 20.0, 35.0])).tolist() == [0, 2, 2, 5, 0]
    assert time_average(times, levels, 0.0, 40.0) == pytest.approx((2 * 10 + 5 * 10) / 40)
    assert time_average(times, levels, 15.0, 25.0) == pytest.approx((2 * 5 + 5 * 5) / 10)


def test_greeting_share_counts_parties_who_gave_up_as_failures():
    rows = [
        (0.0, 0, ev.ARRIVE, "d", 1, -1), (0.0, 0, ev.WAIT_GUIDE, "l", 1, -1), (60.0, 0, ev.GREET, "l", 1, 0),
        (0.0, 1, ev.ARRIVE, "d", 2, -1), (0.0, 1, ev.WAIT_GUIDE, "l", 2, -1), (600.0, 1, ev.GREET, "l", 2, 1),
        (0.0, 2, ev.ARRIVE, "d", 1, -1), (0.0, 2, ev.WAIT_GUIDE, "l", 1, -1), (100.0, 2, ev.RENEGE, "l", 1, -1),
    ]  # fmt: skip
    stats = greet_stats(party_table(ev.to_frame(rows)), target_s=300.0)
    assert stats["greet_within_target_share"] == pytest.approx(1 / 3)
    assert stats["greet_wait_mean_min"] == pytest.approx((1 + 10) / 2)
    assert stats["delayed_share"] == pytest.approx(1.0) and stats["abandoned_share"] == pytest.approx(1 / 3)
    assert stats["greet_wait_mean_all_min"] == pytest.approx(
        (60 + 600 + 100) / 3 / 60
    )  # giving up ends a wait


def test_a_share_with_no_failure_in_20_days_has_an_interval_below_1():
    within = waited = np.full(20, 12.0)
    share, low, high = pooled_share(within, waited)
    assert share[0] == 1.0 and high[0] == 1.0
    assert 0.98 < low[0] < 1.0  # Wilson on 240 parties: 1 / (1 + 1.96² / 240) = 0.984
    assert low[0] == pytest.approx(1 / (1 + 1.959964**2 / 240), rel=1e-6)


def test_the_pooled_share_is_the_ratio_of_totals_and_its_interval_widens_with_day_to_day_spread():
    waited = np.array([10.0, 30.0, 20.0, 40.0])
    steady = np.round(0.8 * waited)
    swinging = np.array([10.0, 12.0, 20.0, 38.0])  # the same total, 80 of 100, unevenly spread
    share, low, high = pooled_share(steady, waited)
    assert share[0] == pytest.approx(80 / 100)
    _, low2, high2 = pooled_share(swinging, waited)
    assert high2[0] - low2[0] > high[0] - low[0]  # correlated days: fewer effective parties
    # deff = 1 at least: never narrower than Wilson on the pooled parties as if independent
    z = 1.959964
    wilson = z / (1 + z**2 / 100) * math.sqrt(0.8 * 0.2 / 100 + z**2 / 4e4)
    assert high[0] - low[0] == pytest.approx(2 * wilson, rel=1e-6)


def test_zone_means_and_p95_are_exact_time_averages_not_minute_samples():
    # A party of 2 (no guide) in zone z for 30 s out of every 60, in step with the minute clock.
    rows = []
    for k in range(10):
        rows += [(60.0 * k, 0, ev.ENTER, "z", 2, -1), (60.0 * k + 30, 0, ev.LEAVE, "z", 2, -1)]
    log = ev.to_frame(rows)
    peaks = place_peaks(log, ["z"], 0.0, 600.0)
    assert peaks.at["z", "mean_persons"] == pytest.approx(1.0)  # once a minute would read 2
    assert peaks.at["z", "p95_persons"] == 2.0 and peaks.at["z", "max_persons"] == 2.0
    assert time_quantile(np.array([0.0, 100.0]), np.array([1.0, 3.0]), 0.0, 200.0, 0.5) == 1.0
    assert time_quantile(np.array([0.0, 100.0]), np.array([1.0, 3.0]), 0.0, 200.0, 0.51) == 3.0


def test_the_busiest_moment_counts_visitors_from_admission_and_guides_from_greeting():
    layout = point_layout("sand_table", places=10)
    rows = [
        (0.0, 0, ev.ADMIT, "door", 3, -1), (0.0, 0, ev.ENTER, "door>lounge", 3, -1),
        (0.0, 0, ev.LEAVE, "door>lounge", 3, -1), (0.0, 0, ev.ENTER, "lounge", 3, -1),
        (5.0, 1, ev.ADMIT, "door", 2, -1), (5.0, 1, ev.ENTER, "door>lounge", 2, -1),
        (8.0, 0, ev.GREET, "lounge", 3, 0),
        (10.0, 0, ev.LEAVE, "lounge", 3, 0), (10.0, 0, ev.ENTER, "lounge>zone", 3, 0),
        (12.0, 0, ev.LEAVE, "lounge>zone", 3, 0), (12.0, 0, ev.QUEUE, "zone", 3, 0),
        (20.0, 1, ev.LEAVE, "door>lounge", 2, -1), (20.0, 1, ev.ENTER, "lounge", 2, -1),
        (25.0, 0, ev.ENTER, "zone", 3, 0), (30.0, 0, ev.LEAVE, "zone", 3, 0),
        (30.0, 0, ev.ENTER, "zone>out", 3, 0), (31.0, 0, ev.LEAVE, "zone>out", 3, 0),
        (31.0, 0, ev.GOODBYE, "out", 3, 0), (31.0, 0, ev.EXIT, "out", 3, -1),
    ]  # fmt: skip
    peak = busiest_moment(ev.to_frame(rows), layout)
    assert peak.persons == 6 and peak.t_s == 8.0  # 3 visitors and their guide, and 2 on the way in
    assert peak.zones == {"lounge": 6.0}  # on the passage in: counted where it leads
    assert sorted(whereabouts(ev.to_frame(rows), layout, 15.0)) == [
        ("lounge", 2),
        ("zone", 4),
    ]  # held at the door
    assert apportion({"a": 1.0, "b": 1.0, "c": 1.0}, 10) == {"a": 4, "b": 3, "c": 3}
    assert sum(apportion({"a": 0.37, "b": 2.9, "c": 5.1}, 135).values()) == 135


def test_event_log_frame_has_compact_dtypes():
    frame = ev.to_frame([(1.5, 3, ev.ENTER, "a>b", 2, -1)])
    assert frame.dtypes.to_dict() == {
        "t": np.dtype("float64"), "party": np.dtype("int32"), "event": pd.CategoricalDtype(ev.EVENTS),
        "place": frame["place"].dtype, "persons": np.dtype("int16"), "guide": np.dtype("int16"),
    }  # fmt: skip
    assert ev.split_passage_key("a>b") == ("a", "b") and ev.split_passage_key("lounge") is None


def test_ci95_is_clipped_to_the_natural_range():
    assert ci95([0.0, 0.0, 3.0], 0.0)[1] == 0.0
    assert ci95([1.0, 1.0, 0.7], 0.0, 1.0)[2] == 1.0
