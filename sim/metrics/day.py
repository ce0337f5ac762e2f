"""Metrics: pure functions from event logs to tidy tables, and across replications with CIs.

Definitions (the README repeats them):
- *Greeting wait*: from joining the guide queue (``wait_guide``) to the greeting. The wait
  statistics are over greeted parties; the *share within target* counts every party that
  waited for a guide, and a party that gave up counts as a failure (the Erlang-A service level
  "served within t" over all arrivals; Mandelbaum & Zeltyn, "The Palm/Erlang-A queue").
  *Delayed*: not greeted on joining the queue (P(wait > 0)); the *mean wait over all* runs to the
  greeting or to giving up (Erlang A's E[W] over all arrivals).
- *Served*: greeted by a guide. *Inside at close*: admitted, not yet left at closing time.
- *Occupancy*: visitors plus their guide, from ``enter``/``leave`` rows. Means, 95th percentiles
  and utilisations are exact time averages of the step functions; the minute grid is for figures.
- *Persons inside at the peak*: at the day's busiest moment (``sim.metrics.headcount``).
- Across replications (independent days): mean ± t(n−1, 0.975)·s/√n (Law 2015, ch. 9); shares
  of parties are pooled over days (``stats.pooled_share``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.metrics import columns as c
from sim.metrics.grid import SLOT_S, day_grid, places
from sim.metrics.headcount import Peak, busiest_moment, presence
from sim.metrics.occupancy import (
    guide_queue_mean,
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
    peak: Peak = field(default_factory=lambda: Peak(0.0, 0.0, {}))  # the busiest moment (``headcount``)


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
    """Greeting-wait statistics in minutes, the counts behind the shares, and the day's shares.

    The shares of one day are its own counts' ratios; across days they are pooled
    (``stats.pooled_share``), never averaged.
    """
    waited = parties[parties[ev.WAIT_GUIDE].notna()]
    waits = waited["greet_wait_s"].dropna().to_numpy() / 60.0
    until = waited[ev.GREET].fillna(waited[ev.RENEGE]) - waited[ev.WAIT_GUIDE]  # to greeting or giving up
    counts = {
        c.PARTIES_WAITED: float(len(waited)),
        c.PARTIES_GREETED_WITHIN_TARGET: float((waited["greet_wait_s"] <= target_s).sum()),  # NaN: gave up
        c.PARTIES_DELAYED: float((until > 0).sum()),
    }
    share = lambda name: counts[name] / len(waited) if len(waited) else math.nan  # noqa: E731
    reneged = float(waited[ev.RENEGE].notna().sum())
    return counts | {
        c.GREET_WAIT_MEAN_MIN: float(waits.mean()) if len(waits) else math.nan,
        **_percentiles(waits, (50, 90, 95)),
        c.GREET_WITHIN_TARGET_SHARE: share(c.PARTIES_GREETED_WITHIN_TARGET),
        c.DELAYED_SHARE: share(c.PARTIES_DELAYED),
        c.ABANDONED_SHARE: reneged / len(waited) if len(waited) else math.nan,
        c.GREET_WAIT_MEAN_ALL_MIN: float(until.mean() / 60.0) if len(waited) else math.nan,
    }


def half_hour_table(
    log: pd.DataFrame, parties: pd.DataFrame, scenario: Scenario, guides: pd.DataFrame
) -> pd.DataFrame:
    """Per half-hour slot of the day: arrivals, greeting, reneging, guides, persons inside."""
    target_s = 60.0 * scenario.targets.greet_within_min
    n_slots = math.ceil(scenario.day_s / SLOT_S)
    arrive_slot = (parties[ev.ARRIVE] // SLOT_S).clip(upper=n_slots - 1)
    wait_slot = (parties[ev.WAIT_GUIDE] // SLOT_S).clip(upper=n_slots - 1)  # after closing: the last slot
    inside = step_levels(*presence(log))
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
                c.GREETED_WITHIN_TARGET: int((waited["greet_wait_s"] <= target_s).sum()),
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
    """Everything one replication reports, computed from its event log.

    The day's KPIs leave out the warm-up (``run.warmup_min``, for steady-state studies): parties
    arriving in it, and it in every time average. Tables by half hour and minute keep the whole day.
    """
    all_parties = party_table(log)
    day_s, warm_s = scenario.day_s, 60.0 * scenario.run.warmup_min
    parties = all_parties[all_parties[ev.ARRIVE] >= warm_s]
    grid = day_grid(scenario)
    occupancy = occupancy_grid(log, grid, places(layout))
    guides = guide_series(log, grid)
    admitted = parties[parties[ev.ADMIT].notna()]
    inside_at_close = admitted[(admitted[ev.ADMIT] <= day_s) & (admitted[ev.EXIT] > day_s)]
    peak = busiest_moment(log, layout)
    served = parties[ev.GREET].notna()
    kpis = {
        c.PARTIES_ARRIVED: float(len(parties)),
        c.PERSONS_ARRIVED: float(parties["persons"].sum()),
        c.PARTIES_SERVED: float(served.sum()),
        c.PERSONS_SERVED: float(parties.loc[served, "persons"].sum()),
        c.PARTIES_RENEGED: float(parties[ev.RENEGE].notna().sum()),
        c.PERSONS_RENEGED: float(parties.loc[parties[ev.RENEGE].notna(), "persons"].sum()),
        c.PARTIES_INSIDE_AT_CLOSE: float(len(inside_at_close)),
        c.PERSONS_INSIDE_AT_CLOSE: float(inside_at_close["persons"].sum()),
        **greet_stats(parties, 60.0 * scenario.targets.greet_within_min),
        c.GUIDE_QUEUE_MEAN: guide_queue_mean(log, warm_s, day_s),
        c.OUTSIDE_WAIT_MEAN_MIN: float((parties[ev.ADMIT] - parties[ev.ARRIVE]).mean() / 60.0),
        c.TIME_IN_GALLERY_MEAN_MIN: float((admitted[ev.EXIT] - admitted[ev.ADMIT]).mean() / 60.0),
        c.SIGNINGS: float(len(signed_parties(log, layout) & set(parties.index))),
        c.GUIDE_UTILISATION: guide_utilisation(log, day_s, warm_s),
        c.PEAK_PERSONS_INSIDE: peak.persons,
        c.LAST_EXIT_MIN: float(all_parties[ev.EXIT].max() / 60.0) if len(all_parties) else math.nan,
    }
    return DaySummary(
        replication=replication,
        kpis=kpis,
        utilisation=service_utilisation(log, layout, scenario, warm_s),
        half_hours=half_hour_table(log, all_parties, scenario, guides),
        zones=place_peaks(log, occupancy.columns, warm_s, day_s),
        occupancy=occupancy,
        guides=guides,
        flows=flow_table(log),
        series=minute_series(log, grid, {z.id for z in layout.zones if z.desks or z.places or z.tables}),
        through=through_movements(log, SLOT_S),
        peak=peak,
    )
