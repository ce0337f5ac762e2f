"""Writing results to disk: event logs as Parquet, tables as CSV, documents as JSON."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from sim.metrics.stats import Results


@contextlib.contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` to write to, renamed onto ``path`` when the block succeeds.

    A reader sees the old file or the whole new one, never half of it; a failed write leaves no
    temporary file behind.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def events_file(directory: Path, replication: int) -> Path:
    """Where a replication's event log goes."""
    return Path(directory) / f"rep_{replication:04d}.parquet"


def write_events(log: pd.DataFrame, directory: str | Path, replication: int) -> Path:
    """Write one replication's event log (zstd Parquet) and return its path."""
    path = events_file(Path(directory), replication)
    path.parent.mkdir(parents=True, exist_ok=True)
    with written_whole(path) as tmp:
        log.to_parquet(tmp, compression="zstd", index=False)
    return path


def read_events(directory: str | Path, replication: int | None = None) -> pd.DataFrame:
    """Read one replication's log, or all of them with a ``replication`` column."""
    directory = Path(directory)
    if replication is not None:
        return pd.read_parquet(events_file(directory, replication))
    frames = [
        pd.read_parquet(path).assign(replication=int(path.stem.split("_")[1]))
        for path in sorted(directory.glob("rep_*.parquet"))
    ]
    return pd.concat(frames, ignore_index=True)


def write_tables(
    results: Results, directory: str | Path, extra: dict[str, pd.DataFrame] | None = None
) -> dict[str, Path]:
    """Write the KPI, half-hour, zone, flow and guide tables (and ``extra``) as CSV.

    CSV is UTF-8 with a byte-order mark, so Excel shows the Chinese names.
    """
    tables = {
        "kpis": results.kpis,
        "half_hours": results.half_hours,
        "zones": results.zones,
        "flows": results.flows,
        "guides": results.guides,
        **(extra or {}),
    }
    return write_frames(tables, directory)


def write_json(data: dict, path: str | Path) -> Path:
    """Write a JSON document (UTF-8, Chinese kept readable), whole or not at all (a temporary name first)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with written_whole(path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


LOCK_NAME = ".anchang.lock"


@contextlib.contextmanager
def owned_folder(folder: str | Path, finished: str | None = None) -> Iterator[Path]:
    """Hold ``folder`` for one run: a second run writing the same folder is refused while this one lives.

    The lock is an exclusive ``flock`` on a file in the folder, released by the kernel when the
    process ends, however it ends. ``finished`` names the file that says a run completed (its
    summary): it is removed at the start, so a run killed half-way never looks finished.

    Raises:
        InputError: if another live process holds the folder.
    """
    import fcntl

    from sim.core.problems import refuse

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115 - held for the run
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise refuse(
                "--out", "folder_busy", folder=str(folder), pid=handle.read().strip() or "?"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        if finished is not None:
            (folder / finished).unlink(missing_ok=True)
        yield folder
    finally:
        handle.close()


def write_frames(frames: dict[str, pd.DataFrame], directory: str | Path) -> dict[str, Path]:
    """Write named tables as CSV (UTF-8 with BOM for Excel)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in frames.items():
        paths[name] = directory / f"{name}.csv"
        frame.to_csv(paths[name], index=False, encoding="utf-8-sig", float_format="%.4g")
    return paths


def gather_events(folder: Path, logs: Path) -> Path | None:
    """The replications' logs in ``folder`` as one Parquet file (a temporary name in ``logs``).

    Streams one replication at a time, so memory stays at one day's log.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(Path(folder).glob("rep_*.parquet"))
    if not files:
        return None
    logs.mkdir(parents=True, exist_ok=True)
    target = logs / f".gathering-{os.getpid()}.parquet"
    writer = None
    try:
        for path in files:
            table = pq.read_table(path)
            replication = np.full(len(table), int(path.stem.split("_")[1]), dtype=np.int32)
            table = table.append_column("replication", pa.array(replication))
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema, compression="zstd")
            writer.write_table(table.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()
    return target
