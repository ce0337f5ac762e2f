"""Calibration: demand, journey and patience of a scenario, estimated from a visitor log.

- Arrivals: parties registered per half hour, averaged over the log's days of one day type,
  with a 95% CI across days (Poisson when there is a single day).
- Party size: the observed shares.
- Stages: the probability is the share of eligible parties with that stage's time (greeted
  parties; for a stage with ``only_if``, those that did the earlier stage). The dwell is the gap
  from the stage's time to the party's next recorded time. Exponential, gamma and lognormal are
  fitted by maximum likelihood and the lowest AIC is kept; the Kolmogorov–Smirnov p-value
  of the kept fit is reported (optimistic, since the parameters come from the same data).
- Patience: parties that left unserved give its value (waited that long, then left); greeted
  parties are right-censored at their wait (they would have waited at least that long). Exponential, gamma
  and lognormal are fitted by censored maximum likelihood and chosen by AIC. A naive mean over the
  parties that left would only see the impatient ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis.calibration.fit import Fit, fit_dwell, fit_patience
from sim.core.clock import format_clock
from sim.io.visitorlog import STAGE_COLUMNS, TIME_COLUMNS
from sim.metrics.stats import ci95

SLOT_S = 1800.0


@dataclass
class Calibration:
    """What the log says, with the numbers behind each estimate."""

    day_type: str
    days: list[str]
    parties_per_day: tuple[float, float, float]
    profile: pd.DataFrame  # start, mean, ci_low, ci_high (parties per half hour)
    party_size: pd.DataFrame  # size, parties, share
    stages: pd.DataFrame  # column, kind, eligible, parties, probability, fit columns
    fits: dict[str, Fit | None]
    patience: Fit | None
    unserved: int
    greeted: int
    day_types: pd.DataFrame = field(default_factory=pd.DataFrame)  # day type, days, parties per day


def calibrate(
    parties: pd.DataFrame, open_s: float, close_s: float, day_type: str, only_if: dict[str, str | None]
) -> Calibration:
    """Estimate from clean parties of one day type.

    ``only_if`` maps a stage column to the column of the stage it depends on (or None).
    """
    chosen = parties[parties["day_type"] == day_type]
    days = sorted(chosen["date"].unique())
    daily = chosen.groupby("date").size().reindex(days, fill_value=0).to_numpy(dtype=float)
    return Calibration(
        day_type=day_type,
        days=days,
        parties_per_day=_rate_ci(daily),
        profile=_profile(chosen, days, open_s, close_s),
        party_size=_sizes(chosen),
        stages=_stages(chosen, only_if),
        fits={column: fit_dwell(_gaps(chosen, column)) for column in STAGE_COLUMNS},
        patience=_patience(chosen),
        unserved=int(chosen["left_unserved"].sum()),
        greeted=int(chosen["greeted"].notna().sum()),
        day_types=parties.groupby("day_type")
        .agg(days=("date", "nunique"), parties=("party_id", "size"))
        .assign(parties_per_day=lambda f: f["parties"] / f["days"])
        .reset_index(),
    )


def profiles_by_day_type(parties: pd.DataFrame, open_s: float, close_s: float) -> pd.DataFrame:
    """The half-hour arrival profile with its 95% CI for every day type in the log."""
    frames = []
    for day_type, chosen in parties.groupby("day_type"):
        days = sorted(chosen["date"].unique())
        frames.append(_profile(chosen, days, open_s, close_s).assign(day_type=day_type, days=len(days)))
    return pd.concat(frames, ignore_index=True)[["day_type", "days", "start", "mean", "ci_low", "ci_high"]]


def _rate_ci(daily: np.ndarray) -> tuple[float, float, float]:
    """Mean count per day with a 95% CI: across days, or Poisson for one day."""
    if len(daily) >= 2:
        return ci95(daily, low_bound=0.0)
    from scipy import stats

    k = float(daily[0]) if len(daily) else 0.0
    low = 0.0 if k == 0 else stats.chi2.ppf(0.025, 2 * k) / 2  # exact Poisson interval (Garwood)
    return k, float(low), float(stats.chi2.ppf(0.975, 2 * k + 2) / 2)


def _profile(chosen: pd.DataFrame, days: list[str], open_s: float, close_s: float) -> pd.DataFrame:
    slots = np.arange(open_s, close_s, SLOT_S)
    index = ((chosen["registered"] - open_s) // SLOT_S).astype(int)
    counts = pd.crosstab(chosen["date"], index).reindex(index=days, columns=range(len(slots)), fill_value=0)
    rows = []
    for k, start in enumerate(slots):
        mean, low, high = _rate_ci(counts[k].to_numpy(dtype=float))
        rows.append({"start": format_clock(start / 60.0), "mean": mean, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def _sizes(chosen: pd.DataFrame) -> pd.DataFrame:
    counts = chosen["party_size"].value_counts().sort_index()
    return pd.DataFrame(
        {"size": counts.index, "parties": counts.to_numpy(), "share": counts.to_numpy() / counts.sum()}
    )


def _stages(chosen: pd.DataFrame, only_if: dict[str, str | None]) -> pd.DataFrame:
    greeted = chosen["greeted"].notna()
    rows = []
    for column, kind in STAGE_COLUMNS.items():
        if column not in only_if or chosen[column].notna().sum() == 0:
            continue  # not in the base journey, or not recorded in this log
        parent = only_if[column]
        eligible = greeted & (chosen[parent].notna() if parent else True)
        did = eligible & chosen[column].notna()
        n, k = int(eligible.sum()), int(did.sum())
        rows.append({"column": column, "kind": kind, "only_if": parent, "eligible": n, "parties": k,
                     "probability": k / n if n else math.nan})  # fmt: skip
    return pd.DataFrame(rows, columns=["column", "kind", "only_if", "eligible", "parties", "probability"])


def _gaps(chosen: pd.DataFrame, column: str) -> np.ndarray:
    """Minutes from the stage's time to the party's next recorded time."""
    if chosen[column].notna().sum() == 0:
        return np.array([])
    later = TIME_COLUMNS[TIME_COLUMNS.index(column) + 1 :]
    following = chosen[later].bfill(axis=1).iloc[:, 0]
    gaps = (following - chosen[column]) / 60.0
    return gaps[chosen[column].notna() & following.notna()].to_numpy(dtype=float)


def _patience(chosen: pd.DataFrame) -> Fit | None:
    served = chosen["greeted"].notna()
    left = chosen["left_unserved"] & chosen["left"].notna()
    waits = (
        np.where(served, chosen["greeted"] - chosen["registered"], chosen["left"] - chosen["registered"])
        / 60.0
    )
    use = (served | left).to_numpy()
    return fit_patience(waits[use], left.to_numpy()[use])
