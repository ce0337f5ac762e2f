"""The hydraulic relations against the IMO tables and the MSC/Circ.1166 worked example (Appendix, §5)."""

import pytest

from sim.analysis.evacuation.elements import (
    effective_width,
    flow_time,
    specific_flow,
    speed,
    speed_after,
    walk_time,
)


@pytest.mark.parametrize(
    ("density", "fs", "s"),
    [(0.5, 0.60, 1.19), (1.9, 1.32, 0.69), (3.2, 0.67, 0.21), (3.5, 0.34, 0.10)],
)
def test_sfpe_relations_match_the_imo_table_1_1(density, fs, s):
    # IMO MSC.1/Circ.1238 Table 1.1 against S = 1.4(1 − 0.266 D), as tabulated in the research notes.
    assert float(specific_flow(density)) == pytest.approx(fs, abs=0.011)
    assert float(speed(density)) == pytest.approx(s, abs=0.011)


def test_speed_after_transitions_interpolates_table_1_3():
    assert speed_after(1.3, "corridor") == pytest.approx(0.67)
    assert speed_after(1.1, "stair_down") == pytest.approx(0.55)
    assert speed_after(0.65, "corridor") == pytest.approx(1.2)


# IMO MSC/Circ.1166, Appendix §5: door 1, corridor 1, stairway 1, corridor 2, doors 2A and 2B.
EXAMPLE = [
    # element, L (m), clear width (m), Fs, N, published walk time (s), published flow time (s)
    ("door 1", 0.0, 1.4, 1.3, 165, None, 91),
    ("corridor 1", 14.0, 4.2, 1.3, 165, 21, 30),
    ("stairway 1", 4.7, 3.5, 1.1, 165, 9, 43),
    ("corridor 2", 14.0, 3.0, 1.3, 200, 21, 51),
    ("door 2A", 0.0, 1.4, 1.3, 100, None, 55),
    ("door 2B", 0.0, 1.4, 1.3, 100, None, 55),
]
SPEED_ELEMENT = {
    "door 1": "corridor",
    "corridor 1": "corridor",
    "stairway 1": "stair_down",
    "corridor 2": "corridor",
    "door 2A": "corridor",
    "door 2B": "corridor",
}


@pytest.mark.parametrize(
    ("name", "length", "width", "fs", "people", "walk", "flow"), EXAMPLE, ids=[e[0] for e in EXAMPLE]
)
def test_imo_worked_example_element_by_element(name, length, width, fs, people, walk, flow):
    tf = flow_time(people, fs, effective_width(width, "door", "imo"))
    assert tf == pytest.approx(flow, abs=1.0)
    if walk is not None:
        tw = walk_time(length, speed_after(fs, SPEED_ELEMENT[name]))
        assert tw == pytest.approx(walk, abs=1.0)


def test_sfpe_deducts_boundary_layers():
    assert effective_width(1.4, "door", "sfpe") == pytest.approx(1.1)
    assert effective_width(1.4, "door", "imo") == 1.4
