"""Step functions over time (counts that jump at events): the small numeric core of the metrics."""

from __future__ import annotations

import math

import numpy as np


def step_levels(times: np.ndarray, deltas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A step function from (time, change) pairs in time order: (times, level after each)."""
    return times, np.cumsum(deltas)


def level_at(times: np.ndarray, levels: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Value of the step function at each time in ``at`` (right-continuous)."""
    idx = np.searchsorted(times, at, side="right") - 1
    out = np.where(idx >= 0, levels[np.clip(idx, 0, None)] if len(levels) else 0.0, 0.0)
    return out.astype(float)


def time_average(times: np.ndarray, levels: np.ndarray, start: float, end: float) -> float:
    """Exact time average of a step function over [start, end)."""
    if end <= start:
        return math.nan
    inside = (times > start) & (times < end)
    knots = np.concatenate([[start], times[inside], [end]])
    values = level_at(times, levels, knots[:-1])
    return float(np.dot(values, np.diff(knots)) / (end - start))


def window_max(times: np.ndarray, levels: np.ndarray, start: float, end: float) -> float:
    """Exact maximum of a step function over [start, end)."""
    inside = (times >= start) & (times < end)
    return float(np.concatenate([level_at(times, levels, np.array([start])), levels[inside]]).max())


def time_quantile(times: np.ndarray, levels: np.ndarray, start: float, end: float, q: float) -> float:
    """Exact time-weighted ``q`` quantile of a step function over [start, end).

    The least level the function stays at or below for at least a share ``q`` of the time.
    """
    if end <= start:
        return math.nan
    inside = (times > start) & (times < end)
    knots = np.concatenate([[start], times[inside], [end]])
    values, durations = level_at(times, levels, knots[:-1]), np.diff(knots)
    order = np.argsort(values, kind="stable")
    share = np.cumsum(durations[order]) / (end - start)
    return float(values[order][min(int(np.searchsorted(share, q - 1e-12)), len(order) - 1)])


def merged(times: np.ndarray, deltas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(time, change) pairs in time order, the changes at one instant summed.

    A step function with no momentary spikes where a party steps from a room into a passage.
    """
    if len(times) == 0:
        return np.asarray(times, dtype=float), np.asarray(deltas, dtype=float)
    order = np.argsort(times, kind="stable")
    unique, first = np.unique(np.asarray(times)[order], return_index=True)
    return unique, np.add.reduceat(np.asarray(deltas, dtype=float)[order], first)
