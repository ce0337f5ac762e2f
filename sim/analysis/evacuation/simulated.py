"""Replicated simulated evacuations of one variant, with common pre-movement draws."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis.evacuation.egress import (
    EgressRun,
    egress_network,
    simulate_egress,
)
from sim.metrics.stats import ci95
from sim.model.layout import Layout
from sim.model.settings import Evacuation


@dataclass
class Simulated:
    """Replicated simulated evacuations of one variant."""

    clearance: tuple[float, float, float]  # mean, 95% CI
    clearance_p95_s: float
    movement_s: float  # mean over replications of the longest individual movement time (Tt)
    runs: list[EgressRun] = field(repr=False)

    def by_exit(self) -> pd.DataFrame:
        """Persons, flow and last person out per exit (means over replications)."""
        rows = []
        for exit_ in sorted(self.runs[0].exit_times):
            times = [r.exit_times[exit_] for r in self.runs]
            persons = [len(t) for t in times]
            flows = [len(t) / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else math.nan for t in times]
            rows.append(
                {
                    "exit": exit_,
                    "persons": float(np.mean(persons)),
                    "flow_p_s": float(np.nanmean(flows)) if not all(map(math.isnan, flows)) else math.nan,
                    "last_out_s": float(np.mean([t[-1] if len(t) else math.nan for t in times])),
                }
            )
        return pd.DataFrame(rows)

    def zone_clear(self) -> pd.DataFrame:
        """When each zone's own occupants have all left it: mean and 95% CI."""
        zones = sorted(self.runs[0].zone_clear_s)
        rows = []
        for z in zones:
            mean, low, high = ci95([r.zone_clear_s[z] for r in self.runs], 0.0)
            rows.append({"zone": z, "clear_s": mean, "low": low, "high": high})
        return pd.DataFrame(rows)

    def waits(self) -> pd.DataFrame:
        """Per passage: persons through it and the longest wait at it (means over replications)."""
        keys = sorted({k for r in self.runs for k in r.waits})
        rows = []
        for k in keys:
            got = [r.waits.get(k, (0, 0.0, 0.0)) for r in self.runs]
            rows.append(
                {
                    "element": k,
                    "persons": float(np.mean([g[0] for g in got])),
                    "longest_wait_s": float(np.mean([g[1] for g in got])),
                    "mean_wait_s": float(np.sum([g[2] for g in got]) / max(1, sum(g[0] for g in got))),
                }
            )
        return pd.DataFrame(rows)

    def exit_curves(self, step_s: float = 2.0) -> pd.DataFrame:
        """Persons out through each exit over time: the median across replications."""
        end = max(r.clearance_s for r in self.runs)
        t = np.arange(0.0, end + step_s, step_s)
        frame = {"t_s": t}
        for exit_ in sorted(self.runs[0].exit_times):
            counts = [np.searchsorted(r.exit_times[exit_], t, side="right") for r in self.runs]
            frame[exit_] = np.median(counts, axis=0)
        return pd.DataFrame(frame)

    def curve(self, step_s: float = 2.0) -> pd.DataFrame:
        """People still inside over time: median and 5–95% band across replications."""
        end = max(r.clearance_s for r in self.runs)
        t = np.arange(0.0, end + step_s, step_s)
        total = sum(len(v) for v in self.runs[0].exit_times.values())
        left = np.array(
            [
                total - np.searchsorted(np.sort(np.concatenate(list(r.exit_times.values()))), t, side="right")
                for r in self.runs
            ]
        )
        return pd.DataFrame(
            {
                "t_s": t,
                "remaining": np.median(left, axis=0),
                "p05": np.percentile(left, 5, axis=0),
                "p95": np.percentile(left, 95, axis=0),
            }
        )


def premovement_draws(occupants: dict[str, int], settings: Evacuation, seed: int, replication: int):
    """Pre-movement times (s) per zone, from their own stream: the same people in every variant."""
    rng = np.random.default_rng([seed, replication, 0xE7AC])
    return {z: np.array([settings.premovement.sample_s(rng) for _ in range(n)]) for z, n in occupants.items()}


def simulated(
    layout: Layout,
    occupants: dict[str, int],
    settings: Evacuation,
    seed: int = 0,
    blocked: frozenset[str] = frozenset(),
    widths: dict[str, float] | None = None,
    draws: list[dict[str, np.ndarray]] | None = None,
) -> Simulated:
    """``settings.replications`` simulated evacuations (common pre-movement draws across variants).

    Raises:
        NoEscapeRoute: if some occupants have no escape route.
    """
    net = egress_network(layout, blocked, settings.width_convention, settings.speed_model, widths)
    draws = draws or [premovement_draws(occupants, settings, seed, r) for r in range(settings.replications)]
    runs = [simulate_egress(net, occupants, d) for d in draws]
    clear = [r.clearance_s for r in runs]
    return Simulated(
        ci95(clear, 0.0),
        float(np.percentile(clear, 95)),
        float(np.mean([r.longest_movement_s for r in runs])),
        runs,
    )
