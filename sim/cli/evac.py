"""``anchang evac`` (front end only): who is where, three methods, findings, code check."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Literal

import typer

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
    reps: Annotated[int | None, typer.Option(min=2, help="simulated evacuations per variant")] = None,
    day_reps: Annotated[int | None, typer.Option(min=1, help="simulated days for the peak")] = None,
    convention: Annotated[
        Literal["imo", "sfpe"] | None,
        typer.Option(help="effective width: imo (clear) or sfpe (less boundary layers)"),
    ] = None,
    speed: Annotated[Literal["sfpe", "weidmann"] | None, typer.Option(help="speed against density")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="root seed (default: the scenario's)")] = None,
    out: Annotated[
        Path | None, typer.Option(help="output folder (default: results/<file>/evacuation)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """Evacuation at the busiest moment: three methods, governing element, N−1, RSET, code check.

    Hydraulic, lower-bound and simulated clearance; the door or stair that governs; every exit
    blocked in turn; RSET against the scenario's allowed time; and the GB 50016 check.
    """
    from sim.analysis.evacuation.findings import analyse
    from sim.analysis.evacuation.occupants import check_occupants, peak_occupants, read_occupants
    from sim.core.problems import InputError, Problem
    from sim.io.files import load_layout, load_pair, validate_file
    from sim.model.settings import Evacuation

    kind = validate_file(file)
    scenario = None
    if kind == "scenario":
        the_layout, scenario = load_pair(file, layout)
        settings, allowed, root = scenario.evacuation, scenario.targets.evacuation_max_s, scenario.run.seed
    else:
        the_layout, settings, allowed, root = load_layout(file), Evacuation(), None, 0
    overrides = {"replications": reps, "width_convention": convention, "speed_model": speed}
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    seed = root if seed is None else seed
    choice = occupants or (settings.occupants if scenario is not None else "design")
    peaks = None
    if choice == "peak":
        if scenario is None:
            raise InputError(
                [Problem("--occupants", "peak needs a scenario file; give one, or use design or a CSV")]
            )
        people, peaks = peak_occupants(the_layout, scenario, day_reps, seed)
        source = f"simulated peak of {scenario.name}, p95 over {len(peaks)} days"
    elif choice == "design":
        from sim.analysis.evacuation.codecheck import design_occupants

        people = check_occupants(the_layout, design_occupants(the_layout), "design occupancy")
        source = "design occupancy (GB 50016: 0.75 p/m² exhibition, 0.60 p/m² elsewhere)"
    else:
        people, source = read_occupants(choice, the_layout), f"file {choice}"
    try:
        report = analyse(the_layout, people, settings, allowed, seed, source, peaks)
    except ValueError as exc:
        raise InputError([Problem("", str(exc))], str(file)) from None
    document = evac_json(report)
    folder = out or Path("results") / file.stem / "evacuation"
    written = write_evacuation(report, the_layout, folder, document)
    from sim.store.provenance import inputs_of
    from sim.store.runstore import Record, keep

    mean, low, high = report.simulated.clearance
    headline = (
        f"{sum(people.values())} persons; simulated {mean:.0f} s [{low:.0f}, {high:.0f}], "
        f"hydraulic {report.hydraulic.clearance_s:.0f} s; governing {report.governing_element or '-'}"
    )
    inputs = inputs_of(file, layout) if kind == "scenario" else inputs_of(None, file)
    recorded = keep(
        Record(
            "evac",
            inputs,
            seed,
            settings.replications,
            summary=document,
            headline=headline,
            frames=evacuation_tables(report),
        )
    )
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print_evacuation(report, written)
    if recorded:
        typer.echo(recorded, err=True)


def _clean(value):
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 2)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _records(frame) -> list[dict]:
    return [] if frame is None or frame.empty else _clean(frame.to_dict("records"))


def evac_json(report) -> dict:
    """The ``--json`` document."""
    sim = report.simulated
    mean, low, high = sim.clearance
    n1 = report.n_minus_1.rename(columns={"simulated_s": "clearance_s"})
    return _clean(
        {
            "layout": report.layout,
            "occupants_source": report.occupants_source,
            "occupants": report.occupants,
            "persons": sum(report.occupants.values()),
            "methods": {
                "hydraulic": {
                    "clearance_s": report.hydraulic.clearance_s,
                    "premovement_s": report.hydraulic.premovement_s,
                    "movement_s": report.hydraulic.movement_s,
                    "width_convention": report.settings.width_convention,
                    "routes": _records(report.hydraulic.routes),
                    "elements": _records(report.hydraulic.elements),
                    "by_exit": _records(report.hydraulic.by_exit),
                },
                "lower_bound": {"clearance_s": report.lower_bound_s, "period_s": report.settings.period_s},
                "simulated": {
                    "clearance_s": mean,
                    "ci95": [low, high],
                    "p95_s": sim.clearance_p95_s,
                    "replications": len(sim.runs),
                    "speed_model": report.settings.speed_model,
                    "by_exit": _records(sim.by_exit()),
                    "zones": _records(sim.zone_clear()),
                    "out_by_exit": _records(sim.exit_curves(step_s=5.0)),
                },
            },
            "governing_element": report.governing_element,
            "governing": _records(report.governing.head(10)),
            "n_minus_1": _records(n1),
            "widening": _records(report.widening),
            "rset": _records(report.rset),
            "code_check": [
                {
                    "rule": r.rule,
                    "clause": r.clause,
                    "element": r.element,
                    "value": r.value,
                    "limit": r.limit,
                    "ok": r.ok,
                }
                for r in report.code_check
            ],
        }
    )


def evacuation_tables(report) -> dict:
    """The analysis as tables: elements, routes, exits, zones, governing, N−1, widening, RSET, code."""
    import pandas as pd

    return {
        "hydraulic_elements": report.hydraulic.elements,
        "hydraulic_routes": report.hydraulic.routes,
        "simulated_exits": report.simulated.by_exit(),
        "simulated_zones": report.simulated.zone_clear(),
        "governing": report.governing,
        "n_minus_1": report.n_minus_1,
        "widening": report.widening,
        "rset": report.rset,
        "code_check": pd.DataFrame([r.__dict__ for r in report.code_check]),
    }


def write_evacuation(report, layout, folder: Path, document: dict) -> dict[str, Path]:
    """evacuation.json, the tables as CSV, the curves and the map with the governing element."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from sim.present import figures as plots
    from sim.store.outputs import write_frames

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evacuation.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    write_frames(evacuation_tables(report), folder)
    curves = {
        f"hydraulic ({report.hydraulic.clearance_s:.0f} s)": report.hydraulic.curve,
        f"lower bound ({report.lower_bound_s:.0f} s)": report.lower_curve,
        f"simulated ({report.simulated.clearance[0]:.0f} s, median and 5–95%)": report.simulated.curve(),
    }
    with plots.chinese_font():
        fig, (ax, by_exit) = plt.subplots(1, 2, figsize=(13, 4.5), width_ratios=(3, 2), layout="constrained")
        plots.evacuation_curves(ax, curves, report.allowed_s)
        plots.evacuation_exits(by_exit, report.simulated.exit_curves())
        fig.savefig(folder / "curves.png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        fig, ax = plt.subplots(figsize=(8, 7))
        ranked = list(report.governing["element"].head(3))
        flagged = {e: ("high" if i == 0 else "medium") for i, e in enumerate(ranked)}
        title = (
            f"疏散控制点 governing element: {report.governing_element or '–'} (ringed: top three queues); "
            "zones by level of service at the alarm"
        )
        plots.layout_map(ax, layout, _levels_at_alarm(report, layout), title, flagged=flagged)
        fig.savefig(folder / "map.png", dpi=120, bbox_inches="tight")
        plt.close(fig)
    return {"folder": folder}


def _levels_at_alarm(report, layout) -> dict[str, int]:
    """Fruin level of each occupied zone with the occupants analysed."""
    from sim.metrics.los import by_space, zone_table

    return {
        z: int(by_space(layout.zone[z].area_m2 / n, zone_table(layout.zone[z].kind)))
        for z, n in report.occupants.items()
        if n > 0 and layout.zone[z].area_m2
    }


def _s(value: float) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0f} s"


