"""Visitor registration logs (来访登记表): the format, cleaning with reasons, and a synthetic log.

One row per party, CSV, English or Chinese headers:

| column | 中文 | required | meaning |
|---|---|---|---|
| party_id | 编号 | yes | unique per day |
| date | 日期 | no | YYYY-MM-DD; without it the log is one day |
| registered | 登记时间 | yes | registered at reception, starts waiting for a consultant |
| party_size | 人数 | yes | persons in the party, a whole number ≥ 1 |
| greeted | 接待时间 | no | a consultant takes the party (empty: never) |
| sand_table, show_units, negotiation, signing | 沙盘, 样板间, 洽谈, 签约 | no | when that stage began |
| signed | 是否签约 | no | yes/no (是/否, 1/0, true/false) |
| left | 离开时间 | no | the party leaves |
| left_unserved | 未接待离开 | no | yes if it left before any consultant took it |
| day_type | 日类型 | no | weekday, weekend, holiday…; default: weekend on Sat/Sun, else weekday |

Times are HH:MM or HH:MM:SS on the row's date.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.clock import clock_s
from sim.core.problems import InputError, problem, refuse
from sim.core.text import Lang, text

STAGE_COLUMNS = {
    "sand_table": "sand_table",
    "show_units": "show_unit",
    "negotiation": "negotiation",
    "signing": "signing",
}
TIME_COLUMNS = ["registered", "greeted", *STAGE_COLUMNS, "left"]
REQUIRED = ["party_id", "registered", "party_size"]

HEADERS = {
    "party_id": ["party_id", "party", "id", "编号", "来访编号", "客户编号"],
    "date": ["date", "日期", "来访日期"],
    "registered": ["registered", "arrived", "arrival", "登记时间", "到访时间", "来访时间"],
    "party_size": ["party_size", "persons", "size", "人数", "来访人数"],
    "greeted": ["greeted", "接待时间"],
    "sand_table": ["sand_table", "沙盘", "沙盘时间"],
    "show_units": ["show_units", "show_unit", "样板间", "样板间时间"],
    "negotiation": ["negotiation", "洽谈", "洽谈时间"],
    "signing": ["signing", "签约", "签约时间"],
    "signed": ["signed", "是否签约", "成交"],
    "left": ["left", "离开时间", "离场时间"],
    "left_unserved": ["left_unserved", "未接待离开", "流失"],
    "day_type": ["day_type", "日类型"],
}
_ALIASES = {alias.lower(): name for name, aliases in HEADERS.items() for alias in aliases}
_YES = {"yes", "y", "true", "1", "是", "y.", "√"}
_NO = {"no", "n", "false", "0", "否", ""}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class Dropped(ValueError):
    """Why a row of the log is left out: a catalogue code (``dropped.<code>``) and its fields."""

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code, self.params = code, params
        super().__init__(self.text("en"))

    def text(self, lang: Lang = "en") -> str:
        """The reason in a language."""
        return text(f"dropped.{self.code}", lang, **self.params)


def read_log(path: Path) -> pd.DataFrame:
    """A visitor log CSV as text cells (UTF-8, with or without BOM).

    Raises:
        InputError: if the file is missing or is not a readable UTF-8 CSV.
    """
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise refuse("", "file_not_found", str(path)) from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise refuse("", "not_a_csv", str(path), reason=str(exc).splitlines()[0]) from None


def normalise(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """The log with canonical column names, as text.

    Raises:
        InputError: if a required column is missing or two headers mean the same column.
    """
    names: dict[str, Any] = {}
    problems = []
    for column in raw.columns:
        name = _ALIASES.get(str(column).strip().lower())
        if name is None:
            continue  # other columns (notes, consultant) are kept out of the model
        if name in names.values():
            problems.append(problem(str(column), "second_column", name=repr(name)))
        names[column] = name
    missing = [name for name in REQUIRED if name not in names.values()]
    problems += [problem(name, "column_missing", headers=", ".join(HEADERS[name])) for name in missing]
    if problems:
        raise InputError(problems, source)
    return raw[list(names)].rename(columns=names).astype("string").apply(lambda c: c.str.strip())


def clean(log: pd.DataFrame, open_s: float, close_s: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse and check every row; return (clean parties, dropped rows with their reasons).

    Times become seconds from midnight. A row is dropped, with the reason, when its id repeats,
    its registration time or party size is missing or unreadable, it registered outside opening
    hours, a time is unreadable, or its times run backwards.
    """
    kept, dropped = [], []
    seen: dict[tuple[str, str], int] = {}
    for line, row in zip(range(2, len(log) + 2), log.to_dict("records"), strict=True):
        try:
            party = _parse(row, open_s, close_s)
            key = (party["date"], party["party_id"])
            if key in seen:
                raise Dropped("duplicate_party", id=repr(party["party_id"]), first=seen[key])
            seen[key] = line
            kept.append(party | {"line": line})
        except Dropped as exc:
            dropped.append({"line": line, "party_id": row.get("party_id"), "reason": exc.text("en"),
                            "code": exc.code, "params": exc.params})  # fmt: skip
    columns = ["line", "party_id", "date", "day_type", "party_size", *TIME_COLUMNS, "signed", "left_unserved"]
    parties = pd.DataFrame(kept, columns=columns)
    return parties, pd.DataFrame(dropped, columns=["line", "party_id", "reason", "code", "params"])


