"""Drills (演练): events injected into the simulated day, against the undisturbed day.

Events:
- ``fire_alarm`` at a clock time, or at ``peak``: each simulated day's own busiest moment
  (``sim.metrics.headcount``), so the persons it evacuates are the day report's persons inside at
  the peak. Everyone inside at that moment, as the simulation has them, evacuates. A party moves as one, with one
  pre-movement time: its guide leads it, or the family waits for each other. The guide counts
  as an occupant. People queuing outside are already out. The evacuation is ``sim.egress``.
- ``exit_blocked``: an exit or entrance out of use all day, and in the evacuation.
- ``closure``: zones closed for a period (a power cut in the show units).
- ``bus_group``: an unannounced group arriving at a time.
- ``rain``: walk-in arrivals in a window come ``delay_min`` later (those pushed past closing are
  lost), and only ``keep`` of them come at all.

Day events change the layout or the scenario. The drilled day runs on the same seeds as the
undisturbed one (``sim.compare``), so the KPI differences are paired.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd

from sim.analysis.evacuation.egress import egress_network, simulate_egress
from sim.analysis.evacuation.lower_bound import lower_bound_s
from sim.core.clock import format_clock
from sim.core.problems import InputError, problem, refuse
from sim.metrics.headcount import busiest_moment, typical_moment_s, whereabouts
from sim.metrics.stats import ci95
from sim.model.drill import BusGroup, Drill, ExitBlocked, FireAlarm, Rain, ZonesClosed
from sim.model.layout import SAFE_KINDS, Layout
from sim.model.layout_checks import check_layout
from sim.model.scenario import Closure, Group, Scenario
from sim.model.scenario_checks import check_pair
from sim.plan.compare import Comparison, compare
from sim.plan.settings import RunSettings
from sim.runner.replications import map_replications


def apply(layout: Layout, scenario: Scenario, drill: Drill) -> tuple[Layout, Scenario, frozenset[str]]:
    """The layout and scenario with the day events applied, and the blocked exits.

    Raises:
        InputError: if an event names an unknown zone or leaves the gallery unusable.
    """
    blocked = frozenset(e.exit for e in drill.events if isinstance(e, ExitBlocked))
    problems = [
        problem(f"events: exit_blocked {x}", "no_exit_zone")
        for x in sorted(blocked)
        if x not in layout.zone or layout.zone[x].kind not in SAFE_KINDS
    ]
    if problems:
        raise InputError(problems)
    data = layout.model_dump(by_alias=True)
    data["passages"] = [p for p in data["passages"] if p["from"] not in blocked and p["to"] not in blocked]
    new_layout = Layout.model_validate(data)
    demand = scenario.demand
    groups, closures = list(demand.groups), list(scenario.policies.closures)
    profile, parties = dict(demand.profile), demand.parties
    for event in drill.events:
        if isinstance(event, BusGroup):
            group = {"at": format_clock(event.at), "persons": event.persons, "spread_min": event.spread_min}
            groups.append(Group.model_validate(group | {"label": "unannounced"}))
        elif isinstance(event, ZonesClosed):
            window = {
                "zones": event.zones,
                "start": format_clock(event.start),
                "end": format_clock(event.end),
            }
            closures.append(Closure.model_validate(window))
        elif isinstance(event, Rain):
            profile, kept = rain_profile(profile, scenario.hours.open, scenario.hours.close, event)
            parties = parties * kept if parties is not None else None
    weights = demand.entrances or {layout.zones_of("entrance")[0].id: 1.0}
    entrances = {k: w for k, w in weights.items() if k not in blocked} or {
        z.id: 1.0 for z in layout.zones_of("entrance") if z.id not in blocked
    }
    new_demand = demand.model_copy(
        update={"groups": groups, "profile": profile, "parties": parties, "entrances": entrances or None}
    )
    if demand.visitors is not None and any(isinstance(e, Rain) for e in drill.events):
        new_demand = new_demand.model_copy(
            update={"visitors": demand.visitors * (parties or 1) / (demand.parties or 1)}
        )
    policies = scenario.policies.model_copy(update={"closures": closures})
    new_scenario = scenario.model_copy(update={"demand": new_demand, "policies": policies})
    problems = check_layout(new_layout) + check_pair(new_layout, new_scenario)
    if problems:
        raise InputError([replace(p, path=f"drill: {p.path}") for p in problems])
    return new_layout, new_scenario, blocked


def rain_profile(
    profile: dict[int, float], open_min: int, close_min: int, rain: Rain
) -> tuple[dict[int, float], float]:
    """The arrival profile with the window's walk-ins delayed (and thinned); the share kept.

    Works minute by minute on the piecewise-constant intensity; returns clock keys where it
    changes (minutes after midnight, as a loaded profile has them), and the share of the day's
    walk-ins that still come within opening hours.
    """
    minutes = np.arange(open_min, close_min)
    keys = sorted(profile)
    level = np.array(
        [profile[keys[max(0, int(np.searchsorted(keys, m, side="right")) - 1)]] for m in minutes], dtype=float
    )
    total = level.sum()
    moved = np.zeros_like(level)
    window = (minutes >= rain.start) & (minutes < rain.end)
    shift = round(rain.delay_min)
    for i in np.flatnonzero(window):
        if i + shift < len(level):
            moved[i + shift] += level[i] * rain.keep
    new = np.where(window, 0.0, level) + moved
    kept = float(new.sum() / total) if total > 0 else 1.0
    out: dict[int, float] = {}
    last = None
    for m, value in zip(minutes, new, strict=True):
        if value != last:
            out[int(m)] = float(value)
            last = value
    return out, kept


def party_places(log: pd.DataFrame, layout: Layout, scenario: Scenario, replication: int, at_s: float):
    """Where each party inside is at ``at_s``: [(zone, persons including its guide)]."""
    return whereabouts(log, layout, at_s)


def places_at_peak(log: pd.DataFrame, layout: Layout, scenario: Scenario, replication: int):
    """The day's busiest moment (seconds from opening) and where each party inside is then."""
    peak = busiest_moment(log, layout)
    return peak.t_s, whereabouts(log, layout, peak.t_s)


