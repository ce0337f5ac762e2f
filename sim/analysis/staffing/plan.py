"""Everything the staffing planner answers: guides, the roster that covers them, the other posts."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.staffing.guides import Evaluator, GuidePlan, plan_guides, with_guides
from sim.analysis.staffing.loads import greeted_share, load_day, n_slots
from sim.analysis.staffing.posts import Shortfall, layout_shortfalls, other_posts, relaxed
from sim.analysis.staffing.roster import Roster, solve_roster
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.runner.pool import process_pool
from sim.runner.replications import map_replications


@dataclass
class StaffPlan:
    """Everything ``anchang staff`` answers."""

    guides: GuidePlan
    roster: Roster
    roster_share: tuple[np.ndarray, np.ndarray, np.ndarray]
    posts: pd.DataFrame
    rules: dict[str, dict[str, Any]]  # post → the fields of its rule (findings.post_rule.<post>)
    shortfalls: list[Shortfall]
    replications: int
    seed: int
    elapsed_s: float


def plan_staff(
    layout: Layout, scenario: Scenario, replications: int, seed: int, workers: int | None = None
) -> StaffPlan:
    """Guides per half hour, the roster that covers them, and the other posts.

    ``replications`` simulated days per evaluation, all on the same seeds (common random numbers).
    """
    started = time.perf_counter()
    reps = replications
    with process_pool(workers) as pool:
        guides = plan_guides(layout, scenario, reps, seed, workers, pool)
        roster = solve_roster(guides.guides, scenario)
        ev = Evaluator(layout, scenario, reps, seed, pool, workers)
        roster_share = greeted_share(ev.days(roster.coverage))
        ample = with_guides(scenario, (scenario.staffing.max_guides,) * n_slots(scenario))
        loads = map_replications(load_day, relaxed(layout), ample, reps, seed, executor=pool)
    posts, rules = other_posts(loads, layout, scenario)
    shortfalls = layout_shortfalls(posts, layout, guides.table["start"].tolist())
    elapsed = time.perf_counter() - started
    return StaffPlan(guides, roster, roster_share, posts, rules, shortfalls, reps, seed, elapsed)
