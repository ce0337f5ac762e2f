"""Figures for the run summary. Each function draws on the ``ax`` it is given and returns it.

Chinese labels use the bundled Noto Sans SC subset, registered at plot time inside
``chinese_font()`` (no global rc edits, no font-cache rebuild).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.metrics.stats import Results
from sim.model.layout import Layout
from sim.model.scenario import Scenario

FONT_FILE = Path(__file__).parent / "fonts" / "NotoSansSC-Subset.otf"
_FALLBACKS = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans"]


@cache
def _font_name() -> str:
    font_manager.fontManager.addfont(str(FONT_FILE))
    return font_manager.FontProperties(fname=str(FONT_FILE)).get_name()


@cache
def _families() -> tuple[str, ...]:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return (_font_name(), *(name for name in _FALLBACKS if name in installed))


@contextmanager
def chinese_font() -> Iterator[None]:
    """Draw with the bundled CJK font; a list in ``font.family`` gives per-glyph fallback."""
    with mpl.rc_context({"font.family": list(_families()), "axes.unicode_minus": False}):
        yield


def _clock_axis(ax: Axes, scenario: Scenario, end_min: float) -> None:
    step = 60 if end_min <= 12 * 60 else 120
    ticks = np.arange(0, end_min + 1, step)
    ax.set_xticks(ticks)
    ax.set_xticklabels([scenario.clock_at(t) for t in ticks])
    ax.set_xlim(0, end_min)


def _day_end_min(results: Results, scenario: Scenario) -> float:
    """Plot to closing, or to the hour after the last party left if that is later."""
    last_exit = results.kpis.set_index("metric").loc["last_exit_min", "mean"]
    overrun = 60.0 * np.ceil(last_exit / 60.0) if np.isfinite(last_exit) else 0.0
    return max(scenario.day_s / 60.0, overrun)


def greeting_wait(ax: Axes, results: Results, scenario: Scenario) -> Axes:
    """Greeting wait by half hour (mean with its 95% CI, and p90) against the target."""
    table = results.half_hours
    x = table["slot"].to_numpy() * 30 + 15
    ax.fill_between(
        x,
        table["greet_wait_mean_min_ci_low"],
        table["greet_wait_mean_min_ci_high"],
        alpha=0.25,
        color="C0",
        label="均值95%置信区间 mean 95% CI",
    )
    ax.plot(x, table["greet_wait_mean_min"], "o-", color="C0", label="平均等待 mean wait")
    ax.plot(x, table["greet_wait_p90_min"], "s--", color="C1", label="90分位 p90")
    ax.axhline(
        scenario.targets.greet_within_min,
        color="C3",
        lw=1.5,
        label=f"目标 target {scenario.targets.greet_within_min:g} min",
    )
    ax.set_ylabel("等待顾问接待（分钟） wait for a guide (min)")
    ax.set_title("各时段接待等待 Greeting wait by half hour (by time joined the queue)")
    _clock_axis(ax, scenario, scenario.day_s / 60.0)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return ax


def zone_occupancy(fig: Figure, results: Results, layout: Layout, scenario: Scenario) -> Figure:
    """Small multiples: each visitor zone's headcount over the day against its capacity."""
    band = results.occupancy
    visited = set(band.loc[band["p95"] > 0, "place"])
    zones = [
        z for z in layout.zones if z.kind not in ("exit", "entrance", "corridor", "stair") and z.id in visited
    ]
    cols = 3
    rows = int(np.ceil(len(zones) / cols))
    axes = fig.subplots(rows, cols, sharex=True, squeeze=False).ravel()
    end_min = _day_end_min(results, scenario)
    for ax, zone in zip(axes, zones, strict=False):
        data = band[(band["place"] == zone.id) & (band["minute"] <= end_min)]
        ax.fill_between(data["minute"], data["p05"], data["p95"], alpha=0.25, color="C0", lw=0)
        ax.plot(data["minute"], data["p50"], color="C0", lw=1.2)
        if zone.max_persons is not None:
            ax.axhline(zone.max_persons, color="C3", lw=1, ls="--")
        ax.set_title(f"{zone.label}", fontsize=9)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        _clock_axis(ax, scenario, end_min)
        ax.tick_params(labelsize=7)
    for ax in axes[len(zones) :]:
        ax.set_visible(False)
    fig.suptitle(
        "各区域人数（中位数，5–95%分位带；红虚线=容量） Persons per zone: median, 5–95% band, red = capacity",
        fontsize=10,
    )
    return fig


