"""``anchang plan`` (front end only): the peak-day report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer

from sim.cli.common import (
    Seed,
    Workers,
    console,
    count_option,
    lang,
    note,
    on_record,
    print_frame,
    say,
    settings,
)
from sim.core.text import Lang
from sim.plan.peakday import PeakDayPlan


def plan(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    layout: Annotated[Path | None, typer.Option(help="layout YAML (default: the scenario's)")] = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: results/<scenario>)")] = None,
    report_lang: Annotated[Literal["zh", "en"], typer.Option("--lang", help="report language")] = "zh",
    reps: Annotated[int | None, count_option("replications (default: the scenario's)")] = None,
    seed: Seed = None,
    workers: Workers = None,
    staff_reps: Annotated[
        int | None,
        count_option("replications per staffing evaluation (default: the scenario's)"),
    ] = None,
    verify_days: Annotated[
        int | None,
        count_option("fresh days the staffing is verified on (default: the scenario's, 200)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """The peak-day plan: staffing, congestion, evacuation and the run sheet, in one HTML report."""
    from sim.io.files import load_pair
    from sim.plan.documents.peakday import plan_document
    from sim.plan.peakday import peak_day_plan
    from sim.plan.recording import Sources

    the_layout, the_scenario = load_pair(scenario, layout)
    note("console.plan.working")
    chosen = settings(
        replications=reps,
        staff_replications=staff_reps,
        verification_days=verify_days,
        seed=seed,
        workers=workers,
    )
    from sim.store.outputs import owned_folder

    folder = out or Path("results") / scenario.stem
    report = "report.html" if report_lang == "zh" else f"report_{report_lang}.html"
    with owned_folder(folder, finished=report):
        result = peak_day_plan(layout=the_layout, scenario=the_scenario, settings=chosen,
                               sources=Sources(scenario, layout), on_record=on_record)  # fmt: skip
        path = write_plan(result, folder, report_lang)
    if as_json:
        typer.echo(json.dumps(plan_document(result), ensure_ascii=False, indent=2))
    else:
        print_plan(result, path)


def write_plan(result: PeakDayPlan, folder: Path, report_lang: Lang = "zh") -> Path:
    """report.html (report_en.html in English) and the tables behind it, as CSV."""
    from sim.plan.peakday import plan_tables
    from sim.present.report import render_html
    from sim.present.tables.plan import action_table
    from sim.store.outputs import write_frames, written_whole

    folder.mkdir(parents=True, exist_ok=True)
    tables = plan_tables(result)
    words = action_table(result, report_lang)
    tables["actions"] = tables["actions"].assign(
        action=words.iloc[:, 1].to_numpy(), because=words.iloc[:, 2].to_numpy()
    )
    write_frames({name: frame for name, frame in tables.items() if name != "replications"}, folder)
    path = folder / ("report.html" if report_lang == "zh" else f"report_{report_lang}.html")
    with written_whole(path) as tmp:  # last and whole: where the report is, the plan finished
        tmp.write_text(render_html(result, report_lang), encoding="utf-8")
    return path


def print_plan(result: PeakDayPlan, path: Path) -> None:
    """The run sheet's actions and where the report is."""
    from sim.present.tables.plan import action_table

    screen = console()
    print_frame(
        screen,
        action_table(result, lang()),
        say("console.plan.actions", scenario=result.scenario.name[lang()]),
    )
    mean, low, high = result.evacuation.simulated.clearance
    screen.print(say("console.plan.summary", guides=int(result.staff.guides.table["guides"].max()),
                     flags=len(result.congestion.flags), mean=f"{mean:.0f}", low=f"{low:.0f}", high=f"{high:.0f}",
                     bound=f"{result.evacuation.lower_bound_s:.0f}", seconds=f"{result.elapsed_s:.0f}"))  # fmt: skip
    screen.print(say("console.plan.report", path=path))
