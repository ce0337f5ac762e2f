"""Figures of the simulated day and of the staffing plan. Each draws on the ``ax`` (or figure) given."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.core.text import Lang, text
from sim.metrics.stats import Results
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.present.figures.axes import clock_axis, day_end_min
from sim.present.names import zone_name


def greeting_wait(ax: Axes, results: Results, scenario: Scenario, lang: Lang = "zh") -> Axes:
    """Greeting wait by half hour (mean with its 95% CI, and p90) against the target."""
    table = results.half_hours
    x = table["slot"].to_numpy() * 30 + 15
    ax.fill_between(x, table["greet_wait_mean_min_ci_low"], table["greet_wait_mean_min_ci_high"], alpha=0.25,
                    color="C0", label=text("figure.wait.band", lang))  # fmt: skip
    ax.plot(x, table["greet_wait_mean_min"], "o-", color="C0", label=text("figure.wait.mean", lang))
    ax.plot(x, table["greet_wait_p90_min"], "s--", color="C1", label=text("figure.wait.p90", lang))
    within = scenario.targets.greet_within_min
    ax.axhline(within, color="C3", lw=1.5, label=text("figure.wait.target", lang, within=f"{within:g}"))
    ax.set_ylabel(text("figure.wait.y", lang))
    ax.set_title(text("figure.wait.title", lang))
    clock_axis(ax, scenario, scenario.day_s / 60.0)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return ax


def zone_occupancy(
    fig: Figure, results: Results, layout: Layout, scenario: Scenario, lang: Lang = "zh"
) -> Figure:
    """Small multiples: each visitor zone's headcount over the day against its capacity."""
    band = results.occupancy
    visited = set(band.loc[band["p95"] > 0, "place"])
    zones = [
        z for z in layout.zones if z.kind not in ("exit", "entrance", "corridor", "stair") and z.id in visited
    ]
    cols = 3
    axes = fig.subplots(int(np.ceil(len(zones) / cols)), cols, sharex=True, squeeze=False).ravel()
    end_min = day_end_min(results, scenario)
    for ax, zone in zip(axes, zones, strict=False):
        data = band[(band["place"] == zone.id) & (band["minute"] <= end_min)]
        ax.fill_between(data["minute"], data["p05"], data["p95"], alpha=0.25, color="C0", lw=0)
        ax.plot(data["minute"], data["p50"], color="C0", lw=1.2)
        if zone.max_persons is not None:
            ax.axhline(zone.max_persons, color="C3", lw=1, ls="--")
        ax.set_title(zone_name(layout, zone.id, lang), fontsize=9)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        clock_axis(ax, scenario, end_min)
        ax.tick_params(labelsize=7)
    for ax in axes[len(zones) :]:
        ax.set_visible(False)
    fig.suptitle(text("figure.zones.title", lang), fontsize=10)
    return fig


def guides_busy(ax: Axes, results: Results, scenario: Scenario, lang: Lang = "zh") -> Axes:
    """Guides on duty against guides busy with a party, through the day."""
    end_min = day_end_min(results, scenario)
    g = results.guides[results.guides["minute"] <= end_min]
    ax.step(
        g["minute"], g["on_duty_mean"], where="post", color="C2", label=text("figure.guides.on_duty", lang)
    )
    ax.fill_between(g["minute"], g["busy_p05"], g["busy_p95"], alpha=0.25, color="C0", lw=0,
                    label=text("figure.guides.band", lang))  # fmt: skip
    ax.plot(g["minute"], g["busy_mean"], color="C0", label=text("figure.guides.busy", lang))
    ax.set_ylabel(text("figure.guides.y", lang))
    ax.set_title(text("figure.guides.title", lang))
    clock_axis(ax, scenario, end_min)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return ax


def staffing_plan(
    ax: Axes, table: pd.DataFrame, rostered: tuple[int, ...], scenario: Scenario, lang: Lang = "zh"
) -> Axes:
    """Guides required per half hour (the plan, SIPP) and rostered, over arrivals and the offered load."""
    x = table["slot"].to_numpy() * 30.0
    edges = np.append(x, x[-1] + 30.0)
    arrivals = ax.twinx()
    arrivals.bar(
        x + 15, table["arrivals"], width=26, color="0.85", label=text("figure.staffing.arrivals", lang)
    )
    arrivals.set_ylabel(text("figure.staffing.arrivals_y", lang), color="0.4")
    arrivals.set_ylim(0, max(1.0, float(table["arrivals"].max())) * 3)
    ax.set_zorder(arrivals.get_zorder() + 1)
    ax.patch.set_visible(False)

    def step(values: np.ndarray) -> np.ndarray:
        return np.append(values, values[-1])

    ax.step(edges, step(table["guides"].to_numpy()), where="post", lw=2.2, color="C0",
            label=text("figure.staffing.plan", lang))  # fmt: skip
    ax.step(edges, step(np.asarray(rostered)), where="post", lw=1.4, color="C2",
            label=text("figure.staffing.rostered", lang))  # fmt: skip
    ax.step(edges, step(table["sipp"].to_numpy()), where="post", lw=1.2, ls="--", color="C3",
            label=text("figure.staffing.sipp", lang))  # fmt: skip
    ax.plot(
        x + 15,
        table["offered_load"],
        color="C1",
        lw=1.2,
        marker=".",
        label=text("figure.staffing.load", lang),
    )
    ax.set_ylabel(text("figure.staffing.y", lang))
    target = text("figure.staffing.target", lang, share=f"{scenario.targets.greet_share:.0%}",
                  within=f"{scenario.targets.greet_within_min:g}")  # fmt: skip
    ax.set_title(text("figure.staffing.title", lang, target=target))
    clock_axis(ax, scenario, float(edges[-1]))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return ax
