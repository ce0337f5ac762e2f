"""Metric helpers on hand-made inputs with known answers."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.metrics.day import greet_stats, party_table
from sim.metrics.stats import ci95
from sim.metrics.steps import level_at, time_average
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
