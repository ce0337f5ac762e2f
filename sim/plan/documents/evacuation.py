"""The document of an evacuation check (``anchang evac``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pandas as pd

from sim.analysis.evacuation.codecheck import Rule, RuleKind
from sim.analysis.evacuation.findings import EvacuationReport
from sim.analysis.evacuation.occupants import OccupantSource
from sim.core.jsonable import rounded
from sim.core.text import Lang, text


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    return [] if frame is None or frame.empty else rounded(frame.to_dict("records"), 2)


def with_findings(frame: pd.DataFrame) -> pd.DataFrame:
    """A variants table (N−1, widening) with its finding in English instead of the trapped zones."""
    out = frame.copy()
    if "trapped" in out:
        out["finding"] = [text("problem.no_escape_route", zones=z) if z else "" for z in out.pop("trapped")]
    return out


def source_text(source: OccupantSource, lang: Lang = "en", in_one_language: bool = False) -> str:
    """Where the occupants came from, in words; the scenario's name as written, or in ``lang`` only."""
    scenario, headcount = source.scenario, source.headcount
    name = scenario[lang] if scenario is not None and in_one_language else scenario
    counts = {"p95": f"{headcount.p95:.0f}", "mean": f"{headcount.mean:.1f}"} if headcount is not None else {}
    return text(f"findings.occupants.{source.kind}", lang, **(asdict(source) | {"scenario": name} | counts))


def rule_name(rule: Rule, lang: Lang = "en") -> str:
    """What a code rule checks, in words."""
    return text(f"names.code_rule.{rule.kind}", lang)


def rule_element(rule: Rule, lang: Lang = "en", name: Any = str) -> str:
    """What a code rule is about: a storey (with its persons, for exit width) or an element by ``name``."""
    if rule.kind == RuleKind.EXIT_WIDTH:
        return text("names.code_element_floor", lang, floor=rule.floor, persons=f"{rule.persons:.0f}")
    if rule.element is None:
        return text("names.floor", lang, floor=rule.floor)
    return str(name(rule.element))


def _methods(report: EvacuationReport) -> dict[str, Any]:
    sim, hyd = report.simulated, report.hydraulic
    mean, low, high = sim.clearance
    return {
        "hydraulic": {
            "clearance_s": hyd.clearance_s, "premovement_s": hyd.premovement_s, "movement_s": hyd.movement_s,
            "width_convention": report.settings.width_convention, "routes": _records(hyd.routes),
            "elements": _records(hyd.elements), "by_exit": _records(hyd.by_exit),
        },
        "lower_bound": {
            "clearance_s": report.lower_bound_s, "per_replication_s": report.alarm_bounds_s,
            "movement_only_s": report.movement_bound_s, "period_s": report.settings.period_s,
        },
        "simulated": {
            "clearance_s": mean, "ci95": [low, high], "p95_s": sim.clearance_p95_s, "replications": len(sim.runs),
            "speed_model": report.settings.speed_model, "by_exit": _records(sim.by_exit()),
            "zones": _records(sim.zone_clear()), "out_by_exit": _records(sim.exit_curves(step_s=5.0)),
        },
    }  # fmt: skip


def _headcount(source: OccupantSource) -> dict[str, Any] | None:
    """Persons inside at the busiest moment, when the occupants are the simulated peak."""
    h = source.headcount
    if h is None:
        return None
    return {
        "mean": h.mean,
        "ci95": [h.ci_low, h.ci_high],
        "p95": h.p95,
        "days": h.days,
        "typical_clock": source.typical_clock,
    }


def evacuation_document(report: EvacuationReport) -> dict[str, Any]:
    """Occupants, the three methods, the governing element, N−1, widening, RSET and the code check."""
    code = [
        {"rule": rule_name(r), "clause": r.clause, "element": rule_element(r), "value": r.value, "limit": r.limit,
         "ok": r.ok, **({"assumed_shape": True} if r.assumed_shape else {})}
        for r in report.code_check
    ]  # fmt: skip
    return rounded(
        {
            "layout": str(report.layout),
            "occupants_source": source_text(report.occupants_source),
            "peak_persons_inside": _headcount(report.occupants_source),
            "occupants": report.occupants,
            "persons": sum(report.occupants.values()),
            "methods": _methods(report),
            "governing_element": report.governing_element,
            "governing": _records(report.governing.head(10)),
            "n_minus_1": _records(
                with_findings(report.n_minus_1).rename(columns={"simulated_s": "clearance_s"})
            ),
            "widening": _records(with_findings(report.widening)),
            "rset": _records(report.rset),
            "code_check": code,
        },
        2,
    )
