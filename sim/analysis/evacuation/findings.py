"""Evacuation of a layout at its busiest: who is where, three clearance methods, and the findings.

Methods:
- *hydraulic* (SFPE Handbook 5th ed. ch. 59; IMO MSC.1/Circ.1238 simplified analysis): each zone's people follow the quickest escape route;
  element by element, walking time L/S and flow time N/Fc. An element passes its own zone's
  people at Fs,max × effective width and what flows in from upstream no faster than it arrives;
  what it adds to the arrivals is its queue. S follows the specific flow (IMO Table 1.3), or the
  crowd's own density when too few people pass to form a steady stream. A route takes
  pre-movement + Σ walking + the longest flow time on it.
- *lower bounds* (EVACNET4's time-expanded network): the quickest evacuation the capacities allow, a time-expanded max flow with
  the code flow capacities and the fastest walking speed any method here uses, in 1-s periods.
  *Movement only*: everyone ready at once. *From the alarm*: each person ready after their own
  pre-movement draw, the same draws as the simulation's, so it is at most the simulated
  clearance in every replication; reported as the mean over replications.
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
CANDIDATES = 2  # elements widened in the search for the governing one, from each ranking
GAIN_THAT_COUNTS_S = 1.0  # a widening gaining less than this governs nothing


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
    lower_bound_s: float  # from the alarm: the mean over replications of each one's own bound
    alarm_bounds_s: list[float]  # per replication: the bound with that replication's pre-movement draws
    movement_bound_s: float  # movement only: everyone ready at once
    lower_curve: pd.DataFrame  # movement only
    simulated: Simulated
    governing: pd.DataFrame  # candidate elements ranked by the simulated gain of widening each
    n_minus_1: pd.DataFrame
    widening: pd.DataFrame
    rset: pd.DataFrame
    code_check: list[Rule]
    peaks: pd.DataFrame | None = None

    @property
    def governing_element(self) -> str | None:
        """The element whose widening shortens the simulated clearance most (None: widening gains nothing)."""
        if self.governing.empty or not self.governing["gain_s"].iloc[0] >= GAIN_THAT_COUNTS_S:
            return None
        return str(self.governing["element"].iloc[0])


def alarm_bounds(
    layout: Layout,
    occupants: dict[str, int],
    settings: Evacuation,
    draws: list[dict[str, np.ndarray]],
    blocked: frozenset[str] = frozenset(),
    widths: dict[str, float] | None = None,
    base: list[float] | None = None,
) -> list[float]:
    """Per replication, the lower bound from the alarm with that replication's own pre-movement draws.

    ``base``, the bounds with every exit open and no door widened, narrows the search: blocking
    an exit cannot make a bound smaller, widening a door cannot make it larger.
    """
    moving = lower_bound_s(layout, occupants, settings.period_s, blocked, widths)
    out: list[float] = []
    for r, d in enumerate(draws):
        known = base[r] if base is not None else None
        within = (known, None) if blocked else (None, known)
        guess = known if known is not None else (out[-1] if out else None)  # a neighbour's bound
        out.append(
            lower_bound_s(layout, occupants, settings.period_s, blocked, widths, d, moving, within, guess)
        )
    return out


def _variant(layout, occupants, settings, seed, draws, blocked=frozenset(), widths=None, base=None) -> dict:
    """Clearance by the three methods for one variant, or the reason there is none."""
    try:
        h = hydraulic(
            layout, occupants, premovement_design_s(settings), settings.width_convention, blocked, widths
        )
        lb = float(np.mean(alarm_bounds(layout, occupants, settings, draws, blocked, widths, base)))
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
    from_alarm = alarm_bounds(layout, occupants, settings, draws)
    sim = simulated(layout, occupants, settings, seed, draws=draws)
    blocked_rows = [
        {
            "blocked_exit": e,
            **_variant(layout, occupants, settings, seed, draws, frozenset({e}), base=from_alarm),
        }
        for e in sorted(open_exits(layout, frozenset()))
    ]
    governing, widening = _governing(layout, occupants, settings, seed, draws, hyd, sim, from_alarm)
    design = design_occupants(layout)
    code_people = {z: max(design.get(z, 0.0), occupants.get(z, 0)) for z in set(design) | set(occupants)}
    return EvacuationReport(
        layout=layout.name,
        occupants=occupants,
        occupants_source=source or OccupantSource("given"),
        settings=settings,
        allowed_s=allowed_s,
        hydraulic=hyd,
        lower_bound_s=float(np.mean(from_alarm)),
        alarm_bounds_s=from_alarm,
        movement_bound_s=bound,
        lower_curve=lower_bound_curve(layout, occupants, settings.period_s, round(bound / settings.period_s)),
        simulated=sim,
        governing=governing,
        n_minus_1=pd.DataFrame(blocked_rows),
        widening=pd.DataFrame(widening),
        rset=_rset(hyd, sim, settings, allowed_s),
        code_check=check(layout, code_people, settings.crowded_place),
        peaks=peaks,
    )


def _rank(hyd: Hydraulic, sim: Simulated) -> pd.DataFrame:
    """Elements with a hydraulic queue or a simulated wait: persons, hydraulic queue, simulated waits."""
    columns = ["element", "persons", "hydraulic_queue_s", "longest_wait_s", "mean_wait_s"]
    if hyd.elements.empty:
        return pd.DataFrame(columns=columns)
    queues = hyd.elements.groupby("element").agg(
        persons=("persons", "sum"), hydraulic_queue_s=("queue_s", "max")
    )
    waits = sim.waits().set_index("element") if sim.runs and sim.waits().shape[0] else pd.DataFrame()
    table = queues.join(waits.drop(columns="persons", errors="ignore"), how="left").fillna(0.0).reset_index()
    for column in columns[1:]:
        table[column] = table.get(column, 0.0)
    return table[columns].reset_index(drop=True)


def _governing(
    layout: Layout,
    occupants: dict[str, int],
    settings: Evacuation,
    seed: int,
    draws: list[dict[str, np.ndarray]],
    hyd: Hydraulic,
    sim: Simulated,
    base: list[float],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The candidates for the governing element ranked by the gain of widening each, and that study.

    The candidates are the elements with the longest hydraulic queues and simulated waits; each
    is widened by the largest step of ``WIDENINGS_M``, on the same pre-movement draws so the gains
    are paired, and the governing one is that whose widening shortens the simulated clearance
    most. It is widened by the other steps too. The ranking and the widening table are the same
    numbers.
    """
    table = _rank(hyd, sim)
    if table.empty:
        return table.assign(gain_s=[], hydraulic_gain_s=[]), pd.DataFrame()
    queued = table[table["hydraulic_queue_s"] > 0].nlargest(CANDIDATES, "hydraulic_queue_s")["element"]
    waited = table[table["longest_wait_s"] > 0].nlargest(CANDIDATES, "longest_wait_s")["element"]
    candidates = list(dict.fromkeys([*queued, *waited]))

    def widened(element: str, extra: float) -> dict:
        width = layout.passage[element].width_m
        row = _variant(layout, occupants, settings, seed, draws, widths={element: width + extra}, base=base)
        return {"element": element, "width_m": width, "extra_m": extra, **row,
                "gain_s": sim.clearance[0] - row["simulated_s"], "hydraulic_gain_s": hyd.clearance_s - row["hydraulic_s"]}  # fmt: skip

    widest = pd.DataFrame([widened(e, max(WIDENINGS_M)) for e in candidates])
    if widest.empty:
        return table.iloc[0:0].assign(gain_s=[], hydraulic_gain_s=[]), widest
    gains = widest.set_index("element")[["gain_s", "hydraulic_gain_s"]]
    ranked = table.set_index("element").join(gains, how="inner").reset_index()
    ranked = ranked.sort_values(["gain_s", "hydraulic_gain_s", "hydraulic_queue_s"], ascending=False)
    top = str(ranked["element"].iloc[0])
    others = pd.DataFrame([widened(top, extra) for extra in WIDENINGS_M if extra != max(WIDENINGS_M)])
    order = {e: i for i, e in enumerate(ranked["element"])}
    widening = pd.concat([widest, others], ignore_index=True).sort_values(
        ["element", "extra_m"], key=lambda c: c.map(order) if c.name == "element" else c
    )
    return ranked.reset_index(drop=True), widening.reset_index(drop=True)


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
