"""Plain values for JSON and tables: numpy scalars unwrapped, missing values as None."""

from __future__ import annotations

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
