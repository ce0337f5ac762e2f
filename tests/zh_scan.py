"""What a Chinese screen must not show: ids of the shipped layouts, or table headers left in English."""

from __future__ import annotations

import re
from functools import cache

import pandas as pd
from helpers import ROOT

from sim.io.files import load_layout


@cache
def shipped_ids() -> frozenset[str]:
    """Every zone and passage id of the shipped layouts (a passage without one: its 'from-to')."""
    ids: set[str] = set()
    for path in (ROOT / "layouts").glob("*.yaml"):
        layout = load_layout(path)
        ids |= {z.id for z in layout.zones} | {p.pid for p in layout.passages}
    return frozenset(ids)


def _id_pattern() -> re.Pattern[str]:
    longest_first = sorted(shipped_ids(), key=len, reverse=True)
    return re.compile(
        r"(?<![A-Za-z0-9_>-])(" + "|".join(map(re.escape, longest_first)) + r")(?![A-Za-z0-9_-])"
    )


def ids_in(value: object) -> list[str]:
    """The shipped ids that appear in a text as whole words."""
    return _id_pattern().findall(str(value))


def ascii_only(header: object) -> bool:
    """A header with letters and none of them Chinese: left untranslated."""
    words = str(header)
    return bool(re.search(r"[A-Za-z]", words)) and all(ord(ch) < 128 for ch in words)


def leaks(texts: list[str], tables: list[pd.DataFrame]) -> list[str]:
    """What leaks: ids in the texts and table cells, and ASCII-only table headers."""
    found = [f"id {i!r} in {t[:60]!r}" for t in texts for i in ids_in(t)]
    for table in tables:
        found += [f"untranslated header {h!r}" for h in table.columns if ascii_only(h)]
        for column in table.columns:
            for value in table[column].dropna().astype(str).unique():
                found += [f"id {i!r} in column {column!r}: {value[:60]!r}" for i in ids_in(value)]
    return found
