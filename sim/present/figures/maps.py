"""The layout drawn at its coordinates, coloured by level of service, with the flags on it.

Zones are dots sized by area, passages lines as wide as their doors; Fruin A (green) to F (red).
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.analysis.congestion.report import CongestionReport
from sim.core.text import Lang, text
from sim.metrics.los import LEVELS
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.present.figures.axes import clock_axis
from sim.present.names import element_name, kind_name, zone_name

LOS_COLOURS = {0: "#1a9850", 1: "#91cf60", 2: "#d9ef8b", 3: "#fee08b", 4: "#fc8d59", 5: "#d73027"}
RING = {"high": "#b2182b", "medium": "#ef8a62", "low": "#999999"}
_NO_LEVEL = "#cccccc"


def _passages(ax: Axes, layout: Layout, levels: dict[str, int], flagged: dict[str, str]) -> None:
    for p in layout.passages:
        (ax_, ay), (bx, by) = layout.zone[p.from_].xy, layout.zone[p.to].xy
        colour = LOS_COLOURS.get(levels.get(p.pid, -1), _NO_LEVEL)
        style = ":" if p.kind == "shuttle" else "-"
        ax.plot(
            [ax_, bx],
            [ay, by],
            color=colour,
            lw=1 + 2.2 * p.width_m,
            ls=style,
            solid_capstyle="round",
            zorder=1,
        )
        if p.pid in flagged:
            ax.plot([ax_, bx], [ay, by], color=RING[flagged[p.pid]], lw=1.8, ls="--", zorder=1.5)


def _zones(
    ax: Axes, layout: Layout, levels: dict[str, int], flagged: dict[str, str], labels: bool, lang: Lang
) -> None:
    for z in layout.zones:
        size = 40 + 1.6 * (z.area_m2 or 20)
        marker = "s" if z.kind in ("exit", "entrance") else "o"
        colour = LOS_COLOURS.get(levels.get(z.id, -1), _NO_LEVEL)
        ax.scatter(*z.xy, s=size, c=colour, marker=marker, edgecolors="0.3", linewidths=0.6, zorder=2)
        if z.id in flagged:
            ax.scatter(*z.xy, s=size * 2.2, facecolors="none", edgecolors=RING[flagged[z.id]], linewidths=2.2,
                       zorder=2.5)  # fmt: skip
        if labels:
            ax.annotate(zone_name(layout, z.id, lang), z.xy, fontsize=7, ha="center", va="bottom", xytext=(0, 7),
                        textcoords="offset points", zorder=3)  # fmt: skip


def _legend(ax: Axes, lang: Lang) -> None:
    handles = [
        Line2D([], [], marker="o", ls="", color=colour, label=text("figure.map.level", lang, level=LEVELS[k]))
        for k, colour in LOS_COLOURS.items()
    ]
    for severity in ("high", "medium"):
        handles.append(Line2D([], [], marker="o", ls="", mfc="none", mec=RING[severity], mew=2,
                              label=text(f"figure.map.{severity}", lang)))  # fmt: skip
    ax.legend(handles=handles, fontsize=6, loc="lower right", ncol=2)


def layout_map(
    ax: Axes,
    layout: Layout,
    levels: dict[str, int],
    title: str = "",
    labels: bool = True,
    flagged: dict[str, str] | None = None,
    lang: Lang = "zh",
) -> Axes:
    """The layout at its coordinates; zones and passages coloured by Fruin level (A green … F red).

    ``flagged`` (element → severity) rings flagged zones and dashes flagged passages on top.
    """
    _passages(ax, layout, levels, flagged or {})
    _zones(ax, layout, levels, flagged or {}, labels, lang)
    ax.set_aspect("equal")
    ax.margins(0.12)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)
    if labels:
        _legend(ax, lang)
    return ax


def worst_flags(report: CongestionReport) -> dict[str, str]:
    """Each flagged element's worst severity."""
    flags = report.flags
    rank = {"high": 0, "medium": 1, "low": 2}
    worst = flags.assign(rank=flags["severity"].map(rank)).sort_values("rank").drop_duplicates("element")
    return dict(zip(worst["element"], worst["severity"], strict=True))


def los_map_strip(fig: Figure, report: CongestionReport, layout: Layout, lang: Lang = "zh") -> Figure:
    """The worst minute of a bad day with the flags ringed, then each hour of a typical day."""
    flags, hours = report.flags, list(report.level_by_hour.index)
    axes = fig.subplots(int(np.ceil((len(hours) + 1) / 4)), 4, squeeze=False).ravel()
    layout_map(axes[0], layout, report.peak_level, text("figure.map.worst", lang), flagged=worst_flags(report),
               lang=lang)  # fmt: skip
    for i, (ax, hour) in enumerate(zip(axes[1:], hours, strict=False)):
        start = 60 * i
        now = flags[
            (flags["start_min"] < start + 60) & (flags["end_min"] > start) & (flags["severity"] != "low")
        ]
        hot = dict(zip(now["element"], now["severity"], strict=True))
        layout_map(ax, layout, report.level_by_hour.loc[hour].to_dict(), text("figure.map.hour", lang, hour=hour),
                   labels=False, flagged=hot, lang=lang)  # fmt: skip
    for ax in axes[len(hours) + 1 :]:
        ax.set_visible(False)
    fig.suptitle(text("figure.map.strip", lang), fontsize=11)
    return fig


def flag_timeline(
    ax: Axes, report: CongestionReport, layout: Layout, scenario: Scenario, lang: Lang = "zh"
) -> Axes:
    """Each flag as a bar over its time window: colour = severity, depth = share of replications."""
    flags = report.flags
    keys = list(dict.fromkeys(zip(flags["element"], flags["kind"], strict=True)))
    colour = {"high": "#d73027", "medium": "#fc8d59", "low": "#fee08b"}
    for r in flags.itertuples():
        ax.barh(keys.index((r.element, r.kind)), r.end_min - r.start_min, left=r.start_min, color=colour[r.severity],
                alpha=0.35 + 0.65 * r.probability, edgecolor="0.4", lw=0.5)  # fmt: skip
    ax.set_yticks(range(len(keys)))
    labels = [f"{element_name(layout, e, lang)} · {kind_name('flag_kind', k, lang)}" for e, k in keys]
    ax.set_yticklabels(labels, fontsize=7)
    ax.invert_yaxis()
    clock_axis(ax, scenario, scenario.day_s / 60.0)
    ax.set_title(text("figure.timeline.title", lang), fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    return ax
