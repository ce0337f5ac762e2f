"""Fruin level of service, A (free) to F (jammed).

Thresholds from J.J. Fruin, *Pedestrian Planning and Design*, rev. ed., ch. 4, metric as in
Fruin, *Pedestrian Planning and Design*, rev. ed., ch. 4 (1 ft² = 0.0929 m²; 1 PFM = 3.28 persons/min/m).
- Space per person (m²/p), lower bound of A..E: queuing areas, walkways, stairways.
- Flow per metre of clear width (p/min/m), upper bound of A..E: walkways, stairways.
"""

from __future__ import annotations

import numpy as np

LEVELS = "ABCDEF"
QUEUING_M2 = (1.21, 0.93, 0.65, 0.28, 0.19)  # waiting areas: reception, lounge, sand table, queues
WALKWAY_M2 = (3.25, 2.32, 1.39, 0.93, 0.46)  # circulation: corridors, show units, outdoor paths
STAIRWAY_M2 = (1.86, 1.39, 0.93, 0.65, 0.37)
WALKWAY_FLOW = (23.0, 33.0, 49.0, 66.0, 82.0)  # 7, 10, 15, 20, 25 PFM
STAIRWAY_FLOW = (16.0, 23.0, 33.0, 43.0, 56.0)  # 5, 7, 10, 13, 17 PFM

# Where people stand and wait use the queuing table; where they circulate, the walkway table.
ZONE_TABLE = {
    "corridor": WALKWAY_M2,
    "show_unit": WALKWAY_M2,
    "stair": STAIRWAY_M2,
    "exit": None,
}
PASSAGE_TABLE = {
    "corridor": WALKWAY_FLOW,
    "door": WALKWAY_FLOW,
    "outdoor": WALKWAY_FLOW,
    "stair": STAIRWAY_FLOW,
    "shuttle": None,
}


def zone_table(kind: str) -> tuple[float, ...] | None:
    """The space table for a zone kind (queuing unless people circulate there)."""
    return ZONE_TABLE.get(kind, QUEUING_M2)


def by_space(m2_per_person: np.ndarray | float, table: tuple[float, ...]) -> np.ndarray:
    """Level index 0 (A) .. 5 (F) from space per person; at a boundary the better level.

    Examples:
        >>> by_space([1.21, 1.2, 0.19, 0.1], QUEUING_M2).tolist()
        [0, 1, 4, 5]
    """
    space = np.asarray(m2_per_person, dtype=float)
    return np.searchsorted(-np.asarray(table), -space, side="left")


def by_flow(persons_per_min_m: np.ndarray | float, table: tuple[float, ...]) -> np.ndarray:
    """Level index 0 (A) .. 5 (F) from flow per metre of clear width; at a boundary the better level.

    Examples:
        >>> by_flow([23, 23.5, 82, 90], WALKWAY_FLOW).tolist()
        [0, 1, 4, 5]
    """
    return np.searchsorted(np.asarray(table), np.asarray(persons_per_min_m, dtype=float), side="left")


def letter(level: int) -> str:
    """'A'..'F' from a level index."""
    return LEVELS[int(level)]
