"""Dwell-time and patience distributions, given in minutes in files and sampled in seconds.

Each distribution is a small frozen pydantic model with a ``dist`` tag, so YAML reads
``{dist: lognormal, mean_min: 20, cv: 0.4}`` and validation names the wrong field.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from sim.model import limits as L

_FROZEN = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Exponential(BaseModel):
    """Exponential with the given mean."""

    model_config = _FROZEN
    dist: Literal["exponential"]
    mean_min: float = Field(gt=0, le=L.MINUTES, description="mean in minutes")

    def sample_s(self, rng: np.random.Generator) -> float:
        """Draw one value in seconds."""
        return float(rng.exponential(self.mean_min * 60.0))

    def mean_s(self) -> float:
        """Mean in seconds."""
        return self.mean_min * 60.0

    def survival(self, t_s: np.ndarray) -> np.ndarray:
        """P(S > t) for t in seconds."""
        return np.exp(-np.asarray(t_s, dtype=float) / (self.mean_min * 60.0))


class LogNormal(BaseModel):
    """Lognormal given by its mean and coefficient of variation (sd / mean)."""

    model_config = _FROZEN
    dist: Literal["lognormal"]
    mean_min: float = Field(gt=0, le=L.MINUTES, description="mean in minutes")
    cv: float = Field(gt=0, le=5, description="coefficient of variation, sd / mean")

    def _params(self) -> tuple[float, float]:
        # Moments of the lognormal: sigma² = ln(1 + cv²), mu = ln(mean) − sigma²/2.
        sigma2 = math.log1p(self.cv**2)
        return math.log(self.mean_min * 60.0) - sigma2 / 2.0, math.sqrt(sigma2)

    def sample_s(self, rng: np.random.Generator) -> float:
        """Draw one value in seconds."""
        mu, sigma = self._params()
        return float(rng.lognormal(mu, sigma))

    def mean_s(self) -> float:
        """Mean in seconds."""
        return self.mean_min * 60.0

    def survival(self, t_s: np.ndarray) -> np.ndarray:
        """P(S > t) for t in seconds."""
        from scipy.special import ndtr

        mu, sigma = self._params()
        t = np.asarray(t_s, dtype=float)
        with np.errstate(divide="ignore"):
            z = (np.log(np.where(t > 0, t, 0.0)) - mu) / sigma
        return 1.0 - ndtr(z)


class Gamma(BaseModel):
    """Gamma given by its mean and coefficient of variation (shape 1/cv², scale mean·cv²)."""

    model_config = _FROZEN
    dist: Literal["gamma"]
    mean_min: float = Field(gt=0, le=L.MINUTES, description="mean in minutes")
    cv: float = Field(gt=0, le=5, description="coefficient of variation, sd / mean")

    def sample_s(self, rng: np.random.Generator) -> float:
        """Draw one value in seconds."""
        return float(rng.gamma(1.0 / self.cv**2, self.mean_min * 60.0 * self.cv**2))

    def mean_s(self) -> float:
        """Mean in seconds."""
        return self.mean_min * 60.0

    def survival(self, t_s: np.ndarray) -> np.ndarray:
        """P(S > t) for t in seconds."""
        from scipy.special import gammaincc

        t = np.maximum(np.asarray(t_s, dtype=float), 0.0)
        return gammaincc(1.0 / self.cv**2, t / (self.mean_min * 60.0 * self.cv**2))


class Triangular(BaseModel):
    """Triangular between low and high with the given mode."""

    model_config = _FROZEN
    dist: Literal["triangular"]
    low_min: float = Field(ge=0, le=L.MINUTES)
    mode_min: float = Field(ge=0, le=L.MINUTES)
    high_min: float = Field(gt=0, le=L.MINUTES)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low_min <= self.mode_min <= self.high_min or self.low_min == self.high_min:
            raise PydanticCustomError(
                "triangular_order",
                "needs low_min <= mode_min <= high_min with low_min < high_min, got {low}, {mode}, {high}",
                {"low": self.low_min, "mode": self.mode_min, "high": self.high_min},
            )
        return self

    def sample_s(self, rng: np.random.Generator) -> float:
        """Draw one value in seconds."""
        return 60.0 * float(rng.triangular(self.low_min, self.mode_min, self.high_min))

    def mean_s(self) -> float:
        """Mean in seconds."""
        return 60.0 * (self.low_min + self.mode_min + self.high_min) / 3.0

    def survival(self, t_s: np.ndarray) -> np.ndarray:
        """P(S > t) for t in seconds."""
        low, mode, high = (60.0 * v for v in (self.low_min, self.mode_min, self.high_min))
        t = np.clip(np.asarray(t_s, dtype=float), low, high)
        rising = (t - low) ** 2 / ((high - low) * (mode - low)) if mode > low else 0.0 * t
        falling = (high - t) ** 2 / ((high - low) * (high - mode)) if high > mode else 0.0 * t
        return np.where(t <= mode, 1.0 - rising, falling)


class Uniform(BaseModel):
    """Uniform between low and high."""

    model_config = _FROZEN
    dist: Literal["uniform"]
    low_min: float = Field(ge=0, le=L.MINUTES)
    high_min: float = Field(gt=0, le=L.MINUTES)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low_min >= self.high_min:
            raise PydanticCustomError(
                "uniform_order",
                "needs low_min < high_min, got {low}, {high}",
                {"low": self.low_min, "high": self.high_min},
            )
        return self

    def sample_s(self, rng: np.random.Generator) -> float:
        """Draw one value in seconds."""
        return 60.0 * float(rng.uniform(self.low_min, self.high_min))

    def mean_s(self) -> float:
        """Mean in seconds."""
        return 30.0 * (self.low_min + self.high_min)

    def survival(self, t_s: np.ndarray) -> np.ndarray:
        """P(S > t) for t in seconds."""
        low, high = self.low_min * 60.0, self.high_min * 60.0
        return np.clip((high - np.asarray(t_s, dtype=float)) / (high - low), 0.0, 1.0)


class Fixed(BaseModel):
    """Always the same value."""

    model_config = _FROZEN
    dist: Literal["fixed"]
    value_min: float = Field(ge=0, le=L.MINUTES)

    def sample_s(self, rng: np.random.Generator) -> float:
        """Return the value in seconds (draws nothing, so streams stay aligned)."""
        return self.value_min * 60.0

    def mean_s(self) -> float:
        """Mean in seconds."""
        return self.value_min * 60.0

    def survival(self, t_s: np.ndarray) -> np.ndarray:
        """P(S > t) for t in seconds."""
        return (np.asarray(t_s, dtype=float) < self.value_min * 60.0).astype(float)


class Empirical(BaseModel):
    """Resample observed values (e.g. stop-watched tours), optionally weighted."""

    model_config = _FROZEN
    dist: Literal["empirical"]
    values_min: list[Annotated[float, Field(ge=0, le=L.MINUTES)]] = Field(min_length=1, max_length=L.VALUES)
    weights: list[Annotated[float, Field(ge=0, le=L.WEIGHT)]] | None = Field(None, max_length=L.VALUES)

    @model_validator(mode="after")
    def _weights_match(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values_min):
                raise PydanticCustomError(
                    "weights_length",
                    "weights has {weights} entries but values_min has {values}",
                    {"weights": len(self.weights), "values": len(self.values_min)},
                )
            if sum(self.weights) <= 0:
                raise PydanticCustomError("weights_zero", "weights must not all be zero")
        return self

    def _probabilities(self) -> np.ndarray:
        w = np.ones(len(self.values_min)) if self.weights is None else np.array(self.weights)
        return w / w.sum()

    def sample_s(self, rng: np.random.Generator) -> float:
        """Draw one observed value, in seconds."""
        idx = rng.choice(len(self.values_min), p=self._probabilities())
        return 60.0 * float(self.values_min[idx])

    def mean_s(self) -> float:
        """Mean in seconds."""
        return 60.0 * float(np.dot(self.values_min, self._probabilities()))

    def survival(self, t_s: np.ndarray) -> np.ndarray:
        """P(S > t) for t in seconds."""
        values = 60.0 * np.asarray(self.values_min)
        t = np.asarray(t_s, dtype=float)
        return (values[None, :] > t.reshape(-1, 1)).astype(float) @ self._probabilities()


Distribution = Annotated[
    Exponential | LogNormal | Gamma | Triangular | Uniform | Fixed | Empirical,
    Field(discriminator="dist"),
]
