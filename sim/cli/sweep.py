"""``anchang sweep`` (front end only): every configuration of a sweep file, one table, kept as it goes."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from sim.cli.common import Workers, console, count_option, lang, note, say, seed_option, settings
from sim.core.text import text


def sweep(
    file: Annotated[Path, typer.Argument(help="sweep YAML: base scenario, axes, mode grid|list")],
    reps: Annotated[int | None, count_option("replications per configuration")] = None,
    seed: Annotated[int | None, seed_option("root seed, shared by every configuration")] = None,
    workers: Workers = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: results/<sweep>)")] = None,
    resume: Annotated[
        bool, typer.Option(help="continue the last interrupted run of this sweep from the run store")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the table as JSON records")] = False,
    dask: Annotated[
        str | None, typer.Option(envvar="ANCHANG_DASK", help="Dask scheduler address (tcp://host:8786)")
    ] = None,
) -> None:
    """Run every configuration on common random numbers; write sweep.csv and print the table.

    Each finished configuration is kept in the run store at once, so an interrupted sweep (Ctrl-C,
    a killed process) loses only the configurations in flight; ``--resume`` runs the rest.
    """
    from sim.plan.sweep_keeper import SweepInterrupted
    from sim.plan.sweep_keeper import sweep as run_sweep
    from sim.store.outputs import owned_folder

    loud = not as_json and sys.stderr.isatty()
    started = time.perf_counter()
    first: int | None = None  # the first configuration this process finished (a resumed sweep starts later)

    def progress(finished: int, total: int, elapsed: float) -> None:
        nonlocal first
        if first is None:
            first = finished
        if loud:
            eta = elapsed / max(1, finished - first + 1) * (total - finished)
            print("\r" + say("console.sweep.progress", done=finished, total=total, seconds=f"{elapsed:.0f}",
                             eta=f"{eta:.0f}"), end="", file=sys.stderr)  # fmt: skip

    chosen = settings(replications=reps, seed=seed, workers=workers, dask=dask)
    folder = out or Path("results") / file.stem
    with owned_folder(folder, finished="sweep.csv"):
        try:
            outcome = run_sweep(file=file, settings=chosen, resume=resume, progress=progress,
                                note=lambda key, fields: note(key, **fields))  # fmt: skip
        except SweepInterrupted as stop:
            interrupted(stop, file)
        if loud:
            print(file=sys.stderr)
        _write_table(outcome.table, folder)
    if as_json:
        typer.echo(json.dumps(outcome.table.to_dict("records"), ensure_ascii=False, indent=2, default=float))
    else:
        _print_table(outcome.table, outcome.spec, file, folder, time.perf_counter() - started)
    if outcome.run_id is not None:
        note("console.sweep.stored", run=outcome.run_id, store=outcome.store)


def _write_table(table: Any, folder: Path) -> None:
    """sweep.csv, whole or not at all."""
    from sim.store.outputs import written_whole

    with written_whole(folder / "sweep.csv") as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8-sig", float_format="%.6g")


def _print_table(table: Any, spec: Any, file: Path, folder: Path, elapsed: float) -> None:
    from rich.table import Table

    screen = console(160)
    heads = list(spec.axes) + [text(f"names.kpi.{k}", lang()) if text_known(k) else k for k in spec.kpis]
    reps = int(table["replications"].iloc[0]) if len(table) else "-"
    view = Table(
        *heads, title=say("console.sweep.title", name=spec.name or file.stem, n=len(table), reps=reps)
    )
    for row in table.to_dict("records"):
        cells = [str(row[a]) for a in spec.axes]
        cells += [f"{row[k]:.3g} [{row[k + '_ci_low']:.3g}, {row[k + '_ci_high']:.3g}]" for k in spec.kpis]
        view.add_row(*cells)
    screen.print(view)
    screen.print(say("console.sweep.table", path=folder / "sweep.csv", seconds=f"{elapsed:.0f}"))


def text_known(kpi: str) -> bool:
    """Whether the catalogue names this KPI."""
    from sim.core.text import has

    return has(f"names.kpi.{kpi}")


def interrupted(stop: Any, file: Path) -> NoReturn:
    """Say what an interrupted sweep kept and how to resume it, and exit 130 at once.

    The run store is closed by then. A normal exit would have the standard library join the
    pool's manager thread, which can wait forever when Ctrl-C landed in it.
    """
    kept = say("console.sweep.kept", kept=stop.kept, total=stop.total, run=stop.parent) if stop.parent else ""
    typer.echo("\n" + say("console.sweep.interrupted", kept=kept, file=file), err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)
