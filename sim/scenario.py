"""Peak-day scenario: demand, journey, staffing, policies and targets, validated then frozen.

Clock times are quoted ``"HH:MM"`` strings in files and minutes after midnight once loaded;
``Scenario.seconds(clock)`` turns them into model time (seconds from opening).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import chain
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from sim.clock import format_clock, parse_clock
from sim.distributions import Distribution, Triangular
from sim.layout import TRANSIT_KINDS, Layout, route_table
from sim.problems import Problem

Clock = Annotated[
    int,
    BeforeValidator(parse_clock),
    WithJsonSchema({"type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$"}),
]
Probability = Annotated[float, Field(ge=0, le=1)]
StageKind = Literal[
    "reception", "lounge", "sand_table", "show_unit", "negotiation", "signing", "payment",
    "restroom", "other",
]  # fmt: skip

_MODEL = ConfigDict(extra="forbid", frozen=True)
_SUM_TOLERANCE = 1e-6


class Hours(BaseModel):
    """Opening hours."""

    model_config = _MODEL
    open: Clock
    close: Clock


class Group(BaseModel):
    """A scheduled group (e.g. a bus tour, 看房团) that arrives together and splits into parties."""

    model_config = _MODEL
    at: Clock
    persons: int = Field(ge=1)
    spread_min: float = Field(2.0, ge=0, description="minutes over which the group steps in")
    label: str | None = None


class Appointment(BaseModel):
    """Booked visits: they arrive around ``at`` and go first to the next free guide."""

    model_config = _MODEL
    at: Clock
    parties: int = Field(1, ge=1)


class QueueAtOpen(BaseModel):
    """Parties already queuing outside when the doors open (launch day)."""

    model_config = _MODEL
    parties: int = Field(ge=1)


class Demand(BaseModel):
    """Who comes and when."""

    model_config = _MODEL
    parties: float | None = Field(None, gt=0, description="expected walk-in parties")
    visitors: float | None = Field(None, gt=0, description="expected walk-in persons")
    party_size: dict[Annotated[int, Field(ge=1, le=40)], Probability]
    profile: dict[Clock, Annotated[float, Field(ge=0)]] = Field(
        description="relative arrival intensity from each clock time until the next key"
    )
    groups: list[Group] = []
    appointments: list[Appointment] = []
    appointment_lateness_sd_min: float = Field(5.0, ge=0)
    queue_at_open: QueueAtOpen | None = None
    entrances: dict[str, Annotated[float, Field(gt=0)]] | None = Field(
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
    id: str
    kind: StageKind
    probability: Probability = 1.0
    only_if: str | None = Field(None, description="only parties that did this earlier stage")
    guided: bool | None = Field(None, description="with the guide; default: all but reception")
    dwell: Distribution
    zones: dict[str, Annotated[float, Field(gt=0)]] | None = Field(
        None, description="zone id: choice weight (default: all zones of the kind, equally)"
    )
    visits: dict[Annotated[int, Field(ge=1)], Probability] | None = Field(
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
    stages: list[Stage] = Field(min_length=1)


class Guides(BaseModel):
    """Guides (置业顾问) on duty by time of day."""

    model_config = _MODEL
    schedule: dict[Clock, Annotated[int, Field(ge=0)]]
    wait_zone: str | None = Field(None, description="where parties wait (default: first lounge)")


class BatchAdmission(BaseModel):
    """参观批次: let in up to ``persons`` every ``every_min`` minutes; the rest queue outside."""

    model_config = _MODEL
    persons: int = Field(ge=1)
    every_min: float = Field(gt=0)


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
    max_inside_persons: int | None = Field(None, ge=1, description="gallery occupancy cap")
    closures: list[Closure] = Field(default_factory=list, description="zones closed for a period")


class Targets(BaseModel):
    """Service targets."""

    model_config = _MODEL
    greet_within_min: float = Field(5.0, gt=0)
    greet_share: float = Field(
        0.9, gt=0, lt=1, description="share greeted within the time, strictly between 0 and 1"
    )
    evacuation_max_s: float | None = Field(None, gt=0)


class Run(BaseModel):
    """Replications and seed."""

    model_config = _MODEL
    replications: int = Field(20, ge=1, le=10_000)
    seed: int = Field(0, ge=0)


class StartWindow(BaseModel):
    """Shift starts every half hour from ``earliest`` to ``latest``."""

    model_config = _MODEL
    earliest: Clock
    latest: Clock


class MealBreak(BaseModel):
    """An unpaid meal break of ``hours``, starting between the given hours into the shift."""

    model_config = _MODEL
    hours: float = Field(1.0, gt=0, le=3)
    earliest_after_h: float = Field(3.0, ge=0)
    latest_after_h: float = Field(5.0, ge=0)


class Shift(BaseModel):
    """A shift template the roster may use, as many times as it needs (up to ``max_count``)."""

    model_config = _MODEL
    name: str
    starts: list[Clock] | None = Field(None, description="allowed start times")
    start_window: StartWindow | None = Field(None, description="or: every half hour in a window")
    hours: float = Field(gt=0, le=14, description="time on site, in half hours")
    meal_break: MealBreak | None = None
    cost_per_hour: float = Field(1.0, gt=0, description="relative cost of a paid hour")
    max_count: int | None = Field(None, ge=0, description="at most this many (e.g. the temporary pool)")


class Cleaning(BaseModel):
    """Cleaners from foot traffic; every zone with visitors is cleaned within ``within_min``."""

    model_config = _MODEL
    visitors_per_clean: float = Field(60.0, gt=0, description="visitors between two cleans of a zone")
    restroom_visitors_per_clean: float = Field(20.0, gt=0)
    minutes_per_clean: float = Field(6.0, gt=0)
    productive_share: float = Field(0.8, gt=0, le=1, description="share of a cleaner's time spent cleaning")
    within_min: float = Field(30.0, gt=0)


class Security(BaseModel):
    """Security: fixed posts (from the layout), patrols by floor area, evacuation marshals."""

    model_config = _MODEL
    patrol_area_m2: float = Field(1500.0, gt=0, description="floor area one patrolling guard covers")
    marshals_per_exit: int = Field(1, ge=0, description="marshals at each exit in an evacuation")
    persons_per_marshal: float = Field(100.0, gt=0, description="and one more per this many inside")


class Congestion(BaseModel):
    """Thresholds of the congestion flags (``anchang congestion``)."""

    model_config = _MODEL
    density_level: Literal["C", "D", "E", "F"] = Field(
        "E", description="flag zones at this Fruin level or worse"
    )
    queue_parties: int = Field(10, ge=1, description="flag queues longer than this many parties")
    counter_flow_persons: int = Field(
        10, ge=1, description="per direction per half hour to flag a counter-flow"
    )
    crossing_persons: int = Field(10, ge=1, description="per movement per half hour to flag a crossing")
    min_share: float = Field(
        0.2, gt=0, le=1, description="a minute counts when this share of replications shows it"
    )
    merge_gap_min: float = Field(10.0, ge=0, description="windows closer than this merge")


class Evacuation(BaseModel):
    """Inputs of the evacuation check (``anchang evac``); defaults are stated assumptions."""

    model_config = _MODEL
    occupants: Literal["peak", "design"] = Field(
        "peak", description="who is inside: the simulated day's peak (p95) or the code's design occupancy"
    )
    premovement: Distribution = Field(
        Triangular(dist="triangular", low_min=0.25, mode_min=0.5, high_min=1.5),
        description="from the alarm until a person starts to leave (assumption: staffed, awake visitors)",
    )
    alarm_s: float = Field(60.0, ge=0, description="detection and alarm time Td in RSET = Td + Tpre + k·Tt")
    hydraulic_factor: float = Field(2.0, ge=1, description="k on the hydraulic movement time (1.5–2)")
    simulated_factor: float = Field(1.5, ge=1, description="k on the simulated movement time (1.5–2)")
    width_convention: Literal["imo", "sfpe"] = Field(
        "imo", description="imo: clear width; sfpe: clear width less boundary layers"
    )
    speed_model: Literal["sfpe", "weidmann"] = Field("sfpe", description="speed against density")
    replications: int = Field(20, ge=2, le=1000, description="simulated evacuations per variant")
    period_s: float = Field(5.0, gt=0, le=60, description="time step of the lower bound")
    crowded_place: bool = Field(True, description="人员密集场所: exit doors at least 1.40 m")
    sprinklers: bool = Field(False, description="sprinklers: travel distances may be 25% longer")


class Staffing(BaseModel):
    """Inputs of the staffing planner (``anchang staff``)."""

    model_config = _MODEL
    replications: int | None = Field(None, ge=2, description="per evaluation (default: run.replications)")
    max_guides: int = Field(80, ge=1, description="ceiling per slot; needing more is reported as infeasible")
    shifts: list[Shift] | None = Field(None, description="shift templates (default: a standard set)")
    cleaning: Cleaning = Cleaning()
    security: Security = Security()


class Scenario(BaseModel):
    """One day's demand and operations."""

    model_config = _MODEL
    name: str
    description: str | None = Field(None, description="assumptions and their sources")
    based_on: str | None = Field(
        None, description="a variant: this scenario file, with this file's keys over it"
    )
    layout: str | None = Field(None, description="layout file, relative to this file")
    hours: Hours
    demand: Demand
    journey: Journey
    guides: Guides
    desks: dict[str, dict[Clock, Annotated[int, Field(ge=0)]]] = Field(
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


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Cross-checks within a scenario that field validation cannot see."""
    return [
        *_check_times(scenario),
        *_check_demand(scenario.demand),
        *_check_stages(scenario),
        *_check_shifts(scenario),
    ]


def _check_shifts(s: Scenario) -> Iterator[Problem]:
    for i, shift in enumerate(s.staffing.shifts or []):
        path = f"staffing.shifts[{i}]"
        if (shift.starts is None) == (shift.start_window is None):
            yield Problem(path, "give exactly one of 'starts' or 'start_window'")
        if abs(shift.hours * 2 - round(shift.hours * 2)) > 1e-9:
            yield Problem(f"{path}.hours", f"must be whole half hours, got {shift.hours:g}")
        meal = shift.meal_break
        if meal is not None and not meal.earliest_after_h <= meal.latest_after_h <= shift.hours - meal.hours:
            yield Problem(
                f"{path}.meal_break",
                "needs earliest_after_h <= latest_after_h <= hours - meal hours "
                f"({meal.earliest_after_h:g}, {meal.latest_after_h:g}, {shift.hours - meal.hours:g})",
            )
        window = shift.start_window
        if window is not None and window.latest < window.earliest:
            yield Problem(f"{path}.start_window", "latest must not be before earliest")


def _check_times(s: Scenario) -> Iterator[Problem]:
    open_, close = s.hours.open, s.hours.close
    if close <= open_:
        yield Problem("hours.close", "must be after hours.open")
        return
    keys = sorted(s.demand.profile)
    if keys and (keys[0] > open_ or keys[-1] >= close):
        yield Problem("demand.profile", "first time must be at or before opening, all before closing")
    if not any(s.demand.profile.values()):
        yield Problem("demand.profile", "all intensities are zero: nobody would come")
    schedules = {"guides.schedule": s.guides.schedule} if any(st.is_guided for st in s.journey.stages) else {}
    schedules |= {f"desks.{zone_id}": schedule for zone_id, schedule in s.desks.items()}
    for path, schedule in schedules.items():
        if not schedule:
            yield Problem(path, "needs at least one entry")
            continue
        if min(schedule) > open_:
            yield Problem(path, "first time must be at or before opening")
        if schedule[max(schedule)] == 0:
            yield Problem(path, "ends with nobody on duty: parties still waiting would wait forever")
    for i, group in enumerate(s.demand.groups):
        if not open_ <= group.at < close:
            yield Problem(f"demand.groups[{i}].at", "must be within opening hours")
    for i, appointment in enumerate(s.demand.appointments):
        if not open_ <= appointment.at < close:
            yield Problem(f"demand.appointments[{i}].at", "must be within opening hours")


def _check_sum(path: str, weights: dict) -> Iterator[Problem]:
    total = sum(weights.values())
    if abs(total - 1.0) > _SUM_TOLERANCE:
        yield Problem(path, f"probabilities must sum to 1, got {total:g}")


def _check_demand(demand: Demand) -> Iterator[Problem]:
    if (demand.parties is None) == (demand.visitors is None):
        yield Problem("demand", "give exactly one of 'parties' or 'visitors'")
    yield from _check_sum("demand.party_size", demand.party_size)


def _check_stages(s: Scenario) -> Iterator[Problem]:
    seen: list[str] = []
    guided_seen = False
    for i, stage in enumerate(s.journey.stages):
        path = f"journey.stages[{i}]"
        if stage.id in seen:
            yield Problem(f"{path}.id", f"duplicate stage id {stage.id!r}")
        if stage.only_if is not None and stage.only_if not in seen:
            yield Problem(f"{path}.only_if", f"{stage.only_if!r} is not an earlier stage; earlier: {seen}")
        if stage.revisit is not None and stage.revisit.stage not in seen:
            yield Problem(f"{path}.revisit.stage", f"{stage.revisit.stage!r} is not an earlier stage")
        if stage.visits is not None:
            yield from _check_sum(f"{path}.visits", stage.visits)
        if guided_seen and not stage.is_guided:
            yield Problem(f"{path}.guided", "an unguided stage cannot follow a guided one")
        guided_seen = guided_seen or stage.is_guided
        seen.append(stage.id)


def check_pair(layout: Layout, scenario: Scenario) -> list[Problem]:
    """Checks that need both files: stage zones exist, routes exist, parties fit."""
    problems = list(_check_stage_zones(layout, scenario))
    problems += _check_staff_zones(layout, scenario)
    if problems:
        return problems
    return list(_check_routes_and_fit(layout, scenario))


def stage_zones(layout: Layout, stage: Stage) -> dict[str, float]:
    """The zones a stage may use, with their choice weights."""
    if stage.zones is not None:
        return dict(stage.zones)
    return {z.id: 1.0 for z in layout.zones_of(stage.kind)}


def wait_zone(layout: Layout, scenario: Scenario) -> str | None:
    """Where parties wait for a guide: the configured zone, else a lounge, else reception."""
    if scenario.guides.wait_zone is not None:
        return scenario.guides.wait_zone
    for kind in ("lounge", "reception"):
        zones = layout.zones_of(kind)
        if zones:
            return zones[0].id
    return None


def entrance_weights(layout: Layout, scenario: Scenario) -> dict[str, float]:
    """Entrance zones parties arrive at, with weights."""
    if scenario.demand.entrances is not None:
        return dict(scenario.demand.entrances)
    return {layout.zones_of("entrance")[0].id: 1.0}


def _check_stage_zones(layout: Layout, s: Scenario) -> Iterator[Problem]:
    for i, stage in enumerate(s.journey.stages):
        path = f"journey.stages[{i}]"
        if not layout.zones_of(stage.kind):
            yield Problem(f"{path}.kind", f"the layout has no zone of kind {stage.kind!r}")
            continue
        for zone_id in stage.zones or {}:
            zone = layout.zone.get(zone_id)
            if zone is None or zone.kind != stage.kind:
                yield Problem(f"{path}.zones.{zone_id}", f"no {stage.kind} zone with this id in the layout")
        if stage.visits is not None and max(stage.visits) > len(stage_zones(layout, stage)):
            yield Problem(
                f"{path}.visits",
                f"up to {max(stage.visits)} different zones, but only "
                f"{len(stage_zones(layout, stage))} {stage.kind} zone(s) to choose from",
            )


def _check_staff_zones(layout: Layout, s: Scenario) -> Iterator[Problem]:
    wait = wait_zone(layout, s)
    if any(st.is_guided for st in s.journey.stages):
        if wait is None:
            yield Problem("guides.wait_zone", "no lounge or reception zone for parties to wait in")
        elif wait not in layout.zone:
            yield Problem("guides.wait_zone", f"unknown zone id {wait!r}")
    for zone_id, schedule in s.desks.items():
        zone = layout.zone.get(zone_id)
        if zone is None or zone.desks is None:
            yield Problem(f"desks.{zone_id}", "no zone with desks has this id in the layout")
        elif max(schedule.values()) > zone.desks:
            yield Problem(f"desks.{zone_id}", f"more desks staffed than the zone has ({zone.desks})")
    for zone_id in s.demand.entrances or {}:
        if zone_id not in layout.zone or layout.zone[zone_id].kind != "entrance":
            yield Problem(f"demand.entrances.{zone_id}", "no entrance zone with this id in the layout")
    for i, closure in enumerate(s.policies.closures):
        for zone_id in closure.zones:
            if zone_id not in layout.zone:
                yield Problem(f"policies.closures[{i}].zones", f"unknown zone id {zone_id!r}")
        if closure.end <= closure.start:
            yield Problem(f"policies.closures[{i}]", "end must be after start")


def possible_moves(layout: Layout, scenario: Scenario) -> set[tuple[str, str]]:
    """Every (from zone, to zone) move some party's journey can make, exits excluded."""
    stages = scenario.journey.stages
    index = {st.id: i for i, st in enumerate(stages)}
    zones = [list(stage_zones(layout, st)) for st in stages]
    wait = wait_zone(layout, scenario)
    moves: set[tuple[str, str]] = set()
    for i, stage in enumerate(stages):
        if stage.only_if is None:
            before = list(entrance_weights(layout, scenario))
            first_guided = next((j for j, st in enumerate(stages) if st.is_guided), None)
            if stage.is_guided and wait is not None:
                before = [*before, *chain.from_iterable(zones[: first_guided or 0])]
                moves |= {(b, wait) for b in before} | {(wait, z) for z in zones[i]}
                before = [wait]
            lo = 0
        else:
            before, lo = [], index[stage.only_if]
        before += [*chain.from_iterable(zones[lo:i]), *zones[i]]  # earlier stages, another zone of this one
        moves |= {(b, z) for b in before for z in zones[i] if b != z}
        if stage.revisit is not None:
            back = zones[index[stage.revisit.stage]]
            after = list(chain.from_iterable(zones[i + 1 :]))
            moves |= {(z, r) for z in zones[i] for r in back if z != r}
            moves |= {(r, a) for r in back for a in after if r != a}
    return moves


def _check_routes_and_fit(layout: Layout, s: Scenario) -> Iterator[Problem]:
    routes = route_table(layout)
    exits = [z.id for z in layout.zones if z.kind == "entrance" or z.visitor_exit]
    used = {z for move in possible_moves(layout, s) for z in move}
    for origin, destination in sorted(possible_moves(layout, s)):
        if destination not in routes[origin]:
            yield Problem(
                "journey",
                f"no visitor route from {origin!r} to {destination!r}: routes may pass only "
                f"through {', '.join(sorted(TRANSIT_KINDS))} zones",
            )
    for origin in sorted(used):
        if layout.zone[origin].kind != "entrance" and not any(e in routes[origin] for e in exits):
            yield Problem("journey", f"no visitor route from {origin!r} to an entrance or visitor exit")
    yield from _check_fit(layout, s, sorted(used))


def _check_fit(layout: Layout, s: Scenario, used: list[str]) -> Iterator[Problem]:
    largest = max(s.demand.party_size) + 1  # the guide walks in with the party
    for zone_id in dict.fromkeys(used):
        cap = layout.zone[zone_id].max_persons
        if cap is not None and largest > cap:
            yield Problem(
                "demand.party_size",
                f"a party of {largest - 1} with its guide can never enter {zone_id!r} (max_persons {cap})",
            )
    for i, passage in enumerate(layout.passages):
        if passage.kind == "shuttle" and passage.seats is not None and largest > passage.seats:
            yield Problem(
                "demand.party_size",
                f"a party of {largest - 1} with its guide ({largest}) does not fit the {passage.seats} "
                f"seats of shuttle {passage.pid!r} (passages[{i}])",
            )
    limits = {
        "policies.max_inside_persons": s.policies.max_inside_persons,
        "policies.batch_admission.persons": s.policies.batch_admission and s.policies.batch_admission.persons,
    }
    for path, limit in limits.items():
        if limit is not None and largest - 1 > limit:
            yield Problem(path, f"{limit} is smaller than the largest party ({largest - 1})")
    if not math.isfinite(s.demand.expected_parties):
        yield Problem("demand", "expected parties is not finite")
