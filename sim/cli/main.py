"""Command line entry: ``anchang`` and its commands.

The CLI parses, calls the use cases (``sim.plan``), prints and writes files; no model logic here.
Bad input gets one message per problem on stderr and exit code 2, never a traceback; messages and
tables speak the language of ``--lang``.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated, Literal

import typer

from sim.cli.calibrate import calibrate, synthetic_log
from sim.cli.congestion import compare, congestion
from sim.cli.drill import drill
from sim.cli.evac import evac
from sim.cli.plan import plan
from sim.cli.run import run, schema, validate
from sim.cli.runs import runs_app
from sim.cli.staff import staff
from sim.cli.sweep import sweep
from sim.core.text import Lang, text

EXIT_BAD_INPUT = 2

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Anchang (案场): visitor flow, staffing and capacity for sales galleries.",
    pretty_exceptions_enable=False,
)


@app.callback()
def options(
    store: Annotated[
        str | None,
        typer.Option(
            envvar="ANCHANG_STORE",
            help="run store file, where every run, staff, evac, plan and sweep is kept "
            "(default results/runs.duckdb; 'off' keeps nothing)",
        ),
    ] = None,
    lang: Annotated[
        Literal["en", "zh"], typer.Option(envvar="ANCHANG_LANG", help="language of messages and tables")
    ] = "en",
) -> None:
    """Anchang (案场): visitor flow, staffing and capacity for sales galleries."""


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


def _language(args: list[str]) -> str:
    """The root ``--lang`` of a command line (the options before the command), else ``ANCHANG_LANG``."""
    chosen, i = os.environ.get("ANCHANG_LANG", "en"), 0
    while i < len(args) and args[i].startswith("-"):
        option, _, inline = args[i].partition("=")
        value = inline or (args[i + 1] if i + 1 < len(args) and not inline else "")
        if option == "--lang":
            chosen = value
        i += 1 if inline or option not in ("--lang", "--store") else 2
    return chosen


# What the filesystem said, as the catalogue's fault: the problem and its hint.
_FAULTS = {
    errno.EACCES: "denied", errno.EPERM: "denied", errno.EROFS: "read_only", errno.ENOSPC: "full",
    errno.EDQUOT: "full", errno.EFBIG: "too_large", errno.ENOTDIR: "not_folder", errno.EEXIST: "not_folder",
    errno.EISDIR: "is_folder", errno.ENAMETOOLONG: "name_too_long",
}  # fmt: skip


def output_fault(exc: OSError, lang: Lang) -> str | None:
    """One line for a file that could not be written: the path, the problem, the hint; None for others."""
    fault = _FAULTS.get(exc.errno or 0)
    if fault is None:
        return None
    path = exc.filename or ""
    return text(f"console.fault.{fault}", lang, path=path, reason=exc.strerror or "")


def main() -> None:
    """Console entry point: turn input problems into one clear message and exit code 2."""
    from sim.core.problems import InputError

    try:
        app()
    except InputError as exc:
        typer.echo(exc.render("zh" if _language(sys.argv[1:]) == "zh" else "en"), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as exc:
        line = output_fault(exc, "zh" if _language(sys.argv[1:]) == "zh" else "en")
        if line is None or os.environ.get("ANCHANG_DEBUG"):
            raise
        typer.echo(line, err=True)
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:  # a bug, not bad input: say so briefly; show the trace on request
        if os.environ.get("ANCHANG_DEBUG"):
            raise
        typer.echo(
            f"anchang: internal error: {type(exc).__name__}: {exc} (set ANCHANG_DEBUG=1 for the traceback)",
            err=True,
        )
        sys.exit(1)
