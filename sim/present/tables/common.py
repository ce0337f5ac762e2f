"""Helpers of the people's tables: headers from the catalogue, numbers as text."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from sim.core.text import Lang, text


def frame(
    rows: list[dict[str, Any]], table: str, columns: list[str], lang: Lang, **fields: Any
) -> pd.DataFrame:
    """Rows keyed by column ids, as a table with the catalogue's headers in ``lang``."""
    headers = [text(f"columns.{table}.{c}", lang, **fields) for c in columns]
    return pd.DataFrame([[row.get(c, "") for c in columns] for row in rows], columns=headers)


def missing(value: Any) -> bool:
    """None, pandas' NA or NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def num(value: Any, digits: int = 1) -> str:
    """A number to ``digits`` places; a dash for none."""
    return "–" if missing(value) else f"{float(value):.{digits}f}"


def pct(value: Any, digits: int = 0) -> str:
    """A share as a percentage; a dash for none."""
    return "–" if missing(value) else f"{float(value):.{digits}%}"


def seconds(value: Any) -> str:
    """Seconds, whole."""
    return "–" if missing(value) else f"{float(value):.0f} s"


def ci(mean: Any, low: Any, high: Any, fmt: Any = num) -> str:
    """A mean with its 95% CI in brackets (the CI left out where it is unknown)."""
    if missing(low) or missing(high):
        return fmt(mean)
    return f"{fmt(mean)} [{fmt(low)}, {fmt(high)}]"


def share_ci(mean: Any, low: Any, high: Any) -> str:
    """A share in per cent with its 95% CI, the ends rounded outwards: ``100% [99%, 100%]``.

    So a CI that is not zero-width never prints as one.
    """
    if missing(low) or missing(high):
        return pct(mean)
    return f"{pct(mean)} [{math.floor(float(low) * 100 + 1e-9):.0f}%, {math.ceil(float(high) * 100 - 1e-9):.0f}%]"


def verdict(ok: bool | None, lang: Lang) -> str:
    """Met or not met, in words; a dash when there is nothing to meet."""
    return "–" if ok is None else text(f"names.verdict.{'yes' if ok else 'no'}", lang)
