"""People's tables of a staffing plan: guides per half hour, the roster, the other posts."""

from __future__ import annotations

import pandas as pd

from sim.analysis.staffing.plan import StaffPlan
from sim.core.text import Lang, text
from sim.present.names import kind_name
from sim.present.tables.common import ci, frame, num, pct


def slot_table(plan: StaffPlan, lang: Lang) -> pd.DataFrame:
    """Per half hour: arrivals, load, the plan's guides and the shares reached (plan, fresh, roster, SIPP)."""
    share, _, _ = plan.roster_share
    rows = [
        {"start": r.start, "arrivals": num(r.arrivals), "load": num(r.offered_load), "guides": str(int(r.guides)),
         "share": ci(r.achieved_share, r.achieved_share_ci_low, r.achieved_share_ci_high, pct),
         "fresh": pct(r.fresh_share), "rostered": str(plan.roster.coverage[i]), "roster_share": pct(share[i]),
         "sipp": str(int(r.sipp)), "sipp_share": pct(r.sipp_share)}
        for i, r in enumerate(plan.guides.table.itertuples())
    ]  # fmt: skip
    columns = [
        "start",
        "arrivals",
        "load",
        "guides",
        "share",
        "fresh",
        "rostered",
        "roster_share",
        "sipp",
        "sipp_share",
    ]
    return frame(rows, "staff_slots", columns, lang)


def roster_table(plan: StaffPlan, lang: Lang) -> pd.DataFrame:
    """The least-cost roster: each shift, its times, meal break, headcount and paid hours."""
    rows = [
        {"shift": r.shift[lang], "start": r.start, "end": r.end, "meal_break": r.meal_break or "–",
         "count": str(int(r.count)), "paid_hours": f"{r.paid_hours:g}"}
        for r in plan.roster.shifts.itertuples()
    ]  # fmt: skip
    return frame(rows, "roster", ["shift", "start", "end", "meal_break", "count", "paid_hours"], lang)


def posts_table(plan: StaffPlan, lang: Lang) -> pd.DataFrame:
    """Staff per half hour at every other post."""
    starts = plan.guides.table["start"].tolist()
    table = pd.DataFrame({text("columns.posts.start", lang): starts})
    for post in plan.posts.columns:
        table[kind_name("post", post, lang)] = [str(int(n)) for n in plan.posts[post]]
    return table
