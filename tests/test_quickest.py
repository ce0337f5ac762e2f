"""The time-expanded max-flow lower bound against hand-checkable cases and LINDO's EVACU8 model data."""

import math

import pytest

from sim.analysis.evacuation.quickest import FlowNetwork, out_by, out_curve, quickest


def toy() -> FlowNetwork:
    # R1 60 people → C: 6 per period, 1 period; R2 40 → C: 6 per period, 2 periods;
    # corridor C holds 20; C → exit: 8 per period, 1 period (periods of 5 s).
    return FlowNetwork(
        initial={"R1": 60, "R2": 40},
        capacity={"R1": math.inf, "R2": math.inf, "C": 20},
        arcs=[("R1", "C", 6, 1), ("R2", "C", 6, 2), ("C", "exit", 8, 1)],
        exits=frozenset({"exit"}),
    )


def test_toy_case_clears_in_fourteen_periods():
    assert quickest(toy()) == 14  # 70 s
    curve = out_curve(toy(), 14)["exit"]
    assert curve[:4] == [0, 0, 6, 14] and curve[13] == 94 and curve[14] == 100


def evacu8(lindo: bool) -> FlowNetwork:
    # LINDO model library EVACU8: node capacities and (capacity, lead time) per arc.
    caps = {"A": 99, "B": 99, "C": 14, "D": 10, "E": 14}
    arcs = [
        ("A", "C", 10, 1),
        ("B", "C", 14, 1),
        ("B", "E", 16, 2),
        ("C", "D", 12, 1),
        ("C", "E", 17, 3),
        ("D", "F", 30, 0),
        ("E", "F", 30, 0),
    ]
    return FlowNetwork({"A": 50, "B": 47, "C": 11}, caps, arcs, frozenset({"F"}), lindo=lindo)


@pytest.mark.parametrize(("lindo", "periods"), [(True, 9), (False, 6)])
def test_lindo_evacu8_in_both_period_conventions(lindo, periods):
    assert quickest(evacu8(lindo)) == periods


def test_more_capacity_never_slows_and_blocking_never_speeds():
    base = quickest(toy())
    wider = FlowNetwork(
        toy().initial,
        toy().capacity,
        [("R1", "C", 6, 1), ("R2", "C", 6, 2), ("C", "exit", 12, 1)],
        toy().exits,
    )
    assert quickest(wider) <= base
    assert out_by(toy(), 10) <= out_by(wider, 10)


def test_no_escape_route_is_a_clear_error():
    trapped = FlowNetwork({"R": 10}, {"R": math.inf}, [("X", "exit", 5, 1)], frozenset({"exit"}))
    with pytest.raises(ValueError, match="R: people there cannot get out"):
        quickest(trapped, max_periods=64)
