"""The escape network every evacuation method shares.

Usable passage directions, open exits, and the finding that people somewhere have no way out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sim.analysis.evacuation.elements import element_of
from sim.core.problems import InputError, problem
from sim.model.layout import SAFE_KINDS, Layout, Passage, Zone


class NoEscapeRoute(InputError):
    """People in these zones cannot reach an open exit (a finding with an exit blocked)."""

    def __init__(self, zones: Iterable[str]) -> None:
        self.zones = tuple(sorted(zones))
        super().__init__([problem("", "no_escape_route", zones=", ".join(self.zones))])


def safe_for(zone: Zone, floor: int) -> bool:
    """Where the escape of storey ``floor`` ends: outside, or an enclosed stair entered on that storey."""
    return zone.kind in SAFE_KINDS or (zone.kind == "stair" and zone.enclosed and zone.floor == floor)


def open_exits(layout: Layout, blocked: frozenset[str] = frozenset()) -> frozenset[str]:
    """The exits and entrances (outside: safe) that are not blocked."""
    return frozenset(z.id for z in layout.zones if z.kind in SAFE_KINDS and z.id not in blocked)


def escape_directions(
    layout: Layout, blocked: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str, Passage, str]]:
    """Every passage direction usable in an evacuation: (from, to, passage, hydraulic element).

    Shuttles are left out (nobody waits for a cart in an evacuation), as are blocked exits and
    directions that start outside (an exit or entrance is already safe).
    """
    for p in layout.passages:
        if p.kind == "shuttle":
            continue
        for u, v in ((p.from_, p.to),) if p.one_way else ((p.from_, p.to), (p.to, p.from_)):
            if u in blocked or v in blocked or layout.zone[u].kind in SAFE_KINDS:
                continue
            yield u, v, p, element_of(p.kind, layout.zone[v].floor > layout.zone[u].floor)
