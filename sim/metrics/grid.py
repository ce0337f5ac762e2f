"""The time grids of the metrics: half-hour slots and the minute grid, and the places kept."""

from __future__ import annotations

import numpy as np

from sim.model import eventlog as ev
from sim.model.layout import Layout
from sim.model.scenario import Scenario

SLOT_S = 1800.0  # half an hour


GRID_S = 60.0  # occupancy sampled every minute


OVERTIME_S = 3 * 3600.0  # the minute grid runs this long past closing (maxima are exact anyway)


def places(layout: Layout) -> list[str]:
    """Every place occupancy is kept for: zones, then directed passage keys, in layout order."""
    keys = [ev.passage_key(u, v) for u, v in layout.graph.edges]
    return [z.id for z in layout.zones] + keys


def day_grid(scenario: Scenario) -> np.ndarray:
    """The minute grid (seconds) from opening to ``OVERTIME_S`` past closing."""
    return np.arange(0.0, scenario.day_s + OVERTIME_S + GRID_S / 2, GRID_S)
