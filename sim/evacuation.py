"""Evacuation of a layout at its busiest: who is where, three clearance methods, and the findings.

Methods (research/evacuation.md):
- *hydraulic* (SFPE / IMO simplified, §1): each zone's people follow the quickest escape route;
  element by element, walking time L/S and flow time N/Fc. An element passes its own zone's
  people at Fs,max × effective width and what flows in from upstream no faster than it arrives;
  what it adds to the arrivals is its queue. S follows the specific flow (IMO Table 1.3), or the
  crowd's own density when too few people pass to form a steady stream. A route takes
  pre-movement + Σ walking + the longest flow time on it.
- *lower bound* (§7): the quickest evacuation the capacities allow, a time-expanded max flow with
  the code flow capacities and the fastest walking speed any method here uses; nobody can beat it.
- *simulated* (``sim.egress``): occupants as agents with pre-movement times, route choice by
  distance and queue, passages as flow-limited servers and speed falling with density.

Findings: clearance per method, per zone and per exit; the governing element; every exit blocked
in turn (N−1); widening the governing element; RSET = Td + Tpre + k·Tt against the scenario's
allowed time; and the GB 50016 code check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from sim.codecheck import Rule, check, design_occupants
from sim.egress import HOLD_P_M2, EgressRun, egress_network, escape_directions, simulate_egress
from sim.eventlog import passage_key
from sim.hydraulic import (
    FS_MAX,
    crowd_speed,
    effective_width,
    fastest_speed,
    free_speed,
    speed_after,
)
from sim.layout import SAFE_KINDS, Layout
from sim.metrics import ci95, day_grid, occupancy_grid, places
from sim.problems import InputError, Problem
from sim.quickest import FlowNetwork, out_curve, quickest
from sim.runner import map_replications
from sim.scenario import Evacuation

MAX_P_M2 = 5.0  # more people than this per m² cannot physically stand in a zone (research §5.1: jam 5.4)
WIDENINGS_M = (0.3, 0.6)


# ---------------------------------------------------------------- who is where


def check_occupants(layout: Layout, occupants: dict[str, float], source: str = "occupants") -> dict[str, int]:
    """Whole persons per zone (rounded up), or an ``InputError`` naming every impossible entry."""
    problems = []
    for zone_id, persons in occupants.items():
        where = f"{source}: {zone_id}"
        zone = layout.zone.get(zone_id)
        if zone is None:
            problems.append(Problem(where, f"no such zone in layout {layout.name!r}"))
        elif not isinstance(persons, int | float) or not math.isfinite(persons) or persons < 0:
            problems.append(Problem(where, f"persons must be a number ≥ 0, got {persons!r}"))
        elif zone.kind in SAFE_KINDS and persons > 0:
            problems.append(Problem(where, f"{zone.kind} zones are outside: people there are already out"))
        elif zone.area_m2 and persons / zone.area_m2 > MAX_P_M2:
            problems.append(
                Problem(
                    where,
                    f"{persons:g} persons on {zone.area_m2:g} m² is {persons / zone.area_m2:.1f} p/m²; "
                    f"more than {MAX_P_M2:g} p/m² cannot stand there",
                )
            )
    if problems:
        raise InputError(problems)
    return {z: math.ceil(n - 1e-9) for z, n in occupants.items() if n > 0}


def read_occupants(path: str | Path, layout: Layout) -> dict[str, int]:
    """Occupants from a CSV with columns ``zone,persons``."""
    source = str(path)
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise InputError([Problem("", f"cannot read the occupants CSV: {exc}")], source) from None
    missing = {"zone", "persons"} - set(table.columns)
    if missing:
        raise InputError(
            [Problem("", f"needs columns zone,persons; missing {', '.join(sorted(missing))}")], source
        )
    persons = pd.to_numeric(table["persons"], errors="coerce")
    bad = table.index[persons.isna()].tolist()
    if bad:
        row = bad[0] + 2  # header is line 1
        raise InputError(
            [Problem(f"line {row}", f"persons {table['persons'][bad[0]]!r} is not a number")], source
        )
    if table["zone"].duplicated().any():
        twice = table["zone"][table["zone"].duplicated()].iloc[0]
        raise InputError([Problem(f"zone {twice}", "listed twice")], source)
    return check_occupants(
        layout, dict(zip(table["zone"].astype(str), persons.astype(float), strict=True)), source
    )


def peak_snapshot(log: pd.DataFrame, layout: Layout, scenario, replication: int) -> dict[str, float]:
    """Persons in each zone at the minute of the day when the most people are inside.

    People walking a passage count in the zone they are walking to (or from, if that is outside).
    """
    grid = occupancy_grid(log, day_grid(scenario), places(layout))
    inside = [z.id for z in layout.zones if z.kind not in SAFE_KINDS]
    per_zone = grid[inside].copy()
    for u, v in layout.graph.edges:
        target = v if layout.zone[v].kind not in SAFE_KINDS else u
        key = passage_key(u, v)
        if key in grid.columns and layout.zone[target].kind not in SAFE_KINDS:
            per_zone[target] += grid[key]
    peak = per_zone.sum(axis=1).idxmax()
    return {z: float(per_zone.at[peak, z]) for z in inside} | {"_minute": float(peak)}


def busiest_minute(minutes: pd.Series) -> float:
    """The busiest moment over days: the median minute within the half hour most days peak in.

    (The plain median of two-peaked days can fall in the lunch lull between them.)
    """
    slot = (minutes // 30).mode().min()
    return float(minutes[minutes // 30 == slot].median())


def peak_occupants(
    layout: Layout,
    scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
):
    """Occupants at the simulated day's peak, and the table of each day's peak moment.

    Per zone, the p95 across replications of the headcount at each replication's moment of
    highest total occupancy (conservative: the sum of p95s is at least the p95 of the sums).
    """
    reps = replications or scenario.run.replications
    seed = scenario.run.seed if seed is None else seed
    snaps = map_replications(peak_snapshot, layout, scenario, reps, seed, workers)
    table = pd.DataFrame(snaps)
    minutes = table.pop("_minute")
    p95 = table.quantile(0.95).to_dict()
    peaks = pd.DataFrame({"replication": range(reps), "minute": minutes, "total": table.sum(axis=1)}).assign(
        clock=lambda d: [scenario.clock_at(m) for m in d["minute"]]
    )
    return check_occupants(layout, {z: n for z, n in p95.items() if n > 0}, "simulated peak"), peaks


# ---------------------------------------------------------------- the escape network


def _escape_graph(
    layout: Layout, blocked: frozenset[str], convention: str, widths: dict[str, float]
) -> nx.DiGraph:
    """Directed passages usable in an evacuation, with their element, effective width and walk."""
    graph = nx.DiGraph()
    graph.add_nodes_from(z.id for z in layout.zones)
    for u, v, p, element in escape_directions(layout, blocked):
        clear = widths.get(p.pid, p.width_m)
        width = effective_width(clear, element.split("_")[0], convention)
        if width <= 0:
            continue
        graph.add_edge(
            u, v, pid=p.pid, element=element, length_m=p.length_m, clear_m=clear, width_m=width,
            walk_s=p.length_m / free_speed(element),
        )  # fmt: skip
    return graph


def _open_exits(layout: Layout, blocked: frozenset[str]) -> frozenset[str]:
    return frozenset(z.id for z in layout.zones if z.kind in SAFE_KINDS and z.id not in blocked)


def _no_route(zones: list[str]) -> str:
    return f"{', '.join(sorted(zones))}: people there cannot get out, no escape route to an open exit"


# ---------------------------------------------------------------- hydraulic


@dataclass
class Hydraulic:
    """The hydraulic method's result."""

    clearance_s: float
    premovement_s: float
    movement_s: float  # the longest route without pre-movement (Tt)
    elements: pd.DataFrame  # one row per passage used
    routes: pd.DataFrame  # one row per occupied zone
    by_exit: pd.DataFrame
    curve: pd.DataFrame  # t_s, remaining