def print_evacuation(report, written: dict[str, Path]) -> None:
    """The readable summary."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=130)  # a file or a pipe: wide enough for the tables
    settings = report.settings
    total = sum(report.occupants.values())
    console.print(f"[bold]{report.layout}[/]: {total} persons inside — {report.occupants_source}")
    if report.peaks is not None:
        clocks = report.peaks["clock"].value_counts().head(3)
        console.print("  busiest moments: " + ", ".join(f"{c} ({n} days)" for c, n in clocks.items()))
    console.print(
        "  " + ", ".join(f"{z} {n}" for z, n in sorted(report.occupants.items(), key=lambda x: -x[1]))
    )
    mean, low, high = report.simulated.clearance
    methods = Table("method", "clearance", "how", title="Time until everyone is out (from the alarm)")
    methods.add_row(
        "hydraulic",
        _s(report.hydraulic.clearance_s),
        f"pre-movement {report.hydraulic.premovement_s:.0f} s (p99) + walking + longest flow time; "
        f"{settings.width_convention.upper()} widths; quickest way per zone",
    )
    methods.add_row("lower bound", _s(report.lower_bound_s), "no evacuation with these capacities is quicker")
    methods.add_row(
        "simulated",
        f"{mean:.0f} s [{low:.0f}, {high:.0f}]",
        f"mean and 95% CI of {len(report.simulated.runs)} runs; p95 {report.simulated.clearance_p95_s:.0f} s; "
        f"{settings.speed_model} speeds, route by distance and queue",
    )
    console.print(methods)
    gov = Table(
        "element", "persons (hydraulic)", "queue (hydraulic)", "longest wait (sim)",
        title="Governing elements, by hydraulic queueing time",
    )  # fmt: skip
    for r in report.governing.head(5).itertuples():
        gov.add_row(r.element, f"{r.persons:.0f}", _s(r.hydraulic_queue_s), _s(r.longest_wait_s))
    console.print(gov)
    if not report.governing.empty and report.governing["longest_wait_s"].max() < 5:
        console.print(
            "  In the simulated evacuation nobody waits 5 s at any door or stair: pre-movement and walking "
            "govern, not capacity."
        )
    exits = Table("exit", "persons (sim)", "flow p/s", "last out", "persons (hydraulic)", title="Exits")
    hyd = report.hydraulic.by_exit.set_index("exit")["persons"] if not report.hydraulic.by_exit.empty else {}
    for r in report.simulated.by_exit().itertuples():
        exits.add_row(
            r.exit, f"{r.persons:.0f}", f"{r.flow_p_s:.2f}", _s(r.last_out_s), f"{hyd.get(r.exit, 0):.0f}"
        )
    console.print(exits)
    zones = Table(
        "zone",
        "empty after (sim, 95% CI)",
        "its last person out (hydraulic)",
        title="Time to clear each zone",
    )
    routes = report.hydraulic.routes.set_index("zone")
    for r in report.simulated.zone_clear().itertuples():
        zones.add_row(
            r.zone, f"{r.clear_s:.0f} s [{r.low:.0f}, {r.high:.0f}]", _s(routes["total_s"].get(r.zone))
        )
    console.print(zones)
    n1 = Table(
        "blocked exit",
        "hydraulic",
        "lower bound",
        "simulated (95% CI)",
        title="N−1: each exit blocked in turn",
    )
    for r in report.n_minus_1.itertuples():
        if r.finding:
            n1.add_row(r.blocked_exit, "–", "–", f"[red]{r.finding}[/]")
        else:
            n1.add_row(
                r.blocked_exit, _s(r.hydraulic_s), _s(r.lower_bound_s),
                f"{r.simulated_s:.0f} s [{r.simulated_low:.0f}, {r.simulated_high:.0f}]",
            )  # fmt: skip
    console.print(n1)
    if not report.widening.empty:
        wide = Table(
            "element", "width", "hydraulic", "lower bound", "simulated", "gain (sim)", title="Widening"
        )
        for r in report.widening.itertuples():
            wide.add_row(
                r.element, f"{r.width_m:.2f} + {r.extra_m:.1f} m", _s(r.hydraulic_s), _s(r.lower_bound_s),
                f"{r.simulated_s:.0f} s [{r.simulated_low:.0f}, {r.simulated_high:.0f}]", f"{r.gain_s:+.0f} s",
            )  # fmt: skip
        console.print(wide)
    rset = Table("method", "Td", "Tpre", "Tt", "k", "RSET", "allowed", "ok", title="RSET = Td + Tpre + k·Tt")
    for r in report.rset.itertuples():
        verdict = "–" if r.ok is None else ("[green]yes[/]" if r.ok else "[red]no[/]")
        rset.add_row(
            r.method, _s(r.alarm_s), _s(r.premovement_s), _s(r.movement_s), f"{r.k:g}", _s(r.rset_s),
            _s(r.allowed_s) if r.allowed_s else "–", verdict,
        )  # fmt: skip
    console.print(rset)
    code = Table(
        "rule", "clause", "element", "value", "limit", title="GB 50016-2014 (2018 ed.) check: failures"
    )
    for r in (r for r in report.code_check if not r.ok):
        code.add_row(r.rule, r.clause, r.element, f"{r.value:g}", f"{r.limit:g}")
    console.print(code)
    passed: dict[str, int] = {}
    for r in report.code_check:
        if r.ok:
            passed[r.rule] = passed.get(r.rule, 0) + 1
    console.print("Passed: " + "; ".join(f"{rule} ×{n}" for rule, n in passed.items()))
    console.print(
        "Code check: clauses marked (?) are unverified and GB 55037-2022 may override; "
        "a fire engineer confirms before relying on it."
    )
    console.print(f"Tables, evacuation.json, curves.png and map.png: {written['folder']}")
