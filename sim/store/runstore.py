"""The run store: every run, staffing plan, evacuation, sweep and plan, kept in one DuckDB file.

On disk, ``results/runs.duckdb`` (``--store`` or ``ANCHANG_STORE`` to move it, ``off`` to stop
recording) holds:

- ``runs``: one row per command run: what, when, status, code version, seed, replications, the
  scenario and layout names and content hashes, the command's options, its JSON summary and a
  one-line headline. A sweep is a run; each of its configurations is a child run.
- ``inputs``: the scenario and layout texts, keyed by the SHA-256 of their content, stored once.
- ``frames`` and one ``frame_<name>`` table per kind of result table (``frame_kpis``,
  ``frame_half_hours``, …), keyed by ``run_id`` and ``row_no``, so runs can be queried together.

Event logs go beside it, one Parquet file per run: ``results/runs_logs/<run_id>.parquet``.

DuckDB lets one process at a time hold the file, and a second cannot even read it (DuckDB's
concurrency documentation: one process may write, or several read only). So every access opens the file, does its work in one transaction and
closes; a process that finds the file locked retries for up to ``ANCHANG_STORE_WAIT`` seconds
(60) and then says so. Only the driver writes, never the workers.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.jsonable import finite, json_default, plain_value
from sim.core.problems import InputError, problem, refuse
from sim.metrics.stats import Results, day_kpis
from sim.store.frames import get_frame, put_frame
from sim.store.outputs import gather_events
from sim.store.provenance import Input, code_version

DEFAULT_STORE = Path("results") / "runs.duckdb"
ENV_STORE, ENV_WAIT = "ANCHANG_STORE", "ANCHANG_STORE_WAIT"
DEFAULT_WAIT_S = 60.0

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS run_ids START 1;
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, parent_id INTEGER, config_index INTEGER, command VARCHAR NOT NULL,
    status VARCHAR NOT NULL, started TIMESTAMPTZ, finished TIMESTAMPTZ, code_version VARCHAR,
    seed BIGINT, replications INTEGER, scenario_name VARCHAR, scenario_hash VARCHAR,
    layout_name VARCHAR, layout_hash VARCHAR, args JSON, config JSON, sweep_key VARCHAR,
    total INTEGER, host VARCHAR, pid INTEGER, summary JSON, headline VARCHAR, events VARCHAR,
    UNIQUE (parent_id, config_index)
);
CREATE TABLE IF NOT EXISTS inputs (hash VARCHAR PRIMARY KEY, kind VARCHAR, name VARCHAR, text VARCHAR);
CREATE TABLE IF NOT EXISTS run_inputs (run_id INTEGER, kind VARCHAR, hash VARCHAR, file VARCHAR);
CREATE TABLE IF NOT EXISTS frames (run_id INTEGER, name VARCHAR, rows INTEGER, meta JSON);
"""


def store_path(explicit: str | Path | None = None) -> Path | None:
    """The store file: ``explicit``, else ``ANCHANG_STORE``, else the default; None for ``off``."""
    value = str(explicit) if explicit is not None else os.environ.get(ENV_STORE, "")
    if value.lower() in ("off", "none", "no", "0"):
        return None
    return Path(value) if value else DEFAULT_STORE


@dataclass
class Record:
    """What one command run leaves in the store."""

    command: str
    inputs: list[Input]
    seed: int | None = None
    replications: int | None = None
    args: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] | None = None
    headline: str | None = None
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    events: Path | None = None  # a folder of rep_*.parquet logs, gathered into one file
    started: datetime = field(default_factory=lambda: datetime.now(UTC))


def replication_kpis(results: Results) -> pd.DataFrame:
    """One row per replication and its KPIs: what a paired comparison of two runs needs."""
    return pd.DataFrame([{"replication": day.replication, **day_kpis(day)} for day in results.days])


class StoreBusy(InputError):
    """The store file stayed locked by another process for longer than the wait."""


