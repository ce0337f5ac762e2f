"""The clock axis the day's figures share."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from sim.metrics import columns as c
from sim.metrics.stats import Results
from sim.model.scenario import Scenario


def clock_axis(ax: Axes, scenario: Scenario, end_min: float) -> None:
    """Clock times along x, every hour (every two for long days)."""
    step = 60 if end_min <= 12 * 60 else 120
    ticks = np.arange(0, end_min + 1, step)
    ax.set_xticks(ticks)
    ax.set_xticklabels([scenario.clock_at(t) for t in ticks])
    ax.set_xlim(0, end_min)


def day_end_min(results: Results, scenario: Scenario) -> float:
    """Plot to closing, or to the hour after the last party left if that is later."""
    last_exit = results.kpis.set_index("metric").loc[c.LAST_EXIT_MIN, "mean"]
    overrun = 60.0 * np.ceil(last_exit / 60.0) if np.isfinite(last_exit) else 0.0
    return float(max(scenario.day_s / 60.0, overrun))