TIE = 0.05  # ways out whose walk is within 5% (or TIE_S) of the quickest count as equally quick
TIE_S = 1.0


def hydraulic(
    layout: Layout,
    occupants: dict[str, float],
    premovement_s: float = 0.0,
    convention: str = "imo",
    blocked: frozenset[str] = frozenset(),
    widths: dict[str, float] | None = None,
) -> Hydraulic:
    """The SFPE / IMO hydraulic calculation over the zones' escape routes.

    Each zone's people take its quickest way out (the usual hand-calculation assignment, to the
    nearest exit); where several ways are equally quick they divide by capacity.

    Raises:
        ValueError: if some occupants have no escape route.
    """
    graph = _escape_graph(layout, blocked, convention, widths or {})
    exits = _open_exits(layout, blocked)
    reach = sorted(set(exits) & set(graph))  # sorted: a set of ids iterates in a per-process order
    rev = graph.reverse(copy=False)
    dist, tree = nx.multi_source_dijkstra(rev, reach, weight="walk_s") if reach else ({}, {})
    people = {z: n for z, n in occupants.items() if n > 0}
    trapped = [z for z in people if z not in dist]
    if trapped:
        raise ValueError(_no_route(trapped))
    ways = _ways_out(graph, dist, tree, exits)
    carried = dict.fromkeys(dist, 0.0)
    rows: dict[tuple[str, str], dict] = {}
    for u in sorted((z for z in dist if z not in exits), key=lambda z: (-dist[z], -len(tree[z]))):
        feeders = [r for (a, b), r in rows.items() if b == u]
        carried[u] += people.get(u, 0.0)
        if carried[u] <= 0:
            continue
        # The zone's own people are at its ways out at once; feeders arrive over their flow times.
        arriving_s = max((f["flow_s"] for f in feeders), default=0.0)
        for v, share in ways[u]:
            rows[u, v] = _element(
                graph.edges[u, v], u, v, carried[u] * share, arriving_s, people.get(u, 0) > 0
            )
            carried[v] += carried[u] * share
    elements = pd.DataFrame(list(rows.values()))
    routes, pieces = [], []
    for zone, n in people.items():
        paths = _paths(ways, zone, exits)
        timed = []
        for path, share in paths:
            chain = [rows[a, b] for a, b in pairwise(path)]
            walk = sum(r["walk_s"] for r in chain)
            slowest = max(chain, key=lambda r: r["flow_s"])
            timed.append((walk + slowest["flow_s"], walk, slowest, chain, share, path[-1]))
            pieces.append((n * share, premovement_s + walk, premovement_s + walk + slowest["flow_s"]))
        movement, walk, slowest, chain, _, _ = max(timed, key=lambda x: x[0])
        routes.append(
            {
                "zone": zone, "persons": n,
                "exit": ", ".join(f"{e} {sum(t[4] for t in timed if t[5] == e):.0%}" for e in
                                  sorted({t[5] for t in timed})),
                "route": " → ".join(r["element"] for r in chain), "walk_s": walk, "flow_s": slowest["flow_s"],
                "governing": slowest["element"], "movement_s": movement, "total_s": premovement_s + movement,
            }
        )  # fmt: skip
    routes_df = pd.DataFrame(routes)
    if routes_df.empty:
        return Hydraulic(0.0, premovement_s, 0.0, elements, routes_df, pd.DataFrame(), _curve([], 0.0))
    into_exit = elements[elements["to"].isin(exits)]
    by_exit = (
        into_exit.groupby("to")
        .agg(persons=("persons", "sum"), flow_p_s=("flow_p_s", "sum"), flow_s=("flow_s", "max"))
        .reset_index()
        .rename(columns={"to": "exit"})
    )
    movement = float(routes_df["movement_s"].max())
    return Hydraulic(
        premovement_s + movement,
        premovement_s,
        movement,
        elements,
        routes_df,
        by_exit,
        _curve(pieces, movement),
    )


