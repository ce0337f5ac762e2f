"""Cross-checks of a layout that field validation cannot see: ids, resources, connectivity."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from sim.core.problems import Problem, problem
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
            yield problem(f"zones[{i}].id", "duplicate_zone", id=repr(zone.id), other=seen[zone.id])
        seen.setdefault(zone.id, i)
    pids: dict[str, int] = {}
    pairs: dict[frozenset[str], int] = {}
    for i, passage in enumerate(layout.passages):
        if passage.pid in pids:
            yield problem(
                f"passages[{i}]", "duplicate_passage", id=repr(passage.pid), other=pids[passage.pid]
            )
        pids.setdefault(passage.pid, i)
        pair = frozenset((passage.from_, passage.to))
        if pair in pairs:
            yield problem(
                f"passages[{i}]",
                "second_passage",
                a=repr(passage.from_),
                b=repr(passage.to),
                other=pairs[pair],
            )
        pairs.setdefault(pair, i)


def _check_zone_fields(layout: Layout) -> Iterator[Problem]:
    for i, zone in enumerate(layout.zones):
        need = REQUIRED_FIELD.get(zone.kind)
        if need and getattr(zone, need) is None:
            yield problem(f"zones[{i}].{need}", "required_for_kind", kind=zone.kind, id=repr(zone.id))
        if zone.area_m2 is None and zone.kind not in AREA_OPTIONAL:
            yield problem(f"zones[{i}].area_m2", "required_for_kind", kind=zone.kind, id=repr(zone.id))
        if zone.size_m and zone.area_m2 and zone.area_m2 > zone.size_m[0] * zone.size_m[1] * (1 + 1e-9):
            yield problem(
                f"zones[{i}].area_m2", "area_exceeds_size", id=repr(zone.id), area=f"{zone.area_m2:g}",
                w=f"{zone.size_m[0]:g}", d=f"{zone.size_m[1]:g}",
            )  # fmt: skip
        for field, kinds in FIELD_KINDS.items():
            value = getattr(zone, field)
            if value not in (None, False) and zone.kind not in kinds:
                yield problem(
                    f"zones[{i}].{field}",
                    "field_not_for_kind",
                    kind=zone.kind,
                    kinds=", ".join(sorted(kinds)),
                )
    kinds = {z.kind for z in layout.zones}
    if "entrance" not in kinds:
        yield problem("zones", "no_entrance")
    if "exit" not in kinds:
        yield problem("zones", "no_exit")


def _check_passages(layout: Layout) -> Iterator[Problem]:
    ids = {z.id for z in layout.zones}
    for i, passage in enumerate(layout.passages):
        for key, end in (("from", passage.from_), ("to", passage.to)):
            if end not in ids:
                yield problem(f"passages[{i}].{key}", "unknown_zone_known", id=repr(end), known=_some(ids))
        if passage.from_ == passage.to:
            yield problem(f"passages[{i}]", "passage_to_itself", id=repr(passage.from_))
        shuttle_fields = ("seats", "vehicles", "round_trip_min")
        if passage.kind == "shuttle":
            for field in ("seats", "round_trip_min"):
                if getattr(passage, field) is None:
                    yield problem(f"passages[{i}].{field}", "required_for_shuttle")
        else:
            for field in shuttle_fields:
                if getattr(passage, field) is not None:
                    yield problem(f"passages[{i}].{field}", "only_shuttle", field=field, kind=passage.kind)


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
            problems.append(problem(f"zones[{i}]", "unreachable_zone", id=repr(zone.id)))
        if zone.id not in can_leave:
            problems.append(problem(f"zones[{i}]", "no_way_out", id=repr(zone.id)))
    return problems


def _some(ids: set[str], limit: int = 8) -> str:
    names = sorted(ids)
    more = f", … ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more
