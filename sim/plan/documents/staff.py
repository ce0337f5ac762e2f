"""The document of a staffing plan (``anchang staff``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sim.analysis.staffing.plan import StaffPlan
from sim.core.jsonable import number
from sim.core.text import text
from sim.model.scenario import Scenario


def _slots(plan: StaffPlan) -> list[dict[str, Any]]:
    roster_share, roster_low, roster_high = plan.roster_share
    return [
        {
            "start": row.start,
            "arrivals": number(row.arrivals, 2),
            "offered_load": number(row.offered_load, 2),
            "guides": int(row.guides),
            "achieved_share": number(row.achieved_share),
            "achieved_share_ci95": [number(row.achieved_share_ci_low), number(row.achieved_share_ci_high)],
            "fresh_share": number(row.fresh_share),
            "fresh_share_ci95": [number(row.fresh_share_ci_low), number(row.fresh_share_ci_high)],
            "reneged": number(row.reneged, 2),
            "mol": int(row.mol),
            "sipp": int(row.sipp),
            "sipp_share": number(row.sipp_share),
            "rostered": int(plan.roster.coverage[i]),
            "roster_share": number(roster_share[i]),
            "roster_share_ci95": [number(roster_low[i]), number(roster_high[i])],
        }
        for i, row in enumerate(plan.guides.table.itertuples())
    ]


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