def _ways_out(
    graph: nx.DiGraph, dist: dict[str, float], tree: dict, exits: frozenset[str]
) -> dict[str, list]:
    """Zone → [(next zone, share)]: its quickest way out, or its equally quick ways.

    Ways whose walk to an exit is within ``TIE`` of the quickest (people spread over a room use the
    door nearest them) divide the zone's people in proportion to what each can carry: the
    capacity of its narrowest element out to the exit. The next zone on the quickest way always
    counts (even over a zero-length door); any other must be strictly nearer an exit, so the ways
    never form a loop.
    """

    def capacity(edge: tuple[str, str]) -> float:
        d = graph.edges[edge]
        return FS_MAX[d["element"]] * d["width_m"]

    ways = {}
    for u in dist:
        if u in exits:
            continue
        tie = max(TIE * dist[u], TIE_S)
        options = [
            v
            for _, v, d in graph.out_edges(u, data=True)
            if v == tree[u][-2]
            or (v in dist and dist[v] < dist[u] and d["walk_s"] + dist[v] <= dist[u] + tie)
        ]
        necks = [min([capacity((u, v)), *(capacity(e) for e in pairwise(tree[v][::-1]))]) for v in options]
        ways[u] = [(v, c / sum(necks)) for v, c in zip(options, necks, strict=True)]
    return ways


