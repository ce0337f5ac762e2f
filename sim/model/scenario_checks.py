"""Cross-checks of a scenario, alone and against its layout, that field validation cannot see."""

from __future__ import annotations

import math
from collections.abc import Iterator

from sim.core.problems import Problem
from sim.model.journey import possible_moves, stage_zones, wait_zone
from sim.model.layout import TRANSIT_KINDS, Layout
from sim.model.routes import route_table
from sim.model.scenario import Demand, Scenario

_SUM_TOLERANCE = 1e-6


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
