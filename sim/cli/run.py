"""``anchang run``, ``validate`` and ``schema``."""

from __future__ import annotations

import contextlib
import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer

EXIT_BAD_INPUT = 2


def run(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    layout: Annotated[Path | None, typer.Option(help="layout YAML (default: the scenario's)")] = None,
    reps: Annotated[
        str | None, typer.Option(help="replications, or 'auto': until the KPIs reach --precision")
    ] = None,
    precision: Annotated[float, typer.Option(help="with --reps auto: 95% CI half-width / mean")] = 0.05,
    max_reps: Annotated[int, typer.Option(min=2, help="with --reps auto: at most this many")] = 500,
    kpi: Annotated[
        list[str] | None, typer.Option(help="with --reps auto: the KPIs to pin down (repeatable)")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="root seed (default: the scenario's)")] = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: results/<scenario>)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object to stdout")] = False,
    dask: Annotated[
        str | None, typer.Option(envvar="ANCHANG_DASK", help="Dask scheduler address (tcp://host:8786)")
    ] = None,
) -> None:
    """Simulate the day over replications; print the summary and write tables, logs and plots."""
    from sim.io.files import load_pair
    from sim.runner.dask import dask_executor
    from sim.store.runstore import keep

    pair = load_pair(scenario, layout)
    out = out or Path("results") / scenario.stem
    events = out / "events"
    _clear_events(events)
    progress = None if as_json or not sys.stderr.isatty() else _progress_bar()
    widths = None
    with contextlib.ExitStack() as stack:
        executor = stack.enter_context(dask_executor(dask)) if dask else None
        results, widths = _replicate(
            pair, reps, precision, max_reps, kpi, seed, workers, events, progress, executor
        )
    from sim.analysis.congestion.report import analyse
    from sim.cli.congestion import congestion_json, print_flags, write_congestion

    report = analyse(results, *pair)
    summary = _summary_json(results, *pair, scenario_file=scenario) | {"congestion": congestion_json(report)}
    if widths is not None:
        summary["precision"] = {"target": precision, "reached": {k: round(w, 4) for k, w in widths.items()}}
    from sim.metrics.stats import zone_occupancy_table

    occupancy = zone_occupancy_table(results, *pair)
    written = _write_outputs(results, *pair, out, summary, occupancy)
    write_congestion(report, *pair, out)
    recorded = keep(_record(results, scenario, layout, summary, events, pair[1], occupancy))
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_summary(results, *pair, written)
        if widths is not None:
            reached = ", ".join(f"{k} ±{w:.1%}" for k, w in widths.items())
            met = (
                "reached"
                if all(w <= precision for w in widths.values())
                else f"NOT reached within {max_reps}"
            )
            print(
                f"--reps auto: {results.replications} replications; precision {precision:.0%} {met}: {reached}"
            )
        from rich.console import Console

        print_flags(Console(), report, limit=15)
        print(
            f"All flags, level-of-service shares and maps: {out}/flags.csv, los_share.csv, los_map.png, flags.png"
        )
    if recorded:
        typer.echo(recorded, err=True)


def _record(
    results, scenario_file: Path, layout_file: Path | None, summary: dict, events: Path, scenario, occupancy
):
    """What the run store keeps of ``anchang run``."""
    from sim.store.provenance import inputs_of
    from sim.store.runstore import Record, replication_kpis

    k = results.kpis.set_index("metric")
    share = k.loc["greet_within_target_share"]
    headline = (
        f"greeted ≤{scenario.targets.greet_within_min:g} min {share['mean']:.1%} "
        f"[{share['ci_low']:.1%}, {share['ci_high']:.1%}]; most inside {k.loc['max_persons_inside', 'mean']:.0f}"
    )
    frames = {
        "kpis": results.kpis, "half_hours": results.half_hours, "zones": results.zones,
        "flows": results.flows, "guides": results.guides,
        "occupancy": occupancy, "replications": replication_kpis(results),
    }  # fmt: skip
    return Record(
        "run", inputs_of(scenario_file, layout_file), results.seed, results.replications,
        summary=summary, headline=headline, frames=frames, events=events,
    )  # fmt: skip


