"""Simulated egress: occupants as agents walking the layout graph (a discrete-event model).

Each occupant starts at the centre of its zone, waits its own pre-movement time, then goes zone
by zone towards an exit. At each zone it takes the passage that minimises the expected time to
an exit: the walk there plus the expected queue at every passage on the way — the people already
waiting there, or all who plan to cross it, whichever takes longer at its capacity. It never goes
back into a zone it has left, nor into a dead end, so nobody walks in circles.

The queues it sees are those of the moment, along the whole way: the expected time to an exit
from every zone (walking plus the queue already at each passage on the way) is refreshed every
``REFRESH_S`` seconds of evacuation time, as occupants see and hear the crowd around them.

A passage (door, corridor, stair) is a flow-limited server: people pass its entry one at a time,
first come first served, at its capacity Fs,max × effective width (SFPE Handbook 5th ed. ch. 59),
or at the most its speed law can carry where that is less (an SFPE stair, Weidmann). Crossing it
takes L / S, with S falling with the density on the passage at that moment (SFPE
S = k(1 − 0.266 D), or Weidmann), but never below the speed that carries the flow it admits: the
flow is conserved along the passage and the queue stays at its entry, instead of a jam at the
shuffling floor. A zone holds at most 3.8 p/m² (SFPE: movement stops), or its
initial occupants if more; people wait where they are for room in a full zone.

The model keeps only what the findings need: exit times per exit, when each zone emptied, and
waits per passage. It is plain Python on a heap (no SimPy process per agent): a 1,000-person
evacuation takes a few milliseconds.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from sim.analysis.evacuation.elements import (
    FS_MAX,
    carried_flow,
    conserving_speed,
    crowd_speed,
    effective_width,
    free_speed,
)
from sim.analysis.evacuation.network import NoEscapeRoute, escape_directions
from sim.model.layout import SAFE_KINDS, Layout

HOLD_P_M2 = 3.8  # a zone holds at most this many persons per m² (SFPE: movement stops)
REFRESH_S = 2.0  # how often the expected time to an exit, queues included, is brought up to date


@dataclass(frozen=True)
class Move:
    """One way out of a zone: a passage in one direction."""

    pid: str
    to: str
    length_m: float
    width_m: float  # effective width
    rate: float  # persons per second through the entry
    element: str
    least_speed: float  # m/s: the speed that carries ``rate`` (flow is conserved on the passage)


@dataclass(frozen=True)
class EgressNetwork:
    """The layout prepared for egress: moves out of each zone, free walking time to the nearest exit."""

    moves: dict[str, list[Move]]  # only zones from which an open exit can be reached, only towards them
    to_exit_s: dict[str, float]  # free-walking seconds to the nearest open exit
    hold: dict[str, float]  # zone → most persons it holds (inf for exits)
    exits: frozenset[str]
    model: str
    arriving: dict[str, list[tuple[str, Move]]]  # zone → (origin, move) of the moves into it


def egress_network(
    layout: Layout,
    blocked: frozenset[str] = frozenset(),
    convention: str = "imo",
    model: str = "sfpe",
    widths: dict[str, float] | None = None,
) -> EgressNetwork:
    """Prepare ``layout`` for egress with ``blocked`` exits closed (``widths`` override by passage id)."""
    widths = widths or {}
    exits = frozenset(z.id for z in layout.zones if z.kind in SAFE_KINDS and z.id not in blocked)
    graph: nx.DiGraph[str] = nx.DiGraph()
    for u, v, p, element in escape_directions(layout, blocked):
        width = effective_width(widths.get(p.pid, p.width_m), element.split("_")[0], convention)
        if width <= 0:
            continue  # narrower than its boundary layers: nobody gets through
        # No passage admits more than its speed law lets it discharge, and its crowd never slows
        # below the speed that carries what it admits: flow is conserved, queues form at entries.
        specific = min(FS_MAX[element], carried_flow(element, model))
        least = conserving_speed(specific, element, model)
        move = Move(p.pid, v, p.length_m, width, specific * width, element, least)
        graph.add_edge(u, v, move=move, walk=p.length_m / free_speed(element, model))
    graph.add_nodes_from(z.id for z in layout.zones)
    to_exit = nx.multi_source_dijkstra_path_length(graph.reverse(copy=False), set(exits), weight="walk")
    moves = {
        u: [d["move"] for _, v, d in graph.out_edges(u, data=True) if _leads_out(graph, u, v, exits)]
        for u in to_exit
    }
    hold = {
        z.id: math.inf if z.kind in SAFE_KINDS or z.area_m2 is None else math.floor(z.area_m2 * HOLD_P_M2)
        for z in layout.zones
    }
    arriving: dict[str, list[tuple[str, Move]]] = defaultdict(list)
    for origin, out_moves in moves.items():
        for move in out_moves:
            arriving[move.to].append((origin, move))
    return EgressNetwork(moves, dict(to_exit), hold, exits, model, dict(arriving))


def _leads_out(graph: nx.DiGraph, origin: str, zone: str, exits: frozenset[str]) -> bool:
    """True if an exit can be reached from ``zone`` without coming back through ``origin``."""
    if zone in exits:
        return True
    ahead = nx.descendants(nx.restricted_view(graph, [origin], []), zone)
    return bool(ahead & exits)


@dataclass
class EgressRun:
    """One simulated evacuation."""

    clearance_s: float
    exit_times: dict[str, np.ndarray]  # exit → sorted times people reached it
    zone_clear_s: dict[str, float]  # zone → when its last starting occupant left it
    waits: dict[str, tuple[int, float, float]]  # passage → (persons, longest wait s, total wait s)
    longest_movement_s: float  # the longest time from starting to move to being out
    walk_free_s: dict[str, float] = field(default_factory=dict)


def simulate_egress(
    net: EgressNetwork, occupants: dict[str, int], premovement_s: dict[str, np.ndarray]
) -> EgressRun:
    """Evacuate ``occupants`` (whole persons per zone), each starting after its pre-movement time.

    Raises:
        NoEscapeRoute: if some occupants have no escape route to an open exit.
    """
    trapped = sorted(z for z, n in occupants.items() if n > 0 and z not in net.to_exit_s)
    if trapped:
        raise NoEscapeRoute(trapped)
    return _Evacuation(net, occupants, premovement_s).run()


class _Evacuation:
    """One evacuation's state: agents, the event heap, passages' next free times, zones' counts."""

    def __init__(self, net: EgressNetwork, occupants: dict[str, int], premovement_s: dict[str, np.ndarray]):
        self.net = net
        self.home: list[str] = []  # each agent's starting zone
        self.heap: list[tuple[float, int, str, int, Any]] = []  # (time, seq, what, agent, where)
        self.count: dict[str, float] = defaultdict(float)
        self.hold = dict(net.hold)
        for zone, n in occupants.items():
            self.hold[zone] = max(self.hold.get(zone, math.inf), n)
            self.count[zone] += n
            for t in premovement_s[zone][:n]:
                heapq.heappush(self.heap, (float(t), len(self.home), "ready", len(self.home), zone))
                self.home.append(zone)
        agents = len(self.home)
        self.free_at: dict[str, float] = defaultdict(float)  # passage → when its entry is next free
        self.on_passage: dict[str, int] = defaultdict(int)
        self.waiting: dict[str, deque] = defaultdict(deque)  # zone → agents waiting for room in it
        self.started = [math.nan] * agents
        self.left_home = [False] * agents
        self.visited = [{zone} for zone in self.home]
        self.out: dict[str, list[float]] = {e: [] for e in net.exits}
        self.zone_clear: dict[str, float] = {z: 0.0 for z, n in occupants.items() if n > 0}
        self.stats: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
        self.longest = 0.0
        self.seq = agents
        self.walk = {
            m.pid: m.length_m / free_speed(m.element, net.model) for ms in net.moves.values() for m in ms
        }
        self.pending: dict[str, int] = defaultdict(int)  # passage → people whose plan still crosses it
        self.plans: list[list[str]] = [[] for _ in self.home]
        self.eta: dict[str, float] = dict(net.to_exit_s)
        self.onward: dict[str, Move] = {}
        self.refreshed = -math.inf

    def delay(self, move: Move, now: float) -> float:
        """The expected wait at a passage's entry: its queue, or all who plan to cross it."""
        return max(self.free_at[move.pid] - now, self.pending[move.pid] / move.rate, 0.0)

    def decide(self, now: float, agent: int, at: str, force: bool = False) -> None:
        """The agent at zone ``at`` picks its way out and queues at that passage (or waits for room)."""
        if now >= self.refreshed + REFRESH_S:
            self.eta, self.onward = _time_to_exit(self.net, self.walk, self.delay, now)
            self.refreshed = now
        plans, pending, eta, walk = self.plans, self.pending, self.eta, self.walk
        for pid in plans[agent]:
            pending[pid] -= 1
        moves = self.net.moves[at]
        options = [m for m in moves if m.to not in self.visited[agent]] or moves
        best = min(options, key=lambda m: walk[m.pid] + self.delay(m, now) + eta[m.to])
        plans[agent] = [best.pid, *_route(self.onward, best.to, self.net.exits)]
        for pid in plans[agent]:
            pending[pid] += 1
        if self.count[best.to] + 1 > self.hold.get(best.to, math.inf) and not force:
            self.waiting[best.to].append((agent, at))
            return
        pending[best.pid] -= 1
        plans[agent].pop(0)
        self.visited[agent].add(best.to)
        self.count[best.to] += 1
        start = max(now, self.free_at[best.pid])
        self.free_at[best.pid] = start + 1.0 / best.rate
        s = self.stats[best.pid]
        s[0] += 1
        s[1] = max(s[1], start - now)
        s[2] += start - now
        self.seq += 1
        heapq.heappush(self.heap, (start, self.seq, "depart", agent, (at, best)))

    def depart(self, now: float, agent: int, at: str, move: Move) -> None:
        """The agent steps onto the passage: it crosses at the speed of the crowd on it."""
        self.count[at] -= 1
        if not self.left_home[agent]:
            self.left_home[agent] = True
            self.zone_clear[at] = max(self.zone_clear[at], now)
        self.on_passage[move.pid] += 1
        area = move.length_m * max(move.width_m, 0.1)
        density = self.on_passage[move.pid] / area if area > 0 else 0.0
        model = self.net.model
        speed = max(crowd_speed(density, move.element, model), move.least_speed)
        crossing = move.length_m / speed if move.length_m else 0.0
        self.seq += 1
        heapq.heappush(self.heap, (now + crossing, self.seq, "arrive", agent, move))
        queue = self.waiting[at]
        while queue and self.count[at] + 1 <= self.hold[at]:
            waiter, waiter_at = queue.popleft()
            self.decide(now, waiter, waiter_at)

    def arrive(self, now: float, agent: int, move: Move) -> None:
        """The agent is across: out, if the passage ends at an exit, else on its way again."""
        self.on_passage[move.pid] -= 1
        if move.to in self.net.exits:
            self.count[move.to] -= 1
            self.out[move.to].append(now)
            self.longest = max(self.longest, now - self.started[agent])
        else:
            self.decide(now, agent, move.to)

    def run(self) -> EgressRun:
        """Events in time order until everyone is out."""
        now = 0.0
        heap, waiting = self.heap, self.waiting
        while heap or any(waiting.values()):
            if not heap:  # people wait on each other for room: squeeze the first waiter in
                zone = next(z for z, q in waiting.items() if q)
                waiter, waiter_at = waiting[zone].popleft()
                self.decide(now, waiter, waiter_at, force=True)
                continue
            now, _, kind, agent, where = heapq.heappop(heap)
            if kind == "ready":
                self.started[agent] = now
                self.decide(now, agent, where)
            elif kind == "depart":
                self.depart(now, agent, *where)
            else:
                self.arrive(now, agent, where)
        times = {e: np.sort(np.asarray(v, dtype=float)) for e, v in self.out.items()}
        every = [t for v in times.values() for t in v]
        return EgressRun(
            clearance_s=max(every, default=0.0),
            exit_times=times,
            zone_clear_s=self.zone_clear,
            waits={pid: (int(n), w, total) for pid, (n, w, total) in self.stats.items()},
            longest_movement_s=self.longest,
        )


def _time_to_exit(net: EgressNetwork, walk: dict[str, float], delay, now: float):
    """Expected seconds from each zone to an exit, and the move each zone takes on that way.

    Walking plus the expected queue at each passage (Dijkstra from the exits).
    """
    eta = {e: 0.0 for e in net.exits}
    onward: dict[str, Move] = {}
    heap = [(0.0, e) for e in net.exits]
    while heap:
        t, zone = heapq.heappop(heap)
        if t > eta.get(zone, math.inf):
            continue
        for origin, move in net.arriving.get(zone, ()):
            cost = t + walk[move.pid] + delay(move, now)
            if cost < eta.get(origin, math.inf):
                eta[origin] = cost
                onward[origin] = move
                heapq.heappush(heap, (cost, origin))
    return eta, onward


def _route(onward: dict[str, Move], zone: str, exits: frozenset[str]) -> list[str]:
    """Passages from ``zone`` to an exit along the current quickest way."""
    route: list[str] = []
    while zone not in exits and zone in onward and len(route) < len(onward):
        route.append(onward[zone].pid)
        zone = onward[zone].to
    return route
