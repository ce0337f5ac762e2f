"""Queues, flows and through-movements minute by minute, from one day's event log (pure functions).

``minute_series`` gives a ``MinuteSeries``: parties waiting outside the gate, for a guide, at the
door of a full zone or a shuttle stop, and for a desk inside a zone; and the persons stepping onto
each directed passage per minute. ``through_movements`` gives who walks straight through a zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.metrics.steps import level_at, step_levels
from sim.model import eventlog as ev


def _paired(rows: pd.DataFrame, first: str, then: str) -> pd.DataFrame:
    """Intervals from each ``first`` row to the same party's next ``then`` row at the same place."""
    rows = rows.sort_values(["party", "place", "t"], kind="stable")
    nxt = rows.groupby(["party", "place"], observed=True).shift(-1)
    mask = (rows["event"] == first) & (nxt["event"] == then)
    return pd.DataFrame(
        {
            "place": rows.loc[mask, "place"].astype(str),
            "start": rows.loc[mask, "t"],
            "persons": rows.loc[mask, "persons"],
            "end": nxt.loc[mask, "t"],
        }
    )


def _count(intervals: pd.DataFrame, grid: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    w = np.ones(len(intervals)) if weights is None else np.asarray(weights, dtype=float)
    times = np.concatenate([intervals["start"].to_numpy(), intervals["end"].to_numpy()])
    deltas = np.concatenate([w, -w])
    order = np.argsort(times, kind="stable")
    return level_at(*step_levels(times[order], deltas[order]), grid)


@dataclass
class MinuteSeries:
    """One day's queues and passage flows on the minute grid (float32; parties unless stated)."""

    outside: np.ndarray  # waiting outside the admission gate (arrive → admit)
    outside_persons: dict[str, np.ndarray]  # entrance → persons in that queue (for its density)
    guide: np.ndarray  # waiting for a guide (wait_guide → greet or renege)
    door: dict[str, np.ndarray]  # zone or passage key → held at a full zone's door or a shuttle stop
    service: dict[str, np.ndarray]  # zone → inside, waiting for a desk, place or table (enter → start)
    flow: dict[tuple[str, str], np.ndarray]  # (from, to) → persons stepping onto the passage per minute

    @staticmethod
    def part(series: dict[Any, np.ndarray], key: Any, minutes: int) -> np.ndarray:
        """The first ``minutes`` of one series, zeros where it never happened."""
        found = series.get(key)
        return found[:minutes] if found is not None else np.zeros(minutes)


def minute_series(log: pd.DataFrame, grid: np.ndarray, service_zones: set[str]) -> MinuteSeries:
    """Queue lengths at each grid time and passage flows per grid step (see ``MinuteSeries``)."""
    people = log[log["party"] >= 0]
    gate = people[people["event"].isin([ev.ARRIVE, ev.ADMIT])]
    outside_persons = {
        str(place): _count(rows, grid, rows["persons"])
        for place, rows in _paired(gate, ev.ARRIVE, ev.ADMIT).groupby("place")
    }
    guide = people[people["event"].isin([ev.WAIT_GUIDE, ev.GREET, ev.RENEGE])].assign(place="guide")
    waits = pd.concat([_paired(guide, ev.WAIT_GUIDE, ev.GREET), _paired(guide, ev.WAIT_GUIDE, ev.RENEGE)])
    doors = _paired(people[people["event"].isin([ev.QUEUE, ev.ENTER])], ev.QUEUE, ev.ENTER)
    inside = people[people["event"].isin([ev.ENTER, ev.START]) & people["place"].isin(service_zones)]
    steps = people[(people["event"] == ev.ENTER) & people["place"].astype(str).str.contains(">", regex=False)]
    bins = np.append(grid, grid[-1] + (grid[1] - grid[0] if len(grid) > 1 else 60.0))
    flow = {}
    for place, rows in steps.groupby(steps["place"].astype(str)):
        ends = ev.split_passage_key(str(place))
        assert ends is not None
        flow[ends] = _f32(np.histogram(rows["t"], bins=bins, weights=rows["persons"])[0])
    return MinuteSeries(
        outside=_f32(_count(_paired(gate.assign(place="gate"), ev.ARRIVE, ev.ADMIT), grid)),
        outside_persons={k: _f32(v) for k, v in outside_persons.items()},
        guide=_f32(_count(waits, grid)),
        door={str(place): _f32(_count(rows, grid)) for place, rows in doors.groupby("place")},
        service={
            str(place): _f32(_count(rows, grid))
            for place, rows in _paired(inside, ev.ENTER, ev.START).groupby("place")
        },
        flow=flow,
    )


def _f32(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=float).astype(np.float32)


def through_movements(log: pd.DataFrame, slot_s: float) -> pd.DataFrame:
    """Persons walking *through* a zone (in from one neighbour, straight out to another), per slot."""
    walks = log[(log["party"] >= 0) & log["event"].isin([ev.ENTER, ev.LEAVE])].copy()
    walks["place"] = walks["place"].astype(str)
    nxt = walks.groupby("party").shift(-1)
    leave_passage = (walks["event"] == ev.LEAVE) & walks["place"].str.contains(">", regex=False)
    enter_passage = (nxt["event"] == ev.ENTER) & nxt["place"].astype(str).str.contains(">", regex=False)
    same_time = nxt["t"] == walks["t"]
    hop = walks[leave_passage & enter_passage & same_time]
    after = nxt[leave_passage & enter_passage & same_time]
    came = hop["place"].str.split(">", n=1, expand=True) if len(hop) else pd.DataFrame(columns=[0, 1])
    goes = (
        after["place"].astype(str).str.split(">", n=1, expand=True)
        if len(after)
        else pd.DataFrame(columns=[0, 1])
    )
    out = pd.DataFrame(
        {
            "slot": (hop["t"] // slot_s).astype(int).to_numpy(),
            "zone": came[1].to_numpy(),
            "from": came[0].to_numpy(),
            "to": goes[1].to_numpy(),
            "persons": hop["persons"].to_numpy(),
        }
    )
    return out.groupby(["slot", "zone", "from", "to"], as_index=False)["persons"].sum()
