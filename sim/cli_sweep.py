"""``anchang sweep`` (front end only): every configuration of a sweep file, one table."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def sweep(
    file: Annotated[Path, typer.Argument(help="sweep YAML: base scenario, axes, mode grid|list")],
    reps: Annotated[int | None, typer.Option(min=2, help="replications per configuration")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="root seed, shared by every configuration")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: results/<sweep>)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the table as JSON records")] = False,
    dask: Annotated[
        str | None, typer.Option(envvar="ANCHANG_DASK", help="Dask scheduler address (tcp://host:8786)")
    ] = None,
) -> None:
    """Run every configuration on common random numbers; write sweep.csv and print the table."""
    from sim.sweep import load_sweep, run_sweep

    spec, base, base_path = load_sweep(file)
    spec = spec.model_copy(
        update={k: v for k, v in (("replications", reps), ("seed", seed)) if v is not None}
    )
    loud = not as_json and sys.stderr.isatty()

    def progress(done: int, total: int, elapsed: float) -> None:
        if loud:
            eta = elapsed / done * (total - done)
            print(
                f"\r{done}/{total} configurations, {elapsed:.0f} s, ETA {eta:.0f} s", end="", file=sys.stderr
            )

    if dask:
        from sim.runner import dask_executor

        with dask_executor(dask) as executor:
            table = run_sweep(spec, base, base_path, workers, progress, executor)
    else:
        table = run_sweep(spec, base, base_path, workers, progress)
    if loud:
        print(file=sys.stderr)
    folder = out or Path("results") / file.stem
    folder.mkdir(parents=True, exist_ok=True)
    table.to_csv(folder / "sweep.csv", index=False, encoding="utf-8-sig", float_format="%.6g")
    if as_json:
        typer.echo(json.dumps(table.to_dict("records"), ensure_ascii=False, indent=2, default=float))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    shown = list(spec.axes) + [k for k in spec.kpis]
    view = Table(
        *shown,
        title=f"{spec.name or file.stem}: {len(table)} configurations, {spec.replications or '-'} reps",
    )
    for row in table.to_dict("records"):
        cells = [str(row[a]) for a in spec.axes]
        cells += [f"{row[k]:.3g} [{row[k + '_ci_low']:.3g}, {row[k + '_ci_high']:.3g}]" for k in spec.kpis]
        view.add_row(*cells)
    console.print(view)
    console.print(f"Table: {folder / 'sweep.csv'}")
