"""Evacuation of a layout (in progress): the layout as a flow network, and its lower bound.

The lower bound uses the code flow capacities (Fs,max × clear width: 1.3 p/(s·m) on the level,
1.1 down and 0.88 up stairs; IMO MSC.1/Circ.1238 Table 1.2) and free walking speeds (0.85 k,
SFPE), so it is the quickest evacuation a *code-compliant* flow model allows (research §7 caveat).
"""

from __future__ import annotations

import math

from sim.hydraulic import FS_MAX, K_M_S
from sim.layout import SAFE_KINDS, Layout
from sim.quickest import FlowNetwork, quickest

HOLD_P_M2 = 3.8  # a zone holds at most this many persons per m²: movement stops there (SFPE)


def _stair_direction(layout: Layout, origin: str, destination: str) -> str:
    return "stair_up" if layout.zone[destination].floor > layout.zone[origin].floor else "stair_down"


def flow_network(
    layout: Layout, occupants: dict[str, float], period_s: float = 5.0, blocked: frozenset[str] = frozenset()
) -> FlowNetwork:
    """Zones and passages as a time-expanded flow model; ``blocked`` exits take nobody."""
    capacity = {
        z.id: (math.inf if z.area_m2 is None or z.kind in SAFE_KINDS else z.area_m2 * HOLD_P_M2)
        for z in layout.zones
    }
    arcs = []
    for p in layout.passages:
        if p.kind == "shuttle":
            continue  # nobody waits for a cart in an evacuation
        for u, v in ((p.from_, p.to),) if p.one_way else ((p.from_, p.to), (p.to, p.from_)):
            if v in blocked or u in blocked:
                continue
            element = _stair_direction(layout, u, v) if p.kind == "stair" else p.kind
            flow = FS_MAX[element] * p.width_m * period_s
            k = K_M_S["stair"] if p.kind == "stair" else K_M_S.get(p.kind, 1.40)
            walk = p.length_m / (0.85 * k * (0.8 if element == "stair_up" else 1.0))
            arcs.append((u, v, flow, math.floor(walk / period_s)))  # round down: still a lower bound
    exits = frozenset(z.id for z in layout.zones if z.kind in SAFE_KINDS and z.id not in blocked)
    return FlowNetwork(dict(occupants), capacity, arcs, exits)


def lower_bound_s(
    layout: Layout, occupants: dict[str, float], period_s: float = 5.0, blocked: frozenset[str] = frozenset()
) -> float:
    """The quickest everyone can be out (seconds), resolved to ``period_s``.

    Raises:
        ValueError: if some occupants have no escape route.
    """
    return quickest(flow_network(layout, occupants, period_s, blocked)) * period_s
