"""People's tables of the peak-day plan: the run sheet and its actions."""

from __future__ import annotations

import pandas as pd

from sim.core.text import Lang
from sim.plan.peakday import PeakDayPlan
from sim.present.findings import action_text
from sim.present.tables.common import frame, num, share_ci

SHEET_COLUMNS = ["start", "parties", "persons", "inside", "needed", "rostered", "p90", "share", "reneged"]


def run_sheet_table(plan: PeakDayPlan, lang: Lang) -> pd.DataFrame:
    """Per half hour: arrivals, most inside, guides needed against rostered, the wait and the share."""
    rows = [
        {"start": r.start, "parties": f"{r.parties_arrived:.1f}", "persons": f"{r.persons_arrived:.1f}",
         "inside": f"{r.persons_inside_max:.1f}", "needed": str(r.guides_needed), "rostered": str(r.guides_rostered),
         "p90": num(r.greet_wait_p90_min),
         "share": share_ci(r.greet_within_target_share, r.greet_within_target_share_ci_low,
                     r.greet_within_target_share_ci_high),
         "reneged": f"{r.reneged:.1f}"}
        for r in plan.sheet.itertuples()
    ]  # fmt: skip
    return frame(rows, "run_sheet", SHEET_COLUMNS, lang)


def action_table(plan: PeakDayPlan, lang: Lang) -> pd.DataFrame:
    """Each action: when, what to do, and why."""
    rows = []
    for action in plan.actions:
        clock, what, why = action_text(action, plan, lang)
        rows.append({"time": clock, "action": what, "because": why})
    return frame(rows, "actions", ["time", "action", "because"], lang)
