"""What-if comparison: two variants on the same seeds, paired differences with 95% CIs.

Common random numbers make the paired difference far tighter than two separate intervals
(Law 2015, ch. 10): Var(B − A) = Var A + Var B − 2 Cov(A, B).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.congestion.report import CongestionReport, analyse
from sim.metrics.columns import POOLED_SHARES
from sim.metrics.stats import Results, ci95, paired_pooled_difference
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.plan.settings import RunSettings
from sim.runner.replications import run

MAIN_KPIS = (
    "parties_arrived", "parties_served", "parties_reneged", "greet_wait_mean_min", "greet_wait_p90_min",
    "greet_within_target_share", "outside_wait_mean_min", "time_in_gallery_mean_min", "signings",
    "peak_persons_inside", "guide_utilisation",
)  # fmt: skip


@dataclass
class Comparison:
    """Paired KPI differences and what happened to each congestion flag."""

    kpis: pd.DataFrame  # metric, a, b, difference, ci_low, ci_high
    flags: pd.DataFrame  # element, kind, status, a and b windows, minutes and probabilities
    a: tuple[Results, CongestionReport]
    b: tuple[Results, CongestionReport]


def paired_kpis(a: Results, b: Results) -> pd.DataFrame:
    """B − A per replication (same seeds), then mean and t-based 95% CI of the differences.

    A share of parties is pooled over days in each variant, and its difference paired day by day.
    """
    fa = pd.DataFrame([d.kpis for d in a.days])
    fb = pd.DataFrame([d.kpis for d in b.days])
    rows = []
    for metric in MAIN_KPIS:
        if metric in POOLED_SHARES:  # shares of parties: pooled, as everywhere
            hits, trials = POOLED_SHARES[metric]
            pa, pb, mean, low, high = paired_pooled_difference(fa[hits], fa[trials], fb[hits], fb[trials])
            rows.append(
                {"metric": metric, "a": pa, "b": pb, "difference": mean, "ci_low": low, "ci_high": high}
            )
            continue
        diff = fb[metric].to_numpy(dtype=float) - fa[metric].to_numpy(dtype=float)
        mean, low, high = ci95(diff)
        rows.append(
            {
                "metric": metric,
                "a": np.nanmean(fa[metric]),
                "b": np.nanmean(fb[metric]),
                "difference": mean,
                "ci_low": low,
                "ci_high": high,
            }
        )
    return pd.DataFrame(rows)


def flag_changes(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Per (element, kind): appears, disappears, changes (flagged minutes or probability) or same."""

    def summary(flags: pd.DataFrame) -> pd.DataFrame:
        flags = flags.assign(
            minutes=flags["end_min"] - flags["start_min"], window=flags["start"] + "–" + flags["end"]
        )
        return flags.groupby(["element", "kind"]).agg(
            minutes=("minutes", "sum"), probability=("probability", "max"), windows=("window", ", ".join)
        )

    sa, sb = summary(a), summary(b)
    both = sa.add_suffix("_a").join(sb.add_suffix("_b"), how="outer").reset_index()

    def status(row: pd.Series) -> str:
        if pd.isna(row["minutes_b"]):
            return "disappears"
        if pd.isna(row["minutes_a"]):
            return "appears"
        same = (
            abs(row["minutes_b"] - row["minutes_a"]) <= 0.1 * max(row["minutes_a"], 30)
            and abs(row["probability_b"] - row["probability_a"]) < 0.2
        )
        return "same" if same else "changes"

    both["status"] = both.apply(status, axis=1) if len(both) else []
    return both[
        [
            "element",
            "kind",
            "status",
            "windows_a",
            "windows_b",
            "minutes_a",
            "minutes_b",
            "probability_a",
            "probability_b",
        ]
    ]


Variant = tuple[Layout, Scenario]


def compare(*, a: Variant, b: Variant, settings: RunSettings | None = None) -> Comparison:
    """Run both variants on the same seeds (the first one's, unless chosen) and compare them."""
    (layout_a, scenario_a), (layout_b, scenario_b) = a, b
    resolved = (settings or RunSettings()).resolve(scenario_a)
    ra = run(layout_a, scenario_a, resolved.replications, resolved.seed, resolved.workers)
    rb = run(layout_b, scenario_b, resolved.replications, resolved.seed, resolved.workers)
    ca, cb = analyse(ra, layout_a, scenario_a), analyse(rb, layout_b, scenario_b)
    return Comparison(paired_kpis(ra, rb), flag_changes(ca.flags, cb.flags), (ra, ca), (rb, cb))
