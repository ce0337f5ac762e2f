"""``anchang drill`` (front end only): events injected into the simulated day."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import Seed, Workers, console, count_option, lang, print_frame, say, settings
from sim.model.drill import Drill
from sim.plan.drill import DrillResult, FireDrill

FORMS = (  # the short options' forms, and the event each makes
    ("--close", r"^([\w\-,]+)@(\d\d:\d\d)-(\d\d:\d\d)$",
     lambda m: {"kind": "closure", "zones": m[1].split(","), "start": m[2], "end": m[3]}),
    ("--bus", r"^(\d\d:\d\d)=(\d+)$", lambda m: {"kind": "bus_group", "at": m[1], "persons": int(m[2])}),
    ("--rain", r"^(\d\d:\d\d)-(\d\d:\d\d)\+(\d+(?:\.\d+)?)(?:\*(\d*\.?\d+))?$",
     lambda m: {"kind": "rain", "start": m[1], "end": m[2], "delay_min": float(m[3]),
                "keep": float(m[4]) if m[4] else 1.0}),
)  # fmt: skip


def drill(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    drill_file: Annotated[Path | None, typer.Option("--drill", help="drill YAML: a list of events")] = None,
    fire: Annotated[str | None, typer.Option(help="fire alarm at HH:MM, or 'peak'")] = None,
    block: Annotated[
        list[str] | None, typer.Option(help="an exit or entrance out of use (repeatable)")
    ] = None,
    close: Annotated[str | None, typer.Option(help="zones closed: ZONE[,ZONE…]@HH:MM-HH:MM")] = None,
    bus: Annotated[str | None, typer.Option(help="an unannounced group: HH:MM=PERSONS")] = None,
    rain: Annotated[str | None, typer.Option(help="walk-ins delayed: HH:MM-HH:MM+MINUTES[*KEEP]")] = None,
    layout: Annotated[Path | None, typer.Option(help="layout YAML (default: the scenario's)")] = None,
    reps: Annotated[int | None, count_option("replications (default: the scenario's)")] = None,
    seed: Seed = None,
    workers: Workers = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """Inject events (fire alarm, blocked exit, closure, unannounced group, rain) and compare with the day."""
    from sim.io.files import load_pair
    from sim.plan.documents.drill import drill_document
    from sim.plan.drill import run_drill

    the_layout, the_scenario = load_pair(scenario, layout)
    events = _drill(drill_file, fire, block or [], {"--close": close, "--bus": bus, "--rain": rain})
    result = run_drill(layout=the_layout, scenario=the_scenario, drill=events,
                       settings=settings(record=False, replications=reps, seed=seed, workers=workers))  # fmt: skip
    if as_json:
        typer.echo(json.dumps(drill_document(result), ensure_ascii=False, indent=2))
    else:
        print_drill(result, the_layout)


def _drill(path: Path | None, fire: str | None, block: list[str], short: dict[str, str | None]) -> Drill:
    """The drill from a file and the options, validated by the same model."""
    from sim.core.problems import InputError, problem
    from sim.io.files import load_drill, parse_model

    from_file = load_drill(path) if path is not None else Drill()
    events: list[dict[str, Any]] = [{"kind": "fire_alarm", "at": fire}] if fire is not None else []
    events += [{"kind": "exit_blocked", "exit": x} for x in block]
    problems = []
    for option, pattern, build in FORMS:
        written = short[option]
        if written is None:
            continue
        match = re.match(pattern, written)
        if match is None:
            problems.append(problem(option, "option_form", value=repr(written)))
        else:
            events.append(build(match))
    if problems:
        raise InputError(problems)
    options = parse_model(Drill, {"events": events}, None, "options")
    return Drill(name=from_file.name, events=[*from_file.events, *options.events])


def print_drill(result: DrillResult, layout: Any) -> None:
    """The readable summary: the day against the undisturbed one, and each fire alarm."""
    from sim.plan.documents.drill import readable
    from sim.present.tables.day import compare_flag_table, compare_kpi_table

    screen = console(130)
    events = ", ".join(_describe(readable(e)) for e in result.drill.events) or say("console.drill.none")
    screen.print(say("console.drill.heading", events=events))
    if result.day is not None:
        print_frame(screen, compare_kpi_table(result.day, layout, lang()), say("console.drill.day"))
        changed = result.day.flags[result.day.flags["status"] != "same"]
        if len(changed):
            print_frame(screen, compare_flag_table(changed, (layout,), lang()), say("console.drill.flags"))
    for key, fire in (("fire", result.fire), ("undisturbed", result.undisturbed_fire)):
        if fire is not None:
            _print_fire(screen, key, fire, layout)


def _print_fire(screen: Any, key: str, fire: FireDrill, layout: Any) -> None:
    from sim.present.names import element_name
    from sim.present.tables.common import frame, seconds

    mean, low, high = fire.clearance
    pm, pl, ph = fire.persons
    key = f"{key}_peak" if fire.at_peak else key
    screen.print(say(f"console.drill.{key}", at=fire.clock, persons=f"{pm:.0f}", low_p=f"{pl:.0f}", high_p=f"{ph:.0f}",
                     mean=f"{mean:.0f}", low=f"{low:.0f}", high=f"{high:.0f}", p95=f"{fire.clearance_p95_s:.0f}",
                     bound=f"{sum(fire.lower_bound_s) / len(fire.lower_bound_s):.0f}", days=len(fire.clearance_s)))  # fmt: skip
    rows = [{"exit": element_name(layout, r.exit, lang()), "persons": f"{r.persons:.1f}", "last": seconds(r.last_out_s)}
            for r in fire.by_exit.itertuples()]  # fmt: skip
    print_frame(screen, frame(rows, "exits", ["exit", "persons", "last"], lang()))


def _describe(data: dict[str, Any]) -> str:
    kind = data.pop("kind")
    return kind + "(" + ", ".join(f"{k}={v}" for k, v in data.items()) + ")"
