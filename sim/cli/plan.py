"""``anchang plan`` (front end only): the peak-day report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer


def plan(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    layout: Annotated[Path | None, typer.Option(help="layout YAML (default: the scenario's)")] = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: results/<scenario>)")] = None,
    lang: Annotated[Literal["zh", "en"], typer.Option(help="report language")] = "zh",
    reps: Annotated[int | None, typer.Option(min=2, help="replications (default: the scenario's)")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="root seed (default: the scenario's)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
    staff_reps: Annotated[
        int | None, typer.Option(min=2, help="replications per staffing evaluation (default: the scenario's)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """The peak-day plan: staffing, congestion, evacuation and the run sheet, in one HTML report."""
    from sim.io.files import load_pair
    from sim.plan.peakday import build_plan

    pair = load_pair(scenario, layout)
    typer.echo("Simulating the day, planning the staff, checking congestion and evacuation …", err=True)
    result = build_plan(*pair, reps, seed, workers, staff_reps)
    folder = out or Path("results") / scenario.stem
    path = write_plan(result, folder, lang)
    from sim.store.provenance import inputs_of
    from sim.store.runstore import Record, keep, replication_kpis

    mean, low, high = result.evacuation.simulated.clearance
    headline = (
        f"peak {int(result.staff.guides.table['guides'].max())} guides; {len(result.congestion.flags)} "
        f"congestion flags; evacuation {mean:.0f} s [{low:.0f}, {high:.0f}]"
    )
    recorded = keep(
        Record(
            "plan",
            inputs_of(scenario, layout),
            result.results.seed,
            result.results.replications,
            summary={"report": str(path), "headline": headline},
            headline=headline,
            frames=plan_tables(result, lang) | {"replications": replication_kpis(result.results)},
        )
    )
    if as_json:
        import json

        typer.echo(json.dumps(plan_json(result), ensure_ascii=False, indent=2))
    else:
        print_plan(result, lang, path)
    if recorded:
        typer.echo(recorded, err=True)


def _plain(value):
    """JSON-ready: numpy scalars unwrapped, floats to 6 places, NaN and infinity as null."""
    import math

    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def plan_json(result) -> dict:
    """The ``--json`` document of ``anchang plan``, with ids rather than display names.

    The run sheet, the actions (rule, parameters, finding), the staff plan, the flags and the
    evacuation at the busiest moment.
    """
    from sim.plan.runsheet import clock_of

    evac, staff = result.evacuation, result.staff
    mean, low, high = evac.simulated.clearance
    return _plain(
        {
            "scenario": result.scenario.name,
            "layout": result.layout.name,
            "replications": result.results.replications,
            "seed": result.results.seed,
            "staff_replications": staff.replications,
            "run_sheet": result.sheet.to_dict("records"),
            "actions": [
                {
                    "clock": clock_of(result.context, a),
                    "minute": a.minute,
                    "rule": a.rule,
                    "params": a.params,
                    "because": a.because,
                }
                for a in result.actions
            ],
            "staff": {
                "guides": [int(g) for g in staff.guides.guides],
                "roster_coverage": list(staff.roster.coverage),
                "paid_hours": staff.roster.paid_hours,
                "requirement_hours": staff.roster.requirement_hours,
                "mean_tour_min": staff.guides.mean_tour_min,
            },
            "flags": result.congestion.flags.to_dict("records"),
            "evacuation": {
                "persons": int(sum(evac.occupants.values())),
                "occupants": evac.occupants,
                "simulated_s": mean,
                "simulated_ci95": [low, high],
                "lower_bound_s": evac.lower_bound_s,
                "hydraulic_s": evac.hydraulic.clearance_s,
                "governing_element": evac.governing_element,
                "n_minus_1": evac.n_minus_1.to_dict("records"),
                "rset": evac.rset.to_dict("records"),
                "context": result.context.evacuation,
            },
        }
    )


def plan_tables(result, lang: str = "zh") -> dict:
    """The tables behind the report."""
    from sim.present.report import actions_table

    evac = result.evacuation
    return {
        "run_sheet": result.sheet,
        "actions": actions_table(result, lang),
        "half_hours": result.results.half_hours,
        "kpis": result.results.kpis,
        "flags": result.congestion.flags,
        "staff_slots": result.staff.guides.table,
        "staff_roster": result.staff.roster.shifts,
        "evacuation_n_minus_1": evac.n_minus_1,
        "evacuation_governing": evac.governing,
    }


def write_plan(result, folder: Path, lang: str = "zh") -> Path:
    """report.html and the tables behind it."""
    from sim.present.report import render_html
    from sim.store.outputs import write_frames

    folder.mkdir(parents=True, exist_ok=True)
    write_frames(plan_tables(result, lang), folder)
    path = folder / ("report.html" if lang == "zh" else f"report_{lang}.html")
    path.write_text(render_html(result, lang), encoding="utf-8")
    return path


def print_plan(result, lang: str, path: Path) -> None:
    """The run sheet's actions and where the report is."""
    from rich.console import Console
    from rich.table import Table

    from sim.present.report import action_rows

    console = Console()
    if not console.is_terminal:
        console = Console(width=140)
    table = Table("time", "action", "because", title=f"{result.scenario.name}: actions")
    for clock, action, because in action_rows(result, lang):
        table.add_row(clock, action, because)
    console.print(table)
    mean, low, high = result.evacuation.simulated.clearance
    console.print(
        f"Guides at the peak: {int(result.staff.guides.table['guides'].max())}; "
        f"{len(result.congestion.flags)} congestion flags; evacuation at the busiest moment {mean:.0f} s "
        f"[{low:.0f}, {high:.0f}] (lower bound {result.evacuation.lower_bound_s:.0f} s). "
        f"Computed in {result.elapsed_s:.0f} s."
    )
    console.print(f"Report: {path}")