def _paths(ways: dict[str, list], zone: str, exits: frozenset[str]) -> list[tuple[list[str], float]]:
    """Every way from ``zone`` to an exit over the split network, with the share that takes it."""
    out, stack = [], [([zone], 1.0)]
    while stack:
        path, share = stack.pop()
        if path[-1] in exits:
            out.append((path, share))
            continue
        for v, w in ways[path[-1]]:
            stack.append(([*path, v], share * w))
    return out


def _element(edge: dict, u: str, v: str, n: float, arriving_s: float, own: bool) -> dict:
    """One element's hydraulic figures for ``n`` persons whose arrivals take ``arriving_s``."""
    cap = FS_MAX[edge["element"]] * edge["width_m"]
    flow_s = max(n / cap, arriving_s)
    fc = n / flow_s
    specific = fc / edge["width_m"]
    row = "corridor" if edge["element"] in ("door", "outdoor") else edge["element"]
    speed = speed_after(specific, row)
    stream = specific / speed * edge["length_m"] * edge["width_m"]  # persons a steady stream holds
    if 0 < n < stream:  # too few to form the stream: they walk at the speed of their own density
        speed = max(speed, crowd_speed(n / (edge["length_m"] * edge["width_m"]), edge["element"]))
    return {
        "element": edge["pid"], "kind": edge["element"], "from": u, "to": v, "persons": n,
        "clear_m": edge["clear_m"], "effective_m": round(edge["width_m"], 3), "capacity_p_s": cap,
        "inflow_p_s": math.inf if own else (n / arriving_s if arriving_s else math.inf), "flow_p_s": fc,
        "specific_flow": specific, "speed_m_s": speed, "walk_s": edge["length_m"] / speed, "flow_s": flow_s,
        "capacity_flow_s": n / cap, "queue_s": flow_s - arriving_s,
    }  # fmt: skip


def _curve(pieces: list[tuple[float, float, float]], horizon: float) -> pd.DataFrame:
    """People still inside over time when each piece of ``n`` leaves evenly between two times."""
    end = max([b for _, _, b in pieces], default=horizon)
    t = np.linspace(0.0, max(end, 1.0), 200)
    total = sum(n for n, _, _ in pieces)
    out = sum(n * np.clip((t - a) / max(b - a, 1e-9), 0.0, 1.0) for n, a, b in pieces) if pieces else 0 * t
    return pd.DataFrame({"t_s": t, "remaining": total - out})


# ---------------------------------------------------------------- lower bound


def flow_network(
    layout: Layout,
    occupants: dict[str, float],
    period_s: float = 5.0,
    blocked: frozenset[str] = frozenset(),
    widths: dict[str, float] | None = None,
) -> FlowNetwork:
    """Zones and passages as a time-expanded flow model; ``blocked`` exits take nobody.

    Capacities are the code flows (Fs,max × clear width: 1.3 p/(s·m) on the level, 1.1 down and
    0.88 up stairs; IMO MSC.1/Circ.1238 Table 1.2), rounded up to whole persons per period; a
    passage takes the whole periods the fastest
    walker here needs, rounded down; a zone holds 3.8 p/m² (or its initial occupants if more).
    """
    widths = widths or {}
    capacity = {
        z.id: (
            math.inf
            if z.area_m2 is None or z.kind in SAFE_KINDS
            else max(z.area_m2 * HOLD_P_M2, occupants.get(z.id, 0.0))
        )
        for z in layout.zones
    }
    arcs = []
    for u, v, p, element in escape_directions(layout, blocked):
        # Whole persons: a passage whose entry admits one person every 1/c seconds lets at
        # most ceil(c·Δ) start in any period of Δ seconds.
        flow = math.ceil(FS_MAX[element] * widths.get(p.pid, p.width_m) * period_s - 1e-9)
        walk = p.length_m / fastest_speed(element)
        arcs.append((u, v, flow, math.floor(walk / period_s)))  # round down: still a lower bound
    return FlowNetwork(dict(occupants), capacity, arcs, _open_exits(layout, blocked))


