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
    "Layout": "sim.layout",
    "Zone": "sim.layout",
    "Passage": "sim.layout",
    "Scenario": "sim.scenario",
    "InputError": "sim.problems",
    "Problem": "sim.problems",
    "load_layout": "sim.io",
    "load_scenario": "sim.io",
    "load_pair": "sim.io",
    "file_data": "sim.io",
    "validate_file": "sim.io",
    "json_schema": "sim.io",
    "Party": "sim.demand",
    "Visit": "sim.demand",
    "draw_parties": "sim.demand",
    "simulate": "sim.runner",
    "replicate": "sim.runner",
    "run": "sim.runner",
    "Results": "sim.metrics",
    "DaySummary": "sim.metrics",
    "summarise_day": "sim.metrics",
    "aggregate": "sim.metrics",
    "ci95": "sim.metrics",
    "read_events": "sim.store",
    "write_events": "sim.store",
    "plan_staff": "sim.staffing",
    "plan_guides": "sim.staffing",
    "solve_roster": "sim.roster",
    "analyse_congestion": ("sim.congestion", "analyse"),
    "static_route_check": "sim.congestion",
    "compare": "sim.compare",  # shadowed by the submodule once `sim.compare` is imported: prefer compare_variants
    "compare_variants": ("sim.compare", "compare"),
    "analyse_evacuation": ("sim.evacuation", "analyse"),
    "peak_occupants": "sim.evacuation",
    "design_occupants": "sim.codecheck",
    "check_occupants": "sim.evacuation",
    "code_check": ("sim.codecheck", "check"),
    "build_plan": "sim.report",
    "render_html": "sim.report",
    "Drill": "sim.drill",
    "run_drill": "sim.drill",
    "fire_drill": "sim.drill",
    "load_sweep": "sim.sweep",
    "run_sweep": "sim.sweep",
    "RunStore": "sim.runstore",
    "normalise_log": ("sim.visitorlog", "normalise"),
    "clean_log": ("sim.visitorlog", "clean"),
    "calibrate_log": ("sim.calibrate", "calibrate"),  # not `calibrate`: the submodule would shadow it
    "fit_dwell": "sim.calibrate",
    "fit_patience": "sim.calibrate",
    "scenario_text": "sim.calibrate",
    "synthetic_log": "sim.calibrate",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    module, attribute = _EXPORTS[name] if isinstance(_EXPORTS[name], tuple) else (_EXPORTS[name], name)
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