def _alive(pid: int) -> bool:
    """Whether a process of this host is still running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def _land(source: Path, target: Path) -> None:
    """Move a finished file to its name, on disk before the name points at it (fsync, rename, fsync)."""
    with open(source, "rb") as handle:
        os.fsync(handle.fileno())
    source.replace(target)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


class RunStore:
    """A DuckDB run catalogue, with event logs as Parquet beside it."""

    def __init__(self, path: str | Path, wait_s: float | None = None):
        self.path = Path(path)
        self.logs = self.path.with_name(self.path.stem + "_logs")
        self.wait_s = float(os.environ.get(ENV_WAIT, DEFAULT_WAIT_S)) if wait_s is None else wait_s

    @contextmanager
    def connect(self, write: bool = False) -> Iterator[Any]:
        """A connection for one unit of work, in a transaction when writing.

        Raises:
            InputError: reading a store that does not exist.
            StoreBusy: if another process keeps the file locked for longer than the wait.
        """
        import duckdb

        if not write and not self.path.exists():
            raise refuse("", "no_store", str(self))
        if write:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._open(duckdb, write)
        try:
            if write:
                con.execute(_SCHEMA)
                con.execute("BEGIN TRANSACTION")
            yield con
            if write:
                con.execute("COMMIT")
        except BaseException:
            if write:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def _open(self, duckdb: Any, write: bool) -> Any:
        deadline, pause = time.monotonic() + self.wait_s, 0.05
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=not write)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise refuse("", "store_unopenable", str(self), reason=str(exc)) from None
                if time.monotonic() >= deadline:
                    busy = problem(
                        "", "store_busy", wait=f"{self.wait_s:g}", variable=ENV_WAIT, reason=str(exc)
                    )
                    raise StoreBusy([busy], str(self)) from None
                time.sleep(pause)
                pause = min(pause * 1.5, 1.0)

    def __str__(self) -> str:
        return str(self.path)

    def record(self, rec: Record, status: str = "done") -> int:
        """Keep a finished run; return its id.

        The run's row is written only after every file it names has landed: the event log is
        gathered under a temporary name, flushed to disk and renamed to its run id, and then the
        row goes in, in one transaction. A process killed on the way leaves no row (at most a log
        no row names, or a temporary file the next record removes).
        """
        self._sweep_leftovers()
        gathered = gather_events(rec.events, self.logs) if rec.events is not None else None
        try:
            if gathered is None:
                with self.connect(write=True) as con:
                    return self._insert(con, rec, status, finished=True)
            with self.connect(write=True) as con:
                (run_id,) = con.execute("SELECT nextval('run_ids')").fetchone()
            target = self.logs / f"{run_id}.parquet"
            _land(gathered, target)
            with self.connect(write=True) as con:
                self._insert(con, rec, status, finished=True, run_id=run_id, events=str(target))
            return int(run_id)
        finally:
            if gathered is not None:
                gathered.unlink(missing_ok=True)

    def _sweep_leftovers(self) -> None:
        """Remove temporary logs of processes that died gathering them."""
        for leftover in self.logs.glob(".gathering-*.parquet") if self.logs.is_dir() else ():
            pid = leftover.stem.removeprefix(".gathering-")
            if pid.isdigit() and not _alive(int(pid)):
                leftover.unlink(missing_ok=True)

    def begin(self, rec: Record, sweep_key: str, total: int) -> int:
        """Open a run that children join as they finish (a sweep); status ``running``."""
        with self.connect(write=True) as con:
            return self._insert(con, rec, "running", finished=False, sweep_key=sweep_key, total=total)

    def add_child(self, parent: int, index: int, config: dict[str, Any], rec: Record) -> int | None:
        """Keep one finished configuration of ``parent``; None if it is already kept."""
        import duckdb

        try:
            with self.connect(write=True) as con:
                config_text = _json(config)
                run_id = self._insert(
                    con, rec, "done", finished=True, parent_id=parent, config_index=index, config=config_text
                )
        except duckdb.ConstraintException:
            return None
        return run_id

    def finish(
        self, run_id: int, status: str, summary: dict | None = None, headline: str | None = None
    ) -> None:
        """Close a run opened with ``begin`` (status done, interrupted or failed)."""
        with self.connect(write=True) as con:
            con.execute(
                "UPDATE runs SET status = ?, finished = ?, summary = coalesce(?, summary), "
                "headline = coalesce(?, headline) WHERE run_id = ?",
                [status, datetime.now(UTC), _json(summary), headline, run_id],
            )

    def claim(self, run_id: int) -> None:
        """Mark a run as running again in this process (a resumed sweep)."""
        with self.connect(write=True) as con:
            con.execute(
                "UPDATE runs SET status = 'running', host = ?, pid = ? WHERE run_id = ?",
                [socket.gethostname(), os.getpid(), run_id],
            )

    def _insert(
        self, con: Any, rec: Record, status: str, finished: bool, run_id: int | None = None, **extra: Any
    ) -> int:
        named = {i.kind: i for i in rec.inputs}
        scenario, layout = named.get("scenario"), named.get("layout")
        values = {
            "command": rec.command, "status": status, "started": rec.started,
            "finished": datetime.now(UTC) if finished else None, "code_version": code_version(),
            "seed": rec.seed, "replications": rec.replications,
            "scenario_name": scenario and scenario.name, "scenario_hash": scenario and scenario.hash,
            "layout_name": layout and layout.name, "layout_hash": layout and layout.hash,
            "args": _json(rec.args), "host": socket.gethostname(), "pid": os.getpid(),
            "summary": _json(rec.summary), "headline": rec.headline, **extra,
        }  # fmt: skip
        chosen = "?" if run_id is not None else "nextval('run_ids')"
        (run_id,) = con.execute(
            f"INSERT INTO runs (run_id, {', '.join(values)}) "
            f"VALUES ({chosen}, {', '.join('?' * len(values))}) RETURNING run_id",
            [*([run_id] if run_id is not None else []), *values.values()],
        ).fetchone()
        for item in rec.inputs:
            con.execute(
                "INSERT INTO inputs VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [item.hash, item.kind, item.name, item.text],
            )
            con.execute(
                "INSERT INTO run_inputs VALUES (?, ?, ?, ?)", [run_id, item.kind, item.hash, item.file]
            )
        for name, frame in rec.frames.items():
            put_frame(con, run_id, name, frame)
        return run_id

    # Reading

    def runs(
        self, limit: int | None = 20, command: str | None = None, children: bool = False
    ) -> pd.DataFrame:
        """The newest runs first (sweep configurations only with ``children``)."""
        where = ["TRUE" if children else "parent_id IS NULL"]
        params: list[Any] = []
        if command:
            where.append("command = ?")
            params.append(command)
        sql = (
            "SELECT r.run_id, r.started, r.command, r.status, r.scenario_name AS scenario, "
            "r.layout_name AS layout, r.seed, r.replications, r.headline, r.total, "
            "(SELECT count(*) FROM runs c WHERE c.parent_id = r.run_id) AS children "
            f"FROM runs r WHERE {' AND '.join(where)} ORDER BY r.run_id DESC"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        with self.connect() as con:
            return con.execute(sql, params).df()

    def get(self, run_id: int) -> dict[str, Any]:
        """One run's row, with its inputs (kind → file, hash, text) and table names.

        Raises:
            InputError: if there is no such run.
        """
        with self.connect() as con:
            found = con.execute("SELECT * FROM runs WHERE run_id = ?", [run_id]).df()
            if found.empty:
                raise refuse("", "no_run", str(self), run=run_id)
            row = {k: plain_value(v) for k, v in found.iloc[0].items()}
            for key in ("args", "config", "summary"):
                row[key] = json.loads(row[key]) if row[key] else None
            inputs = con.execute(
                "SELECT ri.kind, ri.file, ri.hash, i.text FROM run_inputs ri JOIN inputs i USING (hash) "
                "WHERE ri.run_id = ?",
                [run_id],
            ).fetchall()
            row["inputs"] = {kind: {"file": f, "hash": h, "text": t} for kind, f, h, t in inputs}
            names = con.execute(
                "SELECT name, rows FROM frames WHERE run_id = ? ORDER BY name", [run_id]
            ).fetchall()
            row["frames"] = dict(names)
        return row

    def frame(self, run_id: int, name: str) -> pd.DataFrame:
        """One of a run's tables, as it was recorded."""
        with self.connect() as con:
            return get_frame(con, run_id, name)

    def frames(self, run_id: int) -> dict[str, pd.DataFrame]:
        """All of a run's tables."""
        with self.connect() as con:
            names = [
                n
                for (n,) in con.execute(
                    "SELECT name FROM frames WHERE run_id = ? ORDER BY name", [run_id]
                ).fetchall()
            ]
            return {name: get_frame(con, run_id, name) for name in names}

    def children(self, parent: int) -> pd.DataFrame:
        """A sweep's finished configurations: index, config, summary (JSON decoded), run id."""
        with self.connect() as con:
            found = con.execute(
                "SELECT config_index, run_id, config, summary FROM runs WHERE parent_id = ? ORDER BY config_index",
                [parent],
            ).df()
        for key in ("config", "summary"):
            found[key] = [json.loads(v) for v in found[key]]
        return found

    def unfinished(self, command: str, sweep_key: str) -> dict[str, Any] | None:
        """The newest run of ``command`` with this key that did not finish, if any."""
        if not self.path.exists():
            return None
        with self.connect() as con:
            found = con.execute(
                "SELECT run_id, status, host, pid FROM runs WHERE command = ? AND sweep_key = ? "
                "AND status <> 'done' ORDER BY run_id DESC LIMIT 1",
                [command, sweep_key],
            ).fetchone()
        return None if found is None else dict(zip(("run_id", "status", "host", "pid"), found, strict=True))

    def events(self, run_id: int) -> pd.DataFrame:
        """A run's event log, every replication, with a ``replication`` column.

        Raises:
            InputError: if the run kept no event log.
        """
        path = self.get(run_id)["events"]
        if not path or not Path(path).is_file():
            raise refuse("", "no_event_log", str(self), run=run_id)
        return pd.read_parquet(path)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(finite(value), ensure_ascii=False, default=json_default)
