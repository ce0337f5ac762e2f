"""``anchang run``, ``validate`` and ``schema``."""

from __future__ import annotations

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
    progress_bar,
    say,
    settings,
)
from sim.cli.congestion import print_flags, write_congestion
from sim.core.problems import refuse
from sim.model import limits as L
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan.day import DayStudy, Precision, simulate_day
from sim.plan.recording import Sources


def run(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    layout: Annotated[Path | None, typer.Option(help="layout YAML (default: the scenario's)")] = None,
    reps: Annotated[
        str | None, typer.Option(help="replications, or 'auto': until the KPIs reach --precision")
    ] = None,
    precision: Annotated[float, typer.Option(help="with --reps auto: 95% CI half-width / mean")] = 0.05,
    max_reps: Annotated[int, count_option("with --reps auto: at most this many")] = 500,
    kpi: Annotated[
        list[str] | None, typer.Option(help="with --reps auto: the KPIs to pin down (repeatable)")
    ] = None,
    seed: Seed = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: results/<scenario>)")] = None,
    workers: Workers = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
    dask: Annotated[
        str | None, typer.Option(envvar="ANCHANG_DASK", help="Dask scheduler address (tcp://host:8786)")
    ] = None,
) -> None:
    """Simulate the day over replications; print the summary and write tables, logs and plots."""
    from sim.io.files import load_pair
    from sim.store.outputs import owned_folder

    pair = load_pair(scenario, layout)
    out = out or Path("results") / scenario.stem
    with owned_folder(out, finished="summary.json"):
        _run_into(pair, scenario, layout, out, reps, precision, max_reps, kpi, seed, workers, as_json, dask)


def _run_into(
    pair: tuple[Layout, Scenario], scenario: Path, layout: Path | None, out: Path, reps: str | None,
    precision: float, max_reps: int, kpi: list[str] | None, seed: int | None, workers: int | None,
    as_json: bool, dask: str | None,
) -> None:  # fmt: skip
    """The run, once it owns ``out``: the logs, then the tables and figures, the summary last."""
    events = out / "events"
    _clear_events(events)
    auto = reps == "auto"
    target = Precision(relative=precision, kpis=tuple(kpi), ceiling=max_reps) if auto and kpi else None
    target = target or (Precision(relative=precision, ceiling=max_reps) if auto else None)
    study = simulate_day(
        layout=pair[0], scenario=pair[1], settings=settings(replications=None if auto else _count(reps), seed=seed,
        workers=workers, dask=dask), precision=target, log_dir=events,
        progress=None if as_json else progress_bar("replications"), sources=Sources(scenario, layout),
        on_record=on_record,
    )  # fmt: skip
    written = write_day(study, *pair, out)
    if as_json:
        typer.echo(json.dumps(study.summary, ensure_ascii=False, indent=2))
        return
    print_day(study, *pair, written, target)


def _count(reps: str | None) -> int | None:
    """``--reps``: a whole number from 1 to ``limits.REPLICATIONS`` (or none: the scenario's)."""
    if reps is None:
        return None
    try:
        count = int(reps)
    except ValueError:
        raise refuse("--reps", "reps_form", value=repr(reps)) from None
    if count < 1:
        raise refuse("--reps", "reps_at_least_one", value=count)
    if count > L.REPLICATIONS:
        raise refuse("--reps", "less_than_equal", le=L.REPLICATIONS, value=count)
    return count


def _clear_events(folder: Path) -> None:
    """Remove a previous run's per-replication logs so a shorter run leaves no stale files."""
    if folder.is_dir():
        for old in folder.glob("rep_*.parquet"):
            old.unlink()


def write_day(study: DayStudy, layout: Layout, scenario: Scenario, out: Path) -> list[Path]:
    """The day's tables, figures and congestion outputs in ``out``, and last its summary.

    ``summary.json`` is written last and whole: where it is, the run finished.
    """
    from sim.present import figures
    from sim.store.outputs import write_json, write_tables

    tables = list(write_tables(study.results, out, {"occupancy": study.occupancy}).values())
    reader = lang()
    with figure_file(out / "greeting_wait.png", 10, 4.5) as fig:
        figures.greeting_wait(fig.subplots(), study.results, scenario, reader)
    with figure_file(out / "zone_occupancy.png", 11, 8, constrained=True) as fig:
        figures.zone_occupancy(fig, study.results, layout, scenario, reader)
    with figure_file(out / "guides_busy.png", 10, 4.5) as fig:
        figures.guides_busy(fig.subplots(), study.results, scenario, reader)
    write_congestion(study.congestion, layout, scenario, out)
    summary = write_json(study.summary, out / "summary.json")
    names = ("greeting_wait.png", "zone_occupancy.png", "guides_busy.png", "events")
    return [*tables, summary, *(out / name for name in names)]


def print_day(
    study: DayStudy, layout: Layout, scenario: Scenario, written: list[Path], target: Precision | None
) -> None:
    """The day's KPIs, half hours and zones, then the congestion flags."""
    from sim.present.tables.day import half_hour_table, kpi_table, zone_table

    out, reader, results = console(), lang(), study.results
    out.print(say("console.run.heading", scenario=scenario.name[lang()], layout=layout.name[lang()], reps=results.replications,
                  seed=results.seed))  # fmt: skip
    print_frame(out, kpi_table(results, reader), say("console.run.kpis"))
    print_frame(out, half_hour_table(results, scenario, reader), say("console.run.half_hours"))
    print_frame(out, zone_table(results, layout, reader), say("console.run.zones"))
    out.print(say("console.run.written", folder=written[0].parent, files=", ".join(p.name for p in written)))
    if target is not None and study.precision is not None:
        reached = ", ".join(f"{k} ±{w:.1%}" for k, w in study.precision.items())
        met = all(w <= target.relative for w in study.precision.values())
        key = "console.run.precision_met" if met else "console.run.precision_missed"
        out.print(say(key, reps=results.replications, target=f"{target.relative:.0%}", most=target.ceiling,
                      reached=reached))  # fmt: skip
    print_flags(out, study.congestion, layout, limit=15)
    out.print(say("console.run.more", folder=written[0].parent))


def validate(
    files: Annotated[list[Path], typer.Argument(help="layout, scenario or sweep YAML files")],
) -> None:
    """Check layout, scenario and sweep files (a scenario with its layout, a sweep with every configuration).

    Stops at the first bad one.
    """
    from sim.io.files import file_data, validate_file
    from sim.plan.sweep import is_sweep, validate_sweep

    for path in files:
        if is_sweep(file_data(path)):
            typer.echo(say("console.validate.sweep", path=path, count=validate_sweep(path)))
        else:
            typer.echo(say("console.validate.ok", path=path, kind=validate_file(path)))


def schema(kind: Annotated[str, typer.Argument(help="layout or scenario")]) -> None:
    """Print the JSON Schema of a file format, for editor completion and checks."""
    from sim.io.files import json_schema

    if kind not in ("layout", "scenario"):
        raise refuse("schema", "schema_kind", value=repr(kind))
    typer.echo(json_schema(kind))
