"""The document of a staffing plan (``anchang staff``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sim.analysis.staffing.plan import StaffPlan
from sim.core.jsonable import rounded
from sim.core.text import text
from sim.model.scenario import Scenario


def _num(value: Any, digits: int = 4) -> float | None:
    return rounded(float(value), digits) if value is not None else None


def _slots(plan: StaffPlan) -> list[dict[str, Any]]:
    roster_share, roster_low, roster_high = plan.roster_share
    return [
        {
            "start": row.start,
            "arrivals": _num(row.arrivals, 2),
            "offered_load": _num(row.offered_load, 2),
            "guides": int(row.guides),
            "achieved_share": _num(row.achieved_share),
            "achieved_share_ci95": [_num(row.achieved_share_ci_low), _num(row.achieved_share_ci_high)],
            "fresh_share": _num(row.fresh_share),
            "fresh_share_ci95": [_num(row.fresh_share_ci_low), _num(row.fresh_share_ci_high)],
            "reneged": _num(row.reneged, 2),
            "mol": int(row.mol),
            "sipp": int(row.sipp),
            "sipp_share": _num(row.sipp_share),
            "rostered": int(plan.roster.coverage[i]),
            "roster_share": _num(roster_share[i]),
            "roster_share_ci95": [_num(roster_low[i]), _num(roster_high[i])],
        }
        for i, row in enumerate(plan.guides.table.itertuples())
    ]


def _sipp(plan: StaffPlan, target: float) -> dict[str, Any]:
    table = plan.guides.table
    return {
        "slots_below_target": table[table["sipp_share"] < target]["start"].tolist(),
        "worst_share": _num(table["sipp_share"].min()),
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
        "mean_tour_min": _num(plan.guides.mean_tour_min, 2),
        "slots": _slots(plan),
        "roster": roster,
        "paid_hours": plan.roster.paid_hours,
        "requirement_hours": plan.roster.requirement_hours,
        "roster_cost": _num(plan.roster.cost, 2),
        "sipp": _sipp(plan, target),
        "posts": posts,
        "rules": {role: text(f"findings.post_rule.{role}", **fields) for role, fields in plan.rules.items()},
        "layout_shortfalls": [text("findings.shortfall", **asdict(s)) for s in plan.shortfalls],
        "isa_iterations": plan.guides.isa_iterations,
        "evaluations": plan.guides.evaluations,
        "elapsed_s": round(plan.elapsed_s, 1),
    }
