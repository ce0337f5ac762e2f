"""The peak-day plan (``anchang plan``): one run of every planner, one self-contained report.

``build_plan`` simulates the day under the site's roster, plans the staffing, analyses
congestion, checks the evacuation at the busiest moment and derives the run sheet and its
actions (``sim.runsheet``). ``render_html`` writes it as one HTML file: figures embedded as PNG,
no external files or scripts, A4 print styles; Chinese (default) or English text.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd

from sim.analysis.congestion.report import CongestionReport
from sim.analysis.congestion.report import analyse as analyse_congestion
from sim.analysis.evacuation.findings import EvacuationReport
from sim.analysis.evacuation.findings import analyse as analyse_evacuation
from sim.analysis.evacuation.occupants import busiest_minute, peak_occupants
from sim.analysis.staffing.plan import StaffPlan, plan_staff
from sim.metrics.stats import Results
from sim.model.journey import wait_zone
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan import runsheet
from sim.runner.replications import run


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


def build_plan(
    layout: Layout,
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    staff_replications: int | None = None,
) -> PeakDayPlan:
    """Run the day, the staffing planner, the congestion analysis and the evacuation check."""
    started = time.perf_counter()
    reps = replications or scenario.run.replications
    seed = scenario.run.seed if seed is None else seed
    results = run(layout, scenario, reps, seed, workers)
    congestion = analyse_congestion(results, layout, scenario)
    staff = plan_staff(layout, scenario, staff_replications, seed, workers)
    people, peaks = peak_occupants(layout, scenario, reps, seed, workers)
    evacuation = analyse_evacuation(
        layout, people, scenario.evacuation, scenario.targets.evacuation_max_s, seed,
        f"simulated peak, p95 over {reps} days", peaks,
    )  # fmt: skip
    sheet = runsheet.run_sheet(results.half_hours, staff.guides.table)
    context = _context(layout, scenario, staff, evacuation)
    show_units = tuple(z.id for z in layout.zones if z.kind == "show_unit")
    found = runsheet.actions(sheet, congestion.flags, context, show_units)
    return PeakDayPlan(
        layout, scenario, results, staff, congestion, evacuation, sheet, found, context,
        time.perf_counter() - started,
    )  # fmt: skip


def _context(
    layout: Layout, scenario: Scenario, staff: StaffPlan, evac: EvacuationReport
) -> runsheet.Context:
    has_peaks = evac.peaks is not None and len(evac.peaks) > 0
    peak_clock = scenario.clock_at(busiest_minute(evac.peaks["minute"])) if has_peaks else None
    blocked = evac.n_minus_1.dropna(subset=["simulated_s"])
    worst = blocked.loc[blocked["simulated_s"].idxmax()] if not blocked.empty else None
    evacuation = None
    if peak_clock is not None and worst is not None:
        evacuation = {
            "clock": peak_clock,
            "persons": int(sum(evac.occupants.values())),
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
