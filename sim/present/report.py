"""The peak-day report: one self-contained HTML page, from a Jinja2 template with autoescape.

Figures are embedded as PNG, with no external files, scripts or links; A4 print styles. Every
sentence comes from the text catalogue, Chinese (default) or English, and every table from the
people's tables (display names, the reader's language).
"""

from __future__ import annotations

import base64
from collections.abc import Collection
from functools import cache
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from sim.analysis.congestion.flags import SEVERE
from sim.core.text import Lang, text
from sim.plan.peakday import PeakDayPlan
from sim.present import figures
from sim.present.names import element_name
from sim.present.tables.common import verdict
from sim.present.tables.day import flag_table
from sim.present.tables.evacuation import code_table
from sim.present.tables.plan import action_table, run_sheet_table
from sim.present.tables.staff import roster_table, verification_lines

SECTIONS = ("answers", "staffing", "congestion", "evacuation", "sheet", "actions", "figures", "assumptions",
            "method", "no_actions")  # fmt: skip


@cache
def _environment() -> Environment:
    # autoescape on: every value put into the page is escaped (the files' names and descriptions included).
    return Environment(
        loader=PackageLoader("sim.present", "templates"), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip


def _table(
    frame: pd.DataFrame, numeric: Collection[int] = frozenset(), short: list[list[int]] | None = None
) -> dict:
    """A people's table as the template takes it: headers, rows of cells, right-aligned columns."""
    rows = [
        {"cells": list(r), "short": (short or [[]] * len(frame))[i]}
        for i, r in enumerate(frame.itertuples(index=False))
    ]
    return {"headers": list(frame.columns), "rows": rows, "numeric": numeric}


def report_figures(plan: PeakDayPlan, lang: Lang) -> dict[str, str]:
    """The report's figures as base64 PNG."""
    out = {}
    with figures.chinese_font():
        fig = figures.new_figure(10, 3.6)
        figures.greeting_wait(fig.subplots(), plan.results, plan.scenario, lang)
        out["wait"] = figures.png(fig, 100)
        fig = figures.new_figure(10, 3.6)
        figures.staffing_plan(
            fig.subplots(), plan.staff.guides.table, plan.staff.roster.coverage, plan.scenario, lang
        )
        out["staff"] = figures.png(fig, 100)
        kinds = plan.congestion.flags[["element", "kind"]].drop_duplicates().shape[0]
        fig = figures.new_figure(10, max(2.5, 0.25 * kinds + 1.2))
        figures.flag_timeline(fig.subplots(), plan.congestion, plan.layout, plan.scenario, lang)
        out["flags"] = figures.png(fig, 100)
        fig = figures.new_figure(9, 3.6)
        figures.evacuation_curves(fig.subplots(), plan.evacuation, lang)
        out["evac"] = figures.png(fig, 100)
    return {k: base64.b64encode(v).decode("ascii") for k, v in out.items()}


def _staffing(plan: PeakDayPlan, lang: Lang) -> dict[str, Any]:
    s, table = plan.scenario, plan.staff.guides.table
    kpi = plan.results.kpis.set_index("metric")
    share = kpi.loc["greet_within_target_share"]
    peak = int(table["guides"].idxmax())
    summary = text("report.staff_summary", lang, share=s.targets.greet_share, within=s.targets.greet_within_min,
                   peak=int(table["guides"].max()), peak_slot=table.at[peak, "start"],
                   hours=float(table["guides"].sum() / 2), paid=plan.staff.roster.paid_hours)  # fmt: skip
    now = text("report.staff_roster_now", lang, share=share["mean"], low=share["ci_low"], high=share["ci_high"],
               within=s.targets.greet_within_min, reneged=kpi.loc["parties_reneged", "mean"])  # fmt: skip
    return {
        "staff_summary": summary,
        "staff_verified": " ".join(line for line, _ in verification_lines(plan.staff, s, lang)),
        "staff_roster_now": now,
        "roster": _table(roster_table(plan.staff, lang), {4, 5}),
    }


def _evacuation(plan: PeakDayPlan, lang: Lang) -> dict[str, Any]:
    evac, ctx = plan.evacuation, plan.context.evacuation or {}
    mean, low, high = evac.simulated.clearance
    rsets = evac.rset.set_index("method")
    rset, rset_h = rsets.loc["simulated"], rsets.loc["hydraulic"]
    worst = ctx.get("worst_exit")
    summary = text(
        "report.evac_summary", lang, clock=ctx.get("clock", "–"), persons=sum(evac.occupants.values()),
        mean=ctx.get("mean_persons", float("nan")), sim=mean,
        low=low, high=high, lb=evac.lower_bound_s, hyd=evac.hydraulic.clearance_s,
        gov=element_name(plan.layout, evac.governing_element, lang) if evac.governing_element else "–",
        worst=element_name(plan.layout, worst, lang) if worst else "–", worst_s=ctx.get("worst_extra_s", 0.0) + mean,
        rset=rset["rset_s"], ok=verdict(rset["ok"], lang), rset_h=rset_h["rset_s"], ok_h=verdict(rset_h["ok"], lang),
        allowed="–" if evac.allowed_s is None else f"{evac.allowed_s:g}",
    )  # fmt: skip
    failures = code_table(evac, plan.layout, lang, failures_only=True)
    code = text("report.code_fail", lang, n=len(failures)) if len(failures) else text("report.code_ok", lang)
    return {"evacuation_summary": summary, "code_summary": code, "code_failures": _table(failures, {3, 4})}


def _sheet(plan: PeakDayPlan, lang: Lang) -> dict[str, Any]:
    frame = run_sheet_table(plan, lang)
    short = [[4] if r.guides_needed > r.guides_rostered else [] for r in plan.sheet.itertuples()]
    return _table(frame, set(range(1, 9)), short)


def render_html(plan: PeakDayPlan, lang: Lang = "zh", images: dict[str, str] | None = None) -> str:
    """The whole report as one self-contained HTML page (``images``: base64 PNG, default the report's)."""
    images = images if images is not None else report_figures(plan, lang)
    s = plan.scenario
    severe = plan.congestion.flags[plan.congestion.flags["severity"].isin(SEVERE)]
    flags = flag_table(plan.congestion.flags, plan.layout, lang, severe_only=True).drop(
        columns=[text("columns.flags.severity", lang)]
    )
    captions = {"wait": "fig_wait", "staff": "fig_staff", "flags": "fig_flags", "evac": "fig_evac"}
    method = [
        text("report.method_days", lang, reps=plan.results.replications),
        text(
            "report.method_staff",
            lang,
            staff_reps=plan.staff.replications,
            verify_days=plan.staff.guides.verified.days,
        ),
        text("report.method_congestion", lang, min_share=s.congestion.min_share),
        text("report.method_evacuation", lang, evac_reps=len(plan.evacuation.simulated.runs)),
        text("report.method_code", lang),
    ]
    context = {
        "html_lang": "zh-CN" if lang == "zh" else "en", "title": text("report.title", lang),
        "t": {key: text(f"report.{key}", lang) for key in SECTIONS},
        "scenario_name": s.name[lang], "layout_name": plan.layout.name[lang],
        "scenario_description": s.description[lang] if s.description else "–",
        "layout_description": plan.layout.description[lang] if plan.layout.description else "–",
        **_staffing(plan, lang), **_evacuation(plan, lang),
        "congestion_summary": text("report.cong_summary", lang, n=len(severe)), "flags": _table(flags, {4, 5}),
        "sheet": _sheet(plan, lang), "actions": _table(action_table(plan, lang)),
        "figures": [{"png": images[k], "caption": text(f"report.{c}", lang)} for k, c in captions.items() if k in images],
        "method": method,
        "generated": text("report.generated", lang, scenario=s.name[lang], layout=plan.layout.name[lang],
                          reps=plan.results.replications, seed=plan.results.seed, elapsed=plan.elapsed_s),
    }  # fmt: skip
    return _environment().get_template("report.html.j2").render(**context)