def _replicate(pair, reps, precision, max_reps, kpi, seed, workers, events, progress, executor):
    """Replications as asked: a number (or the scenario's), or ``auto`` to a precision."""
    from sim.core.problems import InputError, Problem
    from sim.runner.precision import DEFAULT_PRECISION_KPIS, run_to_precision
    from sim.runner.replications import run as run_replications

    if reps == "auto":
        if not 0 < precision < 1:
            raise InputError([Problem("--precision", f"must be between 0 and 1, got {precision:g}")])
        chosen = tuple(kpi) if kpi else DEFAULT_PRECISION_KPIS
        try:
            return run_to_precision(*pair, precision, chosen, max_reps, seed, workers, events, executor)
        except ValueError as exc:
            raise InputError([Problem("--kpi", str(exc))]) from None
    try:
        count = None if reps is None else int(reps)
    except ValueError:
        raise InputError([Problem("--reps", f"expected a whole number or 'auto', got {reps!r}")]) from None
    if count is not None and count < 1:
        raise InputError([Problem("--reps", f"must be at least 1, got {count}")])
    results = run_replications(
        *pair,
        replications=count,
        seed=seed,
        workers=workers,
        log_dir=events,
        progress=progress,
        executor=executor,
    )
    return results, None


def _clear_events(folder: Path) -> None:
    """Remove a previous run's per-replication logs so a shorter run leaves no stale files."""
    if folder.is_dir():
        for old in folder.glob("rep_*.parquet"):
            old.unlink()


def _progress_bar():
    from rich.progress import Progress

    bar = Progress(transient=True, auto_refresh=False)  # no refresh thread: worker processes can fork
    task = bar.add_task("replications", total=None)
    bar.start()

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total, refresh=True)
        if done == total:
            bar.stop()

    return update


def _kpi(results, name: str) -> dict[str, float | list[float] | None]:
    row = results.kpis.set_index("metric").loc[name]
    return {"mean": _num(row["mean"]), "ci95": [_num(row["ci_low"]), _num(row["ci_high"])]}


def _num(value: float) -> float | None:
    return (
        None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 4)
    )


def _summary_json(results, layout, scenario, scenario_file: Path) -> dict:
    """The ``--json`` document: means with 95% CIs across replications."""
    k = results.kpis.set_index("metric")
    greet = {q: _num(k.loc[f"greet_wait_{q}_min", "mean"]) for q in ("mean", "p50", "p90", "p95")}
    greet["ci95"] = _kpi(results, "greet_wait_mean_min")["ci95"]
    zones = {
        row.zone: {
            "name": row.name,
            "kind": row.kind,
            "max_persons": _num(row.max_persons),
            "max_persons_ci95": [_num(row.max_persons_ci_low), _num(row.max_persons_ci_high)],
            "p95_persons": _num(row.p95_persons),
            "capacity": None if row.capacity is None or math.isnan(row.capacity) else int(row.capacity),
            "area_m2": _num(row.area_m2),
        }
        for row in results.zones.itertuples()
    }
    return {
        "scenario": scenario.name,
        "scenario_file": str(scenario_file),
        "layout": layout.name,
        "replications": results.replications,
        "seed": results.seed,
        "parties": {
            "arrived": _num(k.loc["parties_arrived", "mean"]),
            "served": _num(k.loc["parties_served", "mean"]),
            "reneged": _num(k.loc["parties_reneged", "mean"]),
            "inside_at_close": _num(k.loc["parties_inside_at_close", "mean"]),
            "ci95": {n: _kpi(results, f"parties_{n}")["ci95"] for n in ("arrived", "served", "reneged")},
        },
        "persons_arrived": _kpi(results, "persons_arrived"),
        "greet_wait_min": greet,
        "greet_target_min": scenario.targets.greet_within_min,
        "greet_within_target_share": _num(k.loc["greet_within_target_share", "mean"]),
        "greet_within_target_share_ci95": _kpi(results, "greet_within_target_share")["ci95"],
        "time_in_gallery_min": _kpi(results, "time_in_gallery_mean_min"),
        "outside_wait_min": _kpi(results, "outside_wait_mean_min"),
        "signings": _kpi(results, "signings"),
        "max_persons_inside": _kpi(results, "max_persons_inside"),
        "guide_utilisation": _num(k.loc["guide_utilisation", "mean"]),
        "guide_utilisation_ci95": _kpi(results, "guide_utilisation")["ci95"],
        "zones": zones,
    }


