"""Invariants that must hold on any day, checked on random small scenarios (Hypothesis)."""

import numpy as np
import pandas as pd
from helpers import line_layout, scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.day import simulate
from sim.model import eventlog as ev

dwell = st.sampled_from(
    [
        {"dist": "exponential", "mean_min": 8},
        {"dist": "lognormal", "mean_min": 10, "cv": 0.8},
        {"dist": "triangular", "low_min": 1, "mode_min": 4, "high_min": 15},
        {"dist": "fixed", "value_min": 6},
    ]
)


@st.composite
def days(draw):
    guides = draw(st.lists(st.integers(0, 4), min_size=1, max_size=3))
    guides[-1] = max(guides[-1], 1)  # a schedule that ends with nobody is refused at load
    schedule = {f"09:{10 * i:02d}": n for i, n in enumerate(guides)}
    policies = {}
    if draw(st.booleans()):
        policies["patience"] = {"dist": "exponential", "mean_min": draw(st.floats(1, 30))}
    if draw(st.booleans()):
        policies["batch_admission"] = {
            "persons": draw(st.integers(4, 12)),
            "every_min": draw(st.floats(2, 15)),
        }
    if draw(st.booleans()):
        policies["max_inside_persons"] = draw(st.integers(4, 20))
    sc = scenario(
        demand={
            "parties": draw(st.floats(1, 25)),
            "party_size": {1: 0.3, 2: 0.4, 3: 0.3},
            "profile": {"09:00": 1, "09:20": draw(st.floats(0, 5))},
        },
        journey={
            "stages": [
                {"id": "register", "kind": "reception", "dwell": draw(dwell)},
                {
                    "id": "sand",
                    "kind": "sand_table",
                    "dwell": draw(dwell),
                    "probability": draw(st.floats(0.3, 1)),
                },
                {
                    "id": "show",
                    "kind": "show_unit",
                    "dwell": draw(dwell),
                    "probability": draw(st.floats(0, 1)),
                    "revisit": {"stage": "sand", "probability": draw(st.floats(0, 1))},
                },
            ],
        },
        guides={"schedule": schedule},
        policies=policies,
    )
    layout = line_layout(
        places=draw(st.integers(1, 3)), desks=draw(st.integers(1, 2)), show_cap=draw(st.integers(4, 9))
    )
    return layout, sc, draw(st.integers(0, 2**32 - 1))


def _level(rows: pd.DataFrame, plus: str, minus: str, weight: np.ndarray) -> np.ndarray:
    return np.cumsum(np.where(rows["event"] == plus, weight, np.where(rows["event"] == minus, -weight, 0)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days())
def test_invariants_hold_on_random_days(case):
    layout, sc, seed = case
    log = simulate(layout, sc, seed=seed)
    people = log[log["party"] >= 0]
    if people.empty:  # a quiet day can have nobody at all
        assert set(log["event"]) <= {ev.GUIDE_ON, ev.GUIDE_OFF}
        return

    # Time never runs backwards, so each party's rows are in time order too.
    assert (np.diff(log["t"].to_numpy()) >= 0).all()

    # Persons conserved: every party that arrived has left exactly once, with all its persons.
    arrived = people[people["event"] == ev.ARRIVE].set_index("party")["persons"]
    exited = people[people["event"] == ev.EXIT].set_index("party")["persons"]
    assert arrived.sort_index().equals(exited.sort_index())

    # Waits are never negative.
    first = people.pivot_table(index="party", columns="event", values="t", aggfunc="first", observed=True)
    assert (first[ev.ADMIT] >= first[ev.ARRIVE]).all()
    if ev.GREET in first:
        greeted = first.dropna(subset=[ev.GREET])
        assert (greeted[ev.GREET] >= greeted[ev.WAIT_GUIDE]).all()

    # Every stay is closed: enter and leave balance per party and place.
    moves = people[people["event"].isin([ev.ENTER, ev.LEAVE])]
    balance = (
        moves.assign(d=np.where(moves["event"] == ev.ENTER, 1, -1))
        .groupby(["party", "place"], observed=True)["d"]
        .sum()
    )
    assert (balance == 0).all()

    # Occupancy never above capacity: the show unit, and the gallery cap.
    show = moves[moves["place"] == "show"]
    heads = (show["persons"] + (show["guide"] >= 0)).to_numpy()
    assert (_level(show, ev.ENTER, ev.LEAVE, heads) <= layout.zone["show"].max_persons).all()
    cap = sc.policies.max_inside_persons
    if cap is not None:
        gate = people[people["event"].isin([ev.ADMIT, ev.EXIT])]
        assert (_level(gate, ev.ADMIT, ev.EXIT, gate["persons"].to_numpy()) <= cap).all()

    # A guide is never with two parties at once, and never busy while off duty.
    tours = people[people["event"].isin([ev.GREET, ev.GOODBYE])]
    for _guide, rows in tours.groupby("guide"):
        assert (_level(rows, ev.GREET, ev.GOODBYE, np.ones(len(rows))) <= 1).all()
    staff = log[log["event"].isin([ev.GUIDE_ON, ev.GUIDE_OFF, ev.GREET, ev.GOODBYE])]
    on = _level(staff, ev.GUIDE_ON, ev.GUIDE_OFF, np.ones(len(staff)))
    busy = _level(staff, ev.GREET, ev.GOODBYE, np.ones(len(staff)))
    assert (busy <= on).all()

    # Desks, places and tables never serve more parties than they have.
    for zone in ("reception", "sand"):
        rows = people[(people["place"] == zone) & people["event"].isin([ev.START, ev.END])]
        units = layout.zone[zone].desks or layout.zone[zone].places
        assert (_level(rows, ev.START, ev.END, np.ones(len(rows))) <= units).all()
