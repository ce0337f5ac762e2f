"""The peak-day run sheet: what each half hour looks like, and what to do when.

The sheet copies its numbers from the tables they come from: the simulated day under the site's
roster (``Results.half_hours``) and the staffing plan (``GuidePlan.table``). Each action comes
from one rule and carries the finding that triggered it. Rules are plain functions of those
tables and of the congestion flags, so each can be checked on a hand-built case.

Rules (thresholds are planning choices, stated here and in the README):
- ``guides``: the plan needs more guides than the roster has → call in the difference from the
  temporary pool 15 minutes before (a guide needs that long to arrive and be briefed).
- ``release``: the roster has 3 or more guides over the plan for an hour or more → free them for
  follow-up calls and breaks.
- ``batch``: parties queue at reception (a medium or high queue flag) and no batch admission is in
  force → admit in batches, sized to what the guides on duty can greet in 15 minutes.
- ``overflow``: parties crowd the waiting zone (a medium or high queue or density flag there) →
  open the overflow lounge for that window.
- ``usher``: a show unit is full with parties held at its door (medium or high capacity flag) →
  station an usher at the door, holding parties at the sand table until there is room.
- ``one_way``: flows cross or oppose in a zone (high crossing flag) → direct one-way flow there.
- ``evacuation``: at the busiest moment → marshals at every exit, the exit whose loss costs most
  kept clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.analysis.congestion.flags import DETAIL_COLUMNS
from sim.core.clock import format_clock

LEAD_MIN = 15  # call guides this long before they are needed
RELEASE_SPARE = 3  # guides over the plan before any are released
RELEASE_SLOTS = 2  # for at least this many half hours
SEVERE = ("high", "medium")
SHEET_COLUMNS = [
    "start", "parties_arrived", "persons_arrived", "persons_inside_max", "guides_needed",
    "guides_rostered", "greet_wait_p90_min", "greet_within_target_share",
    "greet_within_target_share_ci_low", "greet_within_target_share_ci_high", "reneged",
]  # fmt: skip


@dataclass(frozen=True)
class Context:
    """What the rules need besides the tables."""

    open_min: int  # opening time, minutes after midnight
    greet_within_min: float
    greet_share: float
    mean_tour_min: float
    mean_party_size: float
    batch_in_force: bool
    wait_zone: str | None
    reception_zones: tuple[str, ...] = ()
    evacuation: dict | None = None  # clock, persons, simulated_s, governing, worst_exit, worst_extra_s


@dataclass(frozen=True)
class Action:
    """One thing to do at a time, and why."""

    minute: float  # minutes after opening
    rule: str
    params: dict = field(default_factory=dict)
    because: dict = field(default_factory=dict)


def run_sheet(half_hours: pd.DataFrame, plan_table: pd.DataFrame) -> pd.DataFrame:
    """Per half hour: arrivals, persons inside, guides needed vs rostered, the predicted wait."""
    sheet = half_hours[["start", "parties_arrived", "persons_arrived", "persons_inside_max"]].copy()
    n = min(len(sheet), len(plan_table))
    sheet = sheet.iloc[:n].reset_index(drop=True)
    sheet["guides_needed"] = plan_table["guides"].iloc[:n].to_numpy()
    sheet["guides_rostered"] = half_hours["guides_on_duty"].iloc[:n].round().astype(int).to_numpy()
    for column in SHEET_COLUMNS[6:]:
        sheet[column] = half_hours[column].iloc[:n].to_numpy()
    return sheet[SHEET_COLUMNS]


def _clock(ctx: Context, minute: float) -> str:
    return format_clock(ctx.open_min + max(0.0, minute))


def _slot_minute(start: str, ctx: Context) -> float:
    hours, minutes = start.split(":")
    return int(hours) * 60 + int(minutes) - ctx.open_min


def _runs(mask: list[bool]) -> list[tuple[int, int]]:
    """(first, last) index of each run of True."""
    runs, first = [], None
    for i, flag in enumerate([*mask, False]):
        if flag and first is None:
            first = i
        elif not flag and first is not None:
            runs.append((first, i - 1))
            first = None
    return runs


def rule_guides(sheet: pd.DataFrame, ctx: Context) -> list[Action]:
    """Call in guides where the plan needs more than the roster has."""
    short = (sheet["guides_needed"] - sheet["guides_rostered"]).tolist()
    out = []
    for first, last in _runs([s > 0 for s in short]):
        window = sheet.iloc[first : last + 1]
        worst = int(window["guides_needed"].sub(window["guides_rostered"]).idxmax())
        start = _slot_minute(sheet.at[first, "start"], ctx)
        params = {"n": int(max(short[first : last + 1])), **_window(sheet, first, last, ctx)}
        because = {
            "slot": sheet.at[worst, "start"],
            "needed": int(sheet.at[worst, "guides_needed"]),
            "rostered": int(sheet.at[worst, "guides_rostered"]),
            "share": float(sheet.at[worst, "greet_within_target_share"]),
            "target": ctx.greet_share,
            "within": ctx.greet_within_min,
        }
        out.append(Action(max(0.0, start - LEAD_MIN), "guides", params, because))
    return out


def _window(sheet: pd.DataFrame, first: int, last: int, ctx: Context) -> dict[str, str]:
    """The clock times from the start of slot ``first`` to the end of slot ``last``."""
    return {
        "from": sheet.at[first, "start"],
        "to": _clock(ctx, _slot_minute(sheet.at[last, "start"], ctx) + 30),
    }


def rule_release(sheet: pd.DataFrame, ctx: Context) -> list[Action]:
    """Free guides where the roster has several more than the plan for an hour or more."""
    spare = (sheet["guides_rostered"] - sheet["guides_needed"]).tolist()
    out = []
    for first, last in _runs([s >= RELEASE_SPARE for s in spare]):
        if last - first + 1 < RELEASE_SLOTS:
            continue
        tightest = min(range(first, last + 1), key=lambda i: spare[i])
        params = {"n": int(spare[tightest]), **_window(sheet, first, last, ctx)}
        because = {
            "slot": sheet.at[tightest, "start"],
            "needed": int(sheet.at[tightest, "guides_needed"]),
            "rostered": int(sheet.at[tightest, "guides_rostered"]),
        }
        out.append(Action(_slot_minute(sheet.at[first, "start"], ctx), "release", params, because))
    return out


def _severe(flags: pd.DataFrame, kinds: tuple[str, ...], elements=None, levels=SEVERE) -> pd.DataFrame:
    if flags.empty:
        return flags
    chosen = flags[flags["kind"].isin(kinds) & flags["severity"].isin(levels)]
    return chosen if elements is None else chosen[chosen["element"].isin(elements)]


def _because(row: Any) -> dict[str, Any]:
    """The finding behind an action: the flag's window, peak and probability, and its detail fields."""
    found = {"element": row.element, "kind": row.kind, "start": row.start, "end": row.end,
             "peak": float(row.peak), "unit": row.unit, "probability": float(row.probability)}  # fmt: skip
    return found | {column: getattr(row, column) for column in DETAIL_COLUMNS}


