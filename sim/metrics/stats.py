"""Across replications: means with t-based 95% confidence intervals, bands and pooled shares."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # t quantile; far lighter to import than scipy.stats

from sim.metrics.columns import (
    GREET_WITHIN_TARGET_SHARE,
    GREETED_WITHIN_TARGET,
    HALF_HOUR_RANGES,
    KPI_RANGES,
    PARTIES_WAITING,
    POOLED_SHARES,
    UNIT_INTERVAL,
    ZONE_RANGES,
    Range,
    utilisation_key,
)
from sim.metrics.day import DaySummary
from sim.metrics.grid import SLOT_S
from sim.metrics.headcount import Peak, PeakHeadcount, typical_moment_s
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

    @cached_property
    def peak(self) -> PeakHeadcount:
        """Persons inside at the busiest moment, across the days (``sim.metrics.headcount``)."""
        return peak_headcount([d.peak for d in self.days])


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
        if name in POOLED_SHARES:
            hits, trials = POOLED_SHARES[name]
            mean, low, high = (float(v[0]) for v in pooled_share(kpi_frame[hits], kpi_frame[trials]))
        else:
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
    counts = [
        half.pivot(index="replication", columns="slot", values=col)
        for col in (GREETED_WITHIN_TARGET, PARTIES_WAITING)
    ]
    pooled = pooled_share(counts[0].to_numpy(), counts[1].to_numpy())
    for suffix, values in zip(("", "_ci_low", "_ci_high"), pooled, strict=True):
        half_hours[GREET_WITHIN_TARGET_SHARE + suffix] = values
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


Z95 = 1.959963984540054  # the standard normal's 0.975 quantile


def pooled_share(within: np.ndarray, waited: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A share pooled over days (day × slot counts of successes and trials), with a 95% CI.

    The share is the ratio of the totals (parties greeted within target over parties who waited,
    all days together). The interval is Wilson's score interval (Wilson 1927) on the pooled
    counts, with the counts shrunk by the design effect: parties of one day are correlated (one
    long queue delays many), so n is divided by deff = (variance of the ratio estimator across
    days) / (binomial variance), when that exceeds 1 (Kish 1965). It is never zero-width: a share
    with no failure in n parties still has a lower end below 1. One day alone: deff = 1.
    """
    within, waited = np.asarray(within, dtype=float), np.asarray(waited, dtype=float)
    if within.ndim == 1:
        within, waited = within[:, None], waited[:, None]
    k = len(within)
    total = waited.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = within.sum(axis=0) / total
        binomial = share * (1 - share) / total
        ratio = (
            ((within - share * waited) ** 2).sum(axis=0) / (k * (k - 1)) / (total / k) ** 2
            if k > 1
            else binomial
        )
        deff = np.where(binomial > 0, np.maximum(ratio / binomial, 1.0), 1.0)
        n = total / deff
        z2 = Z95**2
        centre = (share + z2 / (2 * n)) / (1 + z2 / n)
        half = Z95 / (1 + z2 / n) * np.sqrt(share * (1 - share) / n + z2 / (4 * n**2))
    return share, np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def paired_pooled_difference(
    hits_a: np.ndarray, trials_a: np.ndarray, hits_b: np.ndarray, trials_b: np.ndarray
) -> tuple[float, float, float, float, float]:
    """Two pooled shares on the same days (common random numbers) and B − A with its 95% CI.

    The difference of two ratio estimators, linearised day by day (the delta method): each day
    contributes (w_B − p_B n_B)/n̄_B − (w_A − p_A n_A)/n̄_A, and the t interval is taken over
    those paired terms. Returns (share A, share B, difference, CI low, CI high).
    """
    ha, na, hb, nb = (np.asarray(x, dtype=float) for x in (hits_a, trials_a, hits_b, trials_b))
    k = len(ha)
    pa, pb = ha.sum() / na.sum(), hb.sum() / nb.sum()
    terms = (hb - pb * nb) / nb.mean() - (ha - pa * na) / na.mean()
    half = float(stdtrit(k - 1, 0.975) * math.sqrt((terms**2).sum() / (k * (k - 1)))) if k > 1 else math.nan
    return float(pa), float(pb), float(pb - pa), float(pb - pa - half), float(pb - pa + half)


def peak_headcount(peaks: list[Peak]) -> PeakHeadcount:
    """Persons inside at each day's busiest moment: mean with its CI, and the 95th percentile of days.

    The percentile is an actual day's headcount (the nearest rank above), a whole number.
    """
    persons = np.array([p.persons for p in peaks], dtype=float)
    mean, low, high = ci95(persons, 0.0)
    p95 = float(np.percentile(persons, 95, method="higher")) if len(persons) else math.nan
    return PeakHeadcount(mean, low, high, p95, len(persons), typical_moment_s([p.t_s for p in peaks]))
