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
from typing import Any

import numpy as np
import pandas as pd

from sim.clock import format_clock
from sim.io import to_yaml
from sim.metrics import ci95
from sim.visitorlog import STAGE_COLUMNS, TIME_COLUMNS

SLOT_S = 1800.0
MIN_FIT = 5  # fewer observations than this: no fit, the base scenario's value stays


@dataclass(frozen=True)
class Fit:
    """A fitted dwell or patience distribution, with how it was chosen."""

    dist: str
    mean_min: float
    cv: float | None
    n: int
    aic: dict[str, float]
    ks_p: float | None = None
    censored: int = 0

    def as_distribution(self) -> dict[str, Any]:
        """The scenario file's form."""
        if self.dist == "exponential":
            return {"dist": "exponential", "mean_min": round(self.mean_min, 2)}
        return {"dist": self.dist, "mean_min": round(self.mean_min, 2), "cv": round(self.cv, 3)}


def fit_dwell(minutes: np.ndarray) -> Fit | None:
    """Exponential, gamma or lognormal, whichever has the lowest AIC, for durations in minutes."""
    from scipy import stats

    x = np.asarray(minutes, dtype=float)
    x = x[x > 0]
    if len(x) < MIN_FIT or len(np.unique(x)) < 3:
        return None  # too few, or all alike (a clock that records whole hours): nothing to fit
    shape, _, scale = stats.gamma.fit(x, floc=0)
    logs = np.log(x)
    candidates = {
        "exponential": (stats.expon(scale=x.mean()), 1),
        "gamma": (stats.gamma(shape, scale=scale), 2),
        "lognormal": (stats.lognorm(logs.std(), scale=math.exp(logs.mean())), 2),
    }
    aic = {name: 2 * k - 2 * float(dist.logpdf(x).sum()) for name, (dist, k) in candidates.items()}
    aic = {name: value for name, value in aic.items() if math.isfinite(value)}
    if not aic:
        return None
    best = min(aic, key=aic.get)
    dist = candidates[best][0]
    p = stats.kstest(x, dist.cdf).pvalue
    return Fit(best, float(dist.mean()), float(dist.std() / dist.mean()), len(x), aic, float(p))


def fit_patience(waits_min: np.ndarray, left: np.ndarray) -> Fit | None:
    """Censored maximum likelihood: ``left`` marks waits that ended in leaving unserved.

    A wait that ended in a greeting only says the patience was longer (right-censored), so it
    enters the likelihood through the survival function, not the density.
    """
    from scipy import optimize, stats

    t = np.maximum(np.asarray(waits_min, dtype=float), 1e-3)
    event = np.asarray(left, dtype=bool)
    if event.sum() < MIN_FIT:
        return None
    mean_exp = t.sum() / event.sum()  # exponential: total exposure / events, in closed form
    fits = {"exponential": (stats.expon(scale=mean_exp), 1)}
    families = {
        "lognormal": lambda a, b: stats.lognorm(math.exp(b), scale=math.exp(a)),
        "gamma": lambda a, b: stats.gamma(math.exp(a), scale=math.exp(b)),
    }
    starts = {
        "lognormal": [np.log(t[event]).mean() + 0.5, math.log(max(np.log(t[event]).std(), 0.1))],
        "gamma": [0.0, math.log(mean_exp)],
    }
    for name, family in families.items():

        def minus_ll(params: np.ndarray, family=family) -> float:
            dist = family(*params)
            return -float(dist.logpdf(t[event]).sum() + dist.logsf(t[~event]).sum())

        best = optimize.minimize(
            minus_ll, starts[name], method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-8}
        )
        fits[name] = (family(*best.x), 2)
    aic = {
        name: 2 * k - 2 * float(dist.logpdf(t[event]).sum() + dist.logsf(t[~event]).sum())
        for name, (dist, k) in fits.items()
    }
    best = min(aic, key=aic.get)
    dist = fits[best][0]
    return Fit(
        best, float(dist.mean()), float(dist.std() / dist.mean()), len(t), aic, None, int((~event).sum())
    )


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


def synthetic_log(layout, scenario, days: int, seed: int, first_date: str = "2026-09-01") -> pd.DataFrame:
    """A visitor log simulated from a known scenario: ``days`` weekdays from ``first_date``."""
    import datetime as dt

    from sim.runner import simulate
    from sim.visitorlog import synthetic_day

    dates, day = [], dt.date.fromisoformat(first_date)
    while len(dates) < days:
        if day.weekday() < 5:
            dates.append(day.isoformat())
        day += dt.timedelta(days=1)
    frames = [
        synthetic_day(simulate(layout, scenario, seed, replication), layout, scenario.hours.open * 60.0, date)
        for replication, date in enumerate(dates)
    ]
    return pd.concat(frames, ignore_index=True)


