"""Figures of an evacuation: people still inside by method, persons out by exit, the governing element."""

from __future__ import annotations

from matplotlib.axes import Axes

from sim.analysis.evacuation.findings import EvacuationReport
from sim.core.text import Lang, text
from sim.metrics.los import by_space, zone_table
from sim.model.layout import Layout
from sim.present.figures.maps import layout_map
from sim.present.names import element_name, kind_name

COLOURS = {"hydraulic": "#d95f02", "movement_bound": "#1b9e77", "simulated": "#7570b3"}


def evacuation_curves(ax: Axes, report: EvacuationReport, lang: Lang = "zh") -> Axes:
    """People still inside against time, one line per method (the simulated with its 5–95% band)."""
    for method, frame, seconds in (
        ("hydraulic", report.hydraulic.curve, report.hydraulic.clearance_s),
        ("movement_bound", report.lower_curve, report.movement_bound_s),
        ("simulated", report.simulated.curve(), report.simulated.clearance[0]),
    ):
        key = "figure.evacuation.simulated" if method == "simulated" else "figure.evacuation.method"
        label = text(key, lang, method=kind_name("method", method, lang), seconds=f"{seconds:.0f}")
        if method == "movement_bound":
            ax.step(frame["t_s"], frame["remaining"], where="post", color=COLOURS[method], label=label)
        else:
            ax.plot(frame["t_s"], frame["remaining"], color=COLOURS[method], label=label)
        if {"p05", "p95"} <= set(frame.columns):
            ax.fill_between(frame["t_s"], frame["p05"], frame["p95"], color=COLOURS[method], alpha=0.2, lw=0)
    if report.allowed_s is not None:
        ax.axvline(report.allowed_s, color="0.4", ls="--", lw=1,
                   label=text("figure.evacuation.allowed", lang, allowed=f"{report.allowed_s:g}"))  # fmt: skip
    return _axes(ax, text("figure.evacuation.remaining", lang), text("figure.evacuation.curves", lang), lang)


def evacuation_exits(ax: Axes, report: EvacuationReport, layout: Layout, lang: Lang = "zh") -> Axes:
    """Persons out through each exit over time (simulated, median across replications)."""
    frame = report.simulated.exit_curves()
    for exit_ in [c for c in frame.columns if c != "t_s"]:
        ax.plot(frame["t_s"], frame[exit_], label=element_name(layout, exit_, lang))
    return _axes(ax, text("figure.evacuation.out", lang), text("figure.evacuation.by_exit", lang), lang)


def governing_map(ax: Axes, report: EvacuationReport, layout: Layout, lang: Lang = "zh") -> Axes:
    """The layout with the three longest hydraulic queues ringed, zones by level of service at the alarm."""
    ranked = list(report.governing["element"].head(3))
    flagged = {e: ("high" if i == 0 else "medium") for i, e in enumerate(ranked)}
    levels = {}
    for z, n in report.occupants.items():
        zone, table = layout.zone[z], zone_table(layout.zone[z].kind)
        if n > 0 and zone.area_m2 and table is not None:
            levels[z] = int(by_space(zone.area_m2 / n, table))
    governing = element_name(layout, report.governing_element, lang) if report.governing_element else "–"
    return layout_map(ax, layout, levels, text("figure.map.governing", lang, element=governing), flagged=flagged,
                      lang=lang)  # fmt: skip


def _axes(ax: Axes, ylabel: str, title: str, lang: Lang) -> Axes:
    """Time since the alarm on x, persons on y, from zero; grid, legend and title."""
    ax.set_xlabel(text("figure.evacuation.x", lang))
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=10)
    return ax