def lower_bound_s(
    layout: Layout,
    occupants: dict[str, float],
    period_s: float = 5.0,
    blocked: frozenset[str] = frozenset(),
    widths: dict[str, float] | None = None,
) -> float:
    """The quickest everyone can be out (seconds), resolved to ``period_s``.

    Raises:
        ValueError: if some occupants have no escape route.
    """
    return quickest(flow_network(layout, occupants, period_s, blocked, widths)) * period_s


def lower_bound_curve(
    layout: Layout, occupants: dict[str, float], period_s: float, periods: int
) -> pd.DataFrame:
    """People still inside at the end of each period on a quickest evacuation."""
    net = flow_network(layout, occupants, period_s)
    curves = out_curve(net, periods)
    out = np.sum([np.asarray(c) for c in curves.values()], axis=0) if curves else np.zeros(periods + 1)
    return pd.DataFrame({"t_s": np.arange(periods + 1) * period_s, "remaining": net.people - out})


# ---------------------------------------------------------------- simulated


@dataclass
class Simulated:
    """Replicated simulated evacuations of one variant."""

    clearance: tuple[float, float, float]  # mean, 95% CI
    clearance_p95_s: float
    movement_s: float  # mean over replications of the longest individual movement time (Tt)
    runs: list[EgressRun] = field(repr=False)

    def by_exit(self) -> pd.DataFrame:
        """Persons, flow and last person out per exit (means over replications)."""
        rows = []
        for exit_ in sorted(self.runs[0].exit_times):
            times = [r.exit_times[exit_] for r in self.runs]
            persons = [len(t) for t in times]
            flows = [len(t) / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else math.nan for t in times]
            rows.append(
                {
                    "exit": exit_,
                    "persons": float(np.mean(persons)),
                    "flow_p_s": float(np.nanmean(flows)) if not all(map(math.isnan, flows)) else math.nan,
                    "last_out_s": float(np.mean([t[-1] if len(t) else math.nan for t in times])),
                }
            )
        return pd.DataFrame(rows)

    def zone_clear(self) -> pd.DataFrame:
        """When each zone's own occupants have all left it: mean and 95% CI."""
        zones = sorted(self.runs[0].zone_clear_s)
        rows = []
        for z in zones:
            mean, low, high = ci95([r.zone_clear_s[z] for r in self.runs], 0.0)
            rows.append({"zone": z, "clear_s": mean, "low": low, "high": high})
        return pd.DataFrame(rows)

    def waits(self) -> pd.DataFrame:
        """Per passage: persons through it and the longest wait at it (means over replications)."""
        keys = sorted({k for r in self.runs for k in r.waits})
        rows = []
        for k in keys:
            got = [r.waits.get(k, (0, 0.0, 0.0)) for r in self.runs]
            rows.append(
                {
                    "element": k,
                    "persons": float(np.mean([g[0] for g in got])),
                    "longest_wait_s": float(np.mean([g[1] for g in got])),
                    "mean_wait_s": float(np.sum([g[2] for g in got]) / max(1, sum(g[0] for g in got))),
                }
            )
        return pd.DataFrame(rows)

    def exit_curves(self, step_s: float = 2.0) -> pd.DataFrame:
        """Persons out through each exit over time: the median across replications."""
        end = max(r.clearance_s for r in self.runs)
        t = np.arange(0.0, end + step_s, step_s)
        frame = {"t_s": t}
        for exit_ in sorted(self.runs[0].exit_times):
            counts = [np.searchsorted(r.exit_times[exit_], t, side="right") for r in self.runs]
            frame[exit_] = np.median(counts, axis=0)
        return pd.DataFrame(frame)

    def curve(self, step_s: float = 2.0) -> pd.DataFrame:
        """People still inside over time: median and 5–95% band across replications."""
        end = max(r.clearance_s for r in self.runs)
        t = np.arange(0.0, end + step_s, step_s)
        total = sum(len(v) for v in self.runs[0].exit_times.values())
        left = np.array(
            [
                total - np.searchsorted(np.sort(np.concatenate(list(r.exit_times.values()))), t, side="right")
                for r in self.runs
            ]
        )
        return pd.DataFrame(
            {
                "t_s": t,
                "remaining": np.median(left, axis=0),
                "p05": np.percentile(left, 5, axis=0),
                "p95": np.percentile(left, 95, axis=0),
            }
        )


