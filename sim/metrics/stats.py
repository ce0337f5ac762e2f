"""Across replications: means with t-based 95% confidence intervals, bands and pooled shares."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # t quantile; far lighter to import than scipy.stats

from sim.metrics.columns import (
    HALF_HOUR_RANGES,
    KPI_RANGES,
    UNIT_INTERVAL,
    ZONE_RANGES,
    Range,
    utilisation_key,
)
from sim.metrics.day import DaySummary
from sim.metrics.grid import SLOT_S
from sim.model.layout import Layout
from sim.model.names import Names
from sim.model.scenario import Scenario


@dataclass
class Results:
    """Replications summarised: every figure with its 95% confidence interval."""

    scenario: Names  # the scenario's name
    replications: int
    seed: int
    kpis: pd.DataFrame
    half_hours: pd.DataFrame
    zones: pd.DataFrame
    occupancy: pd.DataFrame  # minute × place: mean, p05, p95 across replications (long form)
    guides: pd.DataFrame
    flows: pd.DataFrame
    days: list[DaySummary] = field(repr=False, default_factory=list)


def ci95(
    values: np.ndarray | list[float], low_bound: float = -math.inf, high_bound: float = math.inf
) -> tuple[float, float, float]:
    """Mean and the t-based 95% confidence interval: (mean, low, high); NaNs are ignored.

    The interval is clipped to the quantity's natural range (a count is never negative).
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if len(x) < 2:
        return (mean, math.nan, math.nan)
    half = float(stdtrit(len(x) - 1, 0.975) * x.std(ddof=1) / math.sqrt(len(x)))
    return (mean, max(mean - half, low_bound), min(mean + half, high_bound))


def _ci_columns(frame: pd.DataFrame, by: str | list[str], columns: dict[str, Range]) -> pd.DataFrame:
    """Mean and 95% CI of ``columns`` (name → natural range) within groups of ``by``, one value per replication."""
    out = []
    for key, group in frame.groupby(by, sort=True):
        row = dict(
            zip([by] if isinstance(by, str) else by, key if isinstance(key, tuple) else (key,), strict=True)
        )
        for column, bounds in columns.items():
            mean, low, high = ci95(group[column].to_numpy(), *bounds)
            row[column] = mean
            row[f"{column}_ci_low"] = low
            row[f"{column}_ci_high"] = high
        out.append(row)
    return pd.DataFrame(out)


def day_kpis(day: DaySummary) -> dict[str, float]:
    """One day's KPIs as the KPI table lists them: the day's KPIs, then each zone's utilisation."""
    return day.kpis | {utilisation_key(zone): value for zone, value in day.utilisation.items()}


def aggregate(days: list[DaySummary], layout: Layout, scenario: Scenario, seed: int) -> Results:
    """Combine replications: means with t-based 95% confidence intervals."""
    days = sorted(days, key=lambda d: d.replication)
    kpi_frame = pd.DataFrame([day_kpis(d) for d in days])
    ranges = KPI_RANGES | {utilisation_key(z): UNIT_INTERVAL for d in days for z in d.utilisation}
    kpi_rows = []
    for name in kpi_frame.columns:
        values = kpi_frame[name].to_numpy(dtype=float)
        mean, low, high = ci95(values, *ranges[name])
        sd = float(np.nanstd(values, ddof=1)) if np.sum(~np.isnan(values)) > 1 else math.nan
        kpi_rows.append(
            {
                "metric": name,
                "mean": mean,
                "ci_low": low,
                "ci_high": high,
                "sd": sd,
                "n": int(np.sum(~np.isnan(values))),
            }
        )
    half = pd.concat([d.half_hours.assign(replication=d.replication) for d in days], ignore_index=True)
    half_cols = {
        c: HALF_HOUR_RANGES[c] for c in half.columns if c not in ("slot", "start_min", "replication")
    }
    half_hours = _ci_columns(half, "slot", half_cols)
    half_hours.insert(1, "start", [scenario.clock_at(s * SLOT_S / 60.0) for s in half_hours["slot"]])
    zones = _zone_table(days, layout)
    occupancy = _occupancy_bands(days)
    guides = _guide_bands(days)
    flows = pd.concat([d.flows.assign(replication=d.replication) for d in days], ignore_index=True)
    flows = (
        flows.groupby(["slot", "from", "to"])[["parties", "persons"]].sum().div(len(days)).reset_index()
        if len(flows)
        else flows
    )
    return Results(
        scenario=scenario.name,
        replications=len(days),
        seed=seed,
        kpis=pd.DataFrame(kpi_rows),
        half_hours=half_hours,
        zones=zones,
        occupancy=occupancy,
        guides=guides,
        flows=flows,
        days=days,
    )


