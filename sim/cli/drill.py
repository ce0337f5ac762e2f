"""``anchang drill`` (front end only): events injected into the simulated day."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Annotated

import typer


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
    reps: Annotated[int | None, typer.Option(min=2, help="replications (default: the scenario's)")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="root seed (default: the scenario's)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """Inject events (fire alarm, blocked exit, closure, unannounced group, rain) and compare with the day."""
    from sim.io.files import load_pair
    from sim.plan.drill import run_drill

    pair = load_pair(scenario, layout)
    plan = _drill(drill_file, fire, block or [], close, bus, rain)
    result = run_drill(*pair, plan, reps, seed, workers)
    document = drill_json(result)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print_drill(result)


def _drill(path: Path | None, fire, block, close, bus, rain):
    """The drill from a file and the options, validated by the same model."""
    from sim.core.problems import InputError, Problem
    from sim.io.files import parse_model, read_yaml
    from sim.model.drill import Drill

    events: list[dict] = []
    from_file, name = [], None
    if path is not None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(
                [Problem("", f"cannot read the drill file: {exc.strerror}")], str(path)
            ) from None
        data, node = read_yaml(raw, str(path))
        parsed = parse_model(Drill, data if data is not None else {}, node, str(path))
        from_file, name = list(parsed.events), parsed.name
    problems = []
    if fire is not None:
        events.append({"kind": "fire_alarm", "at": fire})
    events += [{"kind": "exit_blocked", "exit": x} for x in block]
    for option, text, pattern, build in (
        ("--close", close, r"^([\w\-,]+)@(\d\d:\d\d)-(\d\d:\d\d)$",
         lambda m: {"kind": "closure", "zones": m[1].split(","), "start": m[2], "end": m[3]}),
        ("--bus", bus, r"^(\d\d:\d\d)=(\d+)$", lambda m: {"kind": "bus_group", "at": m[1], "persons": int(m[2])}),
        ("--rain", rain, r"^(\d\d:\d\d)-(\d\d:\d\d)\+(\d+(?:\.\d+)?)(?:\*(\d*\.?\d+))?$",
         lambda m: {"kind": "rain", "start": m[1], "end": m[2], "delay_min": float(m[3]),
                    "keep": float(m[4]) if m[4] else 1.0}),
    ):  # fmt: skip
        if text is None:
            continue
        match = re.match(pattern, text)
        if match is None:
            problems.append(Problem(option, f"cannot read {text!r}; see anchang drill --help for the form"))
        else:
            events.append(build(match))
    if problems:
        raise InputError(problems)
    options = parse_model(Drill, {"events": events}, None, "options")
    return Drill(name=name, events=[*from_file, *options.events])


def _num(value) -> float | None:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return None
    return round(float(value), 2)


def drill_json(result) -> dict:
    """The ``--json`` document."""
    out: dict = {"events": [_readable(e) for e in result.drill.events]}
    if result.day is not None:
        out["day"] = {
            "kpis": [{k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()}
                     for row in result.day.kpis.to_dict("records")],
            "flags": result.day.flags.astype(object).where(result.day.flags.notna(), None).to_dict("records"),
        }  # fmt: skip
    for key, fire in (("fire", result.fire), ("undisturbed_fire", result.undisturbed_fire)):
        if fire is None:
            continue
        mean, low, high = fire.clearance
        out[key] = {
            "at": fire.clock,
            "persons_inside": _num(fire.persons[0]),
            "persons_inside_ci95": [_num(fire.persons[1]), _num(fire.persons[2])],
            "clearance_s": _num(mean),
            "clearance_ci95": [_num(low), _num(high)],
            "clearance_p95_s": _num(fire.clearance_p95_s),
            "lower_bound_s_mean": _num(sum(fire.lower_bound_s) / len(fire.lower_bound_s)),
            "by_exit": [{k: (_num(v) if isinstance(v, float) else v) for k, v in r.items()}
                        for r in fire.by_exit.to_dict("records")],
        }  # fmt: skip
    return out


def print_drill(result) -> None:
    """The readable summary."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=130)
    events = ", ".join(_describe(e) for e in result.drill.events) or "no events"
    console.print(f"[bold]Drill[/]: {events}")
    if result.day is not None:
        kpis = Table(
            "KPI", "undisturbed", "drilled", "difference [95% CI]", title="The day, paired on the same seeds"
        )
        for r in result.day.kpis.itertuples():
            kpis.add_row(
                r.metric,
                f"{r.a:.3g}",
                f"{r.b:.3g}",
                f"{r.difference:+.3g} [{r.ci_low:+.3g}, {r.ci_high:+.3g}]",
            )
        console.print(kpis)
        changed = result.day.flags[result.day.flags["status"] != "unchanged"]
        if len(changed):
            flags = Table("element", "kind", "status", title="Flags that change")
            for r in changed.itertuples():
                flags.add_row(r.element, r.kind, r.status)
            console.print(flags)
    for title, fire in (
        ("Fire alarm", result.fire),
        ("The same alarm in the undisturbed day", result.undisturbed_fire),
    ):
        if fire is None:
            continue
        mean, low, high = fire.clearance
        pm, pl, ph = fire.persons
        console.print(
            f"[bold]{title} at {fire.clock}[/]: {pm:.0f} [{pl:.0f}, {ph:.0f}] persons inside (guides included); "
            f"everyone out after {mean:.0f} s [{low:.0f}, {high:.0f}], p95 {fire.clearance_p95_s:.0f} s; "
            f"lower bound for the same people {sum(fire.lower_bound_s) / len(fire.lower_bound_s):.0f} s "
            f"({len(fire.clearance_s)} days)."
        )
        table = Table("exit", "persons (mean)", "last out (mean)")
        for r in fire.by_exit.itertuples():
            table.add_row(
                r.exit, f"{r.persons:.1f}", "–" if math.isnan(r.last_out_s) else f"{r.last_out_s:.0f} s"
            )
        console.print(table)


def _describe(event) -> str:
    data = _readable(event)
    kind = data.pop("kind")
    return kind + "(" + ", ".join(f"{k}={v}" for k, v in data.items()) + ")"


def _readable(event) -> dict:
    """An event's fields with clock times as HH:MM."""
    from sim.core.clock import format_clock

    data = event.model_dump()
    for key in ("at", "start", "end"):
        if isinstance(data.get(key), int):
            data[key] = format_clock(data[key])
    return data
