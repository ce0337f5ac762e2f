"""Monotonicity with common random numbers: more guides never raise the mean greeting wait."""

import pytest
from helpers import ROOT

from sim.io.files import load_pair
from sim.runner.replications import run


@pytest.mark.slow
def test_more_guides_never_raise_the_mean_greeting_wait():
    layout, sc = load_pair(ROOT / "scenarios" / "weekday.yaml")
    means, served = [], []
    for guides in (3, 4, 5, 6, 8):
        variant = sc.model_copy(
            update={"guides": sc.guides.model_copy(update={"schedule": {sc.hours.open: guides}})}
        )
        kpis = run(layout, variant, replications=12, seed=11, workers=1).kpis.set_index("metric")["mean"]
        means.append(kpis["greet_wait_mean_min"])
        served.append(kpis["parties_served"])
    print("mean greeting wait by guides 3,4,5,6,8:", [round(m, 2) for m in means])
    assert means == sorted(means, reverse=True)
    assert served == sorted(served)  # and fewer parties give up


def test_same_seed_same_visitors_whatever_the_staffing():
    from sim.engine.demand import draw_parties

    layout, sc = load_pair(ROOT / "scenarios" / "national_day_peak.yaml")
    more = sc.model_copy(update={"guides": sc.guides.model_copy(update={"schedule": {sc.hours.open: 40}})})
    assert draw_parties(layout, sc, 5, 3) == draw_parties(layout, more, 5, 3)
    assert draw_parties(layout, sc, 5, 3) != draw_parties(layout, sc, 5, 4)
