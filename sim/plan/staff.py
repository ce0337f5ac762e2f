"""Use case: plan the staff (``anchang staff``): guides per half hour, the roster, the other posts."""

from __future__ import annotations

from datetime import UTC, datetime

from sim.analysis.staffing.plan import StaffPlan
from sim.analysis.staffing.plan import plan_staff as staffing_plan
from sim.core.problems import InputError, problem
from sim.core.text import text
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan.documents.staff import staff_document
from sim.plan.recording import OnRecord, Sources, inputs, keep, naming_the_file
from sim.plan.settings import RunSettings


def with_targets(scenario: Scenario, share: float | None = None, within_min: float | None = None) -> Scenario:
    """The scenario with other greeting targets.

    Raises:
        InputError: for a share outside (0, 1) or a time that is not positive.
    """
    problems = []
    if share is not None and not 0 < share < 1:
        problems.append(problem("--target-share", "target_share", value=f"{share:g}"))
    if within_min is not None and not within_min > 0:
        problems.append(problem("--target-min", "target_min", value=f"{within_min:g}"))
    if problems:
        raise InputError(problems)
    update = {k: v for k, v in (("greet_share", share), ("greet_within_min", within_min)) if v is not None}
    return scenario.model_copy(update={"targets": scenario.targets.model_copy(update=update)})


@naming_the_file
def plan_staff(
    *,
    layout: Layout,
    scenario: Scenario,
    settings: RunSettings | None = None,
    sources: Sources | None = None,
    on_record: OnRecord | None = None,
) -> StaffPlan:
    """Guides per half hour to the greeting target, the least-cost roster and the other posts."""
    started = datetime.now(UTC)
    resolved = (settings or RunSettings()).resolve(scenario)
    plan = staffing_plan(
        layout,
        scenario,
        resolved.staff_replications,
        resolved.seed,
        resolved.workers,
        resolved.verification_days,
    )
    if resolved.store is not None:  # build the record only when one is kept
        headline = text("console.headline.staff", guides=int(plan.guides.table["guides"].max()),
                        paid=f"{plan.roster.paid_hours:g}")  # fmt: skip
        keep(
            resolved, "staff", inputs(sources, layout, scenario), started, replications=plan.replications,
            summary=staff_document(plan, scenario), headline=headline, frames=staff_tables(plan),
            on_record=on_record,
        )  # fmt: skip
    return plan


def staff_tables(plan: StaffPlan) -> dict:
    """The plan's tables: guides per slot (with the rostered count), the roster, the other posts."""
    slots = plan.guides.table.assign(rostered=list(plan.roster.coverage))
    posts = plan.posts.assign(start=plan.guides.table["start"])
    return {"staff_slots": slots, "staff_roster": plan.roster.shifts, "staff_posts": posts}
