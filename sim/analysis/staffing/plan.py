"""Everything the staffing planner answers: guides, the roster that covers them, the other posts."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.staffing.guides import (
    Evaluator,
    GuidePlan,
    Staffing,
    Verified,
    meets,
    plan_guides,
    with_guides,
)
from sim.analysis.staffing.loads import greeted_share, load_day, n_slots
from sim.analysis.staffing.posts import Shortfall, layout_shortfalls, other_posts, relaxed
from sim.analysis.staffing.roster import Roster, solve_roster
from sim.core.problems import InputError
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.runner.pool import process_pool
from sim.runner.replications import map_replications


@dataclass
class StaffPlan:
    """Everything ``anchang staff`` answers."""

    guides: GuidePlan
    roster: Roster
    roster_check: Verified  # the roster's coverage on the verification days
    posts: pd.DataFrame
    rules: dict[str, dict[str, Any]]  # post → the fields of its rule (findings.post_rule.<post>)
    shortfalls: list[Shortfall]
    replications: int
    seed: int
    elapsed_s: float


def verified_roster(fresh: Evaluator, requirement: Staffing, scenario: Scenario) -> tuple[Roster, Verified]:
    """The least-cost roster covering ``requirement``, verified by the plan's own rule.

    A slot under target on the verification days gets one guide more on duty than the roster
    gave it, and the roster is solved again, until every slot meets the target, or the ceiling
    or the pool of shifts (``max_count``) stops it.
    """
    target, ceiling = scenario.targets.greet_share, scenario.staffing.max_guides
    roster = solve_roster(requirement, scenario)
    while True:
        share = greeted_share(fresh.days(roster.coverage))
        short = ~meets(share[0], target)
        unmet = tuple(int(j) for j in np.flatnonzero(short))
        if not unmet:
            return roster, Verified(roster.coverage, share, fresh.replications, (), None)
        raised = tuple(
            min(ceiling, max(need, cover + 1)) if short[j] else need
            for j, (need, cover) in enumerate(zip(requirement, roster.coverage, strict=True))
        )
        if raised == requirement:
            return roster, Verified(roster.coverage, share, fresh.replications, unmet, "ceiling")
        try:
            roster, requirement = solve_roster(raised, scenario), raised
        except InputError:
            return roster, Verified(roster.coverage, share, fresh.replications, unmet, "pool")


def plan_staff(
    layout: Layout,
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int | None = None,
    verification_days: int = 200,
) -> StaffPlan:
    """Guides per half hour, the roster that covers them, and the other posts.

    ``replications`` simulated days per evaluation, all on the same seeds (common random numbers);
    the plan and the roster are verified on ``verification_days`` fresh days.
    """
    started = time.perf_counter()
    reps = replications
    with process_pool(workers) as pool:
        guides, fresh = plan_guides(layout, scenario, reps, seed, workers, pool, verification_days)
        roster, roster_check = verified_roster(fresh, guides.guides, scenario)
        ample = with_guides(scenario, (scenario.staffing.max_guides,) * n_slots(scenario))
        loads = map_replications(load_day, relaxed(layout), ample, reps, seed, executor=pool)
    posts, rules = other_posts(loads, layout, scenario)
    shortfalls = layout_shortfalls(posts, layout, guides.table["start"].tolist())
    elapsed = time.perf_counter() - started
    return StaffPlan(guides, roster, roster_check, posts, rules, shortfalls, reps, seed, elapsed)
