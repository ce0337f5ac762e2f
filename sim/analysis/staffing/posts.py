"""The other posts, each by a stated rule, from one unconstrained simulated day per replication.

The loads come from a run with ample guides, desks and tables (``relaxed``), so they are what
the visitors offer, not what the current layout lets through.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.staffing.loads import LoadDay
from sim.analysis.staffing.queueing import servers_for
from sim.model.layout import Layout
from sim.model.scenario import Scenario

AMPLE = 999  # desks, places and tables in the relaxed layout


def relaxed(layout: Layout) -> Layout:
    """The layout with ample desks, places and tables (a new object: layouts cache their graph).

    Built without validation: ``AMPLE`` is beyond what a file may hold, on purpose.
    """
    zones = [
        z.model_copy(update={f: AMPLE for f in ("desks", "places", "tables") if getattr(z, f) is not None})
        for z in layout.zones
    ]
    return Layout.model_construct(**(dict(layout) | {"zones": zones}))


def other_posts(
    days: list[LoadDay], layout: Layout, scenario: Scenario
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """Staff per half hour for each post, and the fields of the rule each follows.

    The rule of a post is the catalogue text ``findings.post_rule.<post>`` filled with its fields.
    """
    share, minutes = scenario.targets.greet_share, scenario.targets.greet_within_min
    posts = {
        "reception": _sipp(days, "reception", share, minutes),
        "negotiation_tables": _mol(days, "negotiation", share, minutes),
        "signing": _mol(days, "signing", share, minutes),
        "payment": _mol(days, "payment", share, minutes),
        "cleaners": _cleaners(days, layout, scenario),
        "security": _security(days, layout, scenario),
        "evacuation_marshals": _marshals(days, layout, scenario),
    }
    c, s = scenario.staffing.cleaning, scenario.staffing.security
    service = {"share": f"{share:.0%}", "minutes": f"{minutes:g}"}
    rules: dict[str, dict[str, Any]] = {
        "reception": service, "negotiation_tables": service, "signing": service, "payment": service,
        "cleaners": {"within": f"{c.within_min:g}", "per": f"{c.visitors_per_clean:g}",
                     "rest": f"{c.restroom_visitors_per_clean:g}", "clean": f"{c.minutes_per_clean:g}",
                     "productive": f"{c.productive_share:.0%}"},
        "security": {"fixed": sum(z.security_posts for z in layout.zones), "area": f"{s.patrol_area_m2:g}"},
        "evacuation_marshals": {"per_exit": s.marshals_per_exit, "exits": len(layout.zones_of("exit")),
                                "persons": f"{s.persons_per_marshal:g}"},
    }  # fmt: skip
    return pd.DataFrame(posts), rules


def _mean_service_min(days: list[LoadDay], kind: str) -> float:
    total = sum(d.service_s[kind][0] for d in days if not math.isnan(d.service_s[kind][0]))
    count = sum(d.service_s[kind][1] for d in days)
    return total / count / 60.0 if count else math.nan


def _sipp(days: list[LoadDay], kind: str, share: float, minutes: float) -> list[int]:
    starts = np.mean([d.starts[kind] for d in days], axis=0)
    service = _mean_service_min(days, kind)
    return [servers_for(n / 30.0 * service, service, minutes, share) if n > 0 else 0 for n in starts]


def _mol(days: list[LoadDay], kind: str, share: float, minutes: float) -> list[int]:
    load = np.mean([d.in_service[kind] for d in days], axis=0)
    service = _mean_service_min(days, kind)
    return [servers_for(a, service, minutes, share) if a > 0 else 0 for a in load]


def _cleaners(days: list[LoadDay], layout: Layout, scenario: Scenario) -> list[int]:
    rule = scenario.staffing.cleaning
    workload: float | np.ndarray = 0.0  # cleaning minutes per window, an array once a zone counts
    for zone in layout.zones:
        if zone.area_m2 is None or zone.kind in ("entrance", "exit"):
            continue
        visitors = np.mean([d.visitors[zone.id] for d in days], axis=0)
        per = rule.restroom_visitors_per_clean if zone.kind == "restroom" else rule.visitors_per_clean
        cleans = np.where(visitors > 0, np.maximum(1, np.ceil(visitors / per)), 0)
        workload = workload + cleans * rule.minutes_per_clean
    capacity = rule.within_min * rule.productive_share  # cleaning minutes one cleaner gives per window
    return [math.ceil(w / capacity) for w in np.atleast_1d(workload)]


def _security(days: list[LoadDay], layout: Layout, scenario: Scenario) -> list[int]:
    floor = sum(z.area_m2 or 0.0 for z in layout.zones if z.kind not in ("entrance", "exit"))
    patrols = math.ceil(floor / scenario.staffing.security.patrol_area_m2)
    fixed = sum(z.security_posts for z in layout.zones)
    return [fixed + patrols] * len(days[0].arrivals)


def _marshals(days: list[LoadDay], layout: Layout, scenario: Scenario) -> list[int]:
    rule = scenario.staffing.security
    exits = sum(1 for z in layout.zones if z.kind == "exit")
    peak = np.mean([d.inside_max for d in days], axis=0)
    return [rule.marshals_per_exit * exits + math.ceil(p / rule.persons_per_marshal) for p in peak]


_UNITS = {
    "reception": ("reception", "desks"),
    "negotiation_tables": ("negotiation", "tables"),
    "signing": ("signing", "desks"),
    "payment": ("payment", "desks"),
}


@dataclass(frozen=True)
class Shortfall:
    """A post that needs more desks or tables than the layout has."""

    post: str  # reception, negotiation_tables, signing, payment
    resource: str  # desks or tables
    needed: int  # at the busiest half hour
    have: int  # in the layout
    first: str  # the first half hour that needs more (clock time)


def layout_shortfalls(posts: pd.DataFrame, layout: Layout, starts: list[str]) -> list[Shortfall]:
    """Posts that need more desks or tables than the layout has, with the first time it happens."""
    out = []
    for role, (kind, field) in _UNITS.items():
        have = sum(getattr(z, field) or 0 for z in layout.zones_of(kind))
        need = posts[role].to_numpy()
        if len(need) and need.max() > have:
            out.append(Shortfall(role, field, int(need.max()), have, starts[int(np.argmax(need > have))]))
    return out
