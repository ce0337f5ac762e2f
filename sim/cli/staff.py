"""``anchang staff``: guides per half hour, the roster and the other posts (front end only)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from sim.core.problems import InputError, Problem


def staff(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    layout: Annotated[Path | None, typer.Option(help="layout YAML (default: the scenario's)")] = None,
    reps: Annotated[int | None, typer.Option(min=2, help="replications per evaluation")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="root seed (default: the scenario's)")] = None,
    target_share: Annotated[
        float | None, typer.Option(help="share greeted within the time, in (0, 1)")
    ] = None,
    target_min: Annotated[float | None, typer.Option(help="greeting target time, minutes (> 0)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
    out: Annotated[Path | None, typer.Option(help="also write CSVs and the plot here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
) -> None:
    """Plan guides per half hour to meet the greeting target, the shifts, and the other posts."""
    from sim.analysis.staffing.plan import plan_staff
    from sim.io.files import load_pair

    pair_layout, pair_scenario = load_pair(scenario, layout)
    pair_scenario = _with_targets(pair_scenario, target_share, target_min)
    plan = plan_staff(pair_layout, pair_scenario, reps, seed, workers)
    document = staff_json(plan, pair_scenario)
    if out is not None:
        _write(plan, pair_scenario, document, out)
    from sim.store.provenance import inputs_of
    from sim.store.runstore import Record, keep

    headline = (
        f"peak {int(plan.guides.table['guides'].max())} guides; roster {plan.roster.paid_hours:g} paid hours"
    )
    recorded = keep(
        Record(
            "staff",
            inputs_of(scenario, layout),
            plan.seed,
            plan.replications,
            summary=document,
            headline=headline,
            frames=staff_tables(plan),
        )
    )
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print(plan, pair_scenario, document, out)
    if recorded:
        typer.echo(recorded, err=True)


def _with_targets(scenario, share: float | None, minutes: float | None):
    problems = []
    if share is not None and not 0 < share < 1:
        problems.append(Problem("--target-share", f"must be strictly between 0 and 1, got {share:g}"))
    if minutes is not None and not minutes > 0:
        problems.append(Problem("--target-min", f"must be > 0 minutes, got {minutes:g}"))
    if problems:
        raise InputError(problems)
    update = {k: v for k, v in (("greet_share", share), ("greet_within_min", minutes)) if v is not None}
    return scenario.model_copy(update={"targets": scenario.targets.model_copy(update=update)})


def _num(value: float, digits: int = 4) -> float | None:
    return (
        None
        if value is None or (isinstance(value, float) and math.isnan(value))
        else round(float(value), digits)
    )


def staff_json(plan, scenario) -> dict:
    """The ``--json`` document of ``anchang staff``."""
    table = plan.guides.table
    roster_share, roster_low, roster_high = plan.roster_share
    slots = [
        {
            "start": row.start,
            "arrivals": _num(row.arrivals, 2),
            "offered_load": _num(row.offered_load, 2),
            "guides": int(row.guides),
            "achieved_share": _num(row.achieved_share),
            "achieved_share_ci95": [_num(row.achieved_share_ci_low), _num(row.achieved_share_ci_high)],
            "fresh_share": _num(row.fresh_share),
            "fresh_share_ci95": [_num(row.fresh_share_ci_low), _num(row.fresh_share_ci_high)],
            "reneged": _num(row.reneged, 2),
            "mol": int(row.mol),
            "sipp": int(row.sipp),
            "sipp_share": _num(row.sipp_share),
            "rostered": int(plan.roster.coverage[i]),
            "roster_share": _num(roster_share[i]),
            "roster_share_ci95": [_num(roster_low[i]), _num(roster_high[i])],
        }
        for i, row in enumerate(table.itertuples())
    ]
    target = scenario.targets.greet_share
    sipp_short = table[table["sipp_share"] < target]
    return {
        "scenario": scenario.name,
        "replications": plan.replications,
        "seed": plan.seed,
        "target": {"share": target, "within_min": scenario.targets.greet_within_min},
        "mean_tour_min": _num(plan.guides.mean_tour_min, 2),
        "slots": slots,
        "roster": [
            {
                "shift": r.shift,
                "start": r.start,
                "end": r.end,
                "hours": r.hours,
                "meal_break": r.meal_break or None,
                "count": int(r.count),
            }
            for r in plan.roster.shifts.itertuples()
        ],
        "paid_hours": plan.roster.paid_hours,
        "requirement_hours": plan.roster.requirement_hours,
        "roster_cost": _num(plan.roster.cost, 2),
        "sipp": {
            "slots_below_target": sipp_short["start"].tolist(),
            "worst_share": _num(table["sipp_share"].min()),
            "worst_slot": table.loc[table["sipp_share"].idxmin(), "start"]
            if table["sipp_share"].notna().any()
            else None,
            "guide_hours": float(table["sipp"].sum() / 2),
        },
        "posts": {
            role: [
                {"start": s, "count": int(c)} for s, c in zip(table["start"], plan.posts[role], strict=True)
            ]
            for role in plan.posts.columns
        },
        "rules": plan.rules,
        "layout_shortfalls": plan.shortfalls,
        "isa_iterations": plan.guides.isa_iterations,
        "evaluations": plan.guides.evaluations,
        "elapsed_s": round(plan.elapsed_s, 1),
    }


def staff_tables(plan) -> dict:
    """The plan's tables: guides per slot (with the rostered count), the roster, the other posts."""
    slots = plan.guides.table.assign(rostered=list(plan.roster.coverage))
    posts = plan.posts.assign(start=plan.guides.table["start"])
    return {"staff_slots": slots, "staff_roster": plan.roster.shifts, "staff_posts": posts}