def rule_batch(flags: pd.DataFrame, sheet: pd.DataFrame, ctx: Context) -> list[Action]:
    """Batch admission when parties queue at reception and no batches are in force."""
    if ctx.batch_in_force:
        return []
    queues = _severe(flags, ("queue",), ctx.reception_zones)
    if queues.empty:
        return []
    first = queues.sort_values("start_min").iloc[0]
    slot = min(int(first.start_min // 30), len(sheet) - 1)
    guides = int(sheet.at[slot, "guides_rostered"])
    per_15 = guides * 15.0 / ctx.mean_tour_min * ctx.mean_party_size
    persons = max(5, int(5 * round(per_15 / 5)))
    params = {"persons": persons, "every": 15, "guides": guides}
    return [Action(max(0.0, first.start_min - LEAD_MIN), "batch", params, _because(first))]


def rule_overflow(flags: pd.DataFrame, ctx: Context) -> list[Action]:
    """Open the overflow lounge while the waiting zone is crowded."""
    if ctx.wait_zone is None:
        return []
    rows = _severe(flags, ("queue", "density"), (ctx.wait_zone,))
    return [Action(row.start_min, "overflow", {"from": row.start, "to": row.end}, _because(row)) for row in
            rows.itertuples()]  # fmt: skip


def rule_usher(flags: pd.DataFrame, show_units: tuple[str, ...]) -> list[Action]:
    """An usher at a full show unit's door."""
    rows = _severe(flags, ("capacity",), show_units)
    return [
        Action(row.start_min, "usher", {"zone": row.element, "from": row.start, "to": row.end}, _because(row))
        for row in rows.itertuples()
    ]


def rule_one_way(flags: pd.DataFrame) -> list[Action]:
    """Direct one-way flow through a zone where flows cross."""
    rows = _severe(flags, ("crossing",), levels=("high",))
    return [
        Action(
            row.start_min, "one_way", {"zone": row.element, "from": row.start, "to": row.end}, _because(row)
        )
        for row in rows.itertuples()
    ]


def rule_evacuation(ctx: Context) -> list[Action]:
    """Marshals and a clear exit at the busiest moment."""
    evac = ctx.evacuation
    if not evac:
        return []
    hours, minutes = evac["clock"].split(":")
    minute = int(hours) * 60 + int(minutes) - ctx.open_min
    return [Action(minute, "evacuation", {k: evac[k] for k in ("clock", "persons", "mean_persons", "worst_exit", "worst_extra_s")},
                   {k: evac[k] for k in ("simulated_s", "governing", "lower_bound_s", "hydraulic_s")})]  # fmt: skip


def actions(
    sheet: pd.DataFrame, flags: pd.DataFrame, ctx: Context, show_units: tuple[str, ...] = ()
) -> list[Action]:
    """Every rule's actions, in time order."""
    found = [
        *rule_guides(sheet, ctx),
        *rule_release(sheet, ctx),
        *rule_batch(flags, sheet, ctx),
        *rule_overflow(flags, ctx),
        *rule_usher(flags, show_units),
        *rule_one_way(flags),
        *rule_evacuation(ctx),
    ]
    return sorted(found, key=lambda a: (a.minute, a.rule))


def clock_of(ctx: Context, action: Action) -> str:
    """The action's clock time."""
    return _clock(ctx, action.minute)
