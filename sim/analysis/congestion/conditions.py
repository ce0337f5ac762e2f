"""The conditions the congestion flags watch in zones: density, a full zone, queues, greeting waits.

Each is a day × minute array of where it holds and how bad it is, built from the replications'
summaries; ``flags.flag_rows`` turns a condition into flags.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from sim.analysis.congestion.flags import Condition, Detail, FlagKind, QueueKind, Unit
from sim.analysis.congestion.levels import persons_in, zone_levels
from sim.metrics import los
from sim.metrics.columns import GREET_WITHIN_TARGET_SHARE, GREETED_WITHIN_TARGET, PARTIES_WAITING
from sim.metrics.day import DaySummary
from sim.metrics.grid import SLOT_S
from sim.metrics.queues import MinuteSeries
from sim.metrics.stats import pooled_share
from sim.model.journey import wait_zone
from sim.model.layout import Layout
from sim.model.scenario import Scenario


def zone_conditions(days: list[DaySummary], layout: Layout, scenario: Scenario) -> Iterator[Condition]:
    """Every zone condition of the day, in the order the flag table lists them."""
    yield from _density(days, layout, scenario)
    yield from _capacity(days, layout, scenario)
    yield from _queues(days, layout, scenario)
    yield _wait(days, layout, scenario)


def _density(days: list[DaySummary], layout: Layout, scenario: Scenario) -> Iterator[Condition]:
    rule, minutes = scenario.congestion, int(scenario.day_s // 60)
    worst = los.LEVELS.index(rule.density_level)
    for zone_id, lv in zone_levels(days, layout, minutes).items():
        zone = layout.zone[zone_id]
        assert zone.area_m2 is not None
        table = los.zone_table(zone.kind)
        assert table is not None
        density = persons_in(days, layout, zone_id, minutes) / zone.area_m2
        yield Condition(zone_id, FlagKind.DENSITY, lv >= worst, density, 1.0 / table[4], Unit.DENSITY,
                        Detail(level=rule.density_level))  # fmt: skip


def _capacity(days: list[DaySummary], layout: Layout, scenario: Scenario) -> Iterator[Condition]:
    minutes = int(scenario.day_s // 60)
    for zone in layout.zones:
        held = np.array([MinuteSeries.part(d.series.door, zone.id, minutes) for d in days])
        yield Condition(zone.id, FlagKind.CAPACITY, held > 0, held, 3, Unit.PARTIES,
                        Detail(limit=zone.max_persons))  # fmt: skip


def _queues(days: list[DaySummary], layout: Layout, scenario: Scenario) -> Iterator[Condition]:
    n, minutes = scenario.congestion.queue_parties, int(scenario.day_s // 60)
    entrance, lounge = layout.zones_of("entrance")[0].id, wait_zone(layout, scenario) or ""
    queues = [
        (entrance, QueueKind.OUTSIDE, np.array([d.series.outside[:minutes] for d in days])),
        (lounge, QueueKind.GUIDE, np.array([d.series.guide[:minutes] for d in days])),
    ]
    queues += [
        (
            z.id,
            QueueKind.SERVICE,
            np.array([MinuteSeries.part(d.series.service, z.id, minutes) for d in days]),
        )
        for z in layout.zones
        if z.desks or z.places or z.tables
    ]
    for element, kind, waiting in queues:
        yield Condition(element, FlagKind.QUEUE, waiting > n, waiting, 2 * n, Unit.PARTIES,
                        Detail(limit=n, queue=kind))  # fmt: skip


def _wait(days: list[DaySummary], layout: Layout, scenario: Scenario) -> Condition:
    """A slot under target: on which days (each day's own share), and how badly (the pooled share)."""
    minutes, target = int(scenario.day_s // 60), scenario.targets.greet_share
    slots = slots_in(minutes)
    day_share, within, waited = (np.full((len(days), slots), np.nan) for _ in range(3))
    for i, d in enumerate(days):
        table = d.half_hours.set_index("slot")
        for out, column in ((day_share, GREET_WITHIN_TARGET_SHARE), (within, GREETED_WITHIN_TARGET),
                            (waited, PARTIES_WAITING)):  # fmt: skip
            out[i, : len(table)] = table[column].to_numpy()[:slots]
    pooled = np.broadcast_to(pooled_share(np.nan_to_num(within), np.nan_to_num(waited))[0], day_share.shape)
    share, hit = to_minutes(pooled, minutes), to_minutes(day_share, minutes)
    detail = Detail(limit=target, within_min=scenario.targets.greet_within_min)
    lounge = wait_zone(layout, scenario) or ""
    return Condition(lounge, FlagKind.WAIT, np.nan_to_num(hit, nan=1.0) < target, share, target - 0.2,
                     Unit.SHARE, detail)  # fmt: skip


def to_minutes(values: np.ndarray, minutes: int) -> np.ndarray:
    """Expand day × half-hour values to day × minute."""
    return np.repeat(values, int(SLOT_S // 60), axis=1)[:, :minutes]


def slots_in(minutes: int) -> int:
    """Half-hour slots covering ``minutes``."""
    return -(-minutes // int(SLOT_S // 60))
