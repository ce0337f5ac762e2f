"""The congestion report: level of service, flags and the route, from a run's replications.

Works on the per-replication summaries of a simulated day (no new simulation).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis.congestion.conditions import zone_conditions
from sim.analysis.congestion.flags import flag_frame, flag_rows
from sim.analysis.congestion.levels import level_shares, passage_flows, passage_levels, zone_levels
from sim.analysis.congestion.route import counter_flows, crossings, static_route_check
from sim.metrics.day import DaySummary
from sim.metrics.stats import Results
from sim.model.layout import Layout
from sim.model.scenario import Scenario


@dataclass
class CongestionReport:
    """Everything ``anchang congestion`` answers."""

    flags: pd.DataFrame  # one typed flag per row (``flags.COLUMNS``)
    los_share: pd.DataFrame  # element × level: mean share of opening hours (with p05, p95)
    peak_level: dict[str, int]  # element → worst level index at its worst minute (mean over days)
    level_by_hour: pd.DataFrame  # hour × element: level index of the mean state
    static: pd.DataFrame  # passages the designed route uses both ways
    levels: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # element → day × minute

    def levels_at(self, minute: int) -> dict[str, int]:
        """Each element's level at a minute of a typical (median) day."""
        return {e: int(np.quantile(lv[:, minute], 0.5, method="higher")) for e, lv in self.levels.items()}


def flag_table(days: list[DaySummary], layout: Layout, scenario: Scenario) -> pd.DataFrame:
    """Every flag of the day: zones, then counter-flow on passages, then crossing in zones."""
    conditions = itertools.chain(
        zone_conditions(days, layout, scenario),
        counter_flows(days, layout, scenario),
        crossings(days, layout, scenario),
    )
    rows = [row for condition in conditions for row in flag_rows(condition, scenario.congestion, scenario)]
    return flag_frame(rows)


def analyse(results: Results, layout: Layout, scenario: Scenario) -> CongestionReport:
    """The congestion report from a run's replications."""
    days, minutes = results.days, int(scenario.day_s // 60)
    levels = zone_levels(days, layout, minutes) | passage_levels(passage_flows(days, layout, minutes), layout)
    # The worst minute of a bad day (95th percentile over replications), and per hour the worst
    # minute of a typical day (median).
    peak = {e: int(np.max(np.quantile(lv, 0.95, axis=0, method="higher"))) for e, lv in levels.items()}
    hours = list(range(0, minutes, 60))
    by_hour = pd.DataFrame(
        {
            e: [int(np.max(np.quantile(lv[:, h : h + 60], 0.5, axis=0, method="higher"))) for h in hours]
            for e, lv in levels.items()
        },
        index=[scenario.clock_at(h) for h in hours],
    )
    return CongestionReport(
        flag_table(days, layout, scenario),
        level_shares(levels),
        peak,
        by_hour,
        static_route_check(layout, scenario),
        levels,
    )
