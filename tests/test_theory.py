"""Theory: the engine against closed forms, each inside the simulation's own 95% CI.

1. Greeting wait in a one-stage, guide-only system is M/M/c: Erlang C, P(W ≤ t) = 1 − C·e^(−(cμ−λ)t).
2. Occupancy of an uncapacitated zone under a time-varying arrival rate is Poisson with mean
   m(t) = ∫ λ(u) P(S > t − u) du (Eick, Massey & Whitt 1993).
"""

import math

import numpy as np
import pytest
from helpers import point_layout
from scipy import integrate

from sim.engine.day import simulate
from sim.metrics.day import party_table
from sim.metrics.grid import day_grid
from sim.metrics.occupancy import occupancy_grid
from sim.metrics.stats import ci95
from sim.model import eventlog as ev
from sim.model.scenario import Scenario


def erlang_c(c: int, a: float) -> float:
    """P(W > 0) for M/M/c with offered load a (Erlang B recursion, then C)."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1 - b))


def test_erlang_c_reference_values():
    # M/M/5, λ=4, μ=1, by hand from the Erlang B recursion: P(W>0) = 0.554113, P(W ≤ 0.5) = 0.663914.
    c = erlang_c(5, 4.0)
    assert c == pytest.approx(0.554113, abs=1e-6)
    assert 1 - c * math.exp(-(5 - 4) * 0.5) == pytest.approx(0.663914, abs=1e-6)


C, LAMBDA_PER_MIN, MEAN_TOUR_MIN = 5, 4.0 / 3.0, 3.0  # a = λ/μ = 4, ρ = 0.8
TARGET_MIN, WARM_UP_MIN = 1.0, 120.0


@pytest.mark.slow
def test_greeting_wait_matches_erlang_c():
    layout = point_layout("sand_table", places=500)
    sc = Scenario.model_validate(
        {
            "name": "M/M/5",
            "hours": {"open": "00:00", "close": "23:00"},
            "demand": {"parties": LAMBDA_PER_MIN * 23 * 60, "party_size": {1: 1.0}, "profile": {"00:00": 1}},
            "journey": {
                "stages": [
                    {
                        "id": "tour",
                        "kind": "sand_table",
                        "dwell": {"dist": "exponential", "mean_min": MEAN_TOUR_MIN},
                    }
                ]
            },
            "guides": {"schedule": {"00:00": C}},
            "targets": {"greet_within_min": TARGET_MIN},
        }
    )
    means, within = [], []
    for rep in range(30):
        parties = party_table(simulate(layout, sc, seed=2024, replication=rep))
        steady = parties[parties[ev.WAIT_GUIDE] >= 60 * WARM_UP_MIN]  # drop the empty start
        waits = steady["greet_wait_s"].to_numpy() / 60.0
        means.append(waits.mean())
        within.append((waits <= TARGET_MIN).mean())
    c = erlang_c(C, LAMBDA_PER_MIN * MEAN_TOUR_MIN)
    rate = C / MEAN_TOUR_MIN - LAMBDA_PER_MIN
    theory_wq, theory_sl = c / rate, 1 - c * math.exp(-rate * TARGET_MIN)
    mean, low, high = ci95(means)
    print(
        f"Erlang C W_q: theory {theory_wq:.4f} min, simulated {mean:.4f} [{low:.4f}, {high:.4f}], error {mean / theory_wq - 1:+.2%}"
    )
    assert low <= theory_wq <= high
    mean, low, high = ci95(within)
    print(
        f"Erlang C P(W<={TARGET_MIN:g}): theory {theory_sl:.4f}, simulated {mean:.4f} [{low:.4f}, {high:.4f}], error {mean - theory_sl:+.4f}"
    )
    assert low <= theory_sl <= high


PROFILE = {"09:00": 1.0, "10:00": 4.0, "11:00": 2.0, "12:00": 0.5}  # relative λ per hour
PARTIES = 240.0
DWELL = {"dist": "lognormal", "mean_min": 25, "cv": 0.6}


def offered_load(sc: Scenario, t_s: float) -> float:
    """m(t) = Σ_k λ_k ∫ P(S > t − u) du over slot k (Eick, Massey & Whitt 1993)."""
    dwell = sc.journey.stages[0].dwell
    keys = sorted(sc.demand.profile)
    starts = [sc.seconds(k) for k in keys]
    ends = [*starts[1:], sc.day_s]
    weight = sum(sc.demand.profile[k] * (e - s) for k, s, e in zip(keys, starts, ends, strict=True))
    total = 0.0
    for k, s, e in zip(keys, starts, ends, strict=True):
        rate = sc.demand.expected_parties * sc.demand.profile[k] / weight  # parties per second
        if s < t_s:
            total += (
                rate
                * integrate.quad(
                    lambda u: float(dwell.survival(np.array([t_s - u]))[0]), s, min(e, t_s), limit=200
                )[0]
            )
    return total


@pytest.mark.slow
def test_zone_occupancy_matches_mt_g_infinity():
    layout = point_layout("other")
    sc = Scenario.model_validate(
        {
            "name": "Mt/G/inf",
            "hours": {"open": "09:00", "close": "13:00"},
            "demand": {"parties": PARTIES, "party_size": {1: 1.0}, "profile": PROFILE},
            "journey": {"stages": [{"id": "browse", "kind": "other", "guided": False, "dwell": DWELL}]},
            "guides": {"schedule": {"09:00": 0}},
        }
    )
    minutes = np.array([20, 45, 70, 95, 120, 150, 180, 210, 235])
    grid = day_grid(sc)
    samples = []
    for rep in range(300):
        occupancy = occupancy_grid(simulate(layout, sc, seed=7, replication=rep), grid, ["zone"])
        samples.append(occupancy["zone"].to_numpy()[minutes])
    samples = np.array(samples)
    n = len(samples)
    # Bonferroni: nine simultaneous intervals at 95% overall.
    from scipy.stats import t as student_t

    half = student_t.ppf(1 - 0.05 / (2 * len(minutes)), n - 1) * samples.std(axis=0, ddof=1) / math.sqrt(n)
    for j, minute in enumerate(minutes):
        theory = offered_load(sc, 60.0 * minute)
        mean = samples[:, j].mean()
        print(
            f"t={minute:3d} min: m(t) {theory:7.3f}, simulated {mean:7.3f} ± {half[j]:.3f} ({mean / theory - 1:+.2%})"
        )
        assert abs(mean - theory) <= half[j]
