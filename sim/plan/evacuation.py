"""Use case: check the evacuation (``anchang evac``) at the busiest moment, or at design occupancy.

Who is inside (the simulated day's peak, the code's design occupancy, a file or given numbers),
then the three clearance methods, the governing element, every exit blocked in turn, widening,
RSET and the GB 50016 code check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from sim.analysis.evacuation.codecheck import design_occupants
from sim.analysis.evacuation.findings import EvacuationReport, analyse
from sim.analysis.evacuation.occupants import OccupantSource, check_occupants, peak_occupants, peak_table
from sim.core.problems import InputError, refuse
from sim.core.text import text
from sim.io.occupants import read_occupants
from sim.metrics.headcount import Peak
from sim.metrics.stats import peak_headcount
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.model.settings import Evacuation
from sim.plan.documents.evacuation import evacuation_document
from sim.plan.recording import OnRecord, Sources, inputs, keep, naming_the_file
from sim.plan.settings import Resolved, RunSettings

Occupants = Literal["peak", "design"] | Path | Mapping[str, float]


def occupants_option(written: str | None) -> Occupants | None:
    """What a user wrote for the occupants: ``peak``, ``design``, a file, or nothing (the default)."""
    if written is None:
        return None
    if written == "peak":
        return "peak"
    if written == "design":
        return "design"
    return Path(written)


def evacuation_settings(
    scenario: Scenario | None, replications: int, convention: str | None = None, speed: str | None = None
) -> Evacuation:
    """The scenario's evacuation inputs (a layout alone: the defaults) with the chosen overrides."""
    settings = scenario.evacuation if scenario is not None else Evacuation()
    overrides = {"replications": replications, "width_convention": convention, "speed_model": speed}
    return settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})


def occupants_of(
    layout: Layout,
    scenario: Scenario | None,
    occupants: Occupants,
    settings: Resolved,
    peaks: list[Peak] | None = None,
) -> tuple[dict[str, int], OccupantSource, pd.DataFrame | None]:
    """Whole persons per zone, where they come from, and each simulated day's peak (for ``peak``).

    Raises:
        InputError: for ``peak`` without a scenario, or occupants that cannot be (an unknown zone,
            outside, more than 5 p/m²).
    """
    if isinstance(occupants, str) and occupants == "peak":
        if scenario is None:
            raise refuse("--occupants", "peak_needs_scenario")
        people, days = peak_occupants(
            layout, scenario, settings.replications, settings.seed, settings.workers, peaks
        )
        headcount = peak_headcount(days)
        clock = None if math.isnan(headcount.typical_s) else scenario.clock_at(headcount.typical_s / 60.0)
        source = OccupantSource("peak", len(days), scenario.name, headcount=headcount, typical_clock=clock)
        return people, source, peak_table(days, scenario)
    if isinstance(occupants, str) and occupants == "design":
        return (
            check_occupants(layout, design_occupants(layout), "design occupancy"),
            OccupantSource("design"),
            None,
        )
    if isinstance(occupants, Path):
        found = check_occupants(layout, read_occupants(occupants), str(occupants))
        return found, OccupantSource("file", file=str(occupants)), None
    return check_occupants(layout, dict(occupants)), OccupantSource("given"), None


@naming_the_file
def check_evacuation(
    *,
    layout: Layout,
    scenario: Scenario | None = None,
    settings: RunSettings | None = None,
    occupants: Occupants | None = None,
    convention: Literal["imo", "sfpe"] | None = None,
    speed: Literal["sfpe", "weidmann"] | None = None,
    peaks: list[Peak] | None = None,
    sources: Sources | None = None,
    on_record: OnRecord | None = None,
) -> EvacuationReport:
    """The evacuation check; ``occupants`` defaults to the scenario's choice (a layout alone: design).

    For ``peak``, ``peaks`` are the busiest moments of days already simulated (``Results.days``),
    so that the check and the day report count the same people; without them the days are simulated.

    Raises:
        InputError: for occupants that cannot be, or people with no escape route with every exit open.
    """
    started = datetime.now(UTC)
    resolved = (settings or RunSettings()).resolve(scenario)
    evac = evacuation_settings(scenario, resolved.evacuation_replications, convention, speed)
    chosen = occupants if occupants is not None else (evac.occupants if scenario is not None else "design")
    people, source, table = occupants_of(layout, scenario, chosen, resolved, peaks)
    allowed = scenario.targets.evacuation_max_s if scenario is not None else None
    where = str(sources.scenario or sources.layout) if sources is not None else None
    try:
        report = analyse(layout, people, evac, allowed, resolved.seed, source, table)
    except InputError as exc:
        raise InputError(exc.problems, where) from None
    if resolved.store is not None:  # build the record only when one is kept
        keep(
            resolved, "evac", inputs(sources, layout, scenario), started, replications=evac.replications,
            summary=evacuation_document(report), headline=headline(report), frames=evacuation_tables(report),
            on_record=on_record,
        )  # fmt: skip
    return report


def headline(report: EvacuationReport) -> str:
    """The check in one line, as the run store lists it."""
    mean, low, high = report.simulated.clearance
    return text(
        "console.headline.evac", persons=sum(report.occupants.values()), mean=f"{mean:.0f}", low=f"{low:.0f}",
        high=f"{high:.0f}", hydraulic=f"{report.hydraulic.clearance_s:.0f}", governing=report.governing_element or "-",
    )  # fmt: skip


def evacuation_tables(report: EvacuationReport) -> dict[str, pd.DataFrame]:
    """The analysis as tables: elements, routes, exits, zones, governing, N−1, widening, RSET, code."""
    return {
        "hydraulic_elements": report.hydraulic.elements,
        "hydraulic_routes": report.hydraulic.routes,
        "simulated_exits": report.simulated.by_exit(),
        "simulated_zones": report.simulated.zone_clear(),
        "governing": report.governing,
        "n_minus_1": report.n_minus_1,
        "widening": report.widening,
        "rset": report.rset,
        "code_check": pd.DataFrame([asdict(r) for r in report.code_check]),
    }
