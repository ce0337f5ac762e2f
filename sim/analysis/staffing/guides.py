"""Guides per half hour that meet the greeting target (time-varying staffing: MOL, then ISA).

1. Offered load: simulate with ample guides; the mean number of parties with a guide is the
   infinite-server load m(t) (Jennings, Mandelbaum, Massey & Whitt 1996). It lags arrivals by
   about a tour. MOL: Erlang C on m(t) with the mean tour as service time, per slot.
2. ISA (Feldman, Mandelbaum, Massey & Whitt 2008): staff each slot at the (1 − α) quantile of
   the simulated number of parties needing a guide, α = 1 − target share, and repeat with the
   new staffing until it stops changing. P(delay) ≤ α implies greeted-within-target ≥ 1 − α, so
   this is a safe start.
3. Fit to the actual target: add a guide where a slot misses the target, then take guides away
   while every slot still meets it; all on the same seeds (common random numbers).
4. Verify (ISA's step 5): shares measured on the days the search was tuned on are optimistic,
   so the plan is simulated on fresh days the search never saw (``staffing.verification_days``,
   200 by default). A slot whose pooled share there is below target gets a guide, and the plan
   is simulated again, until every slot meets the target on those days or the ceiling stops it.
5. SIPP for contrast: Erlang C hour by hour on that hour's arrivals, ignoring the lag, simulated.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis.staffing.loads import GRID_S, GuideDay, greeted_share, guide_day, n_slots
from sim.analysis.staffing.queueing import servers_for
from sim.core.problems import InputError, refuse
from sim.metrics.grid import SLOT_S
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.runner.replications import map_replications

Staffing = tuple[int, ...]


MAX_ISA_ITERATIONS = 12


MAX_TRIM_ROUNDS = 16


MAX_SINGLE_TRIALS = 12


SLACK = 0.04  # slots this far above the target get single-slot trials


FRESH_SEED_OFFSET = 1_000_003  # the verification runs on days the search never saw


def with_guides(scenario: Scenario, staffing: Staffing) -> Scenario:
    """The scenario with a guide schedule of one count per half-hour slot."""
    schedule: dict[int, int] = {}
    for slot, count in enumerate(staffing):
        if not schedule or list(schedule.values())[-1] != count:
            schedule[scenario.hours.open + int(slot * SLOT_S / 60)] = int(count)
    guides = scenario.guides.model_copy(update={"schedule": schedule})
    return scenario.model_copy(update={"guides": guides})


@dataclass
class Evaluator:
    """Simulates staffings on fixed seeds (common random numbers) and remembers the results."""

    layout: Layout
    scenario: Scenario
    replications: int
    seed: int
    executor: Executor | None = None
    workers: int | None = None
    cache: dict[Staffing, list[GuideDay]] = field(default_factory=dict)

    def days(self, staffing: Staffing) -> list[GuideDay]:
        """The simulated days under this staffing."""
        if staffing not in self.cache:
            sc = with_guides(self.scenario, staffing)
            self.cache[staffing] = map_replications(
                guide_day, self.layout, sc, self.replications, self.seed, self.workers, executor=self.executor
            )
        return self.cache[staffing]

    def share(self, staffing: Staffing) -> np.ndarray:
        """Share greeted within target per slot (NaN where nobody waited)."""
        return greeted_share(self.days(staffing))[0]


@dataclass
class Verified:
    """A staffing that has been simulated on the verification days, and what it achieves there."""

    staffing: Staffing
    share: tuple[np.ndarray, np.ndarray, np.ndarray]  # per slot: pooled share, 95% CI
    days: int
    unmet: tuple[int, ...]  # slots still under target
    stopped: str | None  # why they are: "ceiling" (no more guides allowed) or "pool" (no roster)


def verify(
    ev: Evaluator, staffing: Staffing, target: float, ceiling: int, record: Callable | None = None
) -> Verified:
    """Add a guide to every slot under target on ``ev``'s days until none is, or the ceiling stops it."""
    while True:
        share = greeted_share(ev.days(staffing))
        short = ~meets(share[0], target)
        room = short & (np.asarray(staffing) < ceiling)
        if not room.any():
            unmet = tuple(int(j) for j in np.flatnonzero(short))
            return Verified(staffing, share, ev.replications, unmet, "ceiling" if unmet else None)
        staffing = tuple(s + 1 if room[j] else s for j, s in enumerate(staffing))
        if record is not None:
            record("verify", staffing)


def verification(ev: Evaluator, days: int) -> Evaluator:
    """An evaluator of ``days`` fresh days, on seeds the search (``ev``) never saw."""
    return Evaluator(ev.layout, ev.scenario, days, ev.seed + FRESH_SEED_OFFSET, ev.executor, ev.workers)


