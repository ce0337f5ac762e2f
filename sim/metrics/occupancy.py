"""Headcounts over time from one day's event log: places, guides, desks in use."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.metrics.steps import level_at, merged, step_levels, time_average, time_quantile
from sim.model import eventlog as ev
from sim.model.layout import Layout
from sim.model.scenario import Scenario


def occupancy_grid(log: pd.DataFrame, grid: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """Headcount (visitors plus guide) of every place in ``columns`` at each grid time."""
    moves = log[log["event"].isin([ev.ENTER, ev.LEAVE])]
    heads = moves["persons"].to_numpy() + (moves["guide"].to_numpy() >= 0)
    sign = np.where(moves["event"].to_numpy() == ev.ENTER, 1, -1)
    frame = pd.DataFrame(
        {"t": moves["t"].to_numpy(), "place": moves["place"].astype(str).to_numpy(), "d": heads * sign}
    )
    out = np.zeros((len(grid), len(columns)), dtype=np.float32)
    index = {place: i for i, place in enumerate(columns)}
    for place, group in frame.groupby("place", sort=False):
        if place not in index:
            continue
        times, levels = step_levels(group["t"].to_numpy(), group["d"].to_numpy())
        out[:, index[place]] = level_at(times, levels, grid)
    return pd.DataFrame(out, columns=columns, index=pd.Index(grid / 60.0, name="minute"))


def place_peaks(
    log: pd.DataFrame, columns: pd.Index | list[str], start_s: float, end_s: float
) -> pd.DataFrame:
    """Per place: the day's maximum, and the time-weighted 95th percentile and mean over [start_s, end_s).

    All exact, from the event log; [start_s, end_s) is opening hours after any warm-up.
    """
    moves = log[log["event"].isin([ev.ENTER, ev.LEAVE])]
    heads = (moves["persons"] + (moves["guide"] >= 0)) * np.where(moves["event"] == ev.ENTER, 1, -1)
    frame = pd.DataFrame(
        {"t": moves["t"].to_numpy(), "place": moves["place"].astype(str).to_numpy(), "d": heads}
    )
    rows = {str(p): (0.0, 0.0, 0.0) for p in columns}
    for place, group in frame.groupby("place", sort=False):
        if place not in rows:
            continue
        times, levels = step_levels(*merged(group["t"].to_numpy(), group["d"].to_numpy()))
        rows[place] = (
            float(levels.max(initial=0.0)),
            time_quantile(times, levels, start_s, end_s, 0.95),
            time_average(times, levels, start_s, end_s),
        )
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["max_persons", "p95_persons", "mean_persons"]
    )


def guide_series(log: pd.DataFrame, grid: np.ndarray) -> pd.DataFrame:
    """Guides on duty and busy (with a party) at each grid time."""
    duty = log[log["event"].isin([ev.GUIDE_ON, ev.GUIDE_OFF])]
    busy = log[log["event"].isin([ev.GREET, ev.GOODBYE])]
    d_times, d_levels = step_levels(duty["t"].to_numpy(), np.where(duty["event"] == ev.GUIDE_ON, 1, -1))
    b_times, b_levels = step_levels(busy["t"].to_numpy(), np.where(busy["event"] == ev.GREET, 1, -1))
    return pd.DataFrame(
        {"on_duty": level_at(d_times, d_levels, grid), "busy": level_at(b_times, b_levels, grid)},
        index=pd.Index(grid / 60.0, name="minute"),
    )


def guide_utilisation(log: pd.DataFrame, day_s: float, start_s: float = 0.0) -> float:
    """Busy guide-time over on-duty guide-time during opening hours (from ``start_s``)."""
    duty = log[log["event"].isin([ev.GUIDE_ON, ev.GUIDE_OFF])]
    busy = log[log["event"].isin([ev.GREET, ev.GOODBYE])]
    on = time_average(
        *step_levels(duty["t"].to_numpy(), np.where(duty["event"] == ev.GUIDE_ON, 1, -1)), start_s, day_s
    )
    used = time_average(
        *step_levels(busy["t"].to_numpy(), np.where(busy["event"] == ev.GREET, 1, -1)), start_s, day_s
    )
    return used / on if on > 0 else math.nan


def guide_queue_mean(log: pd.DataFrame, start_s: float, end_s: float) -> float:
    """Parties waiting for a guide, time-averaged over [start_s, end_s) (exact)."""
    rows = log[log["event"].isin([ev.WAIT_GUIDE, ev.GREET, ev.RENEGE]) & (log["party"] >= 0)]
    deltas = np.where(rows["event"] == ev.WAIT_GUIDE, 1, -1)
    return time_average(*step_levels(*merged(rows["t"].to_numpy(), deltas)), start_s, end_s)


def service_utilisation(
    log: pd.DataFrame, layout: Layout, scenario: Scenario, start_s: float = 0.0
) -> dict[str, float]:
    """Share of staffed desk, place or table time in use, per zone, during opening hours (from ``start_s``)."""
    out = {}
    for zone in layout.zones:
        units = zone.desks or zone.places or zone.tables
        if not units:
            continue
        rows = log[(log["place"] == zone.id) & log["event"].isin([ev.START, ev.END])]
        times, levels = step_levels(rows["t"].to_numpy(), np.where(rows["event"] == ev.START, 1, -1))
        used = time_average(times, levels, start_s, scenario.day_s)
        staffed = _staffed_units(scenario, zone.id, units, start_s)
        out[zone.id] = used / staffed if staffed > 0 else math.nan
    return out


def _staffed_units(scenario: Scenario, zone_id: str, units: int, start_s: float) -> float:
    schedule = scenario.desks.get(zone_id)
    if not schedule:
        return float(units)
    keys = sorted(schedule)
    times = np.array([scenario.seconds(k) for k in keys])
    levels = np.array([schedule[k] for k in keys], dtype=float)
    return time_average(times, levels, start_s, scenario.day_s)
