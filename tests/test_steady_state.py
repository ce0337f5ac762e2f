"""Steady state: the day's KPIs, with a warm-up left out and days longer than 24 h, against theory.

Each check is inside the run's own 95% CI (the KPI table's: t across days for means, the pooled
share's Wilson-with-design-effect interval for shares of parties).
1. M/M/37 (Erlang C): P(W ≤ t), P(W > 0), the mean wait over all arrivals and the mean queue.
2. M/M/c+M (Erlang A, exponential patience): abandonment, P(W > 0) and the mean wait over all
   arrivals, from the birth-death chain (Palm 1943; Garnett, Mandelbaum & Reiman 2002).
3. Two desks with feedback (a revisit): each station is M/M/c at its total arrival rate, in
   product form (Jackson 1963; with routes by type, Kelly 1975): waits per visit and time inside.
"""

import itertools
import math

import numpy as np
import pytest
from helpers import point_layout
from scipy.special import stdtrit

from sim.metrics import columns as c
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.model.scenario_checks import check_scenario
from sim.plan.day import event_log, simulate_day
from sim.plan.settings import RunSettings


def erlang_c(servers: int, load: float) -> float:
    """P(W > 0) in M/M/c (Erlang B by recursion, then C)."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return servers * b / (servers - load * (1 - b))


def guide_day(rate_per_min, tour_min, guides, hours, warmup_min, within_min, patience_min=None) -> Scenario:
    open_, close = hours
    length_min = (int(close[:-3]) * 60 + int(close[-2:])) - (int(open_[:-3]) * 60 + int(open_[-2:]))
    data = {
        "name": "steady state",
        "hours": {"open": open_, "close": close},
        "demand": {"parties": rate_per_min * length_min, "party_size": {1: 1.0}, "profile": {open_: 1}},
        "journey": {
            "stages": [
                {"id": "tour", "kind": "sand_table", "dwell": {"dist": "exponential", "mean_min": tour_min}}
            ]
        },
        "guides": {"schedule": {open_: guides}},
        "targets": {"greet_within_min": within_min},
        "run": {"warmup_min": warmup_min},
    }
    if patience_min is not None:
        data["policies"] = {"patience": {"dist": "exponential", "mean_min": patience_min}}
    return Scenario.model_validate(data)


def kpis(layout: Layout, scenario: Scenario, days: int, seed: int):
    results = simulate_day(
        layout=layout, scenario=scenario, settings=RunSettings(replications=days, seed=seed)
    ).results
    return results.kpis.set_index("metric")


def inside(k, name: str, theory: float) -> bool:
    low, mean, high = k.at[name, "ci_low"], k.at[name, "mean"], k.at[name, "ci_high"]
    print(f"{name}: theory {theory:.4f}, simulated {mean:.4f} [{low:.4f}, {high:.4f}]")
    return low <= theory <= high


SERVERS, LOAD, TOUR_MIN, WITHIN_MIN = 37, 30.0, 10.0, 0.8  # P(W ≤ 0.8 min) = 91.1%


@pytest.mark.slow
def test_erlang_c_with_37_guides_after_a_warm_up_over_a_day_longer_than_24_hours():
    rate = LOAD / TOUR_MIN
    sc = guide_day(rate, TOUR_MIN, SERVERS, ("00:00", "30:00"), 120.0, WITHIN_MIN)
    delayed = erlang_c(SERVERS, LOAD)
    gap = SERVERS / TOUR_MIN - rate  # cμ − λ, per minute
    level = 1 - delayed * math.exp(-gap * WITHIN_MIN)
    assert level == pytest.approx(0.911, abs=0.001)
    k = kpis(point_layout("sand_table", places=500), sc, days=24, seed=37)
    assert k.at[c.PARTIES_ARRIVED, "mean"] == pytest.approx(
        rate * 28 * 60, rel=0.02
    )  # the warm-up is left out
    assert inside(k, c.GREET_WITHIN_TARGET_SHARE, level)
    assert inside(k, c.DELAYED_SHARE, delayed)
    assert inside(k, c.GREET_WAIT_MEAN_ALL_MIN, delayed / gap)
    assert inside(k, c.GUIDE_QUEUE_MEAN, rate * delayed / gap)  # Little: L_q = λ W_q


def erlang_a(servers: int, rate: float, service: float, patience: float) -> dict[str, float]:
    """P(W > 0), P(abandon) and the mean wait over all arrivals, from the truncated birth-death chain."""
    n = np.arange(servers + 4000)
    death = np.minimum(n, servers) * service + np.maximum(n - servers, 0) * patience
    log_pi = np.concatenate([[0.0], np.cumsum(np.log(rate) - np.log(death[1:]))])
    pi = np.exp(log_pi - log_pi.max())
    pi /= pi.sum()
    abandon = patience * float((np.maximum(n - servers, 0) * pi).sum()) / rate
    return {"delayed": float(pi[servers:].sum()), "abandon": abandon, "wait": abandon / patience}


def test_the_erlang_a_chain_matches_its_closed_form():
    # A(x, y) = x e^y y^(−x) γ(x, y), x = cμ/θ, y = λ/θ; P(W > 0) = A·E / (1 + (A − 1)·E) with E
    # Erlang B (Mandelbaum & Zeltyn, "The Palm/Erlang-A queue").
    from scipy.special import gammainc, gammaln

    servers, rate, service, patience = 10, 2.2, 0.2, 1 / 3
    x, y = servers * service / patience, rate / patience
    big_a = math.exp(math.log(x) + y - x * math.log(y) + math.log(gammainc(x, y)) + gammaln(x))
    b = 1.0
    for k in range(1, servers + 1):
        b = (rate / service) * b / (k + (rate / service) * b)
    closed = big_a * b / (1 + (big_a - 1) * b)
    assert erlang_a(servers, rate, service, patience)["delayed"] == pytest.approx(closed, rel=1e-6)


@pytest.mark.slow
def test_erlang_a_abandonment_after_a_warm_up():
    servers, rate, tour, patience = 10, 2.2, 5.0, 3.0  # ρ = 1.1: overloaded, held by abandonment
    sc = guide_day(rate, tour, servers, ("00:00", "26:00"), 60.0, 1.0, patience_min=patience)
    theory = erlang_a(servers, rate, 1 / tour, 1 / patience)
    k = kpis(point_layout("sand_table", places=500), sc, days=12, seed=41)
    assert inside(k, c.ABANDONED_SHARE, theory["abandon"])
    assert inside(k, c.DELAYED_SHARE, theory["delayed"])
    assert inside(k, c.GREET_WAIT_MEAN_ALL_MIN, theory["wait"])


def desks_layout() -> Layout:
    """door → negotiation (3 tables) → signing (2 desks) → out, no walking."""
    zones = [
        {"id": "door", "kind": "entrance", "xy": [0, 0]},
        {"id": "talk", "kind": "negotiation", "area_m2": 100, "tables": 3, "xy": [1, 0]},
        {"id": "sign", "kind": "signing", "area_m2": 100, "desks": 2, "xy": [2, 0]},
        {"id": "out", "kind": "exit", "visitor_exit": True, "xy": [3, 0]},
    ]
    passages = [
        {"from": a, "to": b, "kind": "corridor", "length_m": 0, "width_m": 2}
        for a, b in itertools.pairwise(z["id"] for z in zones)
    ]
    return Layout.model_validate({"name": "two desks", "zones": zones, "passages": passages})


RATE, TALK_MIN, SIGN_MIN, BACK = 0.4, 4.0, 3.0, 0.3  # per minute; 30% go back to talk once more


def desks_day() -> Scenario:
    def stage(i, kind, mean):
        return {"id": i, "kind": kind, "guided": False, "dwell": {"dist": "exponential", "mean_min": mean}}

    sign = stage("sign", "signing", SIGN_MIN) | {"revisit": {"stage": "talk", "probability": BACK}}
    return Scenario.model_validate(
        {
            "name": "Jackson with feedback",
            "hours": {"open": "00:00", "close": "30:00"},
            "demand": {"parties": RATE * 30 * 60, "party_size": {1: 1.0}, "profile": {"00:00": 1}},
            "journey": {"stages": [stage("talk", "negotiation", TALK_MIN), sign]},
            "guides": {"schedule": {"00:00": 0}},
            "run": {"warmup_min": 120.0},
        }
    )


def waits_per_visit(log, zone: str, warm_s: float) -> float:
    rows = log[(log["place"] == zone) & (log["party"] >= 0)]
    enter = rows[rows["event"] == "enter"].sort_values(["party", "t"])
    start = rows[rows["event"] == "start"].sort_values(["party", "t"])
    waits = start["t"].to_numpy() - enter["t"].to_numpy()
    return float(waits[enter["t"].to_numpy() >= warm_s].mean() / 60.0)


@pytest.mark.slow
def test_two_desks_with_a_revisit_are_in_product_form():
    layout, sc = desks_layout(), desks_day()
    rates = {"talk": RATE * (1 + BACK), "sign": RATE}  # traffic equations: λ = γ + Pᵀλ
    means = {"talk": TALK_MIN, "sign": SIGN_MIN}
    servers = {"talk": 3, "sign": 2}
    queue = {z: erlang_c(servers[z], rates[z] * means[z]) / (servers[z] / means[z] - rates[z]) for z in rates}
    days = 24
    settings = RunSettings(replications=days, seed=5)
    for zone in rates:
        per_day = [waits_per_visit(event_log(layout=layout, scenario=sc, settings=settings, replication=r), zone, 7200.0)
                   for r in range(days)]  # fmt: skip
        mean, half = np.mean(per_day), stdtrit(days - 1, 0.975) * np.std(per_day, ddof=1) / math.sqrt(days)
        print(f"W_q at {zone}: theory {queue[zone]:.3f} min, simulated {mean:.3f} ± {half:.3f}")
        assert abs(mean - queue[zone]) <= half
    k = kpis(layout, sc, days, seed=5)
    inside_min = (1 + BACK) * (queue["talk"] + TALK_MIN) + queue["sign"] + SIGN_MIN
    assert inside(k, c.TIME_IN_GALLERY_MEAN_MIN, inside_min)


def test_a_warm_up_as_long_as_the_day_is_refused_and_a_closing_past_midnight_is_read():
    sc = guide_day(1.0, 5.0, 2, ("09:00", "10:00"), 60.0, 1.0)
    assert [p.path for p in check_scenario(sc)] == ["run.warmup_min"]
    assert guide_day(1.0, 5.0, 2, ("09:00", "33:00"), 0.0, 1.0).day_s == 24 * 3600