def premovement_draws(occupants: dict[str, int], settings: Evacuation, seed: int, replication: int):
    """Pre-movement times (s) per zone, from their own stream: the same people in every variant."""
    rng = np.random.default_rng([seed, replication, 0xE7AC])
    return {z: np.array([settings.premovement.sample_s(rng) for _ in range(n)]) for z, n in occupants.items()}


def simulated(
    layout: Layout,
    occupants: dict[str, int],
    settings: Evacuation,
    seed: int = 0,
    blocked: frozenset[str] = frozenset(),
    widths: dict[str, float] | None = None,
    draws: list[dict[str, np.ndarray]] | None = None,
) -> Simulated:
    """``settings.replications`` simulated evacuations (common pre-movement draws across variants).

    Raises:
        ValueError: if some occupants have no escape route.
    """
    net = egress_network(layout, blocked, settings.width_convention, settings.speed_model, widths)
    draws = draws or [premovement_draws(occupants, settings, seed, r) for r in range(settings.replications)]
    runs = [simulate_egress(net, occupants, d) for d in draws]
    clear = [r.clearance_s for r in runs]
    return Simulated(
        ci95(clear, 0.0),
        float(np.percentile(clear, 95)),
        float(np.mean([r.longest_movement_s for r in runs])),
        runs,
    )


# ---------------------------------------------------------------- the analysis


def premovement_design_s(settings: Evacuation, q: float = 0.99) -> float:
    """The design pre-movement time for the hydraulic method: the ``q`` quantile (bisection)."""
    low, high = 0.0, 60.0
    while float(settings.premovement.survival(np.array([high]))[0]) > 1 - q:
        high *= 2
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (
            (mid, high) if float(settings.premovement.survival(np.array([mid]))[0]) > 1 - q else (low, mid)
        )
    return high


@dataclass
class EvacuationReport:
    """Everything ``anchang evac`` reports."""

    layout: str
    occupants: dict[str, int]
    occupants_source: str
    settings: Evacuation
    allowed_s: float | None
    hydraulic: Hydraulic
    lower_bound_s: float
    lower_curve: pd.DataFrame
    simulated: Simulated
    governing: pd.DataFrame  # elements ranked by hydraulic queueing time, simulated waits beside
    n_minus_1: pd.DataFrame
    widening: pd.DataFrame
    rset: pd.DataFrame
    code_check: list[Rule]
    peaks: pd.DataFrame | None = None

    @property
    def governing_element(self) -> str | None:
        """The element with the longest queue."""
        return None if self.governing.empty else str(self.governing["element"].iloc[0])


def _variant(layout, occupants, settings, seed, draws, blocked=frozenset(), widths=None) -> dict:
    """Clearance by the three methods for one variant, or the reason there is none."""
    try:
        h = hydraulic(
            layout, occupants, premovement_design_s(settings), settings.width_convention, blocked, widths
        )
        lb = lower_bound_s(layout, occupants, settings.period_s, blocked, widths)
        sim = simulated(layout, occupants, settings, seed, blocked, widths, draws)
    except ValueError as exc:
        return {"hydraulic_s": math.nan, "lower_bound_s": math.nan, "simulated_s": math.nan,
                "simulated_low": math.nan, "simulated_high": math.nan, "finding": str(exc)}  # fmt: skip
    mean, low, high = sim.clearance
    return {"hydraulic_s": h.clearance_s, "lower_bound_s": lb, "simulated_s": mean,
            "simulated_low": low, "simulated_high": high, "finding": ""}  # fmt: skip


