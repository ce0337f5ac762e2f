"""Command line entry: ``anchang`` and its commands.

The CLI parses, calls the public functions, prints and writes files; no model logic here.
Bad input gets one message per problem on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from sim.cli.calibrate import calibrate, synthetic_log
from sim.cli.congestion import compare, congestion
from sim.cli.drill import drill
from sim.cli.evac import evac
from sim.cli.plan import plan
from sim.cli.run import EXIT_BAD_INPUT, run, schema, validate
from sim.cli.runs import runs_app
from sim.cli.staff import staff
from sim.cli.sweep import sweep

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Anchang (案场): visitor flow, staffing and capacity for sales galleries.",
    pretty_exceptions_enable=False,
)


@app.callback()
def options(
    context: typer.Context,
    store: Annotated[
        str | None,
        typer.Option(
            envvar="ANCHANG_STORE",
            help="run store file, where every run, staff, evac, plan and sweep is kept "
            "(default results/runs.duckdb; 'off' keeps nothing)",
        ),
    ] = None,
) -> None:
    """Anchang (案场): visitor flow, staffing and capacity for sales galleries."""
    from datetime import UTC, datetime

    context.meta["anchang.started"] = datetime.now(UTC)  # the run store's start time


app.command()(run)
app.command()(validate)
app.command()(schema)
app.command()(staff)
app.command()(congestion)
app.command()(compare)
app.command()(evac)
app.command()(plan)
app.command()(drill)
app.command()(sweep)
app.add_typer(runs_app, name="runs")
app.command()(calibrate)
app.command("synthetic-log")(synthetic_log)


def main() -> None:
    """Console entry point: turn input problems into one clear message and exit code 2."""
    from sim.core.problems import InputError

    try:
        app()
    except InputError as exc:
        typer.echo(exc.render(), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:  # a bug, not bad input: say so briefly; show the trace on request
        if os.environ.get("ANCHANG_DEBUG"):
            raise
        typer.echo(
            f"anchang: internal error: {type(exc).__name__}: {exc} (set ANCHANG_DEBUG=1 for the traceback)",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
