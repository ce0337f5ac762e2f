"""``anchang sweep`` (front end only): every configuration of a sweep file, one table, kept as it goes."""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer


def sweep(
    file: Annotated[Path, typer.Argument(help="sweep YAML: base scenario, axes, mode grid|list")],
    reps: Annotated[int | None, typer.Option(min=2, help="replications per configuration")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="root seed, shared by every configuration")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
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
    from sim.plan.sweep import configurations, load_sweep, run_sweep, sweep_key
    from sim.store.runstore import chosen_store

    spec, base, base_path = load_sweep(file)
    spec = spec.model_copy(
        update={k: v for k, v in (("replications", reps), ("seed", seed)) if v is not None}
    )
    total = len(configurations(spec))
    store = chosen_store()
    keeper = _Keeper(store, spec, base, base_path, total) if store is not None else None
    done = keeper.start(sweep_key(spec, base, base_path), resume) if keeper else _no_store(resume)
    loud = not as_json and sys.stderr.isatty()
    started = time.perf_counter()
    first = len(done)

    def progress(finished: int, total: int, elapsed: float) -> None:
        if loud:
            eta = elapsed / (finished - first) * (total - finished)
            print(
                f"\r{finished}/{total} configurations, {elapsed:.0f} s, ETA {eta:.0f} s",
                end="",
                file=sys.stderr,
            )

    on_row = keeper.keep if keeper else None
    try:
        if dask:
            from sim.runner.dask import dask_executor

            with dask_executor(dask) as executor:
                table = run_sweep(spec, base, base_path, workers, progress, executor, done, on_row)
        else:
            table = run_sweep(spec, base, base_path, workers, progress, None, done, on_row)
    except KeyboardInterrupt:
        if keeper:
            keeper.stop("interrupted")
        kept = f"; {keeper.count}/{total} configurations are kept in run {keeper.parent}" if keeper else ""
        typer.echo(f"\nInterrupted{kept}. `anchang sweep {file} --resume` runs the rest.", err=True)
        raise typer.Exit(130) from None
    if loud:
        print(file=sys.stderr)
    if keeper:
        keeper.stop("done")
    folder = out or Path("results") / file.stem
    folder.mkdir(parents=True, exist_ok=True)
    table.to_csv(folder / "sweep.csv", index=False, encoding="utf-8-sig", float_format="%.6g")
    if as_json:
        typer.echo(json.dumps(table.to_dict("records"), ensure_ascii=False, indent=2, default=float))
    else:
        _print_table(table, spec, file, folder, time.perf_counter() - started)
    if keeper:
        typer.echo(f"Kept as run {keeper.parent} in {store} (anchang runs show {keeper.parent})", err=True)


def _no_store(resume: bool) -> dict:
    if resume:
        from sim.core.problems import InputError, Problem

        raise InputError([Problem("--resume", "needs the run store, but recording is off (--store off)")])
    return {}


class _Keeper:
    """The sweep's record in the run store: a parent run, and a child per configuration."""

    def __init__(self, path: Path, spec, base: dict, base_path: Path, total: int):
        from sim.store.runstore import RunStore

        self.store, self.spec, self.base, self.base_path, self.total = (
            RunStore(path),
            spec,
            base,
            base_path,
            total,
        )
        self.parent: int | None = None
        self.count = 0
        self.since = datetime.now(UTC)  # when the configuration being run began

    def start(self, key: str, resume: bool) -> dict[int, dict]:
        """Open the parent run (or reopen the interrupted one); return the rows already kept."""
        from sim.store.provenance import inputs_of
        from sim.store.runstore import Record, command_args

        found = self.store.unfinished("sweep", key)
        if resume and found is not None:
            _refuse_if_alive(found)
            self.parent = found["run_id"]
            self.store.claim(self.parent)
            children = self.store.children(self.parent)
            done = dict(zip(children["config_index"], children["summary"], strict=True))
            self.count = len(done)
            typer.echo(f"Resuming run {self.parent}: {len(done)}/{self.total} configurations kept.", err=True)
            return {int(i): row for i, row in done.items()}
        if resume:
            typer.echo("Nothing to resume for this sweep: starting it afresh.", err=True)
        elif found is not None:
            typer.echo(
                f"Run {found['run_id']} of this sweep did not finish; `--resume` would continue it. "
                "Starting afresh.",
                err=True,
            )
        from sim.io.files import load_scenario

        seed = load_scenario(self.base_path).run.seed if self.spec.seed is None else self.spec.seed
        record = Record(
            "sweep", inputs_of(self.base_path), seed, self.spec.replications, command_args(),
            summary={"sweep": self.spec.model_dump(mode="json")}, headline=f"{self.total} configurations",
        )  # fmt: skip
        self.parent = self.store.begin(record, key, self.total)
        return {}

    def keep(self, index: int, config: dict, row: dict, results) -> None:
        """Keep one finished configuration (called by ``run_sweep``)."""
        from sim.plan.sweep import variant_inputs
        from sim.store.runstore import Record, replication_kpis

        label = ", ".join(f"{k}={row[k]}" for k in config)  # the table's cells: JSON for mappings
        record = Record(
            "sweep-config", variant_inputs(self.base, self.base_path, config), results.seed,
            results.replications, summary=row, headline=label,
            frames={"kpis": results.kpis, "half_hours": results.half_hours,
                    "replications": replication_kpis(results)}, started=self.since,
        )  # fmt: skip
        if self.store.add_child(self.parent, index, config, record) is not None:
            self.count += 1
        self.since = datetime.now(UTC)

    def stop(self, status: str) -> None:
        """Close the parent run."""
        self.store.finish(self.parent, status, headline=f"{self.count}/{self.total} configurations")


def _refuse_if_alive(found: dict) -> None:
    """Two processes must not resume the same sweep: refuse while its process still runs."""
    from sim.core.problems import InputError, Problem

    if found["status"] != "running" or found["host"] != socket.gethostname() or found["pid"] == os.getpid():
        return
    try:
        os.kill(int(found["pid"]), 0)
    except (ProcessLookupError, PermissionError):
        return  # the process that ran it is gone (killed): safe to continue
    raise InputError(
        [
            Problem(
                "--resume",
                f"run {found['run_id']} is still running in process {found['pid']}; wait or stop it",
            )
        ]
    )


def _print_table(table, spec, file: Path, folder: Path, elapsed: float) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    shown = list(spec.axes) + list(spec.kpis)
    reps = int(table["replications"].iloc[0]) if len(table) else "-"
    view = Table(*shown, title=f"{spec.name or file.stem}: {len(table)} configurations, {reps} reps each")
    for row in table.to_dict("records"):
        cells = [str(row[a]) for a in spec.axes]
        cells += [f"{row[k]:.3g} [{row[k + '_ci_low']:.3g}, {row[k + '_ci_high']:.3g}]" for k in spec.kpis]
        view.add_row(*cells)
    console.print(view)
    console.print(f"Table: {folder / 'sweep.csv'} ({elapsed:.0f} s)")
