"""``anchang runs list | show | compare | export`` (front end only): the run store, read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import say
from sim.present.tables.common import missing

runs_app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="The run store: list, show, compare and export runs."
)

RunId = Annotated[int, typer.Argument(help="run id (see `anchang runs list`)")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON to stdout")]


def _store():
    from sim.cli.common import store
    from sim.core.problems import refuse
    from sim.store.runstore import RunStore

    path = store()
    if path is None:
        raise refuse("--store", "store_off")
    return RunStore(path)


@runs_app.command("list")
def list_runs(
    limit: Annotated[int, typer.Option(min=0, help="newest this many (0: all)")] = 20,
    command: Annotated[str | None, typer.Option(help="only run, staff, evac, plan or sweep")] = None,
    configs: Annotated[bool, typer.Option(help="include each sweep configuration")] = False,
    as_json: AsJson = False,
) -> None:
    """The stored runs, newest first: id, time, command, status, inputs and headline."""
    store = _store()
    table = store.runs(limit or None, command, children=configs)
    if as_json:
        typer.echo(table.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
        return
    from rich.table import Table

    view = Table(*(say(f"console.runs.column.{c}") for c in ("id", "started", "command", "status", "scenario",
                                                                 "layout", "seed", "reps", "headline")))  # fmt: skip
    for row in table.itertuples():
        status = row.status if missing(row.total) else f"{row.status} {row.children}/{row.total}"
        view.add_row(
            str(row.run_id), f"{row.started:%Y-%m-%d %H:%M}", row.command, status, _text(row.scenario),
            _text(row.layout), _text(row.seed), _text(row.replications), _text(row.headline),
        )  # fmt: skip
    _console().print(view)
    typer.echo(say("console.runs.count", n=len(table), store=store))


@runs_app.command()
def show(run_id: RunId, as_json: AsJson = False) -> None:
    """One run: what ran, on which inputs and code, its KPIs and the tables kept."""
    store = _store()
    run = store.get(run_id)
    kpis = store.frame(run_id, "kpis") if "kpis" in run["frames"] else None
    children = store.children(run_id) if run["total"] is not None else None
    if as_json:
        document = {k: v for k, v in run.items() if k != "inputs"} | {
            "inputs": {k: {"file": v["file"], "hash": v["hash"]} for k, v in run["inputs"].items()},
            "kpis": None if kpis is None else json.loads(kpis.to_json(orient="records")),
            "configurations": None if children is None else list(children["summary"]),
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))
        return
    console = _console()
    console.print(say("console.runs.run", run=run_id, command=run["command"], status=run["status"]))
    for label, value in _facts(run):
        console.print(f"  {label:<13} {value}")
    if kpis is not None:
        console.print(_kpi_table(kpis))
    if children is not None:
        console.print(_children_table(children, run))
    if run["frames"]:
        tables = ", ".join(say("console.runs.rows", name=n, rows=r) for n, r in run["frames"].items())
        console.print(say("console.runs.tables", tables=tables))


def _facts(run: dict) -> list[tuple[str, str]]:
    facts = [
        (say("console.runs.fact.started"), f"{run['started']:%Y-%m-%d %H:%M:%S} UTC"),
        (
            say("console.runs.fact.finished"),
            "-" if run["finished"] is None else f"{run['finished']:%Y-%m-%d %H:%M:%S} UTC",
        ),
        (say("console.runs.fact.code"), run["code_version"]),
        (say("console.runs.fact.seed"), _text(run["seed"])),
        (say("console.runs.fact.replications"), _text(run["replications"])),
    ]
    for kind, item in run["inputs"].items():
        name = run.get(f"{kind}_name") or ""
        facts.append((kind, f"{name}  {item['file'] or ''}  sha256 {item['hash'][:12]}"))
    if run["args"]:
        chosen = ", ".join(f"{k}={v}" for k, v in run["args"].items() if v not in (None, False))
        facts.append((say("console.runs.fact.options"), chosen))
    if run["headline"]:
        facts.append((say("console.runs.fact.headline"), run["headline"]))
    if run["events"]:
        facts.append((say("console.runs.fact.events"), run["events"]))
    return facts


def _kpi_table(kpis):
    from rich.table import Table

    view = Table(
        say("columns.kpis.metric"),
        say("columns.kpis.mean"),
        say("columns.kpis.ci"),
        title=say("console.runs.kpis"),
    )
    for row in kpis.itertuples():
        view.add_row(_kpi_name(row.metric), _fmt(row.mean), f"{_fmt(row.ci_low)} – {_fmt(row.ci_high)}")
    return view


def _children_table(children, run: dict):
    from rich.table import Table

    rows = list(children["summary"])
    columns = [c for c in rows[0] if not c.endswith(("_ci_low", "_ci_high"))] if rows else []
    view = Table("#", *columns, title=say("console.runs.configurations", kept=len(rows), total=run["total"]))
    for index, row in zip(children["config_index"], rows, strict=True):
        view.add_row(str(index), *[_with_ci(row, c) for c in columns])
    return view


def _with_ci(row: dict, column: str) -> str:
    if f"{column}_ci_low" in row:
        return f"{_fmt(row[column])} [{_fmt(row[column + '_ci_low'])}, {_fmt(row[column + '_ci_high'])}]"
    return _text(row[column])


@runs_app.command()
def compare(first: RunId, second: RunId, as_json: AsJson = False) -> None:
    """Two runs side by side: what differs in their inputs, then their KPIs with 95% CIs."""
    from sim.plan.runs import compare_runs

    found = compare_runs(_store(), first, second)
    if as_json:
        document = {"runs": list(found.runs), "setup": found.setup, "inputs": found.inputs,
                    "kpis": json.loads(found.kpis.to_json(orient="records"))}  # fmt: skip
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))
        return
    console = _console()
    a, b = found.commands
    console.print(say("console.runs.against", a=first, a_command=a, b=second, b_command=b))
    for key, (x, y) in found.setup.items():
        console.print(f"  {key}: {x} → {y}")
    for kind, changes in found.inputs.items():
        if not changes:
            console.print(say("console.runs.same_content", kind=kind))
        for path, (x, y) in list(changes.items())[:30]:
            console.print(f"  {kind}.{path}: {_short(x)} → {_short(y)}")
        if len(changes) > 30:
            console.print(say("console.runs.more_differences", kind=kind, n=len(changes) - 30))
    if found.kpis.empty:
        console.print(say("console.runs.no_kpis"))
    elif found.paired:
        _print_paired(console, found.kpis, first, second)
    else:
        _print_side_by_side(console, found.kpis, first, second)


def _print_side_by_side(console, kpis, first: int, second: int) -> None:
    from rich.table import Table

    view = Table(say("columns.kpis.metric"), say("console.runs.column.run", run=first), say("console.runs.column.run", run=second),
                 say("console.runs.column.difference"), say("console.runs.column.overlap"), title=say("console.runs.kpis_ci"))  # fmt: skip
    for row in kpis.itertuples():
        view.add_row(
            _kpi_name(row.metric), f"{_fmt(row.mean_a)} [{_fmt(row.low_a)}, {_fmt(row.high_a)}]",
            f"{_fmt(row.mean_b)} [{_fmt(row.low_b)}, {_fmt(row.high_b)}]", _fmt(row.difference),
            say("console.runs.yes") if row.overlap else f"[bold]{say('console.runs.no')}[/]",
        )  # fmt: skip
    console.print(view)
    console.print(say("console.runs.different_seeds"))


def _print_paired(console, kpis, first: int, second: int) -> None:
    from rich.table import Table

    pairs = int(kpis["pairs"].dropna().iloc[0])
    view = Table(
        say("columns.kpis.metric"), say("console.runs.column.run", run=first), say("console.runs.column.run", run=second),
        say("console.runs.column.paired"), title=say("console.runs.paired", pairs=pairs),
    )  # fmt: skip
    for row in kpis.itertuples():
        clear = row.paired_low > 0 or row.paired_high < 0
        difference = f"{_fmt(row.paired_difference)} [{_fmt(row.paired_low)}, {_fmt(row.paired_high)}]"
        view.add_row(
            _kpi_name(row.metric), f"{_fmt(row.mean_a)}", f"{_fmt(row.mean_b)}",
            f"[bold]{difference}[/]" if clear else difference,
        )  # fmt: skip
    console.print(view)
    console.print(say("console.runs.in_bold"))


@runs_app.command()
def export(
    run_id: RunId,
    out: Annotated[Path | None, typer.Option(help="folder (default: results/run_<id>)")] = None,
) -> None:
    """Write a run out: scenario.yaml and layout.yaml that run again, run.json, tables and log."""
    from sim.plan.runs import export_run

    folder = out or Path("results") / f"run_{run_id}"
    files = ", ".join(export_run(_store(), run_id, folder))
    typer.echo(say("console.runs.exported", run=run_id, folder=folder, files=files))


def _console():
    from sim.cli.common import console

    return console(160)


def _kpi_name(metric: str) -> str:
    """A stored KPI as a person reads it, its id beside (the run store keeps ids)."""
    from sim.core.text import has

    return f"{say(f'names.kpi.{metric}')} ({metric})" if has(f"names.kpi.{metric}") else metric


def _text(value: Any) -> str:
    return "" if missing(value) else str(value)


def _fmt(value: Any) -> str:
    return "–" if missing(value) else f"{float(value):.4g}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"
