"""What every command shares: the run settings from its options, the reader's language, the console.

Settings are resolved by ``sim.plan.settings``; here only the options are gathered: the root's
``--store`` and ``--lang``, and each command's own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, cast

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from sim.core.text import Lang, text
from sim.model import limits
from sim.plan.settings import RunSettings
from sim.store.runstore import store_path


def count_option(help: str, least: int = 2) -> Any:
    """A replications or days option, bounded as the files bound them (``limits.REPLICATIONS``)."""
    return typer.Option(min=least, max=limits.REPLICATIONS, help=help)


def seed_option(help: str = "root seed (default: the scenario's)") -> Any:
    """A root-seed option."""
    return typer.Option(min=0, max=limits.SEED, help=help)


Seed = Annotated[int | None, seed_option()]
Workers = Annotated[
    int | None, typer.Option(min=1, max=limits.WORKERS, help="processes (default: all cores)")
]


def _context() -> Any:
    """The command-line context being run, if any (Typer carries its own Click)."""
    from typer.main import get_current_context

    return get_current_context(silent=True)


def _root() -> Any:
    context = _context()
    return context.find_root() if context is not None else None


def lang() -> Lang:
    """The language the console speaks (``anchang --lang``)."""
    root = _root()
    chosen = root.params.get("lang") if root is not None else None
    return cast(Lang, chosen or "en")


def say(key: str, **fields: Any) -> str:
    """A catalogue sentence in the console's language."""
    return text(key, lang(), **fields)


def note(key: str, **fields: Any) -> None:
    """A sentence to stderr (progress, where things went), in the console's language."""
    typer.echo(say(key, **fields), err=True)


def store() -> Path | None:
    """The run store named by ``--store`` or ``ANCHANG_STORE`` (``off``: none)."""
    root = _root()
    return store_path(root.params.get("store") if root is not None else None)


def options() -> dict[str, Any]:
    """The current command's options, as given or defaulted (kept with its record)."""
    context = _context()
    if context is None:
        return {}
    return {k: str(v) if isinstance(v, Path) else v for k, v in context.params.items()}


def settings(record: bool = True, **chosen: Any) -> RunSettings:
    """The run settings of this command: its options, the store unless it records nothing."""
    return RunSettings(**{k: v for k, v in chosen.items() if v is not None}, store=store() if record else None,
                       options=options())  # fmt: skip


def on_record(run_id: int, where: Path) -> None:
    """Say where a run was recorded."""
    note("console.recorded", run=run_id, store=where)


def console(width: int = 140) -> Console:
    """A console: the terminal's width, or ``width`` for a file or a pipe."""
    found = Console()
    return found if found.is_terminal else Console(width=width)


def print_frame(out: Console, frame: pd.DataFrame, title: str | None = None) -> None:
    """A people's table on the console."""
    table = Table(*[str(c) for c in frame.columns], title=title)
    for row in frame.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    out.print(table)


def progress_bar(label: str) -> Callable[[int, int], None] | None:
    """A progress callback drawing a bar on a terminal (none when stderr is not one)."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    bar = Progress(transient=True, auto_refresh=False)  # no refresh thread: worker processes can fork
    task = bar.add_task(label, total=None)
    bar.start()

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total, refresh=True)
        if done == total:
            bar.stop()

    return update


@contextmanager
def figure_file(path: Path, width: float, height: float, constrained: bool = False) -> Iterator[Any]:
    """A new figure drawn with the CJK font and written to ``path`` as PNG."""
    from sim.present import figures

    fig = figures.new_figure(width, height, constrained)
    with figures.chinese_font():
        yield fig
    figures.save(fig, path, 120)
