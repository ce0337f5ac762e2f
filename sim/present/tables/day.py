"""People's tables of a simulated day: KPIs, half hours, zones, congestion flags, comparisons."""

from __future__ import annotations

import pandas as pd

from sim.analysis.congestion.flags import SEVERE
from sim.core.text import Lang, text
from sim.metrics import columns as c
from sim.metrics.stats import Results
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan.compare import Comparison
from sim.present.findings import flag_detail
from sim.present.names import element_name, kind_name, zone_name
from sim.present.tables.common import frame, missing, num, pct, share_ci

SHOWN_KPIS = (
    c.PARTIES_ARRIVED, c.PERSONS_ARRIVED, c.PARTIES_SERVED, c.PARTIES_RENEGED, c.PARTIES_INSIDE_AT_CLOSE,
    c.GREET_WAIT_MEAN_MIN, c.GREET_WAIT_P90_MIN, c.GREET_WITHIN_TARGET_SHARE, c.DELAYED_SHARE,
    c.ABANDONED_SHARE, c.OUTSIDE_WAIT_MEAN_MIN, c.TIME_IN_GALLERY_MEAN_MIN, c.SIGNINGS, c.PEAK_PERSONS_INSIDE,
    c.GUIDE_UTILISATION,
)  # fmt: skip
SHARES = (*c.POOLED_SHARES, c.GUIDE_UTILISATION)


def kpi_label(name: str, layout: Layout, lang: Lang) -> str:
    """A KPI's name for a person (a zone's utilisation with the zone's display name)."""
    prefix = f"{c.UTILISATION}."
    if name.startswith(prefix) and name[len(prefix) :] in layout.zone:  # a table's name, made by the code
        return text("names.kpi.utilisation", lang, zone=zone_name(layout, name[len(prefix) :], lang))
    return text(f"names.kpi.{name}", lang)


def kpi_value(name: str, value: float) -> str:
    """A KPI's value: shares as percentages, the rest to one place."""
    return pct(value, 1) if name in SHARES else num(value)


def kpi_table(results: Results, lang: Lang) -> pd.DataFrame:
    """The day's headline KPIs: mean and 95% CI."""
    k = results.kpis.set_index("metric")
    rows = [
        {"metric": text(f"names.kpi.{name}", lang), "mean": kpi_value(name, k.at[name, "mean"]),
         "ci": f"{kpi_value(name, k.at[name, 'ci_low'])} – {kpi_value(name, k.at[name, 'ci_high'])}"}
        for name in SHOWN_KPIS if name in k.index
    ]  # fmt: skip
    at = next(
        i for i, r in enumerate(rows) if r["metric"] == text(f"names.kpi.{c.PEAK_PERSONS_INSIDE}", lang)
    )
    rows.insert(
        at + 1,
        {
            "metric": text("names.kpi.peak_persons_inside_p95", lang),
            "mean": num(results.peak.p95, 0),
            "ci": "",
        },
    )
    return frame(rows, "kpis", ["metric", "mean", "ci"], lang)


def half_hour_table(results: Results, scenario: Scenario, lang: Lang) -> pd.DataFrame:
    """Per half hour: arrivals, greeting wait, share in time, gave up, guides, most inside."""
    rows = [
        {"start": r.start, "parties": num(r.parties_arrived), "persons": num(r.persons_arrived),
         "wait": num(r.greet_wait_mean_min), "p90": num(r.greet_wait_p90_min),
         "within": share_ci(r.greet_within_target_share, r.greet_within_target_share_ci_low,
                      r.greet_within_target_share_ci_high),
         "reneged": num(r.reneged), "guides": num(r.guides_on_duty), "busy": num(r.guides_busy),
         "inside": num(r.persons_inside_max, 0)}
        for r in results.half_hours.itertuples()
    ]  # fmt: skip
    columns = ["start", "parties", "persons", "wait", "p90", "within", "reneged", "guides", "busy", "inside"]
    return frame(rows, "half_hours", columns, lang, within=f"{scenario.targets.greet_within_min:g}")


def zone_table(results: Results, layout: Layout, lang: Lang) -> pd.DataFrame:
    """Zones where visitors stay: area, most persons, p95, capacity, space per person at the most."""
    rows = []
    for r in results.zones.itertuples():
        if r.kind in ("entrance", "exit", "corridor", "stair"):
            continue  # outside, or walked through: their crowding is on the passages
        rows.append({"zone": zone_name(layout, r.zone, lang), "area": num(r.area_m2, 0), "max": num(r.max_persons),
                     "p95": num(r.p95_persons), "cap": "" if missing(r.capacity) else f"{r.capacity:.0f}",
                     "space": num(r.m2_per_person_at_max)})  # fmt: skip
    return frame(rows, "zones", ["zone", "area", "max", "p95", "cap", "space"], lang)


def flag_table(flags: pd.DataFrame, layout: Layout, lang: Lang, severe_only: bool = False) -> pd.DataFrame:
    """The congestion flags in time order, each with what it found."""
    chosen = flags[flags["severity"].isin(SEVERE)] if severe_only else flags
    rows = [
        {"element": element_name(layout, r.element, lang), "kind": kind_name("flag_kind", r.kind, lang),
         "start": r.start, "end": r.end, "peak": f"{r.peak:.3g} {kind_name('unit', r.unit, lang)}",
         "probability": pct(r.probability), "severity": kind_name("severity", r.severity, lang),
         "detail": flag_detail(r, layout, lang)}
        for r in chosen.itertuples()
    ]  # fmt: skip
    columns = ["element", "kind", "start", "end", "peak", "probability", "severity", "detail"]
    return frame(rows, "flags", columns, lang)


def _known(layouts: tuple[Layout, ...], element: str, lang: Lang) -> str:
    """An element's display name from the first layout that has it (compared layouts may differ)."""
    for layout in layouts:
        if element in layout.zone or element in layout.passage:
            return element_name(layout, element, lang)
    return element


def compare_kpi_table(comparison: Comparison, layout: Layout, lang: Lang) -> pd.DataFrame:
    """Paired KPI differences B − A with their 95% CIs."""
    rows = [
        {"metric": kpi_label(r.metric, layout, lang), "a": f"{r.a:.3g}", "b": f"{r.b:.3g}",
         "difference": f"{r.difference:+.3g} [{r.ci_low:+.3g}, {r.ci_high:+.3g}]"}
        for r in comparison.kpis.itertuples()
    ]  # fmt: skip
    return frame(rows, "compare_kpis", ["metric", "a", "b", "difference"], lang)


def compare_flag_table(flags: pd.DataFrame, layouts: tuple[Layout, ...], lang: Lang) -> pd.DataFrame:
    """Each flag's fate from A to B: appears, disappears, changes or stays the same."""
    rows = [
        {"element": _known(layouts, r.element, lang), "kind": kind_name("flag_kind", r.kind, lang),
         "status": kind_name("flag_status", r.status, lang),
         "windows_a": "" if missing(r.windows_a) else r.windows_a, "windows_b": "" if missing(r.windows_b) else r.windows_b}
        for r in flags.itertuples()
    ]  # fmt: skip
    return frame(rows, "compare_flags", ["element", "kind", "status", "windows_a", "windows_b"], lang)