def _write_outputs(results, layout, scenario, out: Path, summary: dict, occupancy) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from sim.present import figures as plots
    from sim.store.outputs import write_json, write_tables

    written = write_tables(results, out, {"occupancy": occupancy})
    written["summary"] = write_json(summary, out / "summary.json")
    with plots.chinese_font():
        figures = {
            "greeting_wait": plots.greeting_wait(
                plt.figure(figsize=(10, 4.5)).gca(), results, scenario
            ).figure,
            "zone_occupancy": plots.zone_occupancy(
                plt.figure(figsize=(11, 8), layout="constrained"), results, layout, scenario
            ),
            "guides_busy": plots.guides_busy(plt.figure(figsize=(10, 4.5)).gca(), results, scenario).figure,
        }
        for name, figure in figures.items():
            written[name] = out / f"{name}.png"
            figure.savefig(written[name], dpi=120, bbox_inches="tight")
            plt.close(figure)
    written["events"] = out / "events"
    return written


def _print_summary(results, layout, scenario, written: dict[str, Path]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"[bold]{scenario.name}[/]  ·  {layout.name}  ·  {results.replications} replications, seed {results.seed}"
    )
    k = results.kpis.set_index("metric")
    table = Table("KPI", "mean", "95% CI", title="Day summary (means across replications)")
    for name, label in _KPI_LABELS.items():
        if name in k.index:
            row = k.loc[name]
            scale = 100.0 if name.endswith(("share", "utilisation")) else 1.0
            unit = " %" if scale == 100.0 else ""
            table.add_row(
                label,
                f"{row['mean'] * scale:.1f}{unit}",
                f"{row['ci_low'] * scale:.1f} – {row['ci_high'] * scale:.1f}",
            )
    console.print(table)
    half = Table(
        "from",
        "parties",
        "wait",
        "p90",
        f"≤{scenario.targets.greet_within_min:g}m",
        "gave up",
        "guides",
        "busy",
        "inside",
        title="By half hour: arrivals; greeting wait (min) by time joined the queue; max inside",
    )
    for row in results.half_hours.itertuples():
        half.add_row(
            row.start, f"{row.parties_arrived:.1f}", f"{row.greet_wait_mean_min:.1f}", f"{row.greet_wait_p90_min:.1f}",
            f"{row.greet_within_target_share * 100:.0f} %", f"{row.reneged:.1f}",
            f"{row.guides_on_duty:.1f}", f"{row.guides_busy:.1f}", f"{row.persons_inside_max:.0f}",
        )  # fmt: skip
    console.print(half)
    zones = Table(
        "zone",
        "area m²",
        "max",
        "p95",
        "cap",
        "m²/p at max",
        title="Zones where visitors stay (persons incl. guides)",
    )
    for row in results.zones.itertuples():
        if row.kind in ("entrance", "exit", "corridor", "stair"):
            continue  # outside, or walked through: their crowding is on the passages
        cap = "" if row.capacity is None or math.isnan(row.capacity) else f"{row.capacity:.0f}"
        per = (
            ""
            if row.m2_per_person_at_max is None or math.isnan(row.m2_per_person_at_max)
            else f"{row.m2_per_person_at_max:.1f}"
        )
        zones.add_row(
            row.zone, f"{row.area_m2:.0f}", f"{row.max_persons:.1f}", f"{row.p95_persons:.1f}", cap, per
        )
    console.print(zones)
    folder = written["summary"].parent
    console.print(f"Written to {folder}/: " + ", ".join(p.name for p in written.values()))


_KPI_LABELS = {
    "parties_arrived": "parties arrived",
    "persons_arrived": "persons arrived",
    "parties_served": "parties served (greeted)",
    "parties_reneged": "parties gave up waiting",
    "parties_inside_at_close": "parties inside at closing",
    "greet_wait_mean_min": "greeting wait, mean (min)",
    "greet_wait_p90_min": "greeting wait, p90 (min)",
    "greet_within_target_share": "greeted within target",
    "outside_wait_mean_min": "wait outside the door, mean (min)",
    "time_in_gallery_mean_min": "time in gallery, mean (min)",
    "signings": "signings",
    "max_persons_inside": "most persons inside at once",
    "guide_utilisation": "guide utilisation",
}


def validate(files: Annotated[list[Path], typer.Argument(help="layout or scenario YAML files")]) -> None:
    """Check layout and scenario files (a scenario with its layout); stop at the first bad one."""
    from sim.io.files import validate_file

    for path in files:
        kind = validate_file(path)
        typer.echo(f"{path}: ok ({kind})")


def schema(kind: Annotated[str, typer.Argument(help="layout or scenario")]) -> None:
    """Print the JSON Schema of a file format, for editor completion and checks."""
    from sim.io.files import json_schema

    if kind not in ("layout", "scenario"):
        _fail(f"schema: expected 'layout' or 'scenario', got {kind!r}")
    typer.echo(json_schema(kind))


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)
