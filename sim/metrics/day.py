"""Metrics: pure functions from event logs to tidy tables, and across replications with CIs.

Definitions (the README repeats them):
- *Greeting wait*: from joining the guide queue (``wait_guide``) to the greeting. The wait
  statistics are over greeted parties; the *share within target* counts every party that
  waited for a guide, and a party that gave up counts as a failure (the Erlang-A service level
  "served within t" over all arrivals; Mandelbaum & Zeltyn, "The Palm/Erlang-A queue").
- *Served*: greeted by a guide. *Inside at close*: admitted, not yet left at closing time.
- *Occupancy*: visitors plus their guide, from ``enter``/``leave`` rows; sampled each minute.
- Across replications (independent days): mean ± t(n−1, 0.975)·s/√n (Law 2015, ch. 9).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.metrics.grid import SLOT_S, day_grid, places
from sim.metrics.occupancy import (
    guide_series,
    guide_utilisation,
    occupancy_grid,
    place_peaks,
    service_utilisation,
)
from sim.metrics.queues import MinuteSeries, minute_series, through_movements
from sim.metrics.steps import step_levels, time_average, window_max
from sim.model import eventlog as ev
from sim.model.layout import Layout
from sim.model.scenario import Scenario


@dataclass
class DaySummary:
    """What one replication keeps: small tables, never the event log."""

    replication: int
    kpis: dict[str, float]  # ``columns.KPI_RANGES`` names
    utilisation: dict[str, float]  # zone → share of staffed desk, place or table time in use
    half_hours: pd.DataFrame  # one row per half-hour slot
    zones: pd.DataFrame  # one row per zone or passage: max, p95, mean persons
    occupancy: pd.DataFrame  # minute × place headcount (float32)
    guides: pd.DataFrame  # minute × (on_duty, busy)
    flows: pd.DataFrame  # slot × directed passage: parties, persons
    series: MinuteSeries  # queues and passage flows, minute by minute
    through: pd.DataFrame = field(default_factory=pd.DataFrame)  # slot × zone × from × to: persons


def party_table(log: pd.DataFrame) -> pd.DataFrame:
    """One row per party: persons and the times of its milestones (NaN if it never got there)."""
    rows = log[log["party"] >= 0]
    wanted = [ev.ARRIVE, ev.ADMIT, ev.WAIT_GUIDE, ev.GREET, ev.RENEGE, ev.EXIT]
    marks = rows[rows["event"].isin(wanted)]
    table = marks.pivot_table(index="party", columns="event", values="t", aggfunc="first", observed=True)
    table = table.reindex(columns=wanted)
    table["persons"] = rows.groupby("party")["persons"].first()
    greet_guides = rows[rows["event"] == ev.GREET].set_index("party")["guide"]
    table["guide"] = greet_guides.reindex(table.index).fillna(-1).astype(int)
    table["greet_wait_s"] = table[ev.GREET] - table[ev.WAIT_GUIDE]
    return table


def signed_parties(log: pd.DataFrame, layout: Layout) -> set[int]:
    """Parties that finished a stay at a signing desk."""
    signing = {z.id for z in layout.zones_of("signing")}
    done = log[(log["event"] == ev.END) & log["place"].isin(signing)]
    return set(done["party"].tolist())


def greet_stats(parties: pd.DataFrame, target_s: float) -> dict[str, float]:
    """Greeting-wait statistics in minutes, and the share greeted within the target."""
    waited = parties[parties[ev.WAIT_GUIDE].notna()]
    waits = waited["greet_wait_s"].dropna().to_numpy() / 60.0
    within = (waited["greet_wait_s"] <= target_s).sum()  # NaN (reneged) compares False
    return {
        "greet_wait_mean_min": float(waits.mean()) if len(waits) else math.nan,
        **_percentiles(waits, (50, 90, 95)),
        "greet_within_target_share": float(within / len(waited)) if len(waited) else math.nan,
    }


def half_hour_table(
    log: pd.DataFrame, parties: pd.DataFrame, scenario: Scenario, guides: pd.DataFrame
) -> pd.DataFrame:
    """Per half-hour slot of the day: arrivals, greeting, reneging, guides, persons inside."""
    target_s = 60.0 * scenario.targets.greet_within_min
    n_slots = math.ceil(scenario.day_s / SLOT_S)
    arrive_slot = (parties[ev.ARRIVE] // SLOT_S).clip(upper=n_slots - 1)
    wait_slot = parties[ev.WAIT_GUIDE] // SLOT_S
    inside = _inside_levels(log)
    rows = []
    for k in range(n_slots):
        start, end = k * SLOT_S, min((k + 1) * SLOT_S, scenario.day_s)
        arrived = parties[arrive_slot == k]
        waited = parties[wait_slot == k]
        greeted = waited["greet_wait_s"].dropna() / 60.0
        window = guides[(guides.index * 60.0 >= start) & (guides.index * 60.0 < end)]
        rows.append(
            {
                "slot": k,
                "start_min": start / 60.0,
                "parties_arrived": len(arrived),
                "persons_arrived": float(arrived["persons"].sum()),
                "parties_waiting": len(waited),
                "greet_wait_mean_min": float(greeted.mean()) if len(greeted) else math.nan,
                **_percentiles(greeted.to_numpy(), (50, 90, 95)),
                "greet_within_target_share": float((waited["greet_wait_s"] <= target_s).mean())
                if len(waited)
                else math.nan,
                "reneged": int(waited[ev.RENEGE].notna().sum()),
                "guides_on_duty": float(window["on_duty"].mean()) if len(window) else math.nan,
                "guides_busy": float(window["busy"].mean()) if len(window) else math.nan,
                "persons_inside_mean": time_average(*inside, start, end),
                "persons_inside_max": window_max(*inside, start, end),
            }
        )
    return pd.DataFrame(rows)


def _percentiles(minutes: np.ndarray, qs: tuple[int, ...]) -> dict[str, float]:
    values = np.percentile(minutes, qs) if len(minutes) else [math.nan] * len(qs)
    return {f"greet_wait_p{q}_min": float(v) for q, v in zip(qs, values, strict=True)}


def _inside_levels(log: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    gate = log[log["event"].isin([ev.ADMIT, ev.EXIT])]
    return step_levels(
        gate["t"].to_numpy(), np.where(gate["event"] == ev.ADMIT, 1, -1) * gate["persons"].to_numpy()
    )


def flow_table(log: pd.DataFrame) -> pd.DataFrame:
    """Parties and persons entering each directed passage, per half-hour slot."""
    moves = log[(log["event"] == ev.ENTER) & log["place"].astype(str).str.contains(">", regex=False)]
    frame = pd.DataFrame(
        {
            "slot": (moves["t"] // SLOT_S).astype(int).to_numpy(),
            "passage": moves["place"].astype(str).to_numpy(),
            "persons": moves["persons"].to_numpy(),
        }
    )
    split = frame["passage"].str.split(">", n=1, expand=True)
    frame["from"], frame["to"] = (split[0], split[1]) if len(frame) else ("", "")
    out = frame.groupby(["slot", "from", "to"], as_index=False).agg(
        parties=("persons", "size"), persons=("persons", "sum")
    )
    return out


def summarise_day(log: pd.DataFrame, layout: Layout, scenario: Scenario, replication: int = 0) -> DaySummary:
    """Everything one replication reports, computed from its event log."""
    parties = party_table(log)
    day_s = scenario.day_s
    grid = day_grid(scenario)
    occupancy = occupancy_grid(log, grid, places(layout))
    guides = guide_series(log, grid)
    admitted = parties[parties[ev.ADMIT].notna()]
    inside_at_close = admitted[(admitted[ev.ADMIT] <= day_s) & (admitted[ev.EXIT] > day_s)]
    inside = _inside_levels(log)
    kpis = {
        "parties_arrived": float(len(parties)),
        "persons_arrived": float(parties["persons"].sum()),
        "parties_served": float(parties[ev.GREET].notna().sum()),
        "persons_served": float(parties.loc[parties[ev.GREET].notna(), "persons"].sum()),
        "parties_reneged": float(parties[ev.RENEGE].notna().sum()),
        "persons_reneged": float(parties.loc[parties[ev.RENEGE].notna(), "persons"].sum()),
        "parties_inside_at_close": float(len(inside_at_close)),
        "persons_inside_at_close": float(inside_at_close["persons"].sum()),
        **greet_stats(parties, 60.0 * scenario.targets.greet_within_min),
        "outside_wait_mean_min": float((parties[ev.ADMIT] - parties[ev.ARRIVE]).mean() / 60.0),
        "time_in_gallery_mean_min": float((admitted[ev.EXIT] - admitted[ev.ADMIT]).mean() / 60.0),
        "signings": float(len(signed_parties(log, layout))),
        "guide_utilisation": guide_utilisation(log, day_s),
        "max_persons_inside": float(inside[1].max()) if len(inside[1]) else 0.0,
        "last_exit_min": float(parties[ev.EXIT].max() / 60.0) if len(parties) else math.nan,
    }
    return DaySummary(
        replication=replication,
        kpis=kpis,
        utilisation=service_utilisation(log, layout, scenario),
        half_hours=half_hour_table(log, parties, scenario, guides),
        zones=place_peaks(log, occupancy, day_s),
        occupancy=occupancy,
        guides=guides,
        flows=flow_table(log),
        series=minute_series(log, grid, {z.id for z in layout.zones if z.desks or z.places or z.tables}),
        through=through_movements(log, SLOT_S),
    )