def _write(plan, scenario, document: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from sim.present import figures as plots
    from sim.store.outputs import write_frames, write_json

    write_frames(staff_tables(plan), out)
    write_json(document, out / "staff.json")
    with plots.chinese_font():
        fig, ax = plt.subplots(figsize=(11, 5))
        plots.staffing_plan(ax, plan.guides.table, plan.roster.coverage, scenario)
        fig.savefig(out / "staffing.png", dpi=120, bbox_inches="tight")
        plt.close(fig)


_SHORT = {
    "reception": "desks",
    "negotiation_tables": "tables",
    "signing": "sign",
    "payment": "pay",
    "cleaners": "clean",
    "security": "guard",
    "evacuation_marshals": "marshal",
}


def _print(plan, scenario, document: dict, out: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    target = document["target"]
    console.print(
        f"[bold]{scenario.name}[/]: guides to greet {target['share']:.0%} of parties within {target['within_min']:g} min; "
        f"{plan.replications} replications per evaluation; mean tour {document['mean_tour_min']:.0f} min. "
        "Shares in % greeted within target: the plan's [95% CI], on fresh replications, the roster's, SIPP's."
    )
    table = Table(
        "from",
        "arrive",
        "load",
        "plan",
        "share [CI]",
        "fresh",
        "roster",
        "%",
        "SIPP",
        "%",
        title="Guides per half hour",
    )
    for slot in document["slots"]:
        ci = slot["achieved_share_ci95"]
        table.add_row(
            slot["start"], f"{slot['arrivals']:.1f}", f"{slot['offered_load']:.1f}", f"[bold]{slot['guides']}[/]",
            f"{_pct(slot['achieved_share'])} [{_pct(ci[0])}–{_pct(ci[1])}]", _pct(slot["fresh_share"]),
            str(slot["rostered"]), _pct(slot["roster_share"]), str(slot["sipp"]), _pct(slot["sipp_share"]),
        )  # fmt: skip
    console.print(table)
    roster = Table("shift", "start", "end", "meal break", "count", "paid h", title="Roster (least cost)")
    for r in plan.roster.shifts.itertuples():
        roster.add_row(r.shift, r.start, r.end, r.meal_break, str(r.count), f"{r.paid_hours:g}")
    console.print(roster)
    sipp = document["sipp"]
    console.print(
        f"Paid hours {plan.roster.paid_hours:g} for a bare requirement of {plan.roster.requirement_hours:g} guide-hours. "
        f"SIPP (hourly Erlang C, {sipp['guide_hours']:g} guide-hours) misses the target in {len(sipp['slots_below_target'])} "
        f"slot(s), worst {_pct(sipp['worst_share'])}% at {sipp['worst_slot']}."
    )
    posts = Table("from", *(_SHORT.get(r, r) for r in plan.posts.columns), title="Other posts per half hour")
    for start, row in zip(plan.guides.table["start"], plan.posts.itertuples(index=False), strict=True):
        posts.add_row(start, *(str(c) for c in row))
    console.print(posts)
    for role, rule in plan.rules.items():
        console.print(f"  {_SHORT.get(role, role)} ({role}): {rule}")
    for shortfall in plan.shortfalls:
        console.print(f"[bold red]Layout too small:[/] {shortfall}")
    console.print(
        f"{document['isa_iterations']} ISA iterations, {document['evaluations']} evaluations, {document['elapsed_s']} s"
        + (f"; written to {out}/" if out else "")
    )


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}"