def guides_busy(ax: Axes, results: Results, scenario: Scenario) -> Axes:
    """Guides on duty against guides busy with a party, through the day."""
    g = results.guides
    end_min = _day_end_min(results, scenario)
    g = g[g["minute"] <= end_min]
    ax.step(g["minute"], g["on_duty_mean"], where="post", color="C2", label="在岗顾问 guides on duty")
    ax.fill_between(
        g["minute"], g["busy_p05"], g["busy_p95"], alpha=0.25, color="C0", lw=0, label="5–95%分位 band"
    )
    ax.plot(g["minute"], g["busy_mean"], color="C0", label="带客中 guides busy (mean)")
    ax.set_ylabel("人数 guides")
    ax.set_title("置业顾问：在岗与带客 Guides on duty vs busy")
    _clock_axis(ax, scenario, end_min)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return ax


def staffing_plan(ax: Axes, table: pd.DataFrame, rostered: tuple[int, ...], scenario: Scenario) -> Axes:
    """Guides required per half hour (the plan, SIPP, MOL) and rostered, over arrivals and load."""
    x = table["slot"].to_numpy() * 30.0
    edges = np.append(x, x[-1] + 30.0)
    arrivals = ax.twinx()
    arrivals.bar(x + 15, table["arrivals"], width=26, color="0.85", label="到访组数 parties arriving")
    arrivals.set_ylabel("每半小时到访组数 parties per half hour", color="0.4")
    arrivals.set_ylim(0, max(1.0, float(table["arrivals"].max())) * 3)
    ax.set_zorder(arrivals.get_zorder() + 1)
    ax.patch.set_visible(False)
    step = lambda values: np.append(values, values[-1])  # noqa: E731
    ax.step(
        edges,
        step(table["guides"].to_numpy()),
        where="post",
        lw=2.2,
        color="C0",
        label="需要的顾问 guides required (plan)",
    )
    ax.step(edges, step(np.asarray(rostered)), where="post", lw=1.4, color="C2", label="排班在岗 rostered")
    ax.step(
        edges,
        step(table["sipp"].to_numpy()),
        where="post",
        lw=1.2,
        ls="--",
        color="C3",
        label="逐时Erlang C (SIPP)",
    )
    ax.plot(
        x + 15,
        table["offered_load"],
        color="C1",
        lw=1.2,
        marker=".",
        label="提供负荷 offered load (busy, unlimited)",
    )
    ax.set_ylabel("顾问人数 guides")
    target = f"{scenario.targets.greet_share:.0%} ≤ {scenario.targets.greet_within_min:g} min"
    ax.set_title(f"置业顾问需求与排班 Guides required vs rostered (target {target})")
    _clock_axis(ax, scenario, float(edges[-1]))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return ax


LOS_COLOURS = {0: "#1a9850", 1: "#91cf60", 2: "#d9ef8b", 3: "#fee08b", 4: "#fc8d59", 5: "#d73027"}
_NO_LEVEL = "#cccccc"


def layout_map(
    ax: Axes,
    layout: Layout,
    levels: dict[str, int],
    title: str = "",
    labels: bool = True,
    flagged: dict[str, str] | None = None,
) -> Axes:
    """The layout at its coordinates; zones and passages coloured by Fruin level (A green … F red).

    ``flagged`` (element → severity) rings flagged zones and dashes flagged passages on top.
    """
    from matplotlib.lines import Line2D

    flagged = flagged or {}
    ring = {"high": "#b2182b", "medium": "#ef8a62", "low": "#999999"}
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
            ax.plot([ax_, bx], [ay, by], color=ring[flagged[p.pid]], lw=1.8, ls="--", zorder=1.5)
    for z in layout.zones:
        size = 40 + 1.6 * (z.area_m2 or 20)
        marker = "s" if z.kind in ("exit", "entrance") else "o"
        colour = LOS_COLOURS.get(levels.get(z.id, -1), _NO_LEVEL)
        ax.scatter(*z.xy, s=size, c=colour, marker=marker, edgecolors="0.3", linewidths=0.6, zorder=2)
        if z.id in flagged:
            ax.scatter(
                *z.xy,
                s=size * 2.2,
                facecolors="none",
                edgecolors=ring[flagged[z.id]],
                linewidths=2.2,
                zorder=2.5,
            )
        if labels:
            ax.annotate(
                z.label.split(" ")[0],
                z.xy,
                fontsize=7,
                ha="center",
                va="bottom",
                xytext=(0, 7),
                textcoords="offset points",
                zorder=3,
            )
    ax.set_aspect("equal")
    ax.margins(0.12)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)
    if labels:
        handles = [
            Line2D([], [], marker="o", ls="", color=c, label=f"LOS {'ABCDEF'[k]}")
            for k, c in LOS_COLOURS.items()
        ]
        for severity, text in (("high", "高 high flag"), ("medium", "中 medium flag")):
            handles.append(
                Line2D([], [], marker="o", ls="", mfc="none", mec=ring[severity], mew=2, label=text)
            )
        ax.legend(handles=handles, fontsize=6, loc="lower right", ncol=2)
    return ax


