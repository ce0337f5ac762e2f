"""Drill files (演练): the events a drill injects into the simulated day."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.core.clock import Clock
from sim.model import limits as L

_MODEL = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class FireAlarm(BaseModel):
    """The fire alarm goes at a time."""

    model_config = _MODEL
    kind: Literal["fire_alarm"]
    at: Clock | Literal["peak"] = "peak"


class ExitBlocked(BaseModel):
    """An exit (or entrance) out of use all day and in the evacuation."""

    model_config = _MODEL
    kind: Literal["exit_blocked"]
    exit: str


class ZonesClosed(BaseModel):
    """Zones closed for a period."""

    model_config = _MODEL
    kind: Literal["closure"]
    zones: list[str] = Field(min_length=1)
    start: Clock
    end: Clock


class BusGroup(BaseModel):
    """An unannounced group."""

    model_config = _MODEL
    kind: Literal["bus_group"]
    at: Clock
    persons: int = Field(ge=1, le=L.GROUP_PERSONS)
    spread_min: float = Field(2.0, ge=0, le=L.MINUTES)


class Rain(BaseModel):
    """Rain delays the walk-ins of a window, and keeps some away."""

    model_config = _MODEL
    kind: Literal["rain"]
    start: Clock
    end: Clock
    delay_min: float = Field(gt=0, le=L.MINUTES)
    keep: float = Field(1.0, gt=0, le=1, description="share of those walk-ins who still come")


Event = Annotated[FireAlarm | ExitBlocked | ZonesClosed | BusGroup | Rain, Field(discriminator="kind")]


class Drill(BaseModel):
    """A drill file: events to inject into the day."""

    model_config = _MODEL
    name: str | None = None
    events: list[Event] = Field(default_factory=list, max_length=L.GROUPS)
