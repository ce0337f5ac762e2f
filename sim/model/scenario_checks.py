"""Cross-checks of a scenario, alone and against its layout, that field validation cannot see."""

from __future__ import annotations

import math
from collections.abc import Iterator

from sim.core.problems import Problem, problem
from sim.model import limits
from sim.model.journey import possible_moves, stage_zones, wait_zone
from sim.model.layout import TRANSIT_KINDS, Layout
from sim.model.routes import route_table
from sim.model.scenario import Demand, QueueAtOpen, Scenario

_SUM_TOLERANCE = 1e-6
_NONE = QueueAtOpen.model_construct(parties=0)  # no queue at opening


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
            yield problem(path, "one_of_starts")
        if abs(shift.hours * 2 - round(shift.hours * 2)) > 1e-9:
            yield problem(f"{path}.hours", "whole_half_hours", hours=f"{shift.hours:g}")
        meal = shift.meal_break
        if meal is not None and not meal.earliest_after_h <= meal.latest_after_h <= shift.hours - meal.hours:
            yield problem(
                f"{path}.meal_break", "meal_break_order", earliest=f"{meal.earliest_after_h:g}",
                latest=f"{meal.latest_after_h:g}", last=f"{shift.hours - meal.hours:g}",
            )  # fmt: skip
        window = shift.start_window
        if window is not None and window.latest < window.earliest:
            yield problem(f"{path}.start_window", "latest_before_earliest")


def _check_times(s: Scenario) -> Iterator[Problem]:
    open_, close = s.hours.open, s.hours.close
    if close <= open_:
        yield problem("hours.close", "close_after_open")
        return
    if s.run.warmup_min >= close - open_:
        yield problem(
            "run.warmup_min", "warmup_too_long", warmup=f"{s.run.warmup_min:g}", length=close - open_
        )
    keys = sorted(s.demand.profile)
    if keys and (keys[0] > open_ or keys[-1] >= close):
        yield problem("demand.profile", "profile_times")
    if not any(s.demand.profile.values()):
        yield problem("demand.profile", "profile_zero")
    schedules = {"guides.schedule": s.guides.schedule} if any(st.is_guided for st in s.journey.stages) else {}
    schedules |= {f"desks.{zone_id}": schedule for zone_id, schedule in s.desks.items()}
    for path, schedule in schedules.items():
        if not schedule:
            yield problem(path, "needs_an_entry")
            continue
        if min(schedule) > open_:
            yield problem(path, "first_at_opening")
        if schedule[max(schedule)] == 0:
            yield problem(path, "ends_with_nobody")
    for i, group in enumerate(s.demand.groups):
        if not open_ <= group.at < close:
            yield problem(f"demand.groups[{i}].at", "within_hours")
    for i, appointment in enumerate(s.demand.appointments):
        if not open_ <= appointment.at < close:
            yield problem(f"demand.appointments[{i}].at", "within_hours")


def _check_sum(path: str, weights: dict) -> Iterator[Problem]:
    total = sum(weights.values())
    if abs(total - 1.0) > _SUM_TOLERANCE:
        yield problem(path, "sum_to_one", total=f"{total:g}")


def _check_demand(demand: Demand) -> Iterator[Problem]:
    if (demand.parties is None) == (demand.visitors is None):
        yield problem("demand", "one_of_parties")
    yield from _check_sum("demand.party_size", demand.party_size)
    size = demand.mean_party_size
    persons = demand.expected_parties * size + sum(g.persons for g in demand.groups)
    persons += size * (sum(a.parties for a in demand.appointments) + (demand.queue_at_open or _NONE).parties)
    if persons > limits.VISITORS_PER_DAY:
        yield problem(
            "demand", "too_many_persons", persons=f"{persons:,.0f}", limit=f"{limits.VISITORS_PER_DAY:,}"
        )


