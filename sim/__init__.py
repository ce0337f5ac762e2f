"""Anchang (案场): visitor-flow simulator and capacity planner for real-estate sales galleries.

The public API: the input models and their readers, one ``RunSettings``, the use cases every
front end calls (keyword-only, each returning a typed result), the report and the figures. Names
load lazily on first use, so ``import sim`` (and ``anchang --help``) does no work at import time.

Examples:
    >>> import sim
    >>> layout, scenario = sim.load_pair("scenarios/national_day_peak.yaml")
    >>> settings = sim.RunSettings(replications=2, seed=1, workers=1)
    >>> study = sim.simulate_day(layout=layout, scenario=scenario, settings=settings)
    >>> "greet_within_target_share" in set(study.results.kpis["metric"])
    True
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    # inputs: the models and the only file readers
    "Layout": "sim.model.layout",
    "Zone": "sim.model.layout",
    "Passage": "sim.model.layout",
    "Names": "sim.model.names",
    "Scenario": "sim.model.scenario",
    "Drill": "sim.model.drill",
    "InputError": "sim.core.problems",
    "Problem": "sim.core.problems",
    "load_layout": "sim.io.files",
    "load_scenario": "sim.io.files",
    "load_pair": "sim.io.files",
    "load_drill": "sim.io.files",
    "file_data": "sim.io.files",
    "validate_file": "sim.io.files",
    "json_schema": "sim.io.files",
    "read_log": "sim.io.visitorlog",
    # how a use case runs
    "RunSettings": "sim.plan.settings",
    "Precision": "sim.plan.day",
    "Sources": "sim.plan.recording",
    # the use cases
    "simulate_day": "sim.plan.day",
    "event_log": "sim.plan.day",
    "analyse_congestion": "sim.plan.day",
    "plan_staff": "sim.plan.staff",
    "check_evacuation": "sim.plan.evacuation",
    "peak_day_plan": "sim.plan.peakday",
    "run_drill": "sim.plan.drill",
    "compare": "sim.plan.compare",
    "sweep": "sim.plan.sweep_keeper",
    "calibrate": "sim.plan.calibration",
    "synthetic_log": "sim.plan.calibration",
    # their results
    "DayStudy": "sim.plan.day",
    "Results": "sim.plan.day",
    "CongestionReport": "sim.plan.day",
    "StaffPlan": "sim.plan.staff",
    "EvacuationReport": "sim.plan.evacuation",
    "PeakDayPlan": "sim.plan.peakday",
    "DrillResult": "sim.plan.drill",
    "Comparison": "sim.plan.compare",
    "SweepOutcome": "sim.plan.sweep_keeper",
    "CalibrationStudy": "sim.plan.calibration",
    # for people: the report, the text catalogue; saved event logs
    "render_html": "sim.present.report",
    "text": "sim.core.text",
    "read_events": "sim.store.outputs",
}

_MODULES = {"figures": "sim.present.figures"}  # the figure functions, each drawing on an ``ax``

__all__ = sorted([*_EXPORTS, *_MODULES])


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    elif name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    else:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
