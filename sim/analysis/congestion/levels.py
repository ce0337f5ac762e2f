"""Level of service over time: Fruin levels of zones and passages, minute by minute."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.metrics import los
from sim.metrics.day import DaySummary
from sim.metrics.queues import MinuteSeries
from sim.model.layout import Layout


def persons_in(days: list[DaySummary], layout: Layout, zone_id: str, minutes: int) -> np.ndarray:
    """Persons in a zone, day × minute; on an entrance's forecourt, those queuing outside the door."""
    if layout.zone[zone_id].kind == "entrance":
        return np.array([MinuteSeries.part(d.series.outside_persons, zone_id, minutes) for d in days])
    return np.array([d.occupancy[zone_id].to_numpy()[:minutes] for d in days])


def zone_levels(days: list[DaySummary], layout: Layout, minutes: int) -> dict[str, np.ndarray]:
    """Per zone with an area and a table: level index per replication and minute."""
    out = {}
    for zone in layout.zones:
        table = los.zone_table(zone.kind)
        if zone.area_m2 is None or table is None:
            continue
        persons = persons_in(days, layout, zone.id, minutes)
        with np.errstate(divide="ignore"):
            out[zone.id] = los.by_space(np.where(persons > 0, zone.area_m2 / persons, np.inf), table)
    return out


def passage_flows(days: list[DaySummary], layout: Layout, minutes: int) -> dict[str, np.ndarray]:
    """Per passage: persons per minute per metre of clear width, both directions (day × minute)."""
    out = {}
    for p in layout.passages:
        total = np.zeros((len(days), minutes))
        for ends in ((p.from_, p.to), (p.to, p.from_)):
            for i, d in enumerate(days):
                if ends in d.series.flow:
                    total[i] += d.series.flow[ends][:minutes]
        out[p.pid] = total / p.width_m
    return out


def passage_levels(flows: dict[str, np.ndarray], layout: Layout) -> dict[str, np.ndarray]:
    """Per passage with a flow table: level index per replication and minute."""
    return {
        pid: los.by_flow(f, t)
        for pid, f in flows.items()
        if (t := los.PASSAGE_TABLE[layout.passage[pid].kind]) is not None
    }


def level_shares(levels: dict[str, np.ndarray]) -> pd.DataFrame:
    """Share of opening hours at each level: mean over replications, with the 5–95% spread."""
    rows = []
    for element, lv in levels.items():
        for k, name in enumerate(los.LEVELS):
            share = (lv == k).mean(axis=1)
            rows.append(
                {
                    "element": element,
                    "level": name,
                    "share": share.mean(),
                    "p05": np.quantile(share, 0.05),
                    "p95": np.quantile(share, 0.95),
                }
            )
    return pd.DataFrame(rows)