def scenario_text(cal: Calibration, base: dict[str, Any], layout: str, source: str, dropped: int) -> str:
    """The calibrated scenario as YAML, with a comment on every estimated number.

    ``base`` is the base scenario's data (its ``based_on`` merged); what the log cannot tell
    (layout, guides, desks, targets, registration) comes from it, and says so.
    """

    def dump(key: str, value: Any) -> str:
        return to_yaml({key: value}, flow=False, width=100)

    mean, low, high = cal.parties_per_day
    lines = [
        f"# Calibrated by `anchang calibrate` from {source}: {int(cal.party_size['parties'].sum())} parties on "
        f"{len(cal.days)} {cal.day_type} day(s), {dropped} row(s) dropped (see the calibration report).",
        "# Demand, stage probabilities and dwells, and patience come from the log, each with its source;",
        "# everything else is the base scenario's.",
        dump("name", f"{base.get('name', 'scenario')} — calibrated ({cal.day_type})").rstrip(),
        dump("layout", layout).rstrip(),
    ]
    for key, value in base.items():
        if key in ("name", "layout", "based_on", "description"):
            continue
        if key == "demand":
            lines += _demand_lines(cal, value, mean, low, high)
        elif key == "journey":
            lines += _journey_lines(cal, value)
        elif key == "policies":
            lines += _policy_lines(cal, value)
        else:
            lines.append(dump(key, value).rstrip())
    return "\n".join(lines) + "\n"


def _demand_lines(cal: Calibration, demand: dict, mean: float, low: float, high: float) -> list[str]:
    shares = _rounded_shares(cal.party_size)
    lines = [
        "demand:",
        f"  parties: {mean:.2f}   # mean registered parties per day over {len(cal.days)} day(s), 95% CI [{low:.2f}, {high:.2f}]",
        "  party_size:   # share of parties by size",
    ]
    total = int(cal.party_size["parties"].sum())
    lines += [
        f"    {size}: {share}   # {n} of {total} parties"
        for size, share, n in zip(cal.party_size["size"], shares, cal.party_size["parties"], strict=True)
    ]
    lines.append("  profile:   # relative intensity: mean parties registered in the half hour")
    lines += [
        f'    "{r.start}": {r.mean:.3f}   # 95% CI [{r.ci_low:.2f}, {r.ci_high:.2f}] across {len(cal.days)} day(s)'
        for r in cal.profile.itertuples()
    ]
    dropped = [k for k in ("groups", "appointments", "queue_at_open") if demand.get(k)]
    if dropped:
        lines.append(
            f"  # {', '.join(dropped)} of the base left out: the log counts every party it registered"
        )
    for key in ("entrances",):
        if demand.get(key):
            lines.append(f"  {key}: {demand[key]}   # from the base scenario")
    return lines


def _journey_lines(cal: Calibration, journey: dict) -> list[str]:

    lines = ["journey:"]
    lines += [f"  {k}: {v}   # from the base scenario" for k, v in journey.items() if k != "stages"]
    lines.append("  stages:")
    by_kind = {row.kind: row for row in cal.stages.itertuples()}
    for stage in journey["stages"]:
        row = by_kind.get(stage["kind"])
        fit = cal.fits.get(row.column) if row is not None else None
        stage = dict(stage)
        if row is None or fit is None:
            note = (
                "from the base scenario (not in the log)"
                if row is None
                else f"from the base scenario ({row.parties} parties: too few to fit)"
            )
        else:
            if stage.get("probability", 1.0) != 1.0 or row.probability < 1.0:
                stage["probability"] = round(row.probability, 4)
            stage["dwell"] = fit.as_distribution()
            dropped = [key for key in ("visits", "revisit") if stage.pop(key, None) is not None]
            parent = row.only_if if isinstance(row.only_if, str) else None
            whom = f"of {row.eligible} greeted parties" + (f" that did {parent}" if parent else "")
            note = (
                f"{row.parties} {whom} have a {row.column} time; dwell: {fit.dist}, lowest AIC ({_aics(fit)}) "
                f"on {fit.n} gaps to the next recorded time, KS p = {fit.ks_p:.2f}"
            )
            if dropped:
                note += (
                    f"; the base's {' and '.join(dropped)} left out: the log has one time per stage and party"
                )
        text = to_yaml(stage, flow=True, width=10**6).strip()
        lines.append(f"    - {text}   # {note}")
    return lines


def _policy_lines(cal: Calibration, policies: dict) -> list[str]:
    lines = ["policies:"]
    fit = cal.patience
    for key, value in policies.items():
        if key == "patience" and fit is not None:
            continue
        text = to_yaml({key: value}, flow=True, width=10**6).strip()[1:-1]  # without the braces
        why = f": only {cal.unserved} parties left unserved, too few to estimate" if key == "patience" else ""
        lines.append(f"  {text}   # from the base scenario{why}")
    if fit is not None:
        text = to_yaml(fit.as_distribution(), flow=True).strip()
        lines.append(
            f"  patience: {text}   # censored MLE: {cal.unserved} parties left unserved, {fit.censored} greeted "
            f"(censored at their wait); {fit.dist}, lowest AIC ({_aics(fit)})"
        )
    return lines


def _aics(fit: Fit) -> str:
    return ", ".join(f"{name} {value:.0f}" for name, value in sorted(fit.aic.items(), key=lambda kv: kv[1]))


def _rounded_shares(sizes: pd.DataFrame) -> list[float]:
    """Shares to 4 places that still sum to exactly 1."""
    shares = [round(s, 4) for s in sizes["share"]]
    if shares:
        biggest = int(np.argmax(shares))
        shares[biggest] = round(1.0 - sum(shares) + shares[biggest], 4)
    return shares
