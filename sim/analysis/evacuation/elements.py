"""SFPE hydraulic egress relations and the IMO tables.

Speed falls linearly with density, S = k(1 − a·D) with a = 0.266 m²/p, between 0.54 and 3.8 p/m²
(free speed 0.85k below, no movement above); specific flow Fs = S·D; an element passes N people in
N / (Fs·W) and is walked in L / S (SFPE Handbook 5th ed. ch. 59; IMO MSC.1/Circ.1238 App. 1).
"""

from __future__ import annotations

import functools
import math

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


# Weidmann (1993) fundamental diagram: v(ρ) = v0·[1 − exp(−γ(1/ρ − 1/ρ_jam))] (research §5.1).
WEIDMANN_V0 = 1.34  # m/s, mean free speed on the level
WEIDMANN_GAMMA = 1.913  # p/m²
WEIDMANN_JAM = 5.4  # p/m²
STAIR_FACTOR = K_M_S["stair"] / K_M_S["corridor"]  # stairs (165/305 mm) against the level, SFPE k
UP_FACTOR = 0.8  # climbing against descending (IMO Table 1.3: 0.8 up vs 1.0 down)
MIN_SPEED = 0.10  # m/s: people in a crush still shuffle (IMO Table 1.1, D ≥ 3.5)


def element_of(kind: str, climbing: bool) -> str:
    """The hydraulic element of a passage kind: corridor, door, outdoor, stair_down or stair_up."""
    if kind == "stair":
        return "stair_up" if climbing else "stair_down"
    return kind if kind in FS_MAX else "corridor"


def free_speed(element: str, model: str = "sfpe") -> float:
    """Unimpeded speed (m/s) on an element: SFPE 0.85·k, or Weidmann's v0 (stairs scaled by k)."""
    stair = element.startswith("stair")
    if model == "weidmann":
        v = WEIDMANN_V0 * (STAIR_FACTOR if stair else 1.0)
    else:
        v = 0.85 * K_M_S["stair" if stair else "corridor"]
    return v * (UP_FACTOR if element == "stair_up" else 1.0)


def crowd_speed(density: float, element: str, model: str = "sfpe", floor: float = MIN_SPEED) -> float:
    """Speed (m/s) at a density on an element, never below ``floor`` (scalar, for the agents)."""
    stair = element.startswith("stair")
    factor = UP_FACTOR if element == "stair_up" else 1.0
    if model == "weidmann":
        v0 = WEIDMANN_V0 * (STAIR_FACTOR if stair else 1.0)
        d = max(density, 1e-9)
        v = min(v0, v0 * (1.0 - math.exp(-WEIDMANN_GAMMA * (1.0 / d - 1.0 / WEIDMANN_JAM))))
    else:
        k = K_M_S["stair" if stair else "corridor"]
        v = 0.85 * k if density < 0.54 else (0.0 if density >= 3.8 else k * (1 - A_M2 * density))
    return max(floor, v * factor)


# IMO MSC.1/Circ.1238 Table 1.1 (corridors): specific flow of a crowd at its initial density (its
# speed column is Table 1.3's at that flow, which ``speed_after`` reads).
INITIAL_DENSITY = (0.0, 0.5, 1.9, 3.2, 3.5)  # p/m²; the last row holds at 3.5 and above
INITIAL_FLOW = (0.0, 0.65, 1.3, 0.65, 0.32)  # p/(m·s)


def initial_flow(density: float, element: str, convention: str = "imo") -> float:
    """Specific flow (p/(m·s)) of a crowd that starts in an element at ``density`` p/m².

    IMO: Table 1.1 for level elements, interpolated. SFPE, and stairs in either convention:
    Fs = S·D with the element's k (a stair climbed at 0.8 of it), at most the element's Fs,max.
    Past SFPE's 3.8 p/m² stop the crowd still shuffles at ``MIN_SPEED``, as IMO's last row does.
    """
    if convention == "imo" and not element.startswith("stair"):
        return float(np.interp(density, INITIAL_DENSITY, INITIAL_FLOW))
    k = K_M_S["stair" if element.startswith("stair") else "corridor"]
    k *= UP_FACTOR if element == "stair_up" else 1.0
    return min(FS_MAX[element], max(float(specific_flow(density, k)), MIN_SPEED * density))


_DENSITIES = np.linspace(0.01, WEIDMANN_JAM, 2000)  # p/m², for the speed laws' flow curves


@functools.cache
def _flow_curve(element: str, model: str) -> tuple[np.ndarray, np.ndarray]:
    """(speed, specific flow) over densities, for a speed law without its shuffling floor."""
    speeds = np.array([crowd_speed(d, element, model, floor=0.0) for d in _DENSITIES])
    return speeds, speeds * _DENSITIES


def carried_flow(element: str, model: str = "sfpe") -> float:
    """The most persons per second per metre the speed law lets an element discharge (its peak S·D)."""
    return float(_flow_curve(element, model)[1].max())


def conserving_speed(specific: float, element: str, model: str = "sfpe") -> float:
    """The speed on the free-flowing branch at which the element carries ``specific`` p/(s·m).

    A passage that admits this flow discharges it at this speed or faster, so a queue at its
    entry never drives the people on it below the speed that carries what it lets in.
    """
    speeds, flows = _flow_curve(element, model)
    peak = int(np.argmax(flows))
    at = int(np.searchsorted(flows[: peak + 1], specific))  # the free branch rises to the peak
    return float(speeds[min(at, peak)])


def fastest_speed(element: str) -> float:
    """The fastest any method here walks an element (for the lower bound): IMO, SFPE or Weidmann."""
    imo = {"stair_down": SPEED_AFTER["stair_down"][1][0], "stair_up": SPEED_AFTER["stair_up"][1][0]}
    table = imo.get(element, SPEED_AFTER["corridor"][1][0])
    return max(table, free_speed(element, "sfpe"), free_speed(element, "weidmann"))


def capacity(element: str, width_m: float, convention: str = "imo") -> float:
    """Most people per second an element passes: Fs,max × effective width."""
    return FS_MAX[element] * effective_width(width_m, element.split("_")[0], convention)
