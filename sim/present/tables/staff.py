"""People's tables of a staffing plan: guides per half hour, the roster, the other posts."""

from __future__ import annotations

import pandas as pd

from sim.analysis.staffing.plan import StaffPlan
from sim.core.text import Lang, text
from sim.model.scenario import Scenario
from sim.present.names import kind_name
from sim.present.tables.common import frame, num, pct, share_ci


def slot_table(plan: StaffPlan, lang: Lang) -> pd.DataFrame:
    """Per half hour: arrivals, load, guides searched and verified, and the shares they reach.

    Plan and roster on the verification days, with 95% CIs; SIPP on the search's days.
    """
    roster = plan.roster_check.share
    rows = [
        {"start": r.start, "arrivals": num(r.arrivals), "load": num(r.offered_load), "searched": str(int(r.searched)),
         "guides": str(int(r.guides)),
         "share": share_ci(r.verified_share, r.verified_share_ci_low, r.verified_share_ci_high)
         + ("" if r.meets_target else " ✗"),
         "rostered": str(plan.roster.coverage[i]), "roster_share": share_ci(roster[0][i], roster[1][i], roster[2][i]),
         "sipp": str(int(r.sipp)), "sipp_share": pct(r.sipp_share)}
        for i, r in enumerate(plan.guides.table.itertuples())
    ]  # fmt: skip
    columns = [
        "start",
        "arrivals",
        "load",
        "searched",
        "guides",
        "share",
        "rostered",
        "roster_share",
        "sipp",
        "sipp_share",
    ]
    return frame(rows, "staff_slots", columns, lang)


def verification_lines(plan: StaffPlan, scenario: Scenario, lang: Lang) -> list[tuple[str, bool]]:
    """What the verification found, in words, each with whether it is good news."""
    check, table = plan.guides.verified, plan.guides.table
    share, within = f"{scenario.targets.greet_share:.0%}", f"{scenario.targets.greet_within_min:g}"

    def slots(unmet: tuple[int, ...]) -> str:
        return ", ".join(table["start"].iloc[list(unmet)])

    def why(stopped: str | None) -> str:
        return text(f"findings.verification.stopped.{stopped}", lang, ceiling=scenario.staffing.max_guides)

    added = int(table["guides"].sum() - table["searched"].sum())
    lines = [
        (text("findings.verification.unmet", lang, slots=slots(check.unmet), share=share, why=why(check.stopped)), False)
        if check.unmet
        else (text("findings.verification.verified", lang, days=check.days, share=share, within=within, added=added), True)
    ]  # fmt: skip
    if plan.roster_check.unmet:
        roster = plan.roster_check
        lines.append((text("findings.verification.roster_unmet", lang, slots=slots(roster.unmet), why=why(roster.stopped)), False))  # fmt: skip
    return lines


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
