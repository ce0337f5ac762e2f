"""Anchang (案场): visitor-flow simulator and capacity planner for real-estate sales galleries.

The public API. Names load lazily on first use, so ``import sim`` (and ``anchang --help``)
does no work at import time.

Examples:
    >>> import sim
    >>> layout, scenario = sim.load_pair("scenarios/national_day_peak.yaml")
    >>> results = sim.run(layout, scenario, replications=2, workers=1)
    >>> "greet_within_target_share" in set(results.kpis["metric"])
    True
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str | tuple[str, str]] = {
    "Layout": "sim.model.layout",
    "Zone": "sim.model.layout",
    "Passage": "sim.model.layout",
    "Scenario": "sim.model.scenario",
    "InputError": "sim.core.problems",
    "Problem": "sim.core.problems",
    "load_layout": "sim.io.files",
    "load_scenario": "sim.io.files",
    "load_pair": "sim.io.files",
    "file_data": "sim.io.files",
    "validate_file": "sim.io.files",
    "json_schema": "sim.io.files",
    "Party": "sim.engine.demand",
    "Visit": "sim.engine.demand",
    "draw_parties": "sim.engine.demand",
    "simulate": "sim.engine.day",
    "replicate": "sim.runner.replications",
    "run": "sim.runner.replications",
    "Results": "sim.metrics.stats",
    "DaySummary": "sim.metrics.day",
    "summarise_day": "sim.metrics.day",
    "aggregate": "sim.metrics.stats",
    "ci95": "sim.metrics.stats",
    "read_events": "sim.store.outputs",
    "write_events": "sim.store.outputs",
    "plan_staff": "sim.analysis.staffing.plan",
    "plan_guides": "sim.analysis.staffing.guides",
    "solve_roster": "sim.analysis.staffing.roster",
    "analyse_congestion": ("sim.analysis.congestion.report", "analyse"),
    "static_route_check": "sim.analysis.congestion.route",
    "compare": "sim.plan.compare",  # shadowed by the submodule once `sim.compare` is imported: prefer compare_variants
    "compare_variants": ("sim.plan.compare", "compare"),
    "analyse_evacuation": ("sim.analysis.evacuation.findings", "analyse"),
    "peak_occupants": "sim.analysis.evacuation.occupants",
    "design_occupants": "sim.analysis.evacuation.codecheck",
    "check_occupants": "sim.analysis.evacuation.occupants",
    "code_check": ("sim.analysis.evacuation.codecheck", "check"),
    "build_plan": "sim.plan.peakday",
    "render_html": "sim.present.report",
    "Drill": "sim.model.drill",
    "run_drill": "sim.plan.drill",
    "fire_drill": "sim.plan.drill",
    "load_sweep": "sim.plan.sweep",
    "run_sweep": "sim.plan.sweep",
    "RunStore": "sim.store.runstore",
    "normalise_log": ("sim.io.visitorlog", "normalise"),
    "clean_log": ("sim.io.visitorlog", "clean"),
    "calibrate_log": (
        "sim.analysis.calibration.estimate",
        "calibrate",
    ),  # not `calibrate`: the submodule would shadow it
    "fit_dwell": "sim.analysis.calibration.fit",
    "fit_patience": "sim.analysis.calibration.fit",
    "scenario_text": "sim.analysis.calibration.scenario_text",
    "synthetic_log": "sim.analysis.calibration.synthetic",
}

_MODULES = {"figures": "sim.present.figures"}  # the figure functions, each drawing on an ``ax``

__all__ = sorted([*_EXPORTS, *_MODULES])


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = importlib.import_module(_MODULES[name])
        globals()[name] = value
        return value
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    module, attribute = _EXPORTS[name] if isinstance(_EXPORTS[name], tuple) else (_EXPORTS[name], name)
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