def _check_stages(s: Scenario) -> Iterator[Problem]:
    seen: list[str] = []
    guided_seen = False
    for i, stage in enumerate(s.journey.stages):
        path = f"journey.stages[{i}]"
        if stage.id in seen:
            yield problem(f"{path}.id", "duplicate_stage", id=repr(stage.id))
        if stage.only_if is not None and stage.only_if not in seen:
            yield problem(f"{path}.only_if", "not_earlier_listed", id=repr(stage.only_if), earlier=str(seen))
        if stage.revisit is not None and stage.revisit.stage not in seen:
            yield problem(f"{path}.revisit.stage", "not_earlier", id=repr(stage.revisit.stage))
        if stage.visits is not None:
            yield from _check_sum(f"{path}.visits", stage.visits)
        if guided_seen and not stage.is_guided:
            yield problem(f"{path}.guided", "unguided_after_guided")
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
            yield problem(f"{path}.kind", "no_zone_of_kind", kind=repr(stage.kind))
            continue
        for zone_id in stage.zones or {}:
            zone = layout.zone.get(zone_id)
            if zone is None or zone.kind != stage.kind:
                yield problem(f"{path}.zones.{zone_id}", "no_such_kind_zone", kind=stage.kind)
        if stage.visits is not None and max(stage.visits) > len(stage_zones(layout, stage)):
            yield problem(
                f"{path}.visits", "too_many_visits", most=max(stage.visits),
                zones=len(stage_zones(layout, stage)), kind=stage.kind,
            )  # fmt: skip


def _check_staff_zones(layout: Layout, s: Scenario) -> Iterator[Problem]:
    wait = wait_zone(layout, s)
    if any(st.is_guided for st in s.journey.stages):
        if wait is None:
            yield problem("guides.wait_zone", "no_wait_zone")
        elif wait not in layout.zone:
            yield problem("guides.wait_zone", "unknown_zone", id=repr(wait))
    for zone_id, schedule in s.desks.items():
        zone = layout.zone.get(zone_id)
        if zone is None or zone.desks is None:
            yield problem(f"desks.{zone_id}", "no_desk_zone")
        elif max(schedule.values()) > zone.desks:
            yield problem(f"desks.{zone_id}", "too_many_desks", desks=zone.desks)
    for zone_id in s.demand.entrances or {}:
        if zone_id not in layout.zone or layout.zone[zone_id].kind != "entrance":
            yield problem(f"demand.entrances.{zone_id}", "no_entrance_zone")
    for i, closure in enumerate(s.policies.closures):
        for zone_id in closure.zones:
            if zone_id not in layout.zone:
                yield problem(f"policies.closures[{i}].zones", "unknown_zone", id=repr(zone_id))
        if closure.end <= closure.start:
            yield problem(f"policies.closures[{i}]", "end_after_start")


def _check_routes_and_fit(layout: Layout, s: Scenario) -> Iterator[Problem]:
    routes = route_table(layout)
    exits = [z.id for z in layout.zones if z.kind == "entrance" or z.visitor_exit]
    used = {z for move in possible_moves(layout, s) for z in move}
    for origin, destination in sorted(possible_moves(layout, s)):
        if destination not in routes[origin]:
            yield problem(
                "journey",
                "no_route",
                a=repr(origin),
                b=repr(destination),
                kinds=", ".join(sorted(TRANSIT_KINDS)),
            )
    for origin in sorted(used):
        if layout.zone[origin].kind != "entrance" and not any(e in routes[origin] for e in exits):
            yield problem("journey", "no_route_out", a=repr(origin))
    yield from _check_fit(layout, s, sorted(used))


def _check_fit(layout: Layout, s: Scenario, used: list[str]) -> Iterator[Problem]:
    largest = max(s.demand.party_size) + 1  # the guide walks in with the party
    for zone_id in dict.fromkeys(used):
        cap = layout.zone[zone_id].max_persons
        if cap is not None and largest > cap:
            yield problem(
                "demand.party_size", "party_never_fits", persons=largest - 1, id=repr(zone_id), cap=cap
            )
    for i, passage in enumerate(layout.passages):
        if passage.kind == "shuttle" and passage.seats is not None and largest > passage.seats:
            yield problem(
                "demand.party_size", "party_not_in_shuttle", persons=largest - 1, with_guide=largest,
                seats=passage.seats, id=repr(passage.pid), index=i,
            )  # fmt: skip
    limits = {
        "policies.max_inside_persons": s.policies.max_inside_persons,
        "policies.batch_admission.persons": s.policies.batch_admission.persons
        if s.policies.batch_admission
        else None,
    }
    for path, limit in limits.items():
        if limit is not None and largest - 1 > limit:
            yield problem(path, "smaller_than_party", limit=limit, persons=largest - 1)
    if not math.isfinite(s.demand.expected_parties):
        yield problem("demand", "parties_not_finite")
