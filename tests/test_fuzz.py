"""The two formats fuzzed key by key (Hypothesis), 1,000 mutations of the shipped files, derandomised.

Each is refused with messages that each name the file, or it validates and (a scenario) runs a
day whose persons are conserved, or the day is refused as one that cannot end; never a traceback,
never a hang, never a result from a non-finite value.
"""

import math
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from helpers import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.problems import InputError
from sim.engine.day import simulate
from sim.io.files import load_pair, validate_text
from sim.model import eventlog as ev

LAYOUT = yaml.safe_load((ROOT / "layouts" / "one_floor_gallery.yaml").read_text(encoding="utf-8"))
SCENARIO = yaml.safe_load((ROOT / "scenarios" / "weekday.yaml").read_text(encoding="utf-8"))
FOLDER = Path(tempfile.mkdtemp(prefix="anchang-fuzz-"))
(FOLDER / "layouts").mkdir()
(FOLDER / "scenarios").mkdir()
(FOLDER / "layouts" / "one_floor_gallery.yaml").write_text(
    yaml.safe_dump(LAYOUT, allow_unicode=True), "utf-8"
)

HOSTILE: list[Any] = [
    math.inf, -math.inf, math.nan, 1e308, -1e308, 10**12, -1, 0, 0.5, 1e-9, "", "x" * 300, "25:99",
    "09:00", [], {}, None, True, [1, 2], {"a": 1},
]  # fmt: skip


def leaves(data: Any, path: tuple = ()) -> list[tuple]:
    """Every key path in a document, containers included (they can be replaced or deleted too)."""
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += leaves(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += leaves(value, (*path, i))
    return found


PATHS = {"layout": leaves(LAYOUT), "scenario": leaves(SCENARIO)}


def mutated(document: Any, path: tuple, value: Any, delete: bool) -> Any:
    out = yaml.safe_load(yaml.safe_dump(document, allow_unicode=True))
    node = out
    for key in path[:-1]:
        node = node[key]
    if delete and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


@st.composite
def mutations(draw):
    kind = draw(st.sampled_from(["layout", "scenario"]))
    path = draw(st.sampled_from(PATHS[kind]))
    value = draw(st.sampled_from(HOSTILE) | st.floats(allow_nan=True, allow_infinity=True) | st.integers())
    return kind, path, value, draw(st.booleans()) and draw(st.booleans())


COUNTS = {"refused": 0, "ran": 0, "never_ends": 0}


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(mutations())
def test_every_mutation_is_refused_cleanly_or_runs_a_conserved_day(case):
    kind, path, value, delete = case
    document = mutated(LAYOUT if kind == "layout" else SCENARIO, path, value, delete)
    if kind == "scenario" and isinstance(document, dict):
        document["layout"] = (
            "../layouts/one_floor_gallery.yaml" if path[:1] != ("layout",) else document.get("layout")
        )
    target = FOLDER / ("layouts/mutant.yaml" if kind == "layout" else "scenarios/mutant.yaml")
    text = yaml.safe_dump(document, allow_unicode=True).encode("utf-8")
    started = time.perf_counter()
    try:
        found = validate_text(text, target)
    except InputError as exc:
        message = exc.render()
        assert message and all(line.startswith(str(target)) for line in message.splitlines()), message
        assert "Traceback" not in message
        assert time.perf_counter() - started < 5.0
        COUNTS["refused"] += 1
        return
    assert time.perf_counter() - started < 5.0
    assert found == kind
    COUNTS["ran"] += 1
    if kind == "scenario" and document.get("layout"):
        target.write_bytes(text)
        layout, scenario = load_pair(target)
        try:
            log = simulate(layout, scenario, seed=1)
        except InputError as exc:  # a day that cannot end (demand far past capacity) is said, not run on
            assert [p.code for p in exc.problems] == ["never_served"], exc.render()
            COUNTS["never_ends"] += 1
            return
        _conserved(log)


def _conserved(log) -> None:
    """Every party that arrived left once with all its persons, at finite times."""
    assert np.isfinite(log["t"].to_numpy()).all()
    people = log[log["party"] >= 0]
    arrived = people[people["event"] == ev.ARRIVE].set_index("party")["persons"].sort_index()
    exited = people[people["event"] == ev.EXIT].set_index("party")["persons"].sort_index()
    assert arrived.equals(exited)


def test_the_fuzz_both_refuses_and_runs():
    # Run after the fuzz (file order): both outcomes occur, so neither check is vacuous.
    if COUNTS["refused"] + COUNTS["ran"] == 0:
        return  # the fuzz was deselected
    assert COUNTS["refused"] > 100 and COUNTS["ran"] > 50, COUNTS
