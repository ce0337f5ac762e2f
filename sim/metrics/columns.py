"""Names of the metrics' KPIs and table columns, and each one's natural range.

A KPI's range is a field of the KPI, never read from its name: a count is never negative, a share
lies in [0, 1]. Confidence intervals are clipped to it.
"""

from __future__ import annotations

import math
from typing import Final

Range = tuple[float, float]
NON_NEGATIVE: Final[Range] = (0.0, math.inf)
UNIT_INTERVAL: Final[Range] = (0.0, 1.0)

# KPIs of one simulated day (``DaySummary.kpis``).
PARTIES_ARRIVED: Final = "parties_arrived"
PERSONS_ARRIVED: Final = "persons_arrived"
PARTIES_SERVED: Final = "parties_served"
PERSONS_SERVED: Final = "persons_served"
PARTIES_RENEGED: Final = "parties_reneged"
PERSONS_RENEGED: Final = "persons_reneged"
PARTIES_INSIDE_AT_CLOSE: Final = "parties_inside_at_close"
PERSONS_INSIDE_AT_CLOSE: Final = "persons_inside_at_close"
GREET_WAIT_MEAN_MIN: Final = "greet_wait_mean_min"
GREET_WAIT_P50_MIN: Final = "greet_wait_p50_min"
GREET_WAIT_P90_MIN: Final = "greet_wait_p90_min"
GREET_WAIT_P95_MIN: Final = "greet_wait_p95_min"
GREET_WITHIN_TARGET_SHARE: Final = "greet_within_target_share"
PARTIES_WAITED: Final = "parties_waited"  # joined the guide queue
PARTIES_GREETED_WITHIN_TARGET: Final = "parties_greeted_within_target"
PARTIES_DELAYED: Final = "parties_delayed"  # not greeted on joining the queue: waited > 0
DELAYED_SHARE: Final = "delayed_share"  # P(wait > 0)
ABANDONED_SHARE: Final = "abandoned_share"  # gave up, of those who waited for a guide
GREET_WAIT_MEAN_ALL_MIN: Final = "greet_wait_mean_all_min"  # over all who waited, to greeting or giving up
GUIDE_QUEUE_MEAN: Final = "guide_queue_mean"  # parties waiting for a guide, time-averaged
OUTSIDE_WAIT_MEAN_MIN: Final = "outside_wait_mean_min"
TIME_IN_GALLERY_MEAN_MIN: Final = "time_in_gallery_mean_min"
SIGNINGS: Final = "signings"
GUIDE_UTILISATION: Final = "guide_utilisation"
PEAK_PERSONS_INSIDE: Final = "peak_persons_inside"  # at the day's busiest moment (``headcount``)
LAST_EXIT_MIN: Final = "last_exit_min"
UTILISATION: Final = "utilisation"  # per zone with desks, places or tables: ``utilisation.<zone>`` in tables

# A share of parties is pooled over days: its numerator and denominator counts (``stats.pooled_share``).
POOLED_SHARES: Final[dict[str, tuple[str, str]]] = {
    GREET_WITHIN_TARGET_SHARE: (PARTIES_GREETED_WITHIN_TARGET, PARTIES_WAITED),
    DELAYED_SHARE: (PARTIES_DELAYED, PARTIES_WAITED),
    ABANDONED_SHARE: (PARTIES_RENEGED, PARTIES_WAITED),
}

KPI_RANGES: Final[dict[str, Range]] = {
    name: UNIT_INTERVAL if name in (*POOLED_SHARES, GUIDE_UTILISATION) else NON_NEGATIVE
    for name in (
        PARTIES_ARRIVED, PERSONS_ARRIVED, PARTIES_SERVED, PERSONS_SERVED, PARTIES_RENEGED, PERSONS_RENEGED,
        PARTIES_INSIDE_AT_CLOSE, PERSONS_INSIDE_AT_CLOSE, PARTIES_WAITED, PARTIES_GREETED_WITHIN_TARGET,
        PARTIES_DELAYED, GREET_WAIT_MEAN_MIN, GREET_WAIT_P50_MIN, GREET_WAIT_P90_MIN, GREET_WAIT_P95_MIN,
        GREET_WITHIN_TARGET_SHARE, DELAYED_SHARE, ABANDONED_SHARE, GREET_WAIT_MEAN_ALL_MIN, GUIDE_QUEUE_MEAN,
        OUTSIDE_WAIT_MEAN_MIN, TIME_IN_GALLERY_MEAN_MIN, SIGNINGS, GUIDE_UTILISATION, PEAK_PERSONS_INSIDE,
        LAST_EXIT_MIN,
    )
}  # fmt: skip

# Columns of the half-hour table (``half_hour_table``), besides ``slot`` and ``start_min``.
SLOT: Final = "slot"
START: Final = "start"
START_MIN: Final = "start_min"
PARTIES_WAITING: Final = "parties_waiting"
GREETED_WITHIN_TARGET: Final = "greeted_within_target"  # of the slot's parties_waiting
RENEGED: Final = "reneged"
GUIDES_ON_DUTY: Final = "guides_on_duty"
GUIDES_BUSY: Final = "guides_busy"
PERSONS_INSIDE_MEAN: Final = "persons_inside_mean"
PERSONS_INSIDE_MAX: Final = "persons_inside_max"
HALF_HOUR_RANGES: Final[dict[str, Range]] = {
    name: UNIT_INTERVAL if name == GREET_WITHIN_TARGET_SHARE else NON_NEGATIVE
    for name in (
        PARTIES_ARRIVED, PERSONS_ARRIVED, PARTIES_WAITING, GREETED_WITHIN_TARGET, GREET_WAIT_MEAN_MIN, GREET_WAIT_P50_MIN,
        GREET_WAIT_P90_MIN, GREET_WAIT_P95_MIN, GREET_WITHIN_TARGET_SHARE, RENEGED, GUIDES_ON_DUTY,
        GUIDES_BUSY, PERSONS_INSIDE_MEAN, PERSONS_INSIDE_MAX,
    )
}  # fmt: skip

# Columns of the zone table (headcounts per place, visitors plus guides).
MAX_PERSONS: Final = "max_persons"
P95_PERSONS: Final = "p95_persons"
MEAN_PERSONS: Final = "mean_persons"
ZONE_RANGES: Final[dict[str, Range]] = dict.fromkeys((MAX_PERSONS, P95_PERSONS, MEAN_PERSONS), NON_NEGATIVE)

# The suffixes a mean's 95% CI columns carry in a table: ``<column>_ci_low``, ``<column>_ci_high``.
CI_LOW: Final = "_ci_low"
CI_HIGH: Final = "_ci_high"


def utilisation_key(zone_id: str) -> str:
    """The KPI-table name of one zone's utilisation (a name for tables, never parsed back)."""
    return f"{UTILISATION}.{zone_id}"
