"""People's tables of an evacuation check: methods, governing elements, exits, zones, N−1, code."""

from __future__ import annotations

import pandas as pd

from sim.analysis.evacuation.findings import EvacuationReport
from sim.core.text import Lang, text
from sim.model.layout import Layout
from sim.present.findings import code_rule_text
from sim.present.names import element_name, kind_name
from sim.present.tables.common import frame, missing, seconds, verdict


def _sim(mean: float, low: float, high: float) -> str:
    return "–" if missing(mean) else f"{mean:.0f} s [{low:.0f}, {high:.0f}]"


def methods_table(report: EvacuationReport, lang: Lang) -> pd.DataFrame:
    """The three methods' clearance times, and what each assumes."""
    mean, low, high = report.simulated.clearance
    s = report.settings
    rows = [
        {"method": kind_name("method", "hydraulic", lang), "clearance": seconds(report.hydraulic.clearance_s),
         "how": text("console.evac.how_hydraulic", lang, pre=f"{report.hydraulic.premovement_s:.0f}",
                     convention=s.width_convention.upper())},
        {"method": kind_name("method", "lower_bound", lang), "clearance": seconds(report.lower_bound_s),
         "how": text("console.evac.how_lower_bound", lang, runs=len(report.alarm_bounds_s))},
        {"method": kind_name("method", "movement_bound", lang), "clearance": seconds(report.movement_bound_s),
         "how": text("console.evac.how_movement_bound", lang)},
        {"method": kind_name("method", "simulated", lang), "clearance": _sim(mean, low, high),
         "how": text("console.evac.how_simulated", lang, runs=len(report.simulated.runs),
                     p95=f"{report.simulated.clearance_p95_s:.0f}", speed=s.speed_model)},
    ]  # fmt: skip
    return frame(rows, "methods", ["method", "clearance", "how"], lang)


def governing_table(report: EvacuationReport, layout: Layout, lang: Lang, top: int = 5) -> pd.DataFrame:
    """The candidates by the gain of widening each: persons, hydraulic queue, simulated wait, gains."""
    rows = [
        {"element": element_name(layout, r.element, lang), "persons": f"{r.persons:.0f}",
         "queue": seconds(r.hydraulic_queue_s), "wait": seconds(r.longest_wait_s),
         "gain": f"{r.gain_s:+.0f} s", "hydraulic_gain": f"{r.hydraulic_gain_s:+.0f} s"}
        for r in report.governing.head(top).itertuples()
    ]  # fmt: skip
    return frame(rows, "governing", ["element", "persons", "queue", "wait", "gain", "hydraulic_gain"], lang)


def exits_table(report: EvacuationReport, layout: Layout, lang: Lang) -> pd.DataFrame:
    """Persons, flow and last person out per exit (simulated), and the hydraulic persons."""
    hyd = report.hydraulic.by_exit.set_index("exit")["persons"] if not report.hydraulic.by_exit.empty else {}
    rows = [
        {"exit": element_name(layout, r.exit, lang), "persons": f"{r.persons:.0f}", "flow": f"{r.flow_p_s:.2f}",
         "last": seconds(r.last_out_s), "hydraulic": f"{hyd.get(r.exit, 0):.0f}"}
        for r in report.simulated.by_exit().itertuples()
    ]  # fmt: skip
    return frame(rows, "exits", ["exit", "persons", "flow", "last", "hydraulic"], lang)


def zone_clear_table(report: EvacuationReport, layout: Layout, lang: Lang) -> pd.DataFrame:
    """When each zone's own occupants have all left it."""
    routes = report.hydraulic.routes.set_index("zone")
    rows = [
        {"zone": element_name(layout, r.zone, lang), "clear": _sim(r.clear_s, r.low, r.high),
         "hydraulic": seconds(routes["total_s"].get(r.zone))}
        for r in report.simulated.zone_clear().itertuples()
    ]  # fmt: skip
    return frame(rows, "zone_clear", ["zone", "clear", "hydraulic"], lang)


def n_minus_1_table(report: EvacuationReport, layout: Layout, lang: Lang) -> pd.DataFrame:
    """Each exit blocked in turn: the three methods, or the zones left with no way out."""
    rows = []
    for r in report.n_minus_1.itertuples():
        blocked = element_name(layout, r.blocked_exit, lang)
        if r.trapped:
            names = ", ".join(element_name(layout, z, lang) for z in r.trapped.split(", "))
            finding = text("problem.no_escape_route", lang, zones=names)
            rows.append({"blocked": blocked, "hydraulic": "–", "lower_bound": "–", "simulated": finding})
        else:
            rows.append({"blocked": blocked, "hydraulic": seconds(r.hydraulic_s), "lower_bound": seconds(r.lower_bound_s),
                         "simulated": _sim(r.simulated_s, r.simulated_low, r.simulated_high)})  # fmt: skip
    return frame(rows, "n_minus_1", ["blocked", "hydraulic", "lower_bound", "simulated"], lang)


def widening_table(report: EvacuationReport, layout: Layout, lang: Lang) -> pd.DataFrame:
    """The governing element widened: the three methods and the simulated gain."""
    rows = [
        {"element": element_name(layout, r.element, lang), "width": f"{r.width_m:.2f} + {r.extra_m:.1f} m",
         "hydraulic": seconds(r.hydraulic_s), "lower_bound": seconds(r.lower_bound_s),
         "simulated": _sim(r.simulated_s, r.simulated_low, r.simulated_high), "gain": f"{r.gain_s:+.0f} s"}
        for r in report.widening.itertuples()
    ]  # fmt: skip
    return frame(
        rows, "widening", ["element", "width", "hydraulic", "lower_bound", "simulated", "gain"], lang
    )


def rset_table(report: EvacuationReport, lang: Lang) -> pd.DataFrame:
    """RSET = Td + Tpre + k·Tt per method, against the allowed time."""
    rows = [
        {"method": kind_name("method", r.method, lang), "alarm": seconds(r.alarm_s), "premovement": seconds(r.premovement_s),
         "movement": seconds(r.movement_s), "k": f"{r.k:g}", "rset": seconds(r.rset_s),
         "allowed": seconds(r.allowed_s) if r.allowed_s else "–", "ok": verdict(r.ok, lang)}
        for r in report.rset.itertuples()
    ]  # fmt: skip
    return frame(
        rows, "rset", ["method", "alarm", "premovement", "movement", "k", "rset", "allowed", "ok"], lang
    )


def code_table(
    report: EvacuationReport, layout: Layout, lang: Lang, failures_only: bool = False
) -> pd.DataFrame:
    """The GB 50016 checks: the rule, the clause, where, the value against the limit, the result."""
    rows = []
    for r in report.code_check:
        if failures_only and r.ok:
            continue
        rule, where = code_rule_text(r, layout, lang)
        if r.assumed_shape:
            where = text("names.assumed_shape", lang, zone=where)
        result = text(f"names.verdict.{'pass' if r.ok else 'fail'}", lang)
        rows.append({"rule": rule, "clause": r.clause, "element": where, "value": f"{r.value:g}",
                     "limit": f"{r.limit:g}", "ok": result})  # fmt: skip
    return frame(rows, "code_check", ["rule", "clause", "element", "value", "limit", "ok"], lang)
