"""The lower bound: the quickest evacuation the capacities allow, as a time-expanded max flow."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from sim.analysis.evacuation.egress import HOLD_P_M2
from sim.analysis.evacuation.elements import (
    FS_MAX,
    fastest_speed,
)
from sim.analysis.evacuation.network import escape_directions, open_exits
from sim.analysis.evacuation.quickest import FlowNetwork, out_curve, quickest, quickest_near
from sim.model.layout import SAFE_KINDS, Layout


def flow_network(
    layout: Layout,
    occupants: Mapping[str, float],
    period_s: float = 1.0,
    blocked: frozenset[str] = frozenset(),
    widths: dict[str, float] | None = None,
    premovement: Mapping[str, np.ndarray] | None = None,
) -> FlowNetwork:
    """Zones and passages as a time-expanded flow model; ``blocked`` exits take nobody.

    With ``premovement`` (zone → each person's own pre-movement, seconds) a person is ready from
    the period in which that time falls (rounded down: still a bound); else all are ready at once.

    Capacities are the code flows (Fs,max × clear width: 1.3 p/(s·m) on the level, 1.1 down and
    0.88 up stairs; IMO MSC.1/Circ.1238 Table 1.2), rounded up to whole persons per period; a
    passage takes the whole periods the fastest
    walker here needs, rounded down; a zone holds 3.8 p/m² (or its initial occupants if more).
    """
    widths = widths or {}
    capacity = {
        z.id: (
            math.inf
            if z.area_m2 is None or z.kind in SAFE_KINDS
            else max(z.area_m2 * HOLD_P_M2, occupants.get(z.id, 0.0))
        )
        for z in layout.zones
    }
    arcs = []
    for u, v, p, element in escape_directions(layout, blocked):
        # Whole persons: a passage whose entry admits one person every 1/c seconds lets at
        # most ceil(c·Δ) start in any period of Δ seconds.
        flow = math.ceil(FS_MAX[element] * widths.get(p.pid, p.width_m) * period_s - 1e-9)
        walk = p.length_m / fastest_speed(element)
        arcs.append((u, v, flow, math.floor(walk / period_s)))  # round down: still a lower bound
    released = None
    if premovement is not None:
        released = {}
        for zone, times in premovement.items():
            periods, counts = np.unique(
                np.floor(np.asarray(times) / period_s).astype(int), return_counts=True
            )
            released[zone] = {int(k): float(n) for k, n in zip(periods, counts, strict=True)}
    return FlowNetwork(dict(occupants), capacity, arcs, open_exits(layout, blocked), released=released)


def lower_bound_s(
    layout: Layout,
    occupants: Mapping[str, float],
    period_s: float = 1.0,
    blocked: frozenset[str] = frozenset(),
    widths: dict[str, float] | None = None,
    premovement: Mapping[str, np.ndarray] | None = None,
    moving_s: float | None = None,
    within_s: tuple[float | None, float | None] = (None, None),
    guess_s: float | None = None,
) -> float:
    """The quickest everyone can be out (seconds), resolved to ``period_s``.

    Movement only (everyone ready at once), or from the alarm with each person's own
    ``premovement`` draw: no evacuation of those people, with those capacities, is quicker.
    ``moving_s``, the movement-only bound when known, and ``within_s``, proven bounds on the
    answer (an exit blocked cannot be quicker, a door widened cannot be slower), narrow the search;
    ``guess_s`` (a neighbouring replication's bound, say) is where it starts.

    Raises:
        NoEscapeRoute: if some occupants have no escape route.
    """
    net = flow_network(layout, occupants, period_s, blocked, widths, premovement)
    if premovement is None or not any(len(t) for t in premovement.values()):
        return quickest(net) * period_s
    # Waiting for the last one to be ready, then moving as everyone ready at once, is possible;
    # nobody can be out before moving as if ready at once, nor before the last one is ready.
    moving = (
        round(moving_s / period_s)
        if moving_s is not None
        else quickest(flow_network(layout, occupants, period_s, blocked, widths))
    )
    last = int(max(float(np.max(t)) for t in premovement.values() if len(t)) // period_s)
    at_least, at_most = max(moving, last), moving + last + 1  # the latter always enough
    low, high = within_s
    if low is not None:
        at_least = max(at_least, round(low / period_s))
    if high is not None:
        at_most = max(at_least, min(at_most, round(high / period_s)))
    if net.people == 0:
        return 0.0
    guess = round(guess_s / period_s) if guess_s is not None else at_least
    return quickest_near(net, guess, at_least, at_most) * period_s


def lower_bound_curve(
    layout: Layout, occupants: Mapping[str, float], period_s: float, periods: int
) -> pd.DataFrame:
    """People still inside at the end of each period on a quickest evacuation."""
    net = flow_network(layout, occupants, period_s)
    curves = out_curve(net, periods)
    out = np.sum([np.asarray(c) for c in curves.values()], axis=0) if curves else np.zeros(periods + 1)
    return pd.DataFrame({"t_s": np.arange(periods + 1) * period_s, "remaining": net.people - out})
