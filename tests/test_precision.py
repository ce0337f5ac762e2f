"""Replications to a precision: the stopping rule on a known variance, and `anchang run --reps auto`."""

import json
import math

import numpy as np
import pytest
from helpers import ROOT
from test_cli import anchang

from sim.runner.precision import precise_enough, until_precise


def normal_draws(mean: float, sd: float, seed: int = 1):
    rng = np.random.default_rng(seed)
    stream = rng.normal(mean, sd, 10_000)
    return lambda first, n: [{"x": float(v)} for v in stream[first : first + n]]


def test_stops_once_the_half_width_is_within_the_precision_and_not_before():
    # mean 10, sd 2: 5% of the mean needs n ≈ (1.96 · 2 / 0.5)² ≈ 61.5 replications
    draws = normal_draws(10.0, 2.0)
    used, widths = until_precise(draws, ("x",), relative=0.05, first_batch=10, batch=5, ceiling=1000)
    assert widths["x"] <= 0.05
    before = precise_enough({"x": [r["x"] for r in draws(0, used - 5)]}, 0.05)
    assert before["x"] > 0.05  # one batch fewer would not have done
    assert 40 <= used <= 90  # near the normal-theory 62


def test_a_ceiling_stops_a_run_that_cannot_reach_the_precision():
    used, widths = until_precise(normal_draws(1.0, 5.0), ("x",), relative=0.01, ceiling=50)
    assert used == 50 and widths["x"] > 0.01


def test_a_constant_kpi_is_precise_at_once():
    used, widths = until_precise(lambda first, n: [{"x": 3.0}] * n, ("x",), relative=0.05)
    assert used == 10 and widths["x"] == 0.0


def test_an_unknown_kpi_is_named():
    with pytest.raises(ValueError, match="unknown KPI 'y'; choose from x"):
        until_precise(normal_draws(1.0, 1.0), ("y",))


def test_run_auto_reports_how_many_it_took(tmp_path):
    done = anchang("run", ROOT / "scenarios" / "weekday.yaml", "--reps", "auto", "--precision", "0.2",
                   "--max-reps", 40, "--workers", 2, "--out", tmp_path, "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    reached = doc["precision"]["reached"]
    assert set(reached) == {"greet_within_target_share", "peak_persons_inside"}
    assert 10 <= doc["replications"] <= 40
    assert all(w <= 0.2 for w in reached.values()) or doc["replications"] == 40
    assert not math.isnan(reached["peak_persons_inside"])


def test_run_refuses_a_bad_reps_value(tmp_path):
    done = anchang("run", ROOT / "scenarios" / "weekday.yaml", "--reps", "many", "--out", tmp_path)
    assert done.returncode == 2 and "--reps: expected a whole number or 'auto'" in done.stderr
