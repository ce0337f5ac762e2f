"""SFPE hydraulic egress relations and the IMO tables (research/evacuation.md §1).

Speed falls linearly with density, S = k(1 − a·D) with a = 0.266 m²/p, between 0.54 and 3.8 p/m²
(free speed 0.85k below, no movement above); specific flow Fs = S·D; an element passes N people in
N / (Fs·W) and is walked in L / S (SFPE Handbook 5th ed. ch. 59; IMO MSC.1/Circ.1238 App. 1).
"""

from __future__ import annotations

import numpy as np

A_M2 = 0.266  # m² per person in S = k(1 − aD) (SFPE)
K_M_S = {"corridor": 1.40, "door": 1.40, "outdoor": 1.40, "stair": 1.16}  # SFPE k; stairs 165/305 mm
FS_MAX = {
    "corridor": 1.3,
    "door": 1.3,
    "outdoor": 1.3,
    "stair_down": 1.1,
    "stair_up": 0.88,
}  # IMO Table 1.2, p/(m·s)
BOUNDARY_LAYER_M = {
    "door": 0.15,
    "corridor": 0.20,
    "stair": 0.15,
    "outdoor": 0.46,
}  # SFPE, each side (widely quoted)

# IMO MSC.1/Circ.1238 Table 1.3: speed after a transition from the specific flow (linear between points).
SPEED_AFTER = {
    "corridor": ((0.0, 0.65, 1.3), (1.2, 1.2, 0.67)),
    "stair_down": ((0.0, 0.54, 1.1), (1.0, 1.0, 0.55)),
    "stair_up": ((0.0, 0.43, 0.88), (0.8, 0.8, 0.44)),
}


def speed(density: float | np.ndarray, k: float = 1.40) -> np.ndarray:
    """Walking speed (m/s) at a density (p/m²): SFPE, free walking below 0.54, stopped at 3.8."""
    d = np.asarray(density, dtype=float)
    return np.where(d < 0.54, 0.85 * k, np.where(d >= 3.8, 0.0, k * (1 - A_M2 * d)))


def specific_flow(density: float | np.ndarray, k: float = 1.40) -> np.ndarray:
    """Persons per second per metre of effective width: Fs = S·D."""
    return speed(density, k) * np.asarray(density, dtype=float)


def speed_after(specific: float, element: str = "corridor") -> float:
    """Speed (m/s) after a transition, from the specific flow (IMO Table 1.3)."""
    flows, speeds = SPEED_AFTER[element]
    return float(np.interp(specific, flows, speeds))


def effective_width(clear_m: float, element: str, convention: str = "imo") -> float:
    """Width used for flow: IMO takes the clear width; SFPE deducts a boundary layer each side."""
    if convention == "imo":
        return clear_m
    return max(0.0, clear_m - 2 * BOUNDARY_LAYER_M.get(element, 0.15))


def flow_time(people: float, specific: float, width_m: float) -> float:
    """Seconds for ``people`` to pass an element: N / (Fs·W)."""
    return people / (specific * width_m) if people > 0 else 0.0


def walk_time(length_m: float, speed_m_s: float) -> float:
    """Seconds to walk an element: L / S."""
    return length_m / speed_m_s if length_m > 0 else 0.0
