"""Result tables in and out of DuckDB, with their columns, order and dtypes as recorded."""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from sim.core.jsonable import json_default, plain_value
from sim.core.problems import refuse

_INTEGERS = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
}


_NUMBERS = _INTEGERS | {"FLOAT", "DOUBLE"}


def _table(name: str) -> str:
    return '"frame_' + re.sub(r"\W", "_", name) + '"'


def _quote(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _encode(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Categoricals as text, odd objects as JSON, and the dtypes to restore them."""
    data = frame.reset_index(drop=True).copy()
    meta: dict[str, Any] = {
        "columns": [str(c) for c in frame.columns],
        "dtypes": {},
        "categories": {},
        "json": [],
    }
    data.columns = meta["columns"]
    for column in data.columns:
        series = data[column]
        meta["dtypes"][column] = str(series.dtype)
        if isinstance(series.dtype, pd.CategoricalDtype):
            meta["categories"][column] = [plain_value(c) for c in series.cat.categories]
            meta["ordered"] = {**meta.get("ordered", {}), column: bool(series.cat.ordered)}
            data[column] = (
                series.astype(object)
                .where(series.notna(), None)
                .map(lambda v: None if v is None else json.dumps(plain_value(v), default=str))
            )
            meta["json"].append(column)
        elif series.dtype == object and not all(v is None or isinstance(v, str) for v in series):
            data[column] = series.map(lambda v: json.dumps(v, ensure_ascii=False, default=json_default))
            meta["json"].append(column)
    return data, meta


def put_frame(con: Any, run_id: int, name: str, frame: pd.DataFrame) -> None:
    """Append one run's table to ``frame_<name>``, widening column types if they changed."""
    data, meta = _encode(frame)
    data.insert(0, "row_no", pd.array(range(len(data)), dtype="int32"))
    data.insert(0, "run_id", pd.array([run_id] * len(data), dtype="int32"))
    con.register("_frame", data)
    try:
        incoming = {
            c: "VARCHAR" if t == "NULL" else t
            for c, t, *_ in con.execute("DESCRIBE SELECT * FROM _frame").fetchall()
        }
        table = _table(name)
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table.strip('"')]
        ).fetchone()[0]
        if not exists:
            columns = ", ".join(f"{_quote(c)} {t}" for c, t in incoming.items())
            con.execute(f"CREATE TABLE {table} ({columns})")
        else:
            _widen(con, table, incoming)
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
    finally:
        con.unregister("_frame")
    con.execute(
        "INSERT INTO frames VALUES (?, ?, ?, ?)", [run_id, name, len(frame), json.dumps(meta, default=str)]
    )


def _widen(con: Any, table: str, incoming: dict[str, str]) -> None:
    have = {c: t for c, t, *_ in con.execute(f"DESCRIBE {table}").fetchall()}
    for column, kind in incoming.items():
        old = have.get(column)
        if old is None:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {_quote(column)} {kind}")
        elif old == kind or (old in _INTEGERS and kind in _INTEGERS) or old == "VARCHAR":
            continue
        elif old in _NUMBERS and kind in _NUMBERS:
            con.execute(f"ALTER TABLE {table} ALTER {_quote(column)} TYPE DOUBLE")
        else:
            con.execute(f"ALTER TABLE {table} ALTER {_quote(column)} TYPE VARCHAR")


def get_frame(con: Any, run_id: int, name: str) -> pd.DataFrame:
    """One run's table with its columns, order and dtypes as recorded.

    Raises:
        InputError: if the run has no table of that name.
    """
    found = con.execute("SELECT meta FROM frames WHERE run_id = ? AND name = ?", [run_id, name]).fetchone()
    if found is None:
        raise refuse("", "no_table", run=run_id, name=repr(name))
    meta = json.loads(found[0])
    columns = ", ".join(_quote(c) for c in meta["columns"])
    data = con.execute(
        f"SELECT {columns or 'NULL AS _none'} FROM {_table(name)} WHERE run_id = ? ORDER BY row_no", [run_id]
    ).df()
    if not meta["columns"]:
        return pd.DataFrame(index=range(len(data)))
    for column in meta["columns"]:
        data[column] = _restore(data[column], meta, column)
    return data


def _restore(series: pd.Series, meta: dict[str, Any], column: str) -> pd.Series:
    dtype = meta["dtypes"][column]
    if column in meta["json"]:
        values = series.map(lambda v: None if v is None or v != v else json.loads(v))
        if column in meta["categories"]:
            return pd.Series(
                pd.Categorical(
                    values, categories=meta["categories"][column], ordered=meta["ordered"][column]
                ),
                name=series.name,
            )
        return values.astype(object)
    if dtype == "bool" and series.dtype != bool:
        return series.map(lambda v: str(v).lower() in ("true", "1", "1.0"))
    if str(series.dtype) != dtype:
        return series.astype(dtype)
    return series