def los_map_strip(fig: Figure, report, layout: Layout) -> Figure:
    """The worst minute of a bad day with the flags ringed, then each hour of a typical day."""
    flags = report.flags
    hours = list(report.level_by_hour.index)
    cols = 4
    axes = fig.subplots(int(np.ceil((len(hours) + 1) / cols)), cols, squeeze=False).ravel()
    rank = {"high": 0, "medium": 1, "low": 2}
    worst = flags.assign(rank=flags["severity"].map(rank)).sort_values("rank").drop_duplicates("element")
    flagged = dict(zip(worst["element"], worst["severity"], strict=True))
    layout_map(
        axes[0],
        layout,
        report.peak_level,
        "全天最差时刻与问题点 worst minute of a bad day; flags ringed",
        flagged=flagged,
    )
    for i, (ax, hour) in enumerate(zip(axes[1:], hours, strict=False)):
        start = 60 * i
        now = flags[
            (flags["start_min"] < start + 60) & (flags["end_min"] > start) & (flags["severity"] != "low")
        ]
        hot = dict(zip(now["element"], now["severity"], strict=True))
        layout_map(
            ax,
            layout,
            report.level_by_hour.loc[hour].to_dict(),
            f"{hour} 典型日 typical day",
            labels=False,
            flagged=hot,
        )
    for ax in axes[len(hours) + 1 :]:
        ax.set_visible(False)
    fig.suptitle("服务水平（Fruin A–F）与拥堵问题 Level of service and flags through the day", fontsize=11)
    return fig


def flag_timeline(ax: Axes, report, scenario: Scenario) -> Axes:
    """Each flag as a bar over its time window: colour = severity, depth = share of replications."""
    flags = report.flags
    keys = list(dict.fromkeys(zip(flags["element"], flags["kind"], strict=True)))
    colour = {"high": "#d73027", "medium": "#fc8d59", "low": "#fee08b"}
    for r in flags.itertuples():
        y = keys.index((r.element, r.kind))
        ax.barh(
            y,
            r.end_min - r.start_min,
            left=r.start_min,
            color=colour[r.severity],
            alpha=0.35 + 0.65 * r.probability,
            edgecolor="0.4",
            lw=0.5,
        )
    ax.set_yticks(range(len(keys)))
    ax.set_yticklabels([f"{e} · {k}" for e, k in keys], fontsize=7)
    ax.invert_yaxis()
    _clock_axis(ax, scenario, scenario.day_s / 60.0)
    ax.set_title(
        "拥堵与动线问题时间轴 Congestion and route flags (colour: severity; depth: share of replications)",
        fontsize=9,
    )
    ax.grid(axis="x", alpha=0.3)
    return ax


def evacuation_curves(ax: Axes, curves: dict[str, pd.DataFrame], target_s: float | None = None) -> Axes:
    """People still inside against time, one line per method (a band where the frame has p05/p95)."""
    colours = {"hydraulic": "#d95f02", "lower bound": "#1b9e77", "simulated": "#7570b3"}
    for name, frame in curves.items():
        colour = colours.get(name.split(" (")[0])
        step = "post" if name.startswith("lower bound") else None
        if step:
            ax.step(frame["t_s"], frame["remaining"], where=step, color=colour, label=name)
        else:
            ax.plot(frame["t_s"], frame["remaining"], color=colour, label=name)
        if {"p05", "p95"} <= set(frame.columns):
            ax.fill_between(frame["t_s"], frame["p05"], frame["p95"], color=colour, alpha=0.2, lw=0)
    if target_s is not None:
        ax.axvline(target_s, color="0.4", ls="--", lw=1, label=f"允许 allowed {target_s:g} s")
    return _evacuation_axes(ax, "仍在馆内 persons still inside", "疏散曲线 people still inside, by method")


def evacuation_exits(ax: Axes, frame: pd.DataFrame) -> Axes:
    """Persons out through each exit over time (simulated, median across replications)."""
    for exit_ in [c for c in frame.columns if c != "t_s"]:
        ax.plot(frame["t_s"], frame[exit_], label=exit_)
    return _evacuation_axes(ax, "已疏散 persons out", "各出口 by exit (simulated, median)")


def _evacuation_axes(ax: Axes, ylabel: str, title: str) -> Axes:
    """Time since the alarm on x, persons on y, from zero; grid, legend and title."""
    ax.set_xlabel("疏散开始后 seconds after the alarm")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=10)
    return ax