@dataclass
class GuidePlan:
    """The guide requirement per slot, how it was found, and what it achieves."""

    table: pd.DataFrame
    guides: Staffing  # verified
    searched: Staffing  # the search's answer, before verification
    verified: Verified
    sipp: Staffing
    mol: Staffing
    isa: Staffing
    mean_tour_min: float
    isa_iterations: int
    evaluations: int
    history: list[tuple[str, Staffing]]


def meets(share: np.ndarray, target: float) -> np.ndarray:
    """Per slot: the share reaches the target (a slot where nobody waited meets it)."""
    return np.isnan(share) | (share >= target - 1e-12)


def offered_load(days: list[GuideDay], slots: int) -> np.ndarray:
    """Per slot: the largest mean number of parties with a guide at the 5-minute grid times."""
    busy = np.mean([d.busy for d in days], axis=0)
    per_slot = int(SLOT_S // GRID_S)
    padded = np.pad(busy, (0, slots * per_slot - len(busy)))
    return padded.reshape(slots, per_slot).max(axis=1)


def mean_tour_min(days: list[GuideDay]) -> float:
    """Mean greeting-to-goodbye time, minutes."""
    tours = sum(d.tours for d in days)
    return sum(d.tour_s for d in days) / tours / 60.0 if tours else math.nan


def isa_update(days: list[GuideDay], alpha: float, slots: int, ceiling: int) -> Staffing:
    """Smallest s with P̂(parties needing a guide ≥ s) ≤ α at each grid time; the slot's maximum."""
    needing = np.array([d.needing for d in days])  # day × grid time
    k = len(days)
    top = int(needing.max()) + 1 if needing.size else 0
    s_grid = np.zeros(needing.shape[1], dtype=int)
    for s in range(top, -1, -1):  # the smallest s that still satisfies the tail bound
        ok = (needing >= s).sum(axis=0) <= alpha * k
        s_grid = np.where(ok, s, s_grid)
    per_slot = int(SLOT_S // GRID_S)
    padded = np.pad(s_grid, (0, slots * per_slot - len(s_grid)))
    return tuple(int(min(v, ceiling)) for v in padded.reshape(slots, per_slot).max(axis=1))


def mol_staffing(load: np.ndarray, tour_min: float, target_min: float, share: float) -> Staffing:
    """Erlang C on the offered load, slot by slot (the modified-offered-load method)."""
    return tuple(servers_for(float(a), tour_min, target_min, share) for a in load)


def sipp_staffing(days: list[GuideDay], tour_min: float, target_min: float, share: float) -> Staffing:
    """Per hour: Erlang C with that hour's arrival rate to the guide queue, ignoring the lag."""
    joined = np.mean([d.waited for d in days], axis=0)
    out = []
    for slot in range(len(joined)):
        hour = slot - slot % 2
        per_hour = joined[hour : hour + 2].sum() * (2 if hour + 1 >= len(joined) else 1)
        out.append(servers_for(per_hour / 60.0 * tour_min, tour_min, target_min, share))
    return tuple(out)


def _infeasible(
    scenario: Scenario, staffing: Staffing, share: np.ndarray, target: float, ceiling: int
) -> InputError:
    worst = int(np.nanargmin(np.where(meets(share, target), np.inf, share)))
    return refuse(
        "targets", "no_staffing", ceiling=ceiling, target=f"{target:.0%}",
        within=f"{scenario.targets.greet_within_min:g}", slot=scenario.clock_at(worst * SLOT_S / 60),
        share=f"{share[worst]:.1%}", guides=staffing[worst],
    )  # fmt: skip


def fill(ev: Evaluator, staffing: Staffing, target: float, ceiling: int, record: Callable) -> Staffing:
    """Add a guide to every slot that misses the target until none does."""
    while True:
        share = ev.share(staffing)
        short = ~meets(share, target)
        if not short.any():
            return staffing
        if all(staffing[j] >= ceiling for j in np.flatnonzero(short)):
            raise _infeasible(ev.scenario, staffing, share, target, ceiling)
        staffing = tuple(min(ceiling, s + 1) if short[j] else s for j, s in enumerate(staffing))
        record("fill", staffing)


def trim(ev: Evaluator, staffing: Staffing, target: float, record: Callable) -> Staffing:
    """Take guides away while every slot still meets the target (common random numbers).

    All slots step down together, each by its own step. When a step makes slots miss, the
    steps of the slots blamed are halved: a missing slot that moved, else the slot before it
    (one guide fewer there leaves parties waiting into this half hour). A slot whose step
    reaches zero keeps its guides. Moving together keeps a stationary day flat, at the Erlang C
    answer. Then slots left well above the target are tried one at a time.

    Staffing is not separable by slot (guides finish their tours after a shift ends; parties
    who give up lighten later slots), so this finds a good plan, not a proven minimum.
    """
    step = [max(1, s // 6) for s in staffing]
    for _ in range(MAX_TRIM_ROUNDS):
        moving = [j for j, s in enumerate(staffing) if step[j] > 0 and s >= step[j]]
        if not moving:
            break
        trial = _lower(staffing, {j: step[j] for j in moving})
        failing = np.flatnonzero(~meets(ev.share(trial), target))
        if len(failing) == 0:
            staffing = trial
            record("trim", staffing)
            continue
        moved = set(moving)
        blamed = {f for f in failing if f in moved} | {
            f - 1 for f in failing if f not in moved and f - 1 in moved
        }
        for j in blamed or moved:  # nothing to blame: halve every step, so the search always ends
            step[j] //= 2
    return _trim_one_by_one(ev, staffing, target, record)


def _trim_one_by_one(ev: Evaluator, staffing: Staffing, target: float, record: Callable) -> Staffing:
    """Take single guides from slots still ``SLACK`` above the target, largest margin first.

    Moves made together can blame a slot wrongly; one at a time they cannot.
    """
    margin = np.nan_to_num(ev.share(staffing) - target, nan=1.0)
    trials = 0
    for j in sorted(np.flatnonzero(margin >= SLACK), key=lambda j: -margin[j]):
        while staffing[j] > 0 and trials < MAX_SINGLE_TRIALS:
            trials += 1
            trial = _lower(staffing, {int(j): 1})
            if not meets(ev.share(trial), target).all():
                break
            staffing = trial
            record("trim", staffing)
    return staffing


def _lower(staffing: Staffing, by: dict[int, int]) -> Staffing:
    return tuple(s - by.get(j, 0) for j, s in enumerate(staffing))


def plan_guides(
    layout: Layout,
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int | None = None,
    executor: Executor | None = None,
    verification_days: int = 200,
) -> tuple[GuidePlan, Evaluator]:
    """The fewest guides per half hour meeting the greeting target in every slot on fresh days.

    Also returns the evaluator of those verification days, to check a roster on them too.
    """
    reps = replications
    target, target_min = scenario.targets.greet_share, scenario.targets.greet_within_min
    ceiling, slots = scenario.staffing.max_guides, n_slots(scenario)
    ev = Evaluator(layout, scenario, reps, seed, executor, workers)
    history: list[tuple[str, Staffing]] = []

    def record(phase: str, staffing: Staffing) -> None:
        history.append((phase, staffing))

    ample = ev.days((ceiling,) * slots)
    load, tour = offered_load(ample, slots), mean_tour_min(ample)
    mol = mol_staffing(load, tour, target_min, target)
    staffing, iterations = isa_update(ample, 1.0 - target, slots, ceiling), 1
    record("isa", staffing)
    while iterations < MAX_ISA_ITERATIONS:
        updated = isa_update(ev.days(staffing), 1.0 - target, slots, ceiling)
        iterations += 1
        if updated == staffing:
            break
        staffing = updated
        record("isa", staffing)
    isa = staffing
    searched = trim(ev, fill(ev, staffing, target, ceiling, record), target, record)
    fresh = verification(ev, verification_days)
    verified = verify(fresh, searched, target, ceiling, record)
    sipp = sipp_staffing(ample, tour, target_min, target)
    table = _table(ev, fresh, scenario, ample, load, verified, searched, (sipp, mol, isa))
    evaluations = len(ev.cache) + len(fresh.cache)
    plan = GuidePlan(
        table, verified.staffing, searched, verified, sipp, mol, isa, tour, iterations, evaluations, history
    )
    return plan, fresh


def _table(
    ev: Evaluator,
    fresh: Evaluator,
    scenario: Scenario,
    ample: list[GuideDay],
    load: np.ndarray,
    verified: Verified,
    searched: Staffing,
    methods: tuple[Staffing, Staffing, Staffing],
) -> pd.DataFrame:
    sipp, mol, isa = methods
    staffing = verified.staffing
    share, low, high = verified.share
    search_share, search_low, search_high = greeted_share(ev.days(searched))
    sipp_share, sipp_low, sipp_high = greeted_share(ev.days(sipp))
    slots = len(staffing)
    return pd.DataFrame(
        {
            "slot": range(slots),
            "start": [scenario.clock_at(j * SLOT_S / 60) for j in range(slots)],
            "arrivals": np.mean([d.arrivals for d in ample], axis=0),
            "joined_queue": np.mean([d.waited for d in ample], axis=0),
            "offered_load": load,
            "sipp": sipp,
            "mol": mol,
            "isa": isa,
            "searched": searched,
            "guides": staffing,
            "verified_share": share,
            "verified_share_ci_low": low,
            "verified_share_ci_high": high,
            "meets_target": [j not in verified.unmet for j in range(slots)],
            "reneged": np.mean([d.reneged for d in fresh.days(staffing)], axis=0),
            "search_share": search_share,
            "search_share_ci_low": search_low,
            "search_share_ci_high": search_high,
            "sipp_share": sipp_share,
            "sipp_share_ci_low": sipp_low,
            "sipp_share_ci_high": sipp_high,
        }
    )
