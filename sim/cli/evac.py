"""``anchang evac`` (front end only): who is where, three methods, findings, code check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer

from sim.cli.common import (
    Seed,
    console,
    count_option,
    figure_file,
    lang,
    on_record,
    print_frame,
    say,
    settings,
)
from sim.model.layout import Layout
from sim.plan.evacuation import EvacuationReport

Source = Annotated[
    str | None,
    typer.Option(
        "--occupants",
        help="peak (the simulated day's busiest moment, needs a scenario), design (code densities) "
        "or a CSV file with columns zone,persons (default: the scenario's setting, design for a layout)",
    ),
]


def evac(
    file: Annotated[Path, typer.Argument(help="scenario YAML (its layout) or layout YAML")],
    occupants: Source = None,
    layout: Annotated[Path | None, typer.Option(help="layout YAML (default: the scenario's)")] = None,
    reps: Annotated[int | None, count_option("simulated evacuations per variant")] = None,
    day_reps: Annotated[int | None, count_option("simulated days for the peak", least=1)] = None,
    convention: Annotated[
        Literal["imo", "sfpe"] | None,
        typer.Option(help="effective width: imo (clear) or sfpe (less boundary layers)"),
    ] = None,
    speed: Annotated[Literal["sfpe", "weidmann"] | None, typer.Option(help="speed against density")] = None,
    seed: Seed = None,
    out: Annotated[
        Path | None, typer.Option(help="output folder (default: results/<file>/evacuation)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """Evacuation at the busiest moment: three methods, governing element, N−1, RSET, code check.

    Hydraulic, lower-bound and simulated clearance; the door or stair that governs; every exit
    blocked in turn; RSET against the scenario's allowed time; and the GB 50016 check.
    """
    from sim.io.files import load_layout, load_pair, validate_file
    from sim.plan.documents.evacuation import evacuation_document
    from sim.plan.evacuation import check_evacuation, occupants_option
    from sim.plan.recording import Sources
    from sim.store.outputs import owned_folder

    if validate_file(file) == "scenario":
        the_layout, scenario = load_pair(file, layout)
        sources = Sources(file, layout)
    else:
        the_layout, scenario, sources = load_layout(file), None, Sources(None, file)
    folder = out or Path("results") / file.stem / "evacuation"
    with owned_folder(folder, finished="evacuation.json"):
        report = check_evacuation(
            layout=the_layout, scenario=scenario, occupants=occupants_option(occupants), convention=convention, speed=speed,
            sources=sources, settings=settings(replications=day_reps, evacuation_replications=reps, seed=seed), on_record=on_record,
        )  # fmt: skip
        document = evacuation_document(report)
        write_evacuation(report, the_layout, folder, document)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print_evacuation(report, the_layout, folder)


def write_evacuation(report: EvacuationReport, layout: Layout, folder: Path, document: dict) -> None:
    """The tables as CSV, the curves, the map with the governing element, and last evacuation.json."""
    from sim.plan.evacuation import evacuation_tables
    from sim.present import figures
    from sim.store.outputs import write_frames, write_json

    folder.mkdir(parents=True, exist_ok=True)
    write_frames(evacuation_tables(report), folder)
    with figure_file(folder / "curves.png", 13, 4.5, constrained=True) as fig:
        curves, by_exit = fig.subplots(1, 2, width_ratios=(3, 2))
        figures.evacuation_curves(curves, report, lang())
        figures.evacuation_exits(by_exit, report, layout, lang())
    with figure_file(folder / "map.png", 8, 7) as fig:
        figures.governing_map(fig.subplots(), report, layout, lang())
    write_json(document, folder / "evacuation.json")  # last: where it is, the check finished


def print_evacuation(report: EvacuationReport, layout: Layout, folder: Path) -> None:
    """The readable summary: who is inside, the methods, what governs, exits, zones, N−1, RSET, code."""
    from sim.present.findings import occupants_text
    from sim.present.names import element_name, zone_name
    from sim.present.tables import evacuation as tables

    screen, reader = console(130), lang()
    screen.print(say("console.evac.inside", layout=layout.name[lang()], persons=sum(report.occupants.values()),
                     source=occupants_text(report.occupants_source, reader)))  # fmt: skip
    if report.peaks is not None:
        clocks = report.peaks["clock"].value_counts().head(3)
        moments = ", ".join(say("console.evac.moment", clock=c, days=n) for c, n in clocks.items())
        screen.print(say("console.evac.busiest", moments=moments))
    people = sorted(report.occupants.items(), key=lambda x: -x[1])
    screen.print("  " + ", ".join(f"{zone_name(layout, z, reader)} {n}" for z, n in people))
    print_frame(screen, tables.methods_table(report, reader), say("console.evac.methods"))
    print_frame(screen, tables.governing_table(report, layout, reader), say("console.evac.governing"))
    top = report.governing.iloc[0] if not report.governing.empty else None
    if report.governing_element is not None and top is not None:
        screen.print(say("console.evac.governs", element=element_name(layout, report.governing_element, reader),
                         gain=f"{top['gain_s']:.0f}", hydraulic=f"{top['hydraulic_gain_s']:.0f}"))  # fmt: skip
    elif top is not None:
        screen.print(say("console.evac.no_queue"))
    print_frame(screen, tables.exits_table(report, layout, reader), say("console.evac.exits"))
    print_frame(screen, tables.zone_clear_table(report, layout, reader), say("console.evac.zones"))
    print_frame(screen, tables.n_minus_1_table(report, layout, reader), say("console.evac.n_minus_1"))
    if not report.widening.empty:
        print_frame(screen, tables.widening_table(report, layout, reader), say("console.evac.widening"))
    print_frame(screen, tables.rset_table(report, reader), say("console.evac.rset"))
    failing = tables.code_table(report, layout, reader, failures_only=True)
    if failing.empty:
        screen.print(say("console.evac.code_clean"))
    else:
        print_frame(screen, failing, say("console.evac.code"))
    passed: dict[str, int] = {}
    for r in report.code_check:
        if r.ok:
            name = say(f"names.code_rule.{r.kind}")
            passed[name] = passed.get(name, 0) + 1
    screen.print(say("console.evac.passed", rules="; ".join(f"{rule} ×{n}" for rule, n in passed.items())))
    assumed = sorted({r.element for r in report.code_check if r.assumed_shape and r.element is not None})
    if assumed:
        names = ", ".join(element_name(layout, z, reader) for z in assumed)
        screen.print(say("console.evac.shapes", zones=names))
    screen.print(say("console.evac.engineer"))
    screen.print(say("console.evac.written", folder=folder))
