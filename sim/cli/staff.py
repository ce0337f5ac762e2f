"""``anchang staff``: guides per half hour, the roster and the other posts (front end only)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    Seed,
    Workers,
    console,
    count_option,
    figure_file,
    lang,
    on_record,
    print_frame,
    say,
    settings,
)
from sim.model.scenario import Scenario
from sim.plan.staff import StaffPlan


def staff(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    layout: Annotated[Path | None, typer.Option(help="layout YAML (default: the scenario's)")] = None,
    reps: Annotated[int | None, count_option("replications per evaluation")] = None,
    verify_days: Annotated[
        int | None,
        count_option("fresh days the plan is verified on (default: the scenario's, 200)"),
    ] = None,
    seed: Seed = None,
    target_share: Annotated[
        float | None, typer.Option(help="share greeted within the time, in (0, 1)")
    ] = None,
    target_min: Annotated[float | None, typer.Option(help="greeting target time, minutes (> 0)")] = None,
    workers: Workers = None,
    out: Annotated[Path | None, typer.Option(help="also write CSVs and the plot here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """Plan guides per half hour to meet the greeting target, the shifts, and the other posts."""
    from sim.io.files import load_pair
    from sim.plan.documents.staff import staff_document
    from sim.plan.recording import Sources
    from sim.plan.staff import plan_staff, with_targets
    from sim.store.outputs import owned_folder

    the_layout, the_scenario = load_pair(scenario, layout)
    the_scenario = with_targets(the_scenario, target_share, target_min)
    with owned_folder(out, finished="staff.json") if out is not None else contextlib.nullcontext():
        plan = plan_staff(layout=the_layout, scenario=the_scenario, sources=Sources(scenario, layout),
                          settings=settings(staff_replications=reps, verification_days=verify_days, seed=seed, workers=workers), on_record=on_record)  # fmt: skip
        document = staff_document(plan, the_scenario)
        if out is not None:
            write_staff(plan, the_scenario, document, out)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print_staff(plan, the_scenario, document, out)


def write_staff(plan: StaffPlan, scenario: Scenario, document: dict, out: Path) -> None:
    """staff_slots.csv, staff_roster.csv, staff_posts.csv, staffing.png, and last staff.json."""
    from sim.plan.staff import staff_tables
    from sim.present import figures
    from sim.store.outputs import write_frames, write_json

    write_frames(staff_tables(plan), out)
    with figure_file(out / "staffing.png", 11, 5) as fig:
        figures.staffing_plan(fig.subplots(), plan.guides.table, plan.roster.coverage, scenario, lang())
    write_json(document, out / "staff.json")  # last: where it is, the plan finished


def print_staff(plan: StaffPlan, scenario: Scenario, document: dict, out: Path | None) -> None:
    """The guides per half hour, the roster, the other posts and their rules."""
    from sim.present.findings import post_rule_text, shortfall_text
    from sim.present.names import kind_name
    from sim.present.tables.staff import posts_table, roster_table, slot_table, verification_lines

    screen, reader, target, sipp = console(), lang(), document["target"], document["sipp"]
    screen.print(say("console.staff.heading", scenario=scenario.name[lang()], share=f"{target['share']:.0%}",
                     within=f"{target['within_min']:g}", reps=plan.replications,
                     days=document["verification"]["days"], tour=f"{document['mean_tour_min']:.0f}"))  # fmt: skip
    print_frame(screen, slot_table(plan, reader), say("console.staff.slots"))
    for line, ok in verification_lines(plan, scenario, reader):
        screen.print(line if ok else f"[bold red]{line}[/]")
    print_frame(screen, roster_table(plan, reader), say("console.staff.roster"))
    worst = "–" if sipp["worst_share"] is None else f"{sipp['worst_share']:.0%}"
    screen.print(say("console.staff.hours", paid=f"{plan.roster.paid_hours:g}",
                     required=f"{plan.roster.requirement_hours:g}", sipp_hours=f"{sipp['guide_hours']:g}",
                     misses=len(sipp["slots_below_target"]), worst=worst, slot=sipp["worst_slot"]))  # fmt: skip
    print_frame(screen, posts_table(plan, reader), say("console.staff.posts"))
    for post, fields in plan.rules.items():
        screen.print(f"  {kind_name('post', post, reader)}: {post_rule_text(post, fields, reader)}")
    for shortfall in plan.shortfalls:
        screen.print(say("console.staff.too_small", what=shortfall_text(shortfall, reader)))
    where = say("console.staff.written", folder=out) if out else ""
    screen.print(say("console.staff.search", isa=document["isa_iterations"], evaluations=document["evaluations"],
                     seconds=document["elapsed_s"]) + where)  # fmt: skip
