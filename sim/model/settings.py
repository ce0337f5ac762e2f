"""The planners' settings in a scenario: staffing (shifts, cleaning, security), congestion thresholds, evacuation inputs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.core.clock import Clock
from sim.model import limits as L
from sim.model.distributions import Distribution, Triangular
from sim.model.names import Names

_MODEL = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class StartWindow(BaseModel):
    """Shift starts every half hour from ``earliest`` to ``latest``."""

    model_config = _MODEL
    earliest: Clock
    latest: Clock


class MealBreak(BaseModel):
    """An unpaid meal break of ``hours``, starting between the given hours into the shift."""

    model_config = _MODEL
    hours: float = Field(1.0, gt=0, le=3)
    earliest_after_h: float = Field(3.0, ge=0, le=24)
    latest_after_h: float = Field(5.0, ge=0, le=24)


class Shift(BaseModel):
    """A shift template the roster may use, as many times as it needs (up to ``max_count``)."""

    model_config = _MODEL
    name: Names = Field(description="the shift's name: a text, or {zh: …, en: …}")
    starts: list[Clock] | None = Field(None, description="allowed start times")
    start_window: StartWindow | None = Field(None, description="or: every half hour in a window")
    hours: float = Field(gt=0, le=14, description="time on site, in half hours")
    meal_break: MealBreak | None = None
    cost_per_hour: float = Field(1.0, gt=0, le=L.WEIGHT, description="relative cost of a paid hour")
    max_count: int | None = Field(
        None, ge=0, le=L.GUIDES, description="at most this many (e.g. the temporary pool)"
    )


class Cleaning(BaseModel):
    """Cleaners from foot traffic; every zone with visitors is cleaned within ``within_min``."""

    model_config = _MODEL
    visitors_per_clean: float = Field(
        60.0, gt=0, le=L.VISITORS_PER_DAY, description="visitors between two cleans of a zone"
    )
    restroom_visitors_per_clean: float = Field(20.0, gt=0, le=L.VISITORS_PER_DAY)
    minutes_per_clean: float = Field(6.0, gt=0, le=L.MINUTES)
    productive_share: float = Field(0.8, gt=0, le=1, description="share of a cleaner's time spent cleaning")
    within_min: float = Field(30.0, gt=0, le=L.MINUTES)


class Security(BaseModel):
    """Security: fixed posts (from the layout), patrols by floor area, evacuation marshals."""

    model_config = _MODEL
    patrol_area_m2: float = Field(
        1500.0, gt=0, le=L.AREA_M2, description="floor area one patrolling guard covers"
    )
    marshals_per_exit: int = Field(1, ge=0, le=L.POSTS, description="marshals at each exit in an evacuation")
    persons_per_marshal: float = Field(
        100.0, gt=0, le=L.ZONE_PERSONS, description="and one more per this many inside"
    )


class Congestion(BaseModel):
    """Thresholds of the congestion flags (``anchang congestion``)."""

    model_config = _MODEL
    density_level: Literal["C", "D", "E", "F"] = Field(
        "E", description="flag zones at this Fruin level or worse"
    )
    queue_parties: int = Field(
        10, ge=1, le=L.PARTIES_PER_DAY, description="flag queues longer than this many parties"
    )
    counter_flow_persons: int = Field(
        10, ge=1, le=L.VISITORS_PER_DAY, description="per direction per half hour to flag a counter-flow"
    )
    crossing_persons: int = Field(
        10, ge=1, le=L.VISITORS_PER_DAY, description="per movement per half hour to flag a crossing"
    )
    min_share: float = Field(
        0.2, gt=0, le=1, description="a minute counts when this share of replications shows it"
    )
    merge_gap_min: float = Field(10.0, ge=0, le=L.MINUTES, description="windows closer than this merge")


class Evacuation(BaseModel):
    """Inputs of the evacuation check (``anchang evac``); defaults are stated assumptions."""

    model_config = _MODEL
    occupants: Literal["peak", "design"] = Field(
        "peak",
        description="who is inside: persons inside at the simulated peak (the 95th percentile of days) or the code's design occupancy",
    )
    premovement: Distribution = Field(
        Triangular(dist="triangular", low_min=0.25, mode_min=0.5, high_min=1.5),
        description="from the alarm until a person starts to leave (assumption: staffed, awake visitors)",
    )
    alarm_s: float = Field(
        60.0, ge=0, le=L.SECONDS, description="detection and alarm time Td in RSET = Td + Tpre + k·Tt"
    )
    hydraulic_factor: float = Field(2.0, ge=1, le=10, description="k on the hydraulic movement time (1.5–2)")
    simulated_factor: float = Field(1.5, ge=1, le=10, description="k on the simulated movement time (1.5–2)")
    width_convention: Literal["imo", "sfpe"] = Field(
        "imo", description="imo: clear width; sfpe: clear width less boundary layers"
    )
    speed_model: Literal["sfpe", "weidmann"] = Field("sfpe", description="speed against density")
    replications: int = Field(20, ge=2, le=1000, description="simulated evacuations per variant")
    period_s: float = Field(1.0, gt=0, le=60, description="time step of the lower bounds (seconds)")
    crowded_place: bool = Field(True, description="人员密集场所: exit doors at least 1.40 m")


class Staffing(BaseModel):
    """Inputs of the staffing planner (``anchang staff``)."""

    model_config = _MODEL
    replications: int | None = Field(
        None, ge=2, le=L.REPLICATIONS, description="per evaluation (default: run.replications)"
    )
    max_guides: int = Field(
        80, ge=1, le=L.GUIDES, description="ceiling per slot; needing more is reported as infeasible"
    )
    verification_days: int = Field(
        200,
        ge=2,
        le=L.REPLICATIONS,
        description="fresh days the plan is verified on, never seen by the search",
    )
    shifts: list[Shift] | None = Field(None, description="shift templates (default: a standard set)")
    cleaning: Cleaning = Cleaning()
    security: Security = Security()