def _parse(row: dict[str, Any], open_s: float, close_s: float) -> dict[str, Any]:
    party_id = _text(row.get("party_id"))
    if not party_id:
        raise Dropped("party_id_missing")
    date = _date(row.get("date"))
    size = _text(row.get("party_size"))
    if not size or not size.isdigit() or int(size) < 1:
        raise Dropped("party_size", value=repr(size))
    times = {name: _time(row.get(name), name) for name in TIME_COLUMNS}
    registered = times["registered"]
    if registered is None:
        raise Dropped("registered_missing")
    if not open_s <= registered < close_s:
        raise Dropped("outside_hours", at=clock_s(registered), open=clock_s(open_s), close=clock_s(close_s))
    order = [(name, t) for name, t in times.items() if t is not None]
    for (a, ta), (b, tb) in itertools.pairwise(order):
        if tb < ta:
            raise Dropped("out_of_order", later=b, later_at=clock_s(tb), earlier=a, earlier_at=clock_s(ta))
    unserved = _flag(row.get("left_unserved"), "left_unserved")
    if unserved and times["greeted"] is not None:
        raise Dropped("unserved_but_greeted")
    signed = _flag(row.get("signed"), "signed")
    signed = signed if signed is not None else (times["signing"] is not None if "signing" in row else None)
    day_type = _text(row.get("day_type")) or (_weekday_type(date) if date else "day")
    return {"party_id": party_id, "date": date or "", "day_type": day_type, "party_size": int(size),
            **times, "signed": signed, "left_unserved": bool(unserved)}  # fmt: skip


def _text(value: Any) -> str:
    return "" if value is None or value is pd.NA else str(value).strip()


def _date(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-")).isoformat()
    except ValueError:
        raise Dropped("bad_date", value=repr(text)) from None


def _time(value: Any, name: str) -> float | None:
    text = _text(value)
    if not text:
        return None
    match = _TIME.match(text.split(" ")[-1])  # "2026-10-02 10:31" keeps its time part
    if not match or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        raise Dropped("bad_time", name=name, value=repr(text))
    return int(match[1]) * 3600.0 + int(match[2]) * 60.0 + int(match[3] or 0)


def _flag(value: Any, name: str) -> bool | None:
    if value is None or value is pd.NA:
        return None
    text = _text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise Dropped("bad_flag", name=name, value=repr(text))


def _weekday_type(date: str) -> str:
    return "weekend" if dt.date.fromisoformat(date).weekday() >= 5 else "weekday"
