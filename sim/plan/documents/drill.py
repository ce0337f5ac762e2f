"""The document of a drill (``anchang drill``)."""

from __future__ import annotations

from typing import Any

from sim.core.clock import format_clock
from sim.core.jsonable import rounded
from sim.model.drill import Event
from sim.plan.drill import DrillResult, FireDrill


def readable(event: Event) -> dict[str, Any]:
    """An event's fields with clock times as HH:MM."""
    data = event.model_dump()
    for key in ("at", "start", "end"):
        if isinstance(data.get(key), int):
            data[key] = format_clock(data[key])
    return data


def _fire(fire: FireDrill) -> dict[str, Any]:
    mean, low, high = fire.clearance
    return {
        "at": fire.clock,
        "at_each_days_peak": fire.at_peak,
        "persons_inside": fire.persons[0],
        "persons_inside_ci95": [fire.persons[1], fire.persons[2]],
        "clearance_s": mean,
        "clearance_ci95": [low, high],
        "clearance_p95_s": fire.clearance_p95_s,
        "lower_bound_s_mean": sum(fire.lower_bound_s) / len(fire.lower_bound_s),
        "by_exit": fire.by_exit.to_dict("records"),
    }


def drill_document(result: DrillResult) -> dict[str, Any]:
    """The events, the drilled day against the undisturbed one, and each fire alarm."""
    out: dict[str, Any] = {"events": [readable(e) for e in result.drill.events]}
    if result.day is not None:
        flags = result.day.flags
        out["day"] = {
            "kpis": rounded(result.day.kpis.to_dict("records"), 2),
            "flags": flags.astype(object).where(flags.notna(), None).to_dict("records"),
        }
    for key, fire in (("fire", result.fire), ("undisturbed_fire", result.undisturbed_fire)):
        if fire is not None:
            out[key] = rounded(_fire(fire), 2)
    return out
