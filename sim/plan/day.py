"""Use case: simulate the day (``anchang run``), with its congestion analysis.

The day's replications (a number, or as many as a precision needs), their summary with 95% CIs,
the congestion report of the same days, and the minute-by-minute zone occupancy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from sim.analysis.congestion.report import CongestionReport
from sim.analysis.congestion.report import analyse as congestion_report
from sim.core.problems import refuse
from sim.core.text import text
from sim.engine.day import simulate
from sim.metrics import columns as c
from sim.metrics.stats import Results, zone_occupancy_table
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan.documents.day import congestion_document, day_document
from sim.plan.recording import OnRecord, Sources, inputs, keep, naming_the_file
from sim.plan.settings import Resolved, RunSettings
from sim.runner.precision import DEFAULT_PRECISION_KPIS, run_to_precision
from sim.runner.replications import Progress, run
from sim.store.runstore import replication_kpis


@dataclass(frozen=True, kw_only=True)
class Precision:
    """Replications until each KPI's 95% CI half-width is within ``relative`` of its mean."""

    relative: float = 0.05
    kpis: tuple[str, ...] = DEFAULT_PRECISION_KPIS
    ceiling: int = 500


@dataclass
class DayStudy:
    """The simulated day and what it shows."""

    results: Results
    congestion: CongestionReport
    occupancy: pd.DataFrame  # zone × minute: persons (mean, 5–95% band) and m² per person
    precision: dict[str, float] | None  # KPI → relative half-width reached, with a precision target
    summary: dict  # the machine-readable document (``--json``)


@naming_the_file
def simulate_day(
    *,
    layout: Layout,
    scenario: Scenario,
    settings: RunSettings | None = None,
    precision: Precision | None = None,
    log_dir: Path | None = None,
    progress: Progress | None = None,
    sources: Sources | None = None,
    on_record: OnRecord | None = None,
) -> DayStudy:
    """Simulate the day over replications; summarise, analyse congestion, and record the run.

    Raises:
        InputError: for a precision outside (0, 1) or an unknown KPI.
    """
    started = datetime.now(UTC)
    resolved = (settings or RunSettings()).resolve(scenario)
    results, widths = _replicate(layout, scenario, resolved, precision, log_dir, progress)
    congestion = congestion_report(results, layout, scenario)
    scenario_file = (
        sources.scenario if sources is not None and sources.scenario is not None else str(scenario.name)
    )
    summary = day_document(results, layout, scenario, scenario_file)
    summary["congestion"] = congestion_document(congestion)
    if widths is not None and precision is not None:
        summary["precision"] = {
            "target": precision.relative,
            "reached": {k: round(w, 4) for k, w in widths.items()},
        }
    study = DayStudy(results, congestion, zone_occupancy_table(results, layout, scenario), widths, summary)
    if resolved.store is not None:  # build the record only when one is kept
        keep(
            resolved, "run", inputs(sources, layout, scenario), started, replications=results.replications,
            summary=summary, headline=headline(study, scenario), frames=day_frames(study), events=log_dir,
            on_record=on_record,
        )  # fmt: skip
    return study


def _replicate(
    layout: Layout,
    scenario: Scenario,
    settings: Resolved,
    precision: Precision | None,
    log_dir: Path | None,
    progress: Progress | None,
) -> tuple[Results, dict[str, float] | None]:
    with settings.executor() as executor:
        if precision is None:
            results = run(layout, scenario, settings.replications, settings.seed, settings.workers, log_dir,
                          progress, executor)  # fmt: skip
            return results, None
        if not 0 < precision.relative < 1:
            raise refuse("--precision", "precision_range", value=f"{precision.relative:g}")
        return run_to_precision(
            layout, scenario, settings.seed, precision.relative, precision.kpis, precision.ceiling,
            settings.workers, log_dir, executor,
        )  # fmt: skip


def event_log(
    *, layout: Layout, scenario: Scenario, settings: RunSettings | None = None, replication: int = 0
) -> pd.DataFrame:
    """One simulated day's full event log (the replication's own random streams)."""
    resolved = (settings or RunSettings()).resolve(scenario)
    return simulate(layout, scenario, resolved.seed, replication)


def analyse_congestion(*, layout: Layout, scenario: Scenario, results: Results) -> CongestionReport:
    """The congestion report of simulated days (no new simulation)."""
    return congestion_report(results, layout, scenario)


def headline(study: DayStudy, scenario: Scenario) -> str:
    """The run in one line, as the run store lists it."""
    k = study.results.kpis.set_index("metric")
    share = k.loc[c.GREET_WITHIN_TARGET_SHARE]
    return text(
        "console.headline.run", within=f"{scenario.targets.greet_within_min:g}", share=f"{share['mean']:.1%}",
        low=f"{share['ci_low']:.1%}", high=f"{share['ci_high']:.1%}", inside=f"{k.loc[c.PEAK_PERSONS_INSIDE, 'mean']:.0f}",
    )  # fmt: skip


def day_frames(study: DayStudy) -> dict[str, pd.DataFrame]:
    """The tables the run store keeps of a simulated day."""
    r = study.results
    return {
        "kpis": r.kpis, "half_hours": r.half_hours, "zones": r.zones, "flows": r.flows, "guides": r.guides,
        "occupancy": study.occupancy, "replications": replication_kpis(r),
    }  # fmt: skip
