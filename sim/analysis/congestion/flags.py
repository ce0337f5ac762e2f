"""Congestion flags: conditions with time windows, peaks, probabilities and severities."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from sim.analysis.congestion.levels import _series, zone_levels
from sim.metrics import los
from sim.metrics.day import DaySummary
from sim.metrics.grid import SLOT_S
from sim.model.journey import wait_zone
from sim.model.layout import Layout
from sim.model.scenario import Scenario
from sim.model.settings import Congestion

FLAG_KINDS = ("density", "capacity", "queue", "wait", "counter_flow", "crossing")


def windows(hit: np.ndarray, value: np.ndarray, rule: Congestion) -> list[tuple[int, int, float, float]]:
    """Merge minutes where enough replications show the condition: (start, end, probability, peak)."""
    active = np.flatnonzero(hit.mean(axis=0) >= rule.min_share)
    if len(active) == 0:
        return []
    runs, start, last = [], active[0], active[0]
    for m in active[1:]:
        if m - last > rule.merge_gap_min + 1:
            runs.append((start, last))
            start = m
        last = m
    runs.append((start, last))
    out = []
    for a, b in runs:
        window = hit[:, a : b + 1]
        probability = float(window.any(axis=1).mean())
        counts = window.sum(axis=0)
        means = np.where(
            counts > 0, np.where(window, value[:, a : b + 1], 0.0).sum(axis=0) / np.maximum(counts, 1), np.nan
        )
        peak = float(np.nanmax(means)) if np.isfinite(means).any() else float("nan")
        out.append((int(a), int(b) + 1, probability, peak))
    return out


def _severity(kind: str, probability: float, peak: float, threshold: float) -> str:
    if probability < 0.5:
        return "low"
    if kind == "density":
        return "high" if peak >= threshold else "medium"
    if kind == "wait":
        return "high" if peak <= threshold else "medium"
    return "high" if peak >= threshold else "medium"


def _to_minutes(values: np.ndarray, minutes: int) -> np.ndarray:
    """Expand day × slot values to day × minute."""
    return np.repeat(values, int(SLOT_S // 60), axis=1)[:, :minutes]


def _slots(minutes: int) -> int:
    return -(-minutes // int(SLOT_S // 60))


def _volumes(days: list[DaySummary], slots: int) -> dict[tuple[str, str], np.ndarray]:
    """Persons per direction, day × slot, for every directed passage used."""
    out: dict[tuple[str, str], np.ndarray] = {}
    for i, day in enumerate(days):
        f = day.flows
        for slot, a, b, persons in zip(f["slot"], f["from"], f["to"], f["persons"], strict=True):
            if slot < slots:
                out.setdefault((a, b), np.zeros((len(days), slots)))[i, slot] = persons
    return out


def flag_table(days: list[DaySummary], layout: Layout, scenario: Scenario) -> pd.DataFrame:
    """One row per finding: element, kind, time window, peak, probability, severity, detail."""
    rule, minutes = scenario.congestion, int(scenario.day_s // 60)
    found: list[dict] = []

    def add(element, kind, hit, value, threshold, detail="", unit=""):
        for a, b, probability, peak in windows(hit, value, rule):
            found.append(
                {"element": element, "kind": kind, "start": scenario.clock_at(a), "end": scenario.clock_at(b),
                 "start_min": a, "end_min": b, "peak": round(peak, 3), "unit": unit, "probability": round(probability, 3),
                 "severity": _severity(kind, probability, peak, threshold), "detail": detail}
            )  # fmt: skip

    worst = los.LEVELS.index(rule.density_level)
    for zone_id, lv in zone_levels(days, layout, minutes).items():
        area = layout.zone[zone_id].area_m2
        column = f"persons:outside:{zone_id}"
        persons = _series(days, column, minutes) if layout.zone[zone_id].kind == "entrance" else None
        if persons is None:
            persons = np.array([d.occupancy[zone_id].to_numpy()[:minutes] for d in days])
        density = persons / area
        add(
            zone_id,
            "density",
            lv >= worst,
            density,
            1.0 / los.zone_table(layout.zone[zone_id].kind)[4],
            f"Fruin {rule.density_level} or worse",
            "persons/m²",
        )
    for zone in layout.zones:
        held = _series(days, f"queue:door:{zone.id}", minutes)
        add(
            zone.id,
            "capacity",
            held > 0,
            held,
            3,
            f"full (max_persons {zone.max_persons}): parties held at the door",
            "parties",
        )
    n = rule.queue_parties
    entrance, lounge = layout.zones_of("entrance")[0].id, wait_zone(layout, scenario) or ""
    queues = {(entrance, "outside the door"): "queue:outside", (lounge, "for a guide"): "queue:guide"}
    queues |= {
        (z.id, "for a desk, place or table"): f"queue:service:{z.id}"
        for z in layout.zones
        if z.desks or z.places or z.tables
    }
    for (element, what), column in queues.items():
        q = _series(days, column, minutes)
        add(element, "queue", q > n, q, 2 * n, f"more than {n} parties waiting {what}", "parties")
    target = scenario.targets.greet_share
    share = np.full((len(days), _slots(minutes)), np.nan)
    for i, d in enumerate(days):
        values = d.half_hours.set_index("slot")["greet_within_target_share"]
        share[i, : len(values)] = values.to_numpy()[: share.shape[1]]
    share = _to_minutes(share, minutes)
    add(
        lounge,
        "wait",
        np.nan_to_num(share, nan=1.0) < target,
        share,
        target - 0.2,
        f"under {target:.0%} greeted within {scenario.targets.greet_within_min:g} min",
        "share",
    )
    _counter_flow(days, layout, scenario, add)
    _crossings(days, layout, scenario, add)
    table = pd.DataFrame(
        found,
        columns=[
            "element",
            "kind",
            "start",
            "end",
            "start_min",
            "end_min",
            "peak",
            "unit",
            "probability",
            "severity",
            "detail",
        ],
    )
    order = {"high": 0, "medium": 1, "low": 2}
    return table.sort_values(
        ["start_min", "severity"],
        key=lambda c: c.map(order) if c.name == "severity" else c,
        ignore_index=True,
    )


def _counter_flow(days: list[DaySummary], layout: Layout, scenario: Scenario, add) -> None:
    """A passage used both ways in the same half hour, each way by at least the threshold."""
    rule, minutes = scenario.congestion, int(scenario.day_s // 60)
    volumes = _volumes(days, _slots(minutes))
    none = np.zeros((len(days), _slots(minutes)))
    for p in layout.passages:
        if p.one_way or p.kind == "shuttle":
            continue
        forward = _to_minutes(volumes.get((p.from_, p.to), none), minutes)
        back = _to_minutes(volumes.get((p.to, p.from_), none), minutes)
        hit = (forward >= rule.counter_flow_persons) & (back >= rule.counter_flow_persons)
        detail = f"{p.from_}→{p.to} and {p.to}→{p.from_} in the same half hour (peak: the smaller flow)"
        add(
            p.pid,
            "counter_flow",
            hit,
            np.minimum(forward, back),
            3 * rule.counter_flow_persons,
            detail,
            "persons/30 min",
        )


def _crossings(days: list[DaySummary], layout: Layout, scenario: Scenario, add) -> None:
    """Through-movements in a zone that oppose each other or whose paths cross."""
    rule, minutes = scenario.congestion, int(scenario.day_s // 60)
    per_slot = int(SLOT_S // 60)
    slots = -(-minutes // per_slot)
    through = pd.concat([d.through.assign(day=i) for i, d in enumerate(days)], ignore_index=True)
    if through.empty:
        return
    big = through[through["persons"] >= rule.crossing_persons]
    for zone, rows in big.groupby("zone"):
        moves = sorted(set(zip(rows["from"], rows["to"], strict=True)))
        for m1, m2 in itertools.combinations(moves, 2):
            if not _conflict(layout, zone, m1, m2):
                continue
            hit = np.zeros((len(days), slots), bool)
            value = np.zeros((len(days), slots))
            for (day, slot), group in rows.groupby(["day", "slot"]):
                pairs = set(zip(group["from"], group["to"], strict=True))
                if m1 in pairs and m2 in pairs and slot < slots:
                    hit[day, slot] = True
                    value[day, slot] = group["persons"].sum()
            kind = "opposing" if m1 == (m2[1], m2[0]) else "crossing"
            detail = f"{m1[0]}→{m1[1]} × {m2[0]}→{m2[1]} through {zone} ({kind})"
            add(
                zone,
                "crossing",
                np.repeat(hit, per_slot, axis=1)[:, :minutes],
                np.repeat(value, per_slot, axis=1)[:, :minutes],
                3 * rule.crossing_persons,
                detail,
                "persons/30 min",
            )


def _conflict(layout: Layout, zone: str, m1: tuple[str, str], m2: tuple[str, str]) -> bool:
    if m1 == (m2[1], m2[0]):
        return True  # the same way, in opposite directions: backflow through the zone
    if len({*m1, *m2}) < 4:
        return False  # movements that share an end merge or split; they do not cross
    pos = {z: np.asarray(layout.zone[z].xy, dtype=float) for z in (*m1, *m2, zone)}
    return _segments_cross(pos[m1[0]], pos[m1[1]], pos[m2[0]], pos[m2[1]])


def _segments_cross(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> bool:
    """Do the chords a–b and c–d through a zone properly intersect?"""

    def side(p, q, r):
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0
