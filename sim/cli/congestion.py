"""``anchang congestion`` and ``anchang compare`` (front end only)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer


def congestion_json(report) -> dict:
    """The ``--json`` document: flags, level-of-service shares and the static route check."""
    flags = [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in report.flags.drop(columns=["start_min", "end_min"]).to_dict("records")
    ]
    shares = report.los_share.pivot(index="element", columns="level", values="share").round(4)
    return {
        "flags": flags,
        "los_share": {element: row.to_dict() for element, row in shares.iterrows()},
        "static_route_check": report.static.to_dict("records"),
    }


_UNITS = {"persons/30 min": "/30min", "parties": "parties", "persons/m²": "p/m²", "share": "share"}


def _moves(text: str, shown: int = 3) -> str:
    moves = text.split("; ")
    more = f" …+{len(moves) - shown}" if len(moves) > shown else ""
    return ", ".join(moves[:shown]) + more


def print_flags(console, report, limit: int | None = None) -> None:
    """The flag table in time order (without low-severity rows when ``limit`` is given)."""
    from rich.table import Table

    flags = report.flags if limit is None else report.flags[report.flags["severity"] != "low"].head(limit)
    table = Table(
        "element",
        "kind",
        "from",
        "to",
        "peak",
        "p",
        "sev",
        title="Congestion flags (p = share of replications)",
    )
    for r in flags.itertuples():
        table.add_row(
            r.element,
            r.kind,
            r.start,
            r.end,
            f"{r.peak:.3g} {_UNITS.get(r.unit, r.unit)}",
            f"{r.probability:.0%}",
            r.severity,
        )
    console.print(table)
    if len(report.static):
        console.print(
            "[bold]The designed route uses these passages both ways (回流), before any simulation:[/]"
        )
        for r in report.static.itertuples():
            console.print(f"  {r.passage}: {_moves(r.forward)}  ⇄  {_moves(r.backward)}")


def congestion(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    layout: Annotated[Path | None, typer.Option(help="layout YAML (default: the scenario's)")] = None,
    reps: Annotated[int | None, typer.Option(min=2, help="replications (default: the scenario's)")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="root seed")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
    out: Annotated[Path | None, typer.Option(help="also write flags.csv, los.csv and the maps here")] = None,
    at: Annotated[
        str | None, typer.Option(help='also draw the map at this time, e.g. "11:00" (with --out)')
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """Where and when the gallery crowds: level of service, flags, counter-flow and crossing."""
    from rich.console import Console

    from sim.analysis.congestion.report import analyse
    from sim.io.files import load_pair
    from sim.runner.replications import run

    pair = load_pair(scenario, layout)
    report = analyse(run(*pair, replications=reps, seed=seed, workers=workers), *pair)
    document = congestion_json(report)
    if out is not None:
        write_congestion(report, *pair, out)
        if at is not None:
            _map_at(report, *pair, at, out)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print_flags(Console(), report)


def write_congestion(report, layout, scenario, out: Path) -> None:
    """flags.csv, los_share.csv, the level-of-service map strip and the flag timeline."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from sim.present import figures as plots
    from sim.store.outputs import write_frames

    write_frames(
        {"flags": report.flags, "los_share": report.los_share, "route_both_ways": report.static}, out
    )
    with plots.chinese_font():
        fig = plots.los_map_strip(plt.figure(figsize=(14, 8), layout="constrained"), report, layout)
        fig.savefig(out / "los_map.png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        fig, ax = plt.subplots(
            figsize=(11, max(3, 0.3 * report.flags[["element", "kind"]].drop_duplicates().shape[0] + 1.5))
        )
        plots.flag_timeline(ax, report, scenario)
        fig.savefig(out / "flags.png", dpi=110, bbox_inches="tight")
        plt.close(fig)


def _map_at(report, layout, scenario, at: str, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from sim.core.clock import parse_clock
    from sim.core.problems import InputError, Problem
    from sim.present import figures as plots

    try:
        minute = parse_clock(at) - scenario.hours.open
    except ValueError as exc:
        raise InputError([Problem("--at", str(exc))]) from None
    if not 0 <= minute < scenario.day_s / 60:
        raise InputError([Problem("--at", f"{at} is outside opening hours")])
    flags = report.flags[(report.flags["start_min"] <= minute) & (report.flags["end_min"] > minute)]
    with plots.chinese_font():
        fig, ax = plt.subplots(figsize=(8, 7))
        title = f"{at} 服务水平与问题点 level of service (median day) and flags"
        plots.layout_map(
            ax,
            layout,
            report.levels_at(minute),
            title,
            flagged=dict(zip(flags["element"], flags["severity"], strict=True)),
        )
        fig.savefig(out / f"los_at_{at.replace(':', '')}.png", dpi=120, bbox_inches="tight")
        plt.close(fig)


def compare(
    scenario_a: Annotated[Path, typer.Argument(help="base scenario")],
    scenario_b: Annotated[Path, typer.Argument(help="variant scenario")],
    layout_a: Annotated[Path | None, typer.Option(help="layout for A (default: its scenario's)")] = None,
    layout_b: Annotated[Path | None, typer.Option(help="layout for B (default: its scenario's)")] = None,
    reps: Annotated[int | None, typer.Option(min=2, help="replications (default: A's)")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="root seed, shared by both")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """Compare two variants on the same seeds: paired KPI differences and what happens to each flag."""
    from rich.console import Console
    from rich.table import Table

    from sim.io.files import load_pair
    from sim.plan.compare import compare as run_compare

    result = run_compare(
        *load_pair(scenario_a, layout_a), *load_pair(scenario_b, layout_b), reps, seed, workers
    )
    if as_json:
        document = {
            "kpis": result.kpis.round(4).to_dict("records"),
            "flags": result.flags.astype(object).where(result.flags.notna(), None).to_dict("records"),
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2, default=float))
        return
    console = Console()
    kpis = Table(
        "KPI",
        "A",
        "B",
        "B − A [95% CI]",
        title=f"{scenario_b.stem} vs {scenario_a.stem}, paired on the same seeds",
    )
    for r in result.kpis.itertuples():
        kpis.add_row(
            r.metric, f"{r.a:.3g}", f"{r.b:.3g}", f"{r.difference:+.3g} [{r.ci_low:+.3g}, {r.ci_high:+.3g}]"
        )
    console.print(kpis)
    flags = Table("element", "kind", "status", "A", "B", title="Flags")
    for r in result.flags.itertuples():
        flags.add_row(
            r.element,
            r.kind,
            r.status,
            str(r.windows_a if isinstance(r.windows_a, str) else "–"),
            str(r.windows_b if isinstance(r.windows_b, str) else "–"),
        )
    console.print(flags)
