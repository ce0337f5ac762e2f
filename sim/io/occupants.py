"""Occupants for an evacuation from a CSV file: columns ``zone,persons``, one row per zone."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.core.problems import refuse


def read_occupants(path: str | Path) -> dict[str, float]:
    """Persons per zone as written (checked against a layout by the evacuation analysis).

    Raises:
        InputError: for an unreadable file, missing columns, a non-number or a zone listed twice.
    """
    source = str(path)
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise refuse("", "occupants_unreadable", source, reason=str(exc)) from None
    missing = {"zone", "persons"} - set(table.columns)
    if missing:
        raise refuse("", "occupants_columns", source, missing=", ".join(sorted(missing)))
    persons = pd.to_numeric(table["persons"], errors="coerce")
    bad = table.index[persons.isna()].tolist()
    if bad:
        row = bad[0] + 2  # header is line 1
        raise refuse(f"line {row}", "occupants_not_a_number", source, value=repr(table["persons"][bad[0]]))
    if table["zone"].duplicated().any():
        twice = table["zone"][table["zone"].duplicated()].iloc[0]
        raise refuse(f"zone {twice}", "listed_twice", source)
    return dict(zip(table["zone"].astype(str), persons.astype(float), strict=True))
