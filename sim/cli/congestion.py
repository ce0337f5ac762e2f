"""``anchang congestion`` and ``anchang compare`` (front end only)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sim.cli.common import (
    Workers,
    console,
    count_option,
    figure_file,
    lang,
    print_frame,
    say,
    seed_option,
    settings,
)
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan.day import CongestionReport


def print_flags(out: Console, report: CongestionReport, layout: Layout, limit: int | None = None) -> None:
    """The flag table in time order (without low-severity rows when ``limit`` is given)."""
    from sim.present.names import element_name
    from sim.present.tables.day import flag_table

    flags = report.flags if limit is None else report.flags[report.flags["severity"] != "low"].head(limit)
    print_frame(out, flag_table(flags, layout, lang()), say("console.congestion.flags"))
    if len(report.static):
        out.print(say("console.congestion.both_ways"))

        def moves(found: tuple, shown: int = 3) -> str:
            named = [f"{element_name(layout, a, lang())}→{element_name(layout, b, lang())}" for a, b in found]
            more = f" …+{len(named) - shown}" if len(named) > shown else ""
            return ", ".join(named[:shown]) + more

        for r in report.static.itertuples():
            out.print(
                f"  {element_name(layout, r.passage, lang())}: {moves(r.forward)}  ⇄  {moves(r.backward)}"
            )


def congestion(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    layout: Annotated[Path | None, typer.Option(help="layout YAML (default: the scenario's)")] = None,
    reps: Annotated[int | None, count_option("replications (default: the scenario's)")] = None,
    seed: Annotated[int | None, seed_option("root seed")] = None,
    workers: Workers = None,
    out: Annotated[Path | None, typer.Option(help="also write flags.csv, los.csv and the maps here")] = None,
    at: Annotated[
        str | None, typer.Option(help='also draw the map at this time, e.g. "11:00" (with --out)')
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """Where and when the gallery crowds: level of service, flags, counter-flow and crossing."""
    from sim.io.files import load_pair
    from sim.plan.day import simulate_day
    from sim.store.outputs import owned_folder

    the_layout, the_scenario = load_pair(scenario, layout)
    with owned_folder(out) if out is not None else contextlib.nullcontext():
        study = simulate_day(layout=the_layout, scenario=the_scenario,
                             settings=settings(record=False, replications=reps, seed=seed, workers=workers))  # fmt: skip
        if out is not None:
            write_congestion(study.congestion, the_layout, the_scenario, out)
            if at is not None:
                _map_at(study.congestion, the_layout, the_scenario, at, out)
    if as_json:
        typer.echo(json.dumps(study.summary["congestion"], ensure_ascii=False, indent=2))
    else:
        print_flags(console(), study.congestion, the_layout)


def write_congestion(report: CongestionReport, layout: Layout, scenario: Scenario, out: Path) -> None:
    """flags.csv, los_share.csv, route_both_ways.csv, the level-of-service map strip, the flag timeline."""
    from sim.present import figures
    from sim.store.outputs import write_frames

    write_frames(
        {"flags": report.flags, "los_share": report.los_share, "route_both_ways": report.static}, out
    )
    with figure_file(out / "los_map.png", 14, 8, constrained=True) as fig:
        figures.los_map_strip(fig, report, layout, lang())
    rows = report.flags[["element", "kind"]].drop_duplicates().shape[0]
    with figure_file(out / "flags.png", 11, max(3, 0.3 * rows + 1.5)) as fig:
        figures.flag_timeline(fig.subplots(), report, layout, scenario, lang())


def _map_at(report: CongestionReport, layout: Layout, scenario: Scenario, at: str, out: Path) -> None:
    from pydantic_core import PydanticCustomError

    from sim.core.clock import parse_clock
    from sim.core.problems import InputError, problem, refuse
    from sim.core.text import text
    from sim.present import figures

    try:
        minute = parse_clock(at) - scenario.hours.open
    except PydanticCustomError as exc:
        raise InputError([problem("--at", exc.type, **(exc.context or {}))]) from None
    if not 0 <= minute < scenario.day_s / 60:
        raise refuse("--at", "outside_hours_at", at=at)
    flags = report.flags[(report.flags["start_min"] <= minute) & (report.flags["end_min"] > minute)]
    with figure_file(out / f"los_at_{at.replace(':', '')}.png", 8, 7) as fig:
        figures.layout_map(fig.subplots(), layout, report.levels_at(minute), text("figure.map.at", lang(), at=at),
                           flagged=dict(zip(flags["element"], flags["severity"], strict=True)), lang=lang())  # fmt: skip


def compare(
    scenario_a: Annotated[Path, typer.Argument(help="base scenario")],
    scenario_b: Annotated[Path, typer.Argument(help="variant scenario")],
    layout_a: Annotated[Path | None, typer.Option(help="layout for A (default: its scenario's)")] = None,
    layout_b: Annotated[Path | None, typer.Option(help="layout for B (default: its scenario's)")] = None,
    reps: Annotated[int | None, count_option("replications (default: A's)")] = None,
    seed: Annotated[int | None, seed_option("root seed, shared by both")] = None,
    workers: Workers = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """Compare two variants on the same seeds: paired KPI differences and what happens to each flag."""
    from sim.io.files import load_pair
    from sim.plan.compare import compare as run_compare
    from sim.plan.documents.day import comparison_document
    from sim.present.tables.day import compare_flag_table, compare_kpi_table

    a, b = load_pair(scenario_a, layout_a), load_pair(scenario_b, layout_b)
    result = run_compare(
        a=a, b=b, settings=settings(record=False, replications=reps, seed=seed, workers=workers)
    )
    if as_json:
        typer.echo(json.dumps(comparison_document(result), ensure_ascii=False, indent=2, default=float))
        return
    out = console()
    title = say("console.compare.kpis", b=scenario_b.stem, a=scenario_a.stem)
    print_frame(out, compare_kpi_table(result, b[0], lang()), title)
    print_frame(out, compare_flag_table(result.flags, (b[0], a[0]), lang()), say("console.compare.flags"))
