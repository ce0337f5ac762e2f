"""The document of a peak-day plan (``anchang plan``)."""

from __future__ import annotations

from typing import Any

from sim.analysis.congestion.flags import DETAIL_COLUMNS, describe
from sim.core.jsonable import rounded
from sim.plan.documents.day import peak_document
from sim.plan.documents.evacuation import with_findings
from sim.plan.peakday import PeakDayPlan
from sim.plan.runsheet import Action, clock_of


def because_record(action: Action) -> dict[str, Any]:
    """An action's finding for JSON: a flag's detail fields become its detail in English."""
    because = dict(action.because)
    if "kind" in because and "element" in because:
        detail = describe(because)
        because = {k: v for k, v in because.items() if k not in DETAIL_COLUMNS} | {"detail": detail}
    return because


def _flags(plan: PeakDayPlan) -> list[dict[str, Any]]:
    records = []
    for row in plan.congestion.flags.to_dict("records"):
        records.append({k: v for k, v in row.items() if k not in DETAIL_COLUMNS} | {"detail": describe(row)})
    return records


def plan_document(plan: PeakDayPlan) -> dict[str, Any]:
    """The plan with ids rather than display names.

    The run sheet, the actions (rule, parameters, finding), the staff plan, the flags and the
    evacuation at the busiest moment.
    """
    evac, staff = plan.evacuation, plan.staff
    mean, low, high = evac.simulated.clearance
    actions = [
        {"clock": clock_of(plan.context, a), "minute": a.minute, "rule": a.rule, "params": a.params,
         "because": because_record(a)}
        for a in plan.actions
    ]  # fmt: skip
    document = {
        "scenario": str(plan.scenario.name),
        "layout": str(plan.layout.name),
        "replications": plan.results.replications,
        "seed": plan.results.seed,
        "staff_replications": staff.replications,
        "peak_persons_inside": peak_document(plan.results.peak, plan.scenario),
        "run_sheet": plan.sheet.to_dict("records"),
        "actions": actions,
        "staff": {
            "guides": [int(g) for g in staff.guides.guides],
            "roster_coverage": list(staff.roster.coverage),
            "paid_hours": staff.roster.paid_hours,
            "requirement_hours": staff.roster.requirement_hours,
            "mean_tour_min": staff.guides.mean_tour_min,
            "verification_days": staff.guides.verified.days,
            "slots_below_target": [staff.guides.table["start"].iloc[j] for j in staff.guides.verified.unmet],
        },
        "flags": _flags(plan),
        "evacuation": {
            "persons": int(sum(evac.occupants.values())),
            "occupants": evac.occupants,
            "simulated_s": mean,
            "simulated_ci95": [low, high],
            "lower_bound_s": evac.lower_bound_s,
            "hydraulic_s": evac.hydraulic.clearance_s,
            "governing_element": evac.governing_element,
            "n_minus_1": with_findings(evac.n_minus_1).to_dict("records"),
            "rset": evac.rset.to_dict("records"),
            "context": plan.context.evacuation,
        },
    }
    return rounded(document, 6)