def analyse(
    layout: Layout,
    occupants: dict[str, int],
    settings: Evacuation | None = None,
    allowed_s: float | None = None,
    seed: int = 0,
    source: str = "given",
    peaks: pd.DataFrame | None = None,
) -> EvacuationReport:
    """All three methods, the governing element, N−1, widening, RSET and the code check.

    Raises:
        ValueError: if some occupants have no escape route with every exit open.
    """
    settings = settings or Evacuation()
    occupants = check_occupants(layout, occupants)
    pre = premovement_design_s(settings)
    hyd = hydraulic(layout, occupants, pre, settings.width_convention)
    bound = lower_bound_s(layout, occupants, settings.period_s)
    draws = [premovement_draws(occupants, settings, seed, r) for r in range(settings.replications)]
    sim = simulated(layout, occupants, settings, seed, draws=draws)
    governing = _rank(hyd, sim)
    blocked_rows = [
        {"blocked_exit": e, **_variant(layout, occupants, settings, seed, draws, frozenset({e}))}
        for e in sorted(_open_exits(layout, frozenset()))
    ]
    widening = []
    if not governing.empty:
        top = governing["element"].iloc[0]
        width = layout.passage[top].width_m
        for extra in WIDENINGS_M:
            row = _variant(layout, occupants, settings, seed, draws, widths={top: width + extra})
            widening.append({"element": top, "width_m": width, "extra_m": extra, **row,
                             "gain_s": sim.clearance[0] - row["simulated_s"]})  # fmt: skip
    design = design_occupants(layout)
    code_people = {z: max(design.get(z, 0.0), occupants.get(z, 0)) for z in set(design) | set(occupants)}
    return EvacuationReport(
        layout=layout.name,
        occupants=occupants,
        occupants_source=source,
        settings=settings,
        allowed_s=allowed_s,
        hydraulic=hyd,
        lower_bound_s=bound,
        lower_curve=lower_bound_curve(layout, occupants, settings.period_s, round(bound / settings.period_s)),
        simulated=sim,
        governing=governing,
        n_minus_1=pd.DataFrame(blocked_rows),
        widening=pd.DataFrame(widening),
        rset=_rset(hyd, sim, settings, allowed_s),
        code_check=check(layout, code_people, settings.crowded_place, settings.sprinklers),
        peaks=peaks,
    )


def _rank(hyd: Hydraulic, sim: Simulated) -> pd.DataFrame:
    """Elements by their hydraulic queueing time, the longest simulated wait beside it."""
    columns = ["element", "persons", "hydraulic_queue_s", "longest_wait_s", "mean_wait_s"]
    if hyd.elements.empty:
        return pd.DataFrame(columns=columns)
    queues = hyd.elements.groupby("element").agg(
        persons=("persons", "sum"), hydraulic_queue_s=("queue_s", "max")
    )
    waits = sim.waits().set_index("element") if sim.runs and sim.waits().shape[0] else pd.DataFrame()
    table = queues.join(waits.drop(columns="persons", errors="ignore"), how="left").fillna(0.0).reset_index()
    ranked = table.sort_values(["hydraulic_queue_s", "longest_wait_s"], ascending=False)
    return ranked[ranked["hydraulic_queue_s"] > 0][columns].reset_index(drop=True)


def _rset(hyd: Hydraulic, sim: Simulated, settings: Evacuation, allowed_s: float | None) -> pd.DataFrame:
    """RSET = Td + Tpre + k·Tt per method (research §4.4), against the allowed time if given."""
    pre = hyd.premovement_s
    rows = [
        ("hydraulic", hyd.movement_s, settings.hydraulic_factor),
        ("simulated", sim.movement_s, settings.simulated_factor),
    ]
    out = []
    for method, movement, k in rows:
        rset = settings.alarm_s + pre + k * movement
        out.append(
            {
                "method": method, "alarm_s": settings.alarm_s, "premovement_s": pre, "movement_s": movement,
                "k": k, "rset_s": rset, "allowed_s": allowed_s,
                "ok": None if allowed_s is None else bool(rset <= allowed_s),
            }
        )  # fmt: skip
    return pd.DataFrame(out)
