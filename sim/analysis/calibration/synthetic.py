"""A synthetic visitor log: what a registration system would record of simulated days.

For testing the calibration against a known truth. The engine simulates the days; this module
writes each one as log rows in the format ``sim.io.visitorlog`` reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from sim.core.clock import clock_s
from sim.engine.day import simulate
from sim.io.visitorlog import STAGE_COLUMNS, TIME_COLUMNS
from sim.model.eventlog import ENTER, EXIT, GREET, RENEGE, START, WAIT_GUIDE
from sim.model.layout import Layout
from sim.model.scenario import Scenario


def synthetic_log(
    layout: Layout, scenario: Scenario, days: int, seed: int, first_date: str = "2026-09-01"
) -> pd.DataFrame:
    """A visitor log simulated from a known scenario: ``days`` weekdays from ``first_date``."""
    dates: list[str] = []
    day = dt.date.fromisoformat(first_date)
    while len(dates) < days:
        if day.weekday() < 5:
            dates.append(day.isoformat())
        day += dt.timedelta(days=1)
    frames = [
        synthetic_day(simulate(layout, scenario, seed, replication), layout, scenario.hours.open * 60.0, date)
        for replication, date in enumerate(dates)
    ]
    return pd.concat(frames, ignore_index=True)


def synthetic_day(log: pd.DataFrame, layout: Layout, open_s: float, date: str) -> pd.DataFrame:
    """What a registration system would have recorded of one simulated day.

    Registered = the party starts waiting for a guide; each stage time = its first service start
    in a zone of that kind (entering, for a zone without desks or places); left = it leaves the
    site. ``open_s``: the opening time in seconds after midnight.
    """
    kinds = {zone.id: zone.kind for zone in layout.zones}
    columns = {v: k for k, v in STAGE_COLUMNS.items()}
    rows: dict[int, dict[str, Any]] = {}
    entered: dict[tuple[int, str], float] = {}
    for t, party, event, place, persons in log[["t", "party", "event", "place", "persons"]].itertuples(
        index=False
    ):
        if party < 0:
            continue
        row = rows.setdefault(
            party, {"party_id": f"{date}-{party:04d}", "date": date, "party_size": int(persons)}
        )
        clock = open_s + t
        if event == WAIT_GUIDE:
            row.setdefault("registered", clock)
        elif event == GREET:
            row.setdefault("greeted", clock)
        elif event == RENEGE:
            row["left_unserved"] = "yes"
        elif event == START and kinds.get(place) in columns:
            row.setdefault(columns[kinds[place]], clock)
        elif event == ENTER and kinds.get(place) in columns:
            entered.setdefault((party, columns[kinds[place]]), clock)
        elif event == EXIT:
            row["left"] = clock
    for (party, column), clock in entered.items():
        rows[party].setdefault(column, clock)  # a zone without a desk or place: the stay starts on entering
    frame = pd.DataFrame([r for r in rows.values() if "registered" in r])
    for name in TIME_COLUMNS:
        if name not in frame:
            frame[name] = np.nan
        frame[name] = frame[name].map(lambda s: "" if s != s else clock_s(s, with_seconds=True))
    frame["signed"] = np.where(frame["signing"] != "", "yes", "no")
    frame["left_unserved"] = frame.get("left_unserved", pd.Series(index=frame.index, dtype=object)).fillna(
        "no"
    )
    return frame[
        [
            "party_id",
            "date",
            "registered",
            "party_size",
            "greeted",
            *STAGE_COLUMNS,
            "signed",
            "left",
            "left_unserved",
        ]
    ]