@dataclass
class FireDrill:
    """A fire alarm at one moment of the simulated day, over replications."""

    clock: str  # at_peak: when most days peak (each day's alarm sounds at its own busiest moment)
    at_peak: bool
    persons: tuple[float, float, float]  # inside at the alarm: mean, 95% CI
    clearance: tuple[float, float, float]
    clearance_p95_s: float
    lower_bound_s: list[float]  # per replication, for the same occupants
    clearance_s: list[float]
    by_exit: pd.DataFrame  # exit, persons (mean), last out (mean)
    occupants: pd.DataFrame  # replication × zone: persons at the alarm


def exit_table(runs: list, exits: list[str]) -> pd.DataFrame:
    """Per exit: persons out (mean over runs) and when the last one is out (mean)."""
    return pd.DataFrame(
        {
            "exit": exits,
            "persons": [float(np.mean([len(r.exit_times[e]) for r in runs])) for e in exits],
            "last_out_s": [
                float(np.mean([r.exit_times[e][-1] if len(r.exit_times[e]) else math.nan for r in runs]))
                for e in exits
            ],
        }
    )


def alarm_places(
    layout: Layout, scenario: Scenario, at: int | None, replications: int, seed: int, workers: int | None
) -> tuple[list[list[tuple[str, int]]], str]:
    """Per simulated day, where the parties inside are when the alarm sounds; and its clock time.

    Raises:
        InputError: if the time is outside opening hours.
    """
    if at is None:
        found = map_replications(places_at_peak, layout, scenario, replications, seed, workers)
        return [p for _, p in found], scenario.clock_at(typical_moment_s([t for t, _ in found]) / 60.0)
    if not scenario.hours.open <= at < scenario.hours.close:
        raise refuse("fire_alarm.at", "outside_hours_at", at=format_clock(at))
    found = map_replications(
        partial(party_places, at_s=scenario.seconds(at)), layout, scenario, replications, seed, workers
    )
    return found, format_clock(at)


def fire_drill(
    layout: Layout,
    scenario: Scenario,
    at: int | None,
    blocked: frozenset[str],
    replications: int,
    seed: int,
    workers: int | None = None,
) -> FireDrill:
    """Sound the alarm in each simulated day and evacuate who is there.

    At clock minute ``at``, or (None) at each day's own busiest moment.

    Raises:
        InputError: if the time is outside opening hours.
        NoEscapeRoute: if people somewhere have no escape route.
    """
    places, clock = alarm_places(layout, scenario, at, replications, seed, workers)
    settings = scenario.evacuation
    net = egress_network(layout, blocked, settings.width_convention, settings.speed_model)
    runs, bounds, counts = [], [], []
    for rep, parties in enumerate(places):
        rng = np.random.default_rng([seed, rep, 0xF12E])
        occupants: dict[str, int] = {}
        pre: dict[str, list[float]] = {}
        for zone, persons in parties:
            delay = settings.premovement.sample_s(rng)  # one decision per party
            occupants[zone] = occupants.get(zone, 0) + persons
            pre.setdefault(zone, []).extend([delay] * persons)
        run = simulate_egress(net, occupants, {z: np.asarray(v) for z, v in pre.items()})
        runs.append(run)
        own = {z: np.asarray(v) for z, v in pre.items()}  # each person's own pre-movement: from the alarm
        bounds.append(
            lower_bound_s(layout, occupants, settings.period_s, blocked, premovement=own)
            if occupants
            else 0.0
        )
        counts.append(occupants)
    clear = [r.clearance_s for r in runs]
    by_exit = exit_table(runs, sorted(net.exits))
    return FireDrill(
        clock=clock,
        at_peak=at is None,
        persons=ci95([sum(c.values()) for c in counts], 0.0),
        clearance=ci95(clear, 0.0),
        clearance_p95_s=float(np.percentile(clear, 95)) if clear else math.nan,
        lower_bound_s=bounds,
        clearance_s=clear,
        by_exit=by_exit,
        occupants=pd.DataFrame(counts).fillna(0).astype(int),
    )


@dataclass
class DrillResult:
    """What ``anchang drill`` reports."""

    drill: Drill
    day: Comparison | None  # undisturbed vs drilled day, paired
    fire: FireDrill | None
    undisturbed_fire: FireDrill | None  # the same alarm in the undisturbed day


def run_drill(
    *, layout: Layout, scenario: Scenario, drill: Drill, settings: RunSettings | None = None
) -> DrillResult:
    """The drilled day against the undisturbed one, and the fire alarm if there is one."""
    resolved = (settings or RunSettings()).resolve(scenario)
    reps, seed, workers = resolved.replications, resolved.seed, resolved.workers
    new_layout, new_scenario, blocked = apply(layout, scenario, drill)
    day_events = [e for e in drill.events if not isinstance(e, FireAlarm)]
    day = (
        compare(a=(layout, scenario), b=(new_layout, new_scenario), settings=settings) if day_events else None
    )
    alarms = [e for e in drill.events if isinstance(e, FireAlarm)]
    fire = base_fire = None
    if alarms:
        at = alarms[0].at
        minute = None if at == "peak" else at
        fire = fire_drill(new_layout, new_scenario, minute, blocked, reps, seed, workers)
        if day_events:
            base_fire = fire_drill(layout, scenario, minute, frozenset(), reps, seed, workers)
    return DrillResult(drill, day, fire, base_fire)
