"""Plain values for JSON and tables: numpy scalars unwrapped, missing values as None."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def plain_value(value: Any) -> Any:
    """A table cell as a plain Python value: None for missing, numbers and times unwrapped."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    return value


def json_default(value: Any) -> Any:
    """For ``json.dumps``: numpy scalars as numbers, anything else as text."""
    return value.item() if hasattr(value, "item") else str(value)


def number(value: Any, digits: int = 4) -> float | None:
    """One number for a document, rounded to ``digits`` places (None, NaN and infinity as None)."""
    return rounded(float(value), digits) if value is not None else None


def rounded(value: Any, digits: int) -> Any:
    """A document with every float rounded to ``digits`` places (NaN and infinity as None).

    Mappings and lists are walked; numpy scalars are unwrapped first.
    """
    if hasattr(value, "item") and not isinstance(value, dict | list | tuple):
        value = value.item()
    if isinstance(value, float):
        return round(value, digits) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v, digits) for v in value]
    return value


def finite(value: Any) -> Any:
    """A document with NaN and infinity as None (JSON has neither), otherwise unchanged."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value
