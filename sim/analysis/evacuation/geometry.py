"""Room geometry for the code check's travel distances.

A zone's floor is a rectangle centred on its ``xy``: ``size_m`` where the layout gives it,
otherwise a square of its area (an assumption, stated with each distance). A passage leaves the
zone by a door where the straight line from the zone's centre towards the other zone's centre
crosses the rectangle's edge (the other centre itself where that lies inside); the door is an
opening of the passage's width along that wall. Distances inside a room are straight lines from
its farthest point, found on a grid of ``GRID`` × ``GRID`` points over the rectangle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.model.layout import Zone

GRID = 121  # points per side; odd, so the centre is one of them


@dataclass(frozen=True)
class Box:
    """A zone's floor: centre, extent along x and y (metres), and whether the extent was given."""

    cx: float
    cy: float
    w: float
    d: float
    given: bool


@dataclass(frozen=True)
class Door:
    """An opening on a room's wall: its end points."""

    a: tuple[float, float]
    b: tuple[float, float]

    @property
    def middle(self) -> tuple[float, float]:
        """The opening's middle point."""
        return ((self.a[0] + self.b[0]) / 2, (self.a[1] + self.b[1]) / 2)


def box(zone: Zone) -> Box | None:
    """The zone's floor rectangle; None without a size or an area."""
    if zone.size_m is not None:
        return Box(zone.xy[0], zone.xy[1], zone.size_m[0], zone.size_m[1], True)
    if zone.area_m2 is None:
        return None
    side = math.sqrt(zone.area_m2)
    return Box(zone.xy[0], zone.xy[1], side, side, False)


def door(room: Box, toward: tuple[float, float], width_m: float) -> Door:
    """The door of a passage from ``room`` towards a point, an opening of ``width_m`` on its wall."""
    dx, dy = toward[0] - room.cx, toward[1] - room.cy
    t_x = room.w / 2 / abs(dx) if dx else math.inf
    t_y = room.d / 2 / abs(dy) if dy else math.inf
    t = min(t_x, t_y, 1.0)
    x, y = room.cx + t * dx, room.cy + t * dy
    inside = t == 1.0  # the other centre is inside the room: the door is on the nearer wall's line
    vertical = room.w / 2 - abs(x - room.cx) < room.d / 2 - abs(y - room.cy) if inside else t_x <= t_y
    half = width_m / 2
    if vertical:  # on a wall x = const: the opening runs along y
        low, high = room.cy - room.d / 2, room.cy + room.d / 2
        return Door((x, max(low, y - half)), (x, min(high, y + half)))
    low, high = room.cx - room.w / 2, room.cx + room.w / 2
    return Door((max(low, x - half), y), (min(high, x + half), y))


def to_door(room: Box, opening: Door) -> float:
    """Straight line from the room's centre to the middle of a door (metres)."""
    return math.dist((room.cx, room.cy), opening.middle)


def farthest(room: Box, doors: list[tuple[Door, float]]) -> float:
    """Largest, over the room's points, of the shortest straight line to a door plus its onward walk.

    ``doors`` pairs each opening with the walk from it to where the distance ends (0 where the
    door is that end). Measured on a grid of the rectangle, corners and centre included.
    """
    xs = np.linspace(room.cx - room.w / 2, room.cx + room.w / 2, GRID)
    ys = np.linspace(room.cy - room.d / 2, room.cy + room.d / 2, GRID)
    px, py = (g.ravel() for g in np.meshgrid(xs, ys))
    best = np.full(px.shape, np.inf)
    for opening, onward in doors:
        best = np.minimum(best, _to_segment(px, py, opening) + onward)
    return float(best.max())


def _to_segment(px: np.ndarray, py: np.ndarray, opening: Door) -> np.ndarray:
    """Distance from each point to the nearest point of a door's opening."""
    (ax, ay), (bx, by) = opening.a, opening.b
    vx, vy = bx - ax, by - ay
    length2 = vx * vx + vy * vy
    t = np.clip(((px - ax) * vx + (py - ay) * vy) / length2, 0.0, 1.0) if length2 else 0.0
    return np.hypot(px - (ax + t * vx), py - (ay + t * vy))
