"""Fitting dwell and patience distributions: maximum likelihood, censored where it must be, AIC."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

MIN_FIT = 5  # fewer observations than this: no fit, the base scenario's value stays


@dataclass(frozen=True)
class Fit:
    """A fitted dwell or patience distribution, with how it was chosen."""

    dist: str
    mean_min: float
    cv: float
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
    best = min(aic, key=lambda name: aic[name])
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

        found = optimize.minimize(
            minus_ll, starts[name], method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-8}
        )
        fits[name] = (family(*found.x), 2)
    aic = {
        name: 2 * k - 2 * float(dist.logpdf(t[event]).sum() + dist.logsf(t[~event]).sum())
        for name, (dist, k) in fits.items()
    }
    best = min(aic, key=lambda name: aic[name])
    dist = fits[best][0]
    return Fit(
        best, float(dist.mean()), float(dist.std() / dist.mean()), len(t), aic, None, int((~event).sum())
    )