def _zone_table(days: list[DaySummary], layout: Layout) -> pd.DataFrame:
    frame = pd.concat(
        [d.zones.rename_axis("place").reset_index().assign(replication=d.replication) for d in days]
    )
    # A place never used in a replication had nobody in it: count it as zero, not missing.
    places = frame["place"].unique()
    full = pd.MultiIndex.from_product([places, [d.replication for d in days]], names=["place", "replication"])
    frame = frame.set_index(["place", "replication"]).reindex(full).fillna(0.0).reset_index()
    table = _ci_columns(frame, "place", ZONE_RANGES)
    zone_ids = {z.id for z in layout.zones}
    table = table[table["place"].isin(zone_ids)].copy()  # passages are reported in flows
    table["kind"] = [layout.zone[p].kind for p in table["place"]]
    table["area_m2"] = [layout.zone[p].area_m2 for p in table["place"]]
    table["capacity"] = [layout.zone[p].max_persons for p in table["place"]]
    table["m2_per_person_at_max"] = table["area_m2"] / table["max_persons"].where(table["max_persons"] > 0)
    table["m2_per_person_at_p95"] = table["area_m2"] / table["p95_persons"].where(table["p95_persons"] > 0)
    order = {z.id: i for i, z in enumerate(layout.zones)}
    return (
        table.sort_values("place", key=lambda s: s.map(order))
        .rename(columns={"place": "zone"})
        .reset_index(drop=True)
    )


def _occupancy_bands(days: list[DaySummary]) -> pd.DataFrame:
    first = days[0].occupancy
    cube = np.stack([d.occupancy.to_numpy() for d in days])  # replication × minute × place
    mean, (p05, p50, p95) = cube.mean(axis=0), np.quantile(cube, [0.05, 0.5, 0.95], axis=0)
    minutes = np.repeat(first.index.to_numpy(), len(first.columns))
    return pd.DataFrame(
        {
            "place": np.tile(first.columns.to_numpy(), len(first.index)),
            "minute": minutes,
            "mean": mean.ravel(),
            "p50": p50.ravel(),
            "p05": p05.ravel(),
            "p95": p95.ravel(),
        }
    )


def _guide_bands(days: list[DaySummary]) -> pd.DataFrame:
    cube = np.stack([d.guides[["on_duty", "busy"]].to_numpy() for d in days])
    out = pd.DataFrame({"minute": days[0].guides.index.to_numpy()})
    for j, name in enumerate(("on_duty", "busy")):
        out[f"{name}_mean"] = cube[:, :, j].mean(axis=0)
        out[f"{name}_p05"], out[f"{name}_p95"] = np.quantile(cube[:, :, j], [0.05, 0.95], axis=0)
    return out


def zone_occupancy_table(results: Results, layout: Layout, scenario: Scenario) -> pd.DataFrame:
    """Minute-by-minute persons in each zone (mean and 5–95% band) with the density it means."""
    zones = {z.id: z for z in layout.zones if z.area_m2 is not None}
    table = results.occupancy[results.occupancy["place"].isin(list(zones))].copy()
    table.insert(1, "clock", [scenario.clock_at(m) for m in table["minute"]])
    area = table["place"].map({k: z.area_m2 for k, z in zones.items()})
    table["m2_per_person"] = area / table["mean"].where(table["mean"] > 0)
    return table.rename(
        columns={"place": "zone", "mean": "persons_mean", "p05": "persons_p05", "p95": "persons_p95"}
    )


def pooled_share(within: np.ndarray, waited: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A share per slot pooled over days (day × slot counts of successes and trials), with a 95% CI.

    The share is a ratio of totals over replications; its CI uses the ratio estimator's
    variance across replications (each day is one independent cluster of parties).
    """
    from scipy.special import stdtrit

    within, waited = np.asarray(within, dtype=float), np.asarray(waited, dtype=float)
    k = len(within)
    total = waited.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = within.sum(axis=0) / total
        resid = within - share * waited
        se = (
            np.sqrt((resid**2).sum(axis=0) / (k * (k - 1))) / (total / k)
            if k > 1
            else np.full_like(share, np.nan)
        )
    half = stdtrit(k - 1, 0.975) * se if k > 1 else se
    return share, np.clip(share - half, 0, 1), np.clip(share + half, 0, 1)
