"""Use case: the peak-day plan (``anchang plan``): every planner on one day, and the run sheet.

``peak_day_plan`` simulates the day under the site's roster, plans the staff, analyses
congestion, checks the evacuation at the busiest moment and derives the run sheet and its actions
(``sim.plan.runsheet``). ``sim.present.report`` renders it as one HTML page.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from sim.analysis.congestion.report import CongestionReport
from sim.analysis.evacuation.findings import EvacuationReport
from sim.analysis.staffing.plan import StaffPlan
from sim.core.text import text
from sim.metrics.stats import Results
from sim.model.journey import wait_zone
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan import runsheet
from sim.plan.day import simulate_day
from sim.plan.evacuation import check_evacuation
from sim.plan.recording import OnRecord, Sources, inputs, keep, naming_the_file
from sim.plan.settings import RunSettings
from sim.plan.staff import plan_staff
from sim.store.runstore import replication_kpis


@dataclass
class PeakDayPlan:
    """Everything the report says, as tables."""

    layout: Layout
    scenario: Scenario
    results: Results
    staff: StaffPlan
    congestion: CongestionReport
    evacuation: EvacuationReport
    sheet: pd.DataFrame
    actions: list[runsheet.Action]
    context: runsheet.Context
    elapsed_s: float


@naming_the_file
def peak_day_plan(
    *,
    layout: Layout,
    scenario: Scenario,
    settings: RunSettings | None = None,
    sources: Sources | None = None,
    on_record: OnRecord | None = None,
) -> PeakDayPlan:
    """Run the day, the staffing planner, the congestion analysis and the evacuation check."""
    started, clock = datetime.now(UTC), time.perf_counter()
    settings = settings or RunSettings()
    inner = dataclasses.replace(settings, store=None)  # one record for the plan, not one per part
    day = simulate_day(layout=layout, scenario=scenario, settings=inner)
    staff = plan_staff(layout=layout, scenario=scenario, settings=inner)
    evacuation = check_evacuation(
        layout=layout,
        scenario=scenario,
        settings=inner,
        occupants="peak",
        peaks=[d.peak for d in day.results.days],
    )
    sheet = runsheet.run_sheet(day.results.half_hours, staff.guides.table)
    context = _context(layout, scenario, staff, evacuation)
    show_units = tuple(z.id for z in layout.zones if z.kind == "show_unit")
    found = runsheet.actions(sheet, day.congestion.flags, context, show_units)
    plan = PeakDayPlan(
        layout, scenario, day.results, staff, day.congestion, evacuation, sheet, found, context,
        time.perf_counter() - clock,
    )  # fmt: skip
    if settings.store is not None:  # build the record only when one is kept
        line = headline(plan)
        keep(
            settings.resolve(scenario), "plan", inputs(sources, layout, scenario), started,
            replications=day.results.replications, summary={"headline": line}, headline=line,
            frames=plan_tables(plan), on_record=on_record,
        )  # fmt: skip
    return plan


def headline(plan: PeakDayPlan) -> str:
    """The plan in one line, as the run store lists it."""
    mean, low, high = plan.evacuation.simulated.clearance
    return text(
        "console.headline.plan", guides=int(plan.staff.guides.table["guides"].max()),
        flags=len(plan.congestion.flags), mean=f"{mean:.0f}", low=f"{low:.0f}", high=f"{high:.0f}",
    )  # fmt: skip


def action_table(plan: PeakDayPlan) -> pd.DataFrame:
    """The actions as typed records: clock, rule, and the parameters and finding as JSON."""
    rows = [
        {"clock": runsheet.clock_of(plan.context, a), "minute": a.minute, "rule": a.rule,
         "params": json.dumps(a.params, ensure_ascii=False, default=str),
         "because": json.dumps(a.because, ensure_ascii=False, default=str)}
        for a in plan.actions
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["clock", "minute", "rule", "params", "because"])


def plan_tables(plan: PeakDayPlan) -> dict[str, pd.DataFrame]:
    """The tables behind the report (ids, not display names)."""
    evac = plan.evacuation
    return {
        "run_sheet": plan.sheet, "actions": action_table(plan), "half_hours": plan.results.half_hours,
        "kpis": plan.results.kpis, "flags": plan.congestion.flags, "staff_slots": plan.staff.guides.table,
        "staff_roster": plan.staff.roster.shifts, "evacuation_n_minus_1": evac.n_minus_1,
        "evacuation_governing": evac.governing, "replications": replication_kpis(plan.results),
    }  # fmt: skip


def _context(
    layout: Layout, scenario: Scenario, staff: StaffPlan, evac: EvacuationReport
) -> runsheet.Context:
    peak_clock, headcount = evac.occupants_source.typical_clock, evac.occupants_source.headcount
    blocked = evac.n_minus_1.dropna(subset=["simulated_s"])
    worst = blocked.loc[blocked["simulated_s"].idxmax()] if not blocked.empty else None
    evacuation = None
    if peak_clock is not None and worst is not None and headcount is not None:
        evacuation = {
            "clock": peak_clock,
            "persons": int(sum(evac.occupants.values())),  # the 95th percentile of days' peaks
            "mean_persons": round(headcount.mean, 1),
            "simulated_s": float(evac.simulated.clearance[0]),
            "lower_bound_s": float(evac.lower_bound_s),
            "hydraulic_s": float(evac.hydraulic.clearance_s),
            "governing": evac.governing_element or "–",
            "worst_exit": str(worst["blocked_exit"]),
            "worst_extra_s": float(worst["simulated_s"] - evac.simulated.clearance[0]),
        }
    return runsheet.Context(
        open_min=scenario.hours.open,
        greet_within_min=scenario.targets.greet_within_min,
        greet_share=scenario.targets.greet_share,
        mean_tour_min=staff.guides.mean_tour_min,
        mean_party_size=scenario.demand.mean_party_size,
        batch_in_force=scenario.policies.batch_admission is not None,
        wait_zone=wait_zone(layout, scenario),
        reception_zones=tuple(z.id for z in layout.zones if z.kind in ("reception", "entrance")),
        evacuation=evacuation,
    )
