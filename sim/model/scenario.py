"""Peak-day scenario: demand, journey, staffing, policies and targets, validated then frozen.

Clock times are quoted ``"HH:MM"`` strings in files and minutes after midnight once loaded;
``Scenario.seconds(clock)`` turns them into model time (seconds from opening).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.core.clock import Clock, ClosingClock, format_clock
from sim.model import limits as L
from sim.model.distributions import Distribution
from sim.model.names import Names
from sim.model.settings import Congestion, Evacuation, Staffing

Probability = Annotated[float, Field(ge=0, le=1)]


StageKind = Literal[
    "reception", "lounge", "sand_table", "show_unit", "negotiation", "signing", "payment",
    "restroom", "other",
]  # fmt: skip


_MODEL = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Hours(BaseModel):
    """Opening hours."""

    model_config = _MODEL
    open: Clock
    close: ClosingClock = Field(description='"HH:MM"; past "24:00" for a study longer than a day')


class Group(BaseModel):
    """A scheduled group (e.g. a bus tour, 看房团) that arrives together and splits into parties."""

    model_config = _MODEL
    at: Clock
    persons: int = Field(ge=1, le=L.GROUP_PERSONS)
    spread_min: float = Field(2.0, ge=0, le=L.MINUTES, description="minutes over which the group steps in")
    label: str | None = None


class Appointment(BaseModel):
    """Booked visits: they arrive around ``at`` and go first to the next free guide."""

    model_config = _MODEL
    at: Clock
    parties: int = Field(1, ge=1, le=L.APPOINTMENT_PARTIES)


class QueueAtOpen(BaseModel):
    """Parties already queuing outside when the doors open (launch day)."""

    model_config = _MODEL
    parties: int = Field(ge=1, le=L.GROUP_PERSONS)


class Demand(BaseModel):
    """Who comes and when."""

    model_config = _MODEL
    parties: float | None = Field(None, gt=0, le=L.PARTIES_PER_DAY, description="expected walk-in parties")
    visitors: float | None = Field(None, gt=0, le=L.VISITORS_PER_DAY, description="expected walk-in persons")
    party_size: dict[Annotated[int, Field(ge=1, le=40)], Probability]
    profile: dict[Clock, Annotated[float, Field(ge=0, le=L.WEIGHT)]] = Field(
        description="relative arrival intensity from each clock time until the next key"
    )
    groups: list[Group] = Field([], max_length=L.GROUPS)
    appointments: list[Appointment] = Field([], max_length=L.GROUPS)
    appointment_lateness_sd_min: float = Field(5.0, ge=0, le=L.MINUTES)
    queue_at_open: QueueAtOpen | None = None
    entrances: dict[str, Annotated[float, Field(gt=0, le=L.WEIGHT)]] | None = Field(
        None, description="entrance zone id: weight (default: the first entrance)"
    )

    @property
    def mean_party_size(self) -> float:
        """Mean persons per party."""
        return sum(k * p for k, p in self.party_size.items())

    @property
    def expected_parties(self) -> float:
        """Expected walk-in parties, from ``parties`` or ``visitors``."""
        if self.parties is not None:
            return self.parties
        return (self.visitors or 0.0) / self.mean_party_size


class Revisit(BaseModel):
    """After a stage, go back once to an earlier stage (e.g. negotiation → show unit)."""

    model_config = _MODEL
    stage: str
    probability: Probability


class Stage(BaseModel):
    """One step of the visit."""

    model_config = _MODEL
    id: str = Field(min_length=1, max_length=L.ID_CHARS)
    kind: StageKind
    probability: Probability = 1.0
    only_if: str | None = Field(None, description="only parties that did this earlier stage")
    guided: bool | None = Field(None, description="with the guide; default: all but reception")
    dwell: Distribution
    zones: dict[str, Annotated[float, Field(gt=0, le=L.WEIGHT)]] | None = Field(
        None, description="zone id: choice weight (default: all zones of the kind, equally)"
    )
    visits: dict[Annotated[int, Field(ge=1, le=L.ZONES)], Probability] | None = Field(
        None, description="how many different zones of the kind a party visits: probability"
    )
    revisit: Revisit | None = None

    @property
    def is_guided(self) -> bool:
        """Whether the guide accompanies this stage."""
        return self.kind != "reception" if self.guided is None else self.guided


class Journey(BaseModel):
    """The visit: walking pace and the stages in order."""

    model_config = _MODEL
    walk_speed_mps: float = Field(1.0, gt=0, le=3, description="touring party pace on the level")
    # IMO MSC.1/Circ.1238 Table 1.3: 0.8 m/s up stairs vs 1.2 m/s in corridors.
    stair_speed_factor: float = Field(0.67, gt=0, le=1)
    stages: list[Stage] = Field(min_length=1, max_length=L.STAGES)


class Guides(BaseModel):
    """Guides (置业顾问) on duty by time of day."""

    model_config = _MODEL
    schedule: dict[Clock, Annotated[int, Field(ge=0, le=L.GUIDES)]]
    wait_zone: str | None = Field(None, description="where parties wait (default: first lounge)")


class BatchAdmission(BaseModel):
    """参观批次: let in up to ``persons`` every ``every_min`` minutes; the rest queue outside."""

    model_config = _MODEL
    persons: int = Field(ge=1, le=L.ZONE_PERSONS)
    every_min: float = Field(ge=L.BATCH_EVERY_MIN, le=L.MINUTES)


class Closure(BaseModel):
    """Zones closed for a period (a power cut in the show units): visits that would start then are skipped."""

    model_config = _MODEL
    zones: list[str] = Field(min_length=1)
    start: Clock
    end: Clock


class Policies(BaseModel):
    """Operating policies."""

    model_config = _MODEL
    patience: Distribution | None = Field(
        None, description="how long a walk-in party waits for a guide before leaving; null: forever"
    )
    batch_admission: BatchAdmission | None = None
    max_inside_persons: int | None = Field(None, ge=1, le=L.ZONE_PERSONS, description="gallery occupancy cap")
    closures: list[Closure] = Field(
        default_factory=list, max_length=L.GROUPS, description="zones closed for a period"
    )


class Targets(BaseModel):
    """Service targets."""

    model_config = _MODEL
    greet_within_min: float = Field(5.0, gt=0, le=L.MINUTES)
    greet_share: float = Field(
        0.9, gt=0, lt=1, description="share greeted within the time, strictly between 0 and 1"
    )
    evacuation_max_s: float | None = Field(None, gt=0, le=L.SECONDS)


class Run(BaseModel):
    """Replications and seed."""

    model_config = _MODEL
    replications: int = Field(20, ge=1, le=L.REPLICATIONS)
    seed: int = Field(0, ge=0, le=L.SEED)
    warmup_min: float = Field(
        0.0, ge=0, le=L.MINUTES,
        description="minutes after opening left out of the day's KPIs: for steady-state studies only "
        "(a gallery day starts empty, and that start is part of the day)",
    )  # fmt: skip


class Scenario(BaseModel):
    """One day's demand and operations."""

    model_config = _MODEL
    name: Names = Field(description="scenario name: a text, or {zh: …, en: …}")
    description: Names | None = Field(
        None, description="assumptions and their sources: a text, or {zh: …, en: …}"
    )
    based_on: str | None = Field(
        None, description="a variant: this scenario file, with this file's keys over it"
    )
    layout: str | None = Field(None, description="layout file, relative to this file")
    hours: Hours
    demand: Demand
    journey: Journey
    guides: Guides
    desks: dict[str, dict[Clock, Annotated[int, Field(ge=0, le=L.DESKS)]]] = Field(
        default_factory=dict, description="zone id: desks staffed from each clock time"
    )
    policies: Policies = Policies()
    targets: Targets = Targets()
    run: Run = Run()
    staffing: Staffing = Staffing()
    congestion: Congestion = Congestion()
    evacuation: Evacuation = Evacuation()

    @property
    def day_s(self) -> float:
        """Seconds from opening to closing."""
        return 60.0 * (self.hours.close - self.hours.open)

    def seconds(self, clock_minutes: int) -> float:
        """Model time (seconds from opening) of a clock time, clipped at opening."""
        return max(0.0, 60.0 * (clock_minutes - self.hours.open))

    def clock_at(self, minutes_from_open: float) -> str:
        """The clock time ("HH:MM") so many minutes after opening."""
        return format_clock((self.hours.open + minutes_from_open) % (24 * 60))

    def stage(self, stage_id: str) -> Stage:
        """Stage by id."""
        return next(s for s in self.journey.stages if s.id == stage_id)
