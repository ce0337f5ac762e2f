"""Cross-checks of a layout that field validation cannot see: ids, resources, connectivity."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from sim.core.problems import Problem
from sim.model.layout import AREA_OPTIONAL, FIELD_KINDS, REQUIRED_FIELD, SAFE_KINDS, Layout


def check_layout(layout: Layout) -> list[Problem]:
    """Cross-checks that field validation cannot see: ids, resources, connectivity."""
    problems = list(_check_ids(layout))
    problems += _check_zone_fields(layout)
    problems += _check_passages(layout)
    if problems:
        return problems  # connectivity is meaningless on a broken graph
    return _check_connectivity(layout)


def _check_ids(layout: Layout) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, zone in enumerate(layout.zones):
        if zone.id in seen:
            yield Problem(f"zones[{i}].id", f"duplicate zone id {zone.id!r} (also zones[{seen[zone.id]}])")
        seen.setdefault(zone.id, i)
    pids: dict[str, int] = {}
    pairs: dict[frozenset[str], int] = {}
    for i, passage in enumerate(layout.passages):
        if passage.pid in pids:
            yield Problem(
                f"passages[{i}]", f"duplicate passage id {passage.pid!r} (also passages[{pids[passage.pid]}])"
            )
        pids.setdefault(passage.pid, i)
        pair = frozenset((passage.from_, passage.to))
        if pair in pairs:
            yield Problem(
                f"passages[{i}]",
                f"a second passage between {passage.from_!r} and {passage.to!r} (also "
                f"passages[{pairs[pair]}]); put a corridor zone between them or merge the two",
            )
        pairs.setdefault(pair, i)


def _check_zone_fields(layout: Layout) -> Iterator[Problem]:
    for i, zone in enumerate(layout.zones):
        need = REQUIRED_FIELD.get(zone.kind)
        if need and getattr(zone, need) is None:
            yield Problem(f"zones[{i}].{need}", f"required for a {zone.kind} zone ({zone.id!r})")
        if zone.area_m2 is None and zone.kind not in AREA_OPTIONAL:
            yield Problem(f"zones[{i}].area_m2", f"required for a {zone.kind} zone ({zone.id!r})")
        for field, kinds in FIELD_KINDS.items():
            value = getattr(zone, field)
            if value not in (None, False) and zone.kind not in kinds:
                yield Problem(
                    f"zones[{i}].{field}",
                    f"not used by a {zone.kind} zone; it belongs to: {', '.join(sorted(kinds))}",
                )
    kinds = {z.kind for z in layout.zones}
    if "entrance" not in kinds:
        yield Problem("zones", "no zone of kind 'entrance': visitors need a way in")
    if "exit" not in kinds:
        yield Problem("zones", "no zone of kind 'exit': the gallery needs an exit to evacuate through")


def _check_passages(layout: Layout) -> Iterator[Problem]:
    ids = {z.id for z in layout.zones}
    for i, passage in enumerate(layout.passages):
        for key, end in (("from", passage.from_), ("to", passage.to)):
            if end not in ids:
                yield Problem(f"passages[{i}].{key}", f"unknown zone id {end!r}; known ids: {_some(ids)}")
        if passage.from_ == passage.to:
            yield Problem(f"passages[{i}]", f"a passage from {passage.from_!r} to itself")
        shuttle_fields = ("seats", "vehicles", "round_trip_min")
        if passage.kind == "shuttle":
            for field in ("seats", "round_trip_min"):
                if getattr(passage, field) is None:
                    yield Problem(f"passages[{i}].{field}", "required for a shuttle")
        else:
            for field in shuttle_fields:
                if getattr(passage, field) is not None:
                    yield Problem(
                        f"passages[{i}].{field}", f"only a shuttle has {field}, this is a {passage.kind}"
                    )


def _check_connectivity(layout: Layout) -> list[Problem]:
    graph = layout.graph
    entrances = [z.id for z in layout.zones if z.kind == "entrance"]
    safe = [z.id for z in layout.zones if z.kind in SAFE_KINDS]
    reachable = set().union(*(nx.descendants(graph, e) | {e} for e in entrances))
    can_leave = set().union(*(nx.ancestors(graph, s) | {s} for s in safe))
    problems = []
    for i, zone in enumerate(layout.zones):
        if zone.kind in SAFE_KINDS:
            continue
        if zone.id not in reachable:
            problems.append(Problem(f"zones[{i}]", f"zone {zone.id!r} cannot be reached from any entrance"))
        if zone.id not in can_leave:
            problems.append(Problem(f"zones[{i}]", f"zone {zone.id!r} has no way out to an exit or entrance"))
    return problems


def _some(ids: set[str], limit: int = 8) -> str:
    names = sorted(ids)
    more = f", … ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more
