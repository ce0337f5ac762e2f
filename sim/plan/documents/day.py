"""The documents of a simulated day (``anchang run``) and of its congestion analysis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.analysis.congestion.flags import DETAIL_COLUMNS, END_MIN, START_MIN, describe
from sim.analysis.congestion.report import CongestionReport
from sim.analysis.congestion.route import moves_text
from sim.core.jsonable import finite, number
from sim.metrics import columns as c
from sim.metrics.headcount import PeakHeadcount
from sim.metrics.stats import Results
from sim.model.layout import Layout
from sim.model.scenario import Scenario


def _kpi(kpis: Any, name: str) -> dict[str, Any]:
    row = kpis.loc[name]
    return {"mean": number(row["mean"]), "ci95": [number(row["ci_low"]), number(row["ci_high"])]}


def _zones(results: Results, layout: Layout) -> dict[str, dict[str, Any]]:
    zones = {}
    for row in results.zones.itertuples():
        name = layout.zone[row.zone].name
        zones[row.zone] = {
            "name": None if name is None else name.model_dump(),
            "kind": row.kind,
            "max_persons": number(row.max_persons),
            "max_persons_ci95": [number(row.max_persons_ci_low), number(row.max_persons_ci_high)],
            "p95_persons": number(row.p95_persons),
            "mean_persons": number(row.mean_persons),
            "capacity": None if row.capacity is None or row.capacity != row.capacity else int(row.capacity),
            "area_m2": number(row.area_m2),
        }
    return zones


def peak_document(peak: PeakHeadcount, scenario: Scenario) -> dict[str, Any]:
    """Persons inside at the busiest moment: mean with its 95% CI and the 95th percentile of days."""
    return {
        "mean": number(peak.mean), "ci95": [number(peak.ci_low), number(peak.ci_high)],
        "p95": number(peak.p95), "days": peak.days,
        "typical_clock": None if peak.typical_s != peak.typical_s else scenario.clock_at(peak.typical_s / 60.0),
    }  # fmt: skip


def day_document(
    results: Results, layout: Layout, scenario: Scenario, scenario_file: Path | str
) -> dict[str, Any]:
    """The day's KPIs, means with 95% CIs across replications, and each zone's headcount."""
    k = results.kpis.set_index("metric")
    greet: dict[str, Any] = {
        q: number(k.loc[f"greet_wait_{q}_min", "mean"]) for q in ("mean", "p50", "p90", "p95")
    }
    greet["ci95"] = _kpi(k, c.GREET_WAIT_MEAN_MIN)["ci95"]
    return {
        "scenario": str(scenario.name),
        "scenario_file": str(scenario_file),
        "layout": str(layout.name),
        "replications": results.replications,
        "seed": results.seed,
        "parties": {
            "arrived": number(k.loc[c.PARTIES_ARRIVED, "mean"]),
            "served": number(k.loc[c.PARTIES_SERVED, "mean"]),
            "reneged": number(k.loc[c.PARTIES_RENEGED, "mean"]),
            "inside_at_close": number(k.loc[c.PARTIES_INSIDE_AT_CLOSE, "mean"]),
            "ci95": {n: _kpi(k, f"parties_{n}")["ci95"] for n in ("arrived", "served", "reneged")},
        },
        "persons_arrived": _kpi(k, c.PERSONS_ARRIVED),
        "greet_wait_min": greet,
        "greet_target_min": scenario.targets.greet_within_min,
        "greet_within_target_share": number(k.loc[c.GREET_WITHIN_TARGET_SHARE, "mean"]),
        "greet_within_target_share_ci95": _kpi(k, c.GREET_WITHIN_TARGET_SHARE)["ci95"],
        "time_in_gallery_min": _kpi(k, c.TIME_IN_GALLERY_MEAN_MIN),
        "outside_wait_min": _kpi(k, c.OUTSIDE_WAIT_MEAN_MIN),
        "signings": _kpi(k, c.SIGNINGS),
        "peak_persons_inside": peak_document(results.peak, scenario),
        "delayed_share": _kpi(k, c.DELAYED_SHARE),
        "abandoned_share": _kpi(k, c.ABANDONED_SHARE),
        "greet_wait_mean_all_min": _kpi(k, c.GREET_WAIT_MEAN_ALL_MIN),
        "guide_queue_mean": _kpi(k, c.GUIDE_QUEUE_MEAN),
        "guide_utilisation": number(k.loc[c.GUIDE_UTILISATION, "mean"]),
        "guide_utilisation_ci95": _kpi(k, c.GUIDE_UTILISATION)["ci95"],
        "zones": _zones(results, layout),
    }


def flag_records(flags: Any) -> list[dict[str, Any]]:
    """The flags as records: window and severity, the detail in English, ids as in the layout."""
    records = []
    for row in flags.to_dict("records"):
        record = {k: v for k, v in row.items() if k not in DETAIL_COLUMNS and k not in (START_MIN, END_MIN)}
        record["detail"] = describe(row)
        records.append(finite(record))
    return records


def congestion_document(report: CongestionReport) -> dict[str, Any]:
    """Flags, level-of-service shares and the static route check."""
    shares = report.los_share.pivot(index="element", columns="level", values="share").round(4)
    static = [
        {"passage": r.passage, "forward": moves_text(r.forward), "backward": moves_text(r.backward)}
        for r in report.static.itertuples()
    ]
    return {
        "flags": flag_records(report.flags),
        "los_share": {element: row.to_dict() for element, row in shares.iterrows()},
        "static_route_check": static,
    }


def comparison_document(comparison: Any) -> dict[str, Any]:
    """Paired KPI differences and each flag's fate."""
    flags = comparison.flags
    return {
        "kpis": comparison.kpis.round(4).to_dict("records"),
        "flags": flags.astype(object).where(flags.notna(), None).to_dict("records"),
    }
