"""Congestion flags: typed findings with a time window, a peak, a probability and a severity.

A flag is a record, not a sentence. Besides element, kind, window, peak, unit, probability and
severity it carries the fields its kind needs (the limit crossed, the queue, the movements); the
sentence a person reads is made from them by ``describe`` and the text catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Final

import numpy as np
import pandas as pd

from sim.core.text import Lang, text
from sim.model.scenario import Scenario
from sim.model.settings import Congestion


class FlagKind(StrEnum):
    """What a flag says crowds."""

    DENSITY = "density"  # Fruin level at or worse than the threshold
    CAPACITY = "capacity"  # a full zone holds parties at its door
    QUEUE = "queue"  # more than N parties waiting outside, for a guide, or for a desk
    WAIT = "wait"  # under the target share greeted in time
    COUNTER_FLOW = "counter_flow"  # a passage used both ways in the same half hour
    CROSSING = "crossing"  # through-movements in a zone that oppose or cross


class Severity(StrEnum):
    """How bad: high and medium flags happen on most days; low ones on fewer than half."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Unit(StrEnum):
    """The unit of a flag's peak."""

    DENSITY = "persons/m²"
    PARTIES = "parties"
    SHARE = "share"
    HALF_HOUR = "persons/30 min"


class QueueKind(StrEnum):
    """Where a queue stands."""

    OUTSIDE = "outside"  # outside the admission gate
    GUIDE = "guide"  # in the lounge, for a guide
    SERVICE = "service"  # inside a zone, for a desk, sand-table place or table


FLAG_KINDS: Final = tuple(FlagKind)
SEVERE: Final = (Severity.HIGH, Severity.MEDIUM)  # what the run sheet acts on

# Column names of the flag table.
ELEMENT, KIND, START, END = "element", "kind", "start", "end"
START_MIN, END_MIN, PEAK, UNIT = "start_min", "end_min", "peak", "unit"
PROBABILITY, SEVERITY = "probability", "severity"
LIMIT, LEVEL, QUEUE, WITHIN_MIN = "limit", "level", "queue", "within_min"
FROM_A, TO_A, FROM_B, TO_B, OPPOSING = "from_a", "to_a", "from_b", "to_b", "opposing"
WINDOW_COLUMNS: Final = (ELEMENT, KIND, START, END, START_MIN, END_MIN, PEAK, UNIT, PROBABILITY, SEVERITY)
DETAIL_COLUMNS: Final = (LIMIT, LEVEL, QUEUE, WITHIN_MIN, FROM_A, TO_A, FROM_B, TO_B, OPPOSING)
COLUMNS: Final = (*WINDOW_COLUMNS, *DETAIL_COLUMNS)


@dataclass(frozen=True)
class Detail:
    """The fields one kind of flag needs besides its window (None where the kind has none)."""

    limit: float | None = None  # capacity: max_persons; queue: parties; wait: the target share
    level: str | None = None  # density: the Fruin level flagged at or worse
    queue: QueueKind | None = None
    within_min: float | None = None  # wait: the greeting target time
    from_a: str | None = None  # counter-flow and crossing: the two movements, (from_a → to_a) …
    to_a: str | None = None
    from_b: str | None = None  # … against (from_b → to_b)
    to_b: str | None = None
    opposing: bool | None = None  # crossing: the same way in opposite directions


@dataclass(frozen=True)
class Condition:
    """A condition to watch over days and minutes, and what a flag of it says."""

    element: str
    kind: FlagKind
    hit: np.ndarray  # day × minute: the condition holds
    value: np.ndarray  # day × minute: its magnitude, for the peak
    threshold: float  # a peak at least this bad (at most, for waits) is high severity
    unit: Unit
    detail: Detail


