"""Sweep files: a base scenario and the axes to vary."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.model import limits as L

DEFAULT_KPIS = [
    "greet_within_target_share", "greet_wait_mean_min", "parties_reneged", "peak_persons_inside",
    "guide_utilisation",
]  # fmt: skip


class SweepSpec(BaseModel):
    """A sweep file."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    name: str | None = None
    base: str = Field(description="scenario file, relative to the sweep file")
    mode: Literal["grid", "list"] = "grid"
    axes: dict[str, list[Any]] = Field(min_length=1, description="dotted path → values")
    replications: int | None = Field(None, ge=2, le=L.REPLICATIONS)
    seed: int | None = Field(None, ge=0, le=L.SEED)
    kpis: list[str] = Field(default_factory=lambda: list(DEFAULT_KPIS))
