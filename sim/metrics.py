"""Metrics: pure functions from event logs to tidy tables, and across replications with CIs.

Definitions (the README repeats them):
- *Greeting wait*: from joining the guide queue (``wait_guide``) to the greeting. The wait
  statistics are over greeted parties; the *share within target* counts every party that
  waited for a guide, and a party that gave up counts as a failure (Erlang-A convention
  "greeted within t", research/queueing.md §2.1).
- *Served*: greeted by a guide. *Inside at close*: admitted, not yet left at closing time.
- *Occupancy*: visitors plus their guide, from ``enter``/``leave`` rows; sampled each minute.
- Across replications (independent days): mean ± t(n−1, 0.975)·s/√n (Law 2015, ch. 9).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # t quantile; far lighter to import than scipy.stats

from sim import eventlog as ev
from sim.layout import Layout
from sim.queues import minute_series, through_movements
from sim.scenario import Scenario
from sim.steps import level_at, step_levels, time_average, window_max

SLOT_S = 1800.0  # half an hour
GRID_S = 60.0  # occupancy sampled every minute
OVERTIME_S = 3 * 3600.0  # the minute grid runs this long past closing (maxima are exact anyway)


@dataclass
class DaySummary:
    """What one replication keeps: small tables, never the event log."""

    replication: int
    kpis: dict[str, float]
    half_hours: pd.DataFrame  # one row per half-hour slot
    zones: pd.DataFrame  # one row per zone or passage: max, p95, mean persons
    occupancy: pd.DataFrame  # minute × place headcount (float32)
    guides: pd.DataFrame  # minute × (on_duty, busy)
    flows: pd.DataFrame  # slot × directed passage: parties, persons
    series: pd.DataFrame = field(default_factory=pd.DataFrame)  # minute × queue and flow columns
    through: pd.DataFrame = field(default_factory=pd.DataFrame)  # slot × zone × from × to: persons


@dataclass
class Results:
    """Replications summarised: every figure with its 95% confidence interval."""

    scenario: str
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


def _range(name: str) -> tuple[float, float]:
    """Natural range of a metric: every one is non-negative; shares and utilisations are ≤ 1."""
    return (0.0, 1.0) if "share" in name or "utilisation" in name else (0.0, math.inf)


# --- one day ---------------------------------------------------------------------------------


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


def places(layout: Layout) -> list[str]:
    """Every place occupancy is kept for: zones, then directed passage keys, in layout order."""
    keys = [ev.passage_key(u, v) for u, v in layout.graph.edges]
    return [z.id for z in layout.zones] + keys


def day_grid(scenario: Scenario) -> np.ndarray:
    """The minute grid (seconds) from opening to ``OVERTIME_S`` past closing."""
    return np.arange(0.0, scenario.day_s + OVERTIME_S + GRID_S / 2, GRID_S)


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


def place_peaks(log: pd.DataFrame, grid_occupancy: pd.DataFrame, open_s: float) -> pd.DataFrame:
    """Per place: exact maximum over the day, and p95 and mean of the minutely headcount in hours."""
    moves = log[log["event"].isin([ev.ENTER, ev.LEAVE])]
    heads = (moves["persons"] + (moves["guide"] >= 0)) * np.where(moves["event"] == ev.ENTER, 1, -1)
    names = moves["place"].astype(str)
    maxima = heads.groupby(names).cumsum().groupby(names).max()
    in_hours = grid_occupancy[grid_occupancy.index * 60.0 < open_s]
    return pd.DataFrame(
        {
            "max_persons": maxima.reindex(grid_occupancy.columns).fillna(0).astype(float),
            "p95_persons": in_hours.quantile(0.95),
            "mean_persons": in_hours.mean(),
        }
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


def guide_utilisation(log: pd.DataFrame, day_s: float) -> float:
    """Busy guide-time over on-duty guide-time during opening hours."""
    duty = log[log["event"].isin([ev.GUIDE_ON, ev.GUIDE_OFF])]
    busy = log[log["event"].isin([ev.GREET, ev.GOODBYE])]
    on = time_average(
        *step_levels(duty["t"].to_numpy(), np.where(duty["event"] == ev.GUIDE_ON, 1, -1)), 0.0, day_s
    )
    used = time_average(
        *step_levels(busy["t"].to_numpy(), np.where(busy["event"] == ev.GREET, 1, -1)), 0.0, day_s
    )
    return used / on if on > 0 else math.nan


def service_utilisation(log: pd.DataFrame, layout: Layout, scenario: Scenario) -> dict[str, float]:
    """Share of staffed desk, place or table time in use, per zone, during opening hours."""
    out = {}
    for zone in layout.zones:
        units = zone.desks or zone.places or zone.tables
        if not units:
            continue
        rows = log[(log["place"] == zone.id) & log["event"].isin([ev.START, ev.END])]
        times, levels = step_levels(rows["t"].to_numpy(), np.where(rows["event"] == ev.START, 1, -1))
        used = time_average(times, levels, 0.0, scenario.day_s)
        staffed = _staffed_units(scenario, zone.id, units)
        out[zone.id] = used / staffed if staffed > 0 else math.nan
    return out


def _staffed_units(scenario: Scenario, zone_id: str, units: int) -> float:
    schedule = scenario.desks.get(zone_id)
    if not schedule:
        return float(units)
    keys = sorted(schedule)
    times = np.array([scenario.seconds(k) for k in keys])
    levels = np.array([schedule[k] for k in keys], dtype=float)
    return time_average(times, levels, 0.0, scenario.day_s)


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
        **{f"utilisation.{k}": v for k, v in service_utilisation(log, layout, scenario).items()},
    }
    return DaySummary(
        replication=replication,
        kpis=kpis,
        half_hours=half_hour_table(log, parties, scenario, guides),
        zones=place_peaks(log, occupancy, day_s),
        occupancy=occupancy,
        guides=guides,
        flows=flow_table(log),
        series=minute_series(log, grid, {z.id for z in layout.zones if z.desks or z.places or z.tables}),
        through=through_movements(log, SLOT_S),
    )


# --- across replications -------------------------------------------------------------------


def _ci_columns(frame: pd.DataFrame, by: str | list[str], columns: list[str]) -> pd.DataFrame:
    """Mean and 95% CI of ``columns`` within groups of ``by`` (one value per replication)."""
    out = []
    for key, group in frame.groupby(by, sort=True):
        row = dict(
            zip([by] if isinstance(by, str) else by, key if isinstance(key, tuple) else (key,), strict=True)
        )
        for column in columns:
            mean, low, high = ci95(group[column].to_numpy(), *_range(column))
            row[column] = mean
            row[f"{column}_ci_low"] = low
            row[f"{column}_ci_high"] = high
        out.append(row)
    return pd.DataFrame(out)


def aggregate(days: list[DaySummary], layout: Layout, scenario: Scenario, seed: int) -> Results:
    """Combine replications: means with t-based 95% confidence intervals."""
    days = sorted(days, key=lambda d: d.replication)
    kpi_frame = pd.DataFrame([d.kpis for d in days])
    kpi_rows = []
    for name in kpi_frame.columns:
        values = kpi_frame[name].to_numpy(dtype=float)
        mean, low, high = ci95(values, *_range(name))
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
    half_cols = [c for c in half.columns if c not in ("slot", "start_min", "replication")]
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
    table = _ci_columns(frame, "place", ["max_persons", "p95_persons", "mean_persons"])
    zone_ids = {z.id for z in layout.zones}
    table = table[table["place"].isin(zone_ids)].copy()  # passages are reported in flows
    table["name"] = [layout.zone[p].label for p in table["place"]]
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