def windows(
    hit: np.ndarray, value: np.ndarray, rule: Congestion, lowest: bool = False
) -> list[tuple[int, int, float, float]]:
    """Merge minutes where enough replications show the condition: (start, end, probability, peak).

    The peak is the largest value in the window (the lowest with ``lowest``, for a share greeted).
    """
    active = np.flatnonzero(hit.mean(axis=0) >= rule.min_share)
    if len(active) == 0:
        return []
    runs, start, last = [], active[0], active[0]
    for m in active[1:]:
        if m - last > rule.merge_gap_min + 1:
            runs.append((start, last))
            start = m
        last = m
    runs.append((start, last))
    out = []
    for a, b in runs:
        window = hit[:, a : b + 1]
        probability = float(window.any(axis=1).mean())
        counts = window.sum(axis=0)
        means = np.where(
            counts > 0, np.where(window, value[:, a : b + 1], 0.0).sum(axis=0) / np.maximum(counts, 1), np.nan
        )
        worst = np.nanmin if lowest else np.nanmax
        peak = float(worst(means)) if np.isfinite(means).any() else float("nan")
        out.append((int(a), int(b) + 1, probability, peak))
    return out


def severity(kind: FlagKind, probability: float, peak: float, threshold: float) -> Severity:
    """Low on fewer than half the days; else high past the threshold (below it for waits)."""
    if probability < 0.5:
        return Severity.LOW
    worse = peak <= threshold if kind == FlagKind.WAIT else peak >= threshold
    return Severity.HIGH if worse else Severity.MEDIUM


def flag_rows(condition: Condition, rule: Congestion, scenario: Scenario) -> list[dict[str, Any]]:
    """The flags of one condition: one row per merged time window."""
    return [
        {
            ELEMENT: condition.element, KIND: condition.kind, START: scenario.clock_at(a), END: scenario.clock_at(b),
            START_MIN: a, END_MIN: b, PEAK: round(peak, 3), UNIT: condition.unit,
            PROBABILITY: round(probability, 3),
            SEVERITY: severity(condition.kind, probability, peak, condition.threshold),
            **asdict(condition.detail),
        }
        for a, b, probability, peak in windows(
            condition.hit, condition.value, rule, lowest=condition.kind == FlagKind.WAIT
        )
    ]  # fmt: skip


def flag_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The flag table in time order, the worse first at the same minute."""
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    order = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
    return table.sort_values(
        [START_MIN, SEVERITY],
        key=lambda c: c.map(order) if c.name == SEVERITY else c,
        ignore_index=True,
    )


def describe(flag: Any, lang: Lang = "en", name: Callable[[str], str] = str) -> str:
    """What a flag found, in words; ``name`` turns a zone id into what the reader calls it.

    ``flag`` is a row of the flag table (a mapping or a named tuple).
    """
    get: Callable[[str], Any] = flag.__getitem__ if isinstance(flag, dict) else lambda key: getattr(flag, key)
    kind = FlagKind(get(KIND))
    params: dict[str, Any] = {}
    if kind == FlagKind.DENSITY:
        params = {"level": get(LEVEL)}
    elif kind == FlagKind.CAPACITY:
        params = {"limit": _whole(get(LIMIT))}
    elif kind == FlagKind.QUEUE:
        params = {"limit": _whole(get(LIMIT)), "queue": text(f"names.queue.{get(QUEUE)}", lang)}
    elif kind == FlagKind.WAIT:
        params = {"share": f"{get(LIMIT):.0%}", "within": f"{get(WITHIN_MIN):g}"}
    else:
        ends = (get(FROM_A), get(TO_A), get(FROM_B), get(TO_B))
        params = dict(zip(("a", "b", "c", "d"), map(name, ends), strict=True)) | {"zone": name(get(ELEMENT))}
        if kind == FlagKind.CROSSING:
            kind_key = "opposing" if get(OPPOSING) else "crossing"
            return text(f"findings.flag.{kind_key}", lang, **params)
    return text(f"findings.flag.{kind}", lang, **params)


def _whole(value: Any) -> str:
    """A limit as the file gave it: whole numbers without a decimal point, none as 'None'."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "None"
    return f"{value:g}"
