"""The document of a staffing plan (``anchang staff``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sim.analysis.staffing.guides import FRESH_SEED_OFFSET
from sim.analysis.staffing.plan import StaffPlan
from sim.core.jsonable import number
from sim.core.text import text
from sim.model.scenario import Scenario


def _slots(plan: StaffPlan) -> list[dict[str, Any]]:
    roster_share, roster_low, roster_high = plan.roster_check.share
    return [
        {
            "start": row.start,
            "arrivals": number(row.arrivals, 2),
            "offered_load": number(row.offered_load, 2),
            "searched": int(row.searched),
            "guides": int(row.guides),
            "verified_share": number(row.verified_share),
            "verified_share_ci95": [number(row.verified_share_ci_low), number(row.verified_share_ci_high)],
            "meets_target": bool(row.meets_target),
            "search_share": number(row.search_share),
            "search_share_ci95": [number(row.search_share_ci_low), number(row.search_share_ci_high)],
            "reneged": number(row.reneged, 2),
            "mol": int(row.mol),
            "sipp": int(row.sipp),
            "sipp_share": number(row.sipp_share),
            "rostered": int(plan.roster.coverage[i]),
            "roster_share": number(roster_share[i]),
            "roster_share_ci95": [number(roster_low[i]), number(roster_high[i])],
            "roster_meets_target": i not in plan.roster_check.unmet,
        }
        for i, row in enumerate(plan.guides.table.itertuples())
    ]


def _verification(plan: StaffPlan) -> dict[str, Any]:
    table, plan_check, roster_check = plan.guides.table, plan.guides.verified, plan.roster_check
    return {
        "days": plan_check.days,
        "seed_offset": FRESH_SEED_OFFSET,
        "all_slots_meet_target": not plan_check.unmet,
        "slots_below_target": table["start"].iloc[list(plan_check.unmet)].tolist(),
        "stopped_by": plan_check.stopped,
        "guide_half_hours_added": int(table["guides"].sum() - table["searched"].sum()),
        "roster_slots_below_target": table["start"].iloc[list(roster_check.unmet)].tolist(),
        "roster_stopped_by": roster_check.stopped,
    }


def _sipp(plan: StaffPlan, target: float) -> dict[str, Any]:
    table = plan.guides.table
    return {
        "slots_below_target": table[table["sipp_share"] < target]["start"].tolist(),
        "worst_share": number(table["sipp_share"].min()),
        "worst_slot": table.loc[table["sipp_share"].idxmin(), "start"]
        if table["sipp_share"].notna().any()
        else None,
        "guide_hours": float(table["sipp"].sum() / 2),
    }


def staff_document(plan: StaffPlan, scenario: Scenario) -> dict[str, Any]:
    """Guides per half hour with the shares they reach, the roster, SIPP for contrast, the posts."""
    table, target = plan.guides.table, scenario.targets.greet_share
    roster = [
        {"shift": r.shift.model_dump(), "start": r.start, "end": r.end, "hours": r.hours, "meal_break": r.meal_break or None,
         "count": int(r.count)}
        for r in plan.roster.shifts.itertuples()
    ]  # fmt: skip
    posts = {
        role: [{"start": s, "count": int(n)} for s, n in zip(table["start"], plan.posts[role], strict=True)]
        for role in plan.posts.columns
    }
    return {
        "scenario": str(scenario.name),
        "replications": plan.replications,
        "seed": plan.seed,
        "target": {"share": target, "within_min": scenario.targets.greet_within_min},
        "mean_tour_min": number(plan.guides.mean_tour_min, 2),
        "verification": _verification(plan),
        "slots": _slots(plan),
        "roster": roster,
        "paid_hours": plan.roster.paid_hours,
        "requirement_hours": plan.roster.requirement_hours,
        "roster_cost": number(plan.roster.cost, 2),
        "sipp": _sipp(plan, target),
        "posts": posts,
        "rules": {role: text(f"findings.post_rule.{role}", **fields) for role, fields in plan.rules.items()},
        "layout_shortfalls": [text("findings.shortfall", **asdict(s)) for s in plan.shortfalls],
        "isa_iterations": plan.guides.isa_iterations,
        "evaluations": plan.guides.evaluations,
        "elapsed_s": round(plan.elapsed_s, 1),
    }
