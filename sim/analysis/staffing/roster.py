"""Rosters: cover the guides required per half hour with shifts, at least cost (an integer program).

Each shift template expands into options: every allowed start, and for shifts with a meal
break every allowed break start, so the program staggers breaks itself. Variables are
headcounts per option; minimise Σ cost·x subject to coverage ≥ requirement in every slot and
each template's ``max_count`` (scipy.optimize.milp, HiGHS).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from sim.core.clock import format_clock
from sim.core.problems import refuse
from sim.model.names import Names
from sim.model.scenario import Scenario
from sim.model.settings import MealBreak, Shift, StartWindow

SLOT_MIN = 30


@dataclass(frozen=True)
class ShiftOption:
    """One concrete way to work a template: start slot, length and meal-break slot."""

    template: int
    name: Names
    start: int  # slot index from opening (negative: before opening)
    length: int  # slots on site
    break_start: int | None  # slot index of the meal break
    break_length: int
    cost_per_hour: float

    @property
    def paid_hours(self) -> float:
        """Hours on site less the unpaid meal break."""
        return (self.length - self.break_length) * SLOT_MIN / 60.0

    def works(self, slot: int) -> bool:
        """On duty (on site and not at the meal break) in this slot."""
        on_site = self.start <= slot < self.start + self.length
        at_break = (
            self.break_start is not None and self.break_start <= slot < self.break_start + self.break_length
        )
        return on_site and not at_break


@dataclass
class Roster:
    """The chosen shifts and what they cover."""

    shifts: pd.DataFrame
    coverage: tuple[int, ...]
    paid_hours: float
    requirement_hours: float
    cost: float


def default_shifts(scenario: Scenario) -> list[Shift]:
    """A standard set when the scenario gives none.

    A full day with a staggered one-hour meal break, morning and afternoon halves, and 4-hour
    temporary guides from a flexible pool at 1.3× the hourly cost (assumptions; see README).
    """
    open_, close = scenario.hours.open, scenario.hours.close
    day_h = (close - open_) / 60.0
    full = math.ceil(day_h * 2) / 2
    half = math.ceil(day_h) / 2 + 0.5
    return [
        Shift(
            name=Names(zh="全天班", en="full day"),
            starts=[format_clock(open_)],
            hours=full,
            meal_break=MealBreak(hours=1, earliest_after_h=2.5, latest_after_h=max(2.5, min(5.0, full - 2))),
        ),
        Shift(name=Names(zh="早班", en="morning"), starts=[format_clock(open_)], hours=half),
        Shift(name=Names(zh="晚班", en="afternoon"), starts=[format_clock(close - half * 60)], hours=half),
        Shift(
            name=Names(zh="临时顾问（4 小时）", en="temporary (4 h)"),
            start_window=StartWindow(
                earliest=format_clock(open_), latest=format_clock(max(open_, close - 240))
            ),
            hours=4,
            cost_per_hour=1.3,
        ),
    ]


def expand(scenario: Scenario, shifts: list[Shift]) -> list[ShiftOption]:
    """Every concrete option of every template."""
    options = []
    for t, shift in enumerate(shifts):
        length = round(shift.hours * 60 / SLOT_MIN)
        for clock in _starts(shift.starts, shift.start_window):
            offset = clock - scenario.hours.open
            if offset % SLOT_MIN:
                raise refuse(f"staffing.shifts[{t}]", "start_not_on_half_hour", start=format_clock(clock))
            start = offset // SLOT_MIN
            for brk, brk_len in _breaks(shift.meal_break):
                options.append(
                    ShiftOption(
                        t,
                        shift.name,
                        start,
                        length,
                        None if brk is None else start + brk,
                        brk_len,
                        shift.cost_per_hour,
                    )
                )
    return options


def _starts(starts: list[int] | None, window: StartWindow | None) -> list[int]:
    if starts is not None:
        return list(starts)
    assert window is not None
    return list(range(window.earliest, window.latest + 1, SLOT_MIN))


def _breaks(meal: MealBreak | None) -> list[tuple[int | None, int]]:
    if meal is None:
        return [(None, 0)]
    length = round(meal.hours * 60 / SLOT_MIN)
    first, last = round(meal.earliest_after_h * 60 / SLOT_MIN), round(meal.latest_after_h * 60 / SLOT_MIN)
    return [(b, length) for b in range(first, last + 1)]


def solve_roster(
    requirement: tuple[int, ...], scenario: Scenario, shifts: list[Shift] | None = None
) -> Roster:
    """The cheapest set of shifts whose headcount on duty covers ``requirement`` in every slot."""
    shifts = shifts or scenario.staffing.shifts or default_shifts(scenario)
    options = expand(scenario, shifts)
    slots = len(requirement)
    cover = np.array([[o.works(j) for o in options] for j in range(slots)], dtype=float)
    need = np.asarray(requirement, dtype=float)
    for j in np.flatnonzero((need > 0) & (cover.sum(axis=1) == 0)):
        slot = scenario.clock_at(int(j) * SLOT_MIN)
        raise refuse("staffing.shifts", "slot_uncovered", slot=slot, guides=int(need[j]))
    cost = np.array([o.cost_per_hour * o.paid_hours for o in options])
    constraints = [LinearConstraint(cover, lb=need, ub=np.inf)]
    limits = [(t, s.max_count) for t, s in enumerate(shifts) if s.max_count is not None]
    if limits:
        rows = np.array([[o.template == t for o in options] for t, _ in limits], dtype=float)
        constraints.append(LinearConstraint(rows, lb=0, ub=np.array([m for _, m in limits], dtype=float)))
    result = milp(
        cost, constraints=constraints, integrality=np.ones(len(options), dtype=int), bounds=Bounds(0, np.inf)
    )
    if not result.success:
        raise refuse("staffing.shifts", "roster_infeasible", reason=result.message)
    counts = np.round(result.x).astype(int)
    return _roster(scenario, options, counts, cover, requirement)


def _roster(
    scenario: Scenario,
    options: list[ShiftOption],
    counts: np.ndarray,
    cover: np.ndarray,
    requirement: tuple[int, ...],
) -> Roster:
    rows = [
        {
            "shift": o.name,
            "start": scenario.clock_at(o.start * SLOT_MIN),
            "end": scenario.clock_at((o.start + o.length) * SLOT_MIN),
            "hours": o.length * SLOT_MIN / 60.0,
            "meal_break": ""
            if o.break_start is None
            else f"{scenario.clock_at(o.break_start * SLOT_MIN)}–{scenario.clock_at((o.break_start + o.break_length) * SLOT_MIN)}",
            "count": int(n),
            "paid_hours": n * o.paid_hours,
            "cost": n * o.paid_hours * o.cost_per_hour,
        }
        for o, n in zip(options, counts, strict=True)
        if n > 0
    ]
    table = pd.DataFrame(
        rows, columns=["shift", "start", "end", "hours", "meal_break", "count", "paid_hours", "cost"]
    )
    coverage = tuple(int(v) for v in cover @ counts)
    return Roster(
        shifts=table.sort_values(
            ["start", "shift"], key=lambda c: c.map(str) if c.name == "shift" else c, ignore_index=True
        ),
        coverage=coverage,
        paid_hours=float(table["paid_hours"].sum()),
        requirement_hours=float(sum(requirement) * SLOT_MIN / 60.0),
        cost=float(table["cost"].sum()),
    )
