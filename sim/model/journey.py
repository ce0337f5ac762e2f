"""Where a journey goes: the zones of a stage, the waiting zone, entrances, every possible move."""

from __future__ import annotations

from itertools import chain

from sim.model.layout import Layout
from sim.model.scenario import Scenario, Stage


def stage_zones(layout: Layout, stage: Stage) -> dict[str, float]:
    """The zones a stage may use, with their choice weights."""
    if stage.zones is not None:
        return dict(stage.zones)
    return {z.id: 1.0 for z in layout.zones_of(stage.kind)}


def wait_zone(layout: Layout, scenario: Scenario) -> str | None:
    """Where parties wait for a guide: the configured zone, else a lounge, else reception."""
    if scenario.guides.wait_zone is not None:
        return scenario.guides.wait_zone
    for kind in ("lounge", "reception"):
        zones = layout.zones_of(kind)
        if zones:
            return zones[0].id
    return None


def entrance_weights(layout: Layout, scenario: Scenario) -> dict[str, float]:
    """Entrance zones parties arrive at, with weights."""
    if scenario.demand.entrances is not None:
        return dict(scenario.demand.entrances)
    return {layout.zones_of("entrance")[0].id: 1.0}


def possible_moves(layout: Layout, scenario: Scenario) -> set[tuple[str, str]]:
    """Every (from zone, to zone) move some party's journey can make, exits excluded."""
    stages = scenario.journey.stages
    index = {st.id: i for i, st in enumerate(stages)}
    zones = [list(stage_zones(layout, st)) for st in stages]
    wait = wait_zone(layout, scenario)
    moves: set[tuple[str, str]] = set()
    for i, stage in enumerate(stages):
        if stage.only_if is None:
            before = list(entrance_weights(layout, scenario))
            first_guided = next((j for j, st in enumerate(stages) if st.is_guided), None)
            if stage.is_guided and wait is not None:
                before = [*before, *chain.from_iterable(zones[: first_guided or 0])]
                moves |= {(b, wait) for b in before} | {(wait, z) for z in zones[i]}
                before = [wait]
            lo = 0
        else:
            before, lo = [], index[stage.only_if]
        before += [*chain.from_iterable(zones[lo:i]), *zones[i]]  # earlier stages, another zone of this one
        moves |= {(b, z) for b in before for z in zones[i] if b != z}
        if stage.revisit is not None:
            back = zones[index[stage.revisit.stage]]
            after = list(chain.from_iterable(zones[i + 1 :]))
            moves |= {(z, r) for z in zones[i] for r in back if z != r}
            moves |= {(r, a) for r in back for a in after if r != a}
    return moves
