"""Evacuation of a layout at its busiest: who is where, three clearance methods, and the findings.

Methods:
- *hydraulic* (SFPE Handbook 5th ed. ch. 59; IMO MSC.1/Circ.1238 simplified analysis): each zone's people follow the quickest escape route;
  element by element, walking time L/S and flow time N/Fc. An element passes its own zone's
  people at Fs,max × effective width and what flows in from upstream no faster than it arrives;
  what it adds to the arrivals is its queue. S follows the specific flow (IMO Table 1.3), or the
  crowd's own density when too few people pass to form a steady stream. A route takes
  pre-movement + Σ walking + the longest flow time on it.
- *lower bound* (EVACNET4's time-expanded network): the quickest evacuation the capacities allow, a time-expanded max flow with
  the code flow capacities and the fastest walking speed any method here uses; nobody can beat it.
- *simulated* (``sim.egress``): occupants as agents with pre-movement times, route choice by
  distance and queue, passages as flow-limited servers and speed falling with density.

Findings: clearance per method, per zone and per exit; the governing element; every exit blocked
in turn (N−1); widening the governing element; RSET = Td + Tpre + k·Tt against the scenario's
allowed time; and the GB 50016 code check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.evacuation.codecheck import Rule, check, design_occupants
from sim.analysis.evacuation.hydraulic import Hydraulic, hydraulic
from sim.analysis.evacuation.lower_bound import lower_bound_curve, lower_bound_s
from sim.analysis.evacuation.network import NoEscapeRoute, open_exits
from sim.analysis.evacuation.occupants import OccupantSource, check_occupants
from sim.analysis.evacuation.simulated import Simulated, premovement_draws, simulated
from sim.model.layout import Layout
from sim.model.names import Names
from sim.model.settings import Evacuation

WIDENINGS_M = (0.3, 0.6)


def premovement_design_s(settings: Evacuation, q: float = 0.99) -> float:
    """The design pre-movement time for the hydraulic method: the ``q`` quantile (bisection)."""
    low, high = 0.0, 60.0
    while float(settings.premovement.survival(np.array([high]))[0]) > 1 - q:
        high *= 2
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (
            (mid, high) if float(settings.premovement.survival(np.array([mid]))[0]) > 1 - q else (low, mid)
        )
    return high


@dataclass
class EvacuationReport:
    """Everything ``anchang evac`` reports."""

    layout: Names  # the layout's name
    occupants: dict[str, int]
    occupants_source: OccupantSource
    settings: Evacuation
    allowed_s: float | None
    hydraulic: Hydraulic
    lower_bound_s: float
    lower_curve: pd.DataFrame
    simulated: Simulated
    governing: pd.DataFrame  # elements ranked by hydraulic queueing time, simulated waits beside
    n_minus_1: pd.DataFrame
    widening: pd.DataFrame
    rset: pd.DataFrame
    code_check: list[Rule]
    peaks: pd.DataFrame | None = None

    @property
    def governing_element(self) -> str | None:
        """The element with the longest queue."""
        return None if self.governing.empty else str(self.governing["element"].iloc[0])


def _variant(layout, occupants, settings, seed, draws, blocked=frozenset(), widths=None) -> dict:
    """Clearance by the three methods for one variant, or the reason there is none."""
    try:
        h = hydraulic(
            layout, occupants, premovement_design_s(settings), settings.width_convention, blocked, widths
        )
        lb = lower_bound_s(layout, occupants, settings.period_s, blocked, widths)
        sim = simulated(layout, occupants, settings, seed, blocked, widths, draws)
    except NoEscapeRoute as exc:
        return {"hydraulic_s": math.nan, "lower_bound_s": math.nan, "simulated_s": math.nan,
                "simulated_low": math.nan, "simulated_high": math.nan, "trapped": ", ".join(exc.zones)}  # fmt: skip
    mean, low, high = sim.clearance
    return {"hydraulic_s": h.clearance_s, "lower_bound_s": lb, "simulated_s": mean,
            "simulated_low": low, "simulated_high": high, "trapped": ""}  # fmt: skip


def analyse(
    layout: Layout,
    occupants: dict[str, int],
    settings: Evacuation | None = None,
    allowed_s: float | None = None,
    seed: int = 0,
    source: OccupantSource | None = None,
    peaks: pd.DataFrame | None = None,
) -> EvacuationReport:
    """All three methods, the governing element, N−1, widening, RSET and the code check.

    Raises:
        NoEscapeRoute: if some occupants have no escape route with every exit open.
    """
    settings = settings or Evacuation()
    occupants = check_occupants(layout, occupants)
    pre = premovement_design_s(settings)
    hyd = hydraulic(layout, occupants, pre, settings.width_convention)
    bound = lower_bound_s(layout, occupants, settings.period_s)
    draws = [premovement_draws(occupants, settings, seed, r) for r in range(settings.replications)]
    sim = simulated(layout, occupants, settings, seed, draws=draws)
    governing = _rank(hyd, sim)
    blocked_rows = [
        {"blocked_exit": e, **_variant(layout, occupants, settings, seed, draws, frozenset({e}))}
        for e in sorted(open_exits(layout, frozenset()))
    ]
    widening = []
    if not governing.empty:
        top = governing["element"].iloc[0]
        width = layout.passage[top].width_m
        for extra in WIDENINGS_M:
            row = _variant(layout, occupants, settings, seed, draws, widths={top: width + extra})
            widening.append({"element": top, "width_m": width, "extra_m": extra, **row,
                             "gain_s": sim.clearance[0] - row["simulated_s"]})  # fmt: skip
    design = design_occupants(layout)
    code_people = {z: max(design.get(z, 0.0), occupants.get(z, 0)) for z in set(design) | set(occupants)}
    return EvacuationReport(
        layout=layout.name,
        occupants=occupants,
        occupants_source=source or OccupantSource("given"),
        settings=settings,
        allowed_s=allowed_s,
        hydraulic=hyd,
        lower_bound_s=bound,
        lower_curve=lower_bound_curve(layout, occupants, settings.period_s, round(bound / settings.period_s)),
        simulated=sim,
        governing=governing,
        n_minus_1=pd.DataFrame(blocked_rows),
        widening=pd.DataFrame(widening),
        rset=_rset(hyd, sim, settings, allowed_s),
        code_check=check(layout, code_people, settings.crowded_place, settings.sprinklers),
        peaks=peaks,
    )


def _rank(hyd: Hydraulic, sim: Simulated) -> pd.DataFrame:
    """Elements by their hydraulic queueing time, the longest simulated wait beside it."""
    columns = ["element", "persons", "hydraulic_queue_s", "longest_wait_s", "mean_wait_s"]
    if hyd.elements.empty:
        return pd.DataFrame(columns=columns)
    queues = hyd.elements.groupby("element").agg(
        persons=("persons", "sum"), hydraulic_queue_s=("queue_s", "max")
    )
    waits = sim.waits().set_index("element") if sim.runs and sim.waits().shape[0] else pd.DataFrame()
    table = queues.join(waits.drop(columns="persons", errors="ignore"), how="left").fillna(0.0).reset_index()
    ranked = table.sort_values(["hydraulic_queue_s", "longest_wait_s"], ascending=False)
    return ranked[ranked["hydraulic_queue_s"] > 0][columns].reset_index(drop=True)


def _rset(hyd: Hydraulic, sim: Simulated, settings: Evacuation, allowed_s: float | None) -> pd.DataFrame:
    """RSET = Td + Tpre + k·Tt per method (research §4.4), against the allowed time if given."""
    pre = hyd.premovement_s
    rows = [
        ("hydraulic", hyd.movement_s, settings.hydraulic_factor),
        ("simulated", sim.movement_s, settings.simulated_factor),
    ]
    out = []
    for method, movement, k in rows:
        rset = settings.alarm_s + pre + k * movement
        out.append(
            {
                "method": method, "alarm_s": settings.alarm_s, "premovement_s": pre, "movement_s": movement,
                "k": k, "rset_s": rset, "allowed_s": allowed_s,
                "ok": None if allowed_s is None else bool(rset <= allowed_s),
            }
        )  # fmt: skip
    return pd.DataFrame(out)
