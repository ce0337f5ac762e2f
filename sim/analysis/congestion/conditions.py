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
from sim.metrics.day import DaySummary
from sim.metrics.grid import SLOT_S
from sim.metrics.queues import MinuteSeries
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
    minutes, target = int(scenario.day_s // 60), scenario.targets.greet_share
    share = np.full((len(days), slots_in(minutes)), np.nan)
    for i, d in enumerate(days):
        values = d.half_hours.set_index("slot")["greet_within_target_share"]
        share[i, : len(values)] = values.to_numpy()[: share.shape[1]]
    share = to_minutes(share, minutes)
    detail = Detail(limit=target, within_min=scenario.targets.greet_within_min)
    lounge = wait_zone(layout, scenario) or ""
    return Condition(lounge, FlagKind.WAIT, np.nan_to_num(share, nan=1.0) < target, share, target - 0.2,
                     Unit.SHARE, detail)  # fmt: skip


def to_minutes(values: np.ndarray, minutes: int) -> np.ndarray:
    """Expand day × half-hour values to day × minute."""
    return np.repeat(values, int(SLOT_S // 60), axis=1)[:, :minutes]


def slots_in(minutes: int) -> int:
    """Half-hour slots covering ``minutes``."""
    return -(-minutes // int(SLOT_S // 60))
