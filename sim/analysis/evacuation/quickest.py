"""The quickest evacuation capacities allow: a time-expanded maximum flow (a lower bound).

Zones hold people (at most their capacity), passages carry at most so many people per period and
take whole periods to cross, exits absorb everyone. The largest number out by period T is a max
flow in the time-expanded network (Ford & Fulkerson 1958; EVACNET4, Kisko, Francis & Nobel 1998,
which expands each zone into in/out copies per period with hold-over arcs), solved by SciPy's Dinic max flow on integer
capacities (thousandths of a person, rounded up). People split over routes perfectly, use every
capacity from t = 0 and never hesitate, so no real or simulated evacuation with the same
capacities can finish earlier.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import maximum_flow

from sim.analysis.evacuation.network import NoEscapeRoute
from sim.core.problems import refuse


@dataclass(frozen=True)
class FlowNetwork:
    """Zones with people and capacities, passages with flow per period and traversal periods."""

    initial: dict[str, float]  # zone → people at t = 0
    capacity: dict[str, float]  # zone → most people it can hold (math.inf: no limit)
    arcs: Sequence[tuple[str, str, float, int]]  # (from, to, people per period, periods to cross)
    exits: frozenset[str] = field(default_factory=frozenset)
    lindo: bool = False  # LINDO's convention: an arc with lead time τ costs τ + 1 periods
    # zone → {period: people ready to move from then}; without it everyone is ready at t = 0
    released: dict[str, dict[int, float]] | None = None

    @property
    def people(self) -> float:
        """Everyone to get out."""
        return float(sum(self.initial.values()))


SCALE = 1000  # capacities in thousandths of a person, rounded up (a relaxation: still a lower bound)
UNBOUNDED = 2**31 - 1


def _index(net: FlowNetwork) -> dict[str, int]:
    zones = set(net.capacity) | {z for a in net.arcs for z in a[:2]} | set(net.initial)
    return {zone: i for i, zone in enumerate(sorted(zones))}


def _units(value: float) -> int:
    return UNBOUNDED if math.isinf(value) else min(UNBOUNDED, math.ceil(value * SCALE - 1e-6))


def expanded(net: FlowNetwork, periods: int) -> tuple[csr_array, int, int, dict]:
    """The time-expanded network for a horizon of ``periods`` as a sparse capacity matrix.

    Node ``2·(t·Z + z)`` is zone z's entry at period t, the next one its exit side; the last two
    nodes are the source and the sink. Returns (capacities, source, sink, zone index).
    """
    index = _index(net)
    n_zones = len(index)
    source, sink = 2 * n_zones * (periods + 1), 2 * n_zones * (periods + 1) + 1
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    caps: list[np.ndarray] = []

    def add(u, v, c) -> None:
        rows.append(np.atleast_1d(u))
        cols.append(np.atleast_1d(v))
        caps.append(np.broadcast_to(np.atleast_1d(c), np.atleast_1d(u).shape))

    t = np.arange(periods + 1)
    for zone, z in index.items():
        cap = UNBOUNDED if zone in net.exits else _units(net.capacity.get(zone, math.inf))
        entry, leave = 2 * (t * n_zones + z), 2 * (t * n_zones + z) + 1
        add(entry, leave, cap)
        add(leave[:-1], entry[1:], cap)  # waiting in the zone
        if zone in net.exits:
            add(leave, np.full(len(t), sink), UNBOUNDED)
    ready = net.released if net.released is not None else {z: {0: n} for z, n in net.initial.items()}
    for zone, by_period in ready.items():
        at = np.fromiter(by_period.keys(), dtype=np.int64, count=len(by_period))
        people = np.fromiter(by_period.values(), dtype=float, count=len(by_period))
        keep = (people > 0) & (at <= periods)
        if keep.any():
            units = np.minimum(UNBOUNDED, np.ceil(people[keep] * SCALE - 1e-6)).astype(np.int64)
            add(np.full(int(keep.sum()), source), 2 * (at[keep] * n_zones + index[zone]), units)
    for u, v, per_period, lead in net.arcs:
        lag = lead + (1 if net.lindo else 0)
        if per_period <= 0 or lag > periods:
            continue
        start = np.arange(periods + 1 - lag)
        add(
            2 * (start * n_zones + index[u]) + 1, 2 * ((start + lag) * n_zones + index[v]), _units(per_period)
        )
    size = sink + 1
    matrix = coo_array(
        (np.concatenate(caps).astype(np.int64), (np.concatenate(rows), np.concatenate(cols))),
        shape=(size, size),
    ).tocsr()  # parallel arcs add up, as their capacities do
    matrix.data = np.minimum(matrix.data, UNBOUNDED)
    return matrix.astype(np.int32), source, sink, index


def out_by(net: FlowNetwork, periods: int) -> float:
    """The most people who can be out by the end of ``periods``."""
    if net.people == 0:
        return 0.0
    matrix, source, sink, _ = expanded(net, periods)
    return maximum_flow(matrix, source, sink, method="dinic").flow_value / SCALE


def quickest(net: FlowNetwork, max_periods: int = 20_000) -> int:
    """The smallest number of periods in which everyone can be out (doubling, then bisection).

    Raises:
        NoEscapeRoute: if some people can never reach an exit.
        InputError: if the horizon is exceeded.
    """
    if net.people == 0:
        return 0
    trapped = _trapped(net)
    if trapped:
        raise NoEscapeRoute(trapped)
    everyone = net.people - 1e-9
    if out_by(net, 0) >= everyone:
        return 0
    high = 1
    while out_by(net, high) < everyone:
        if high >= max_periods:
            stuck = net.people - out_by(net, high)
            raise refuse("", "stuck_in_horizon", people=f"{stuck:g}", periods=max_periods)
        high *= 2
    low = high // 2
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if out_by(net, mid) >= everyone else (mid, high)
    return high


def quickest_near(net: FlowNetwork, guess: int, low: int, high: int) -> int:
    """The smallest number of periods in which everyone can be out, known to lie in [low, high].

    Searches outwards from ``guess`` (galloping, then bisection), so a good guess costs a few max
    flows. The caller proves the bracket: nobody can be out in fewer than ``low`` periods, and
    everyone can in ``high``.
    """
    everyone = net.people - 1e-9
    feasible = lambda t: out_by(net, t) >= everyone  # noqa: E731
    guess = min(max(guess, low), high)
    if feasible(guess):
        bad, good, step = low - 1, guess, 1
        while good - step > bad and feasible(good - step):
            good, step = good - step, step * 2
        bad = max(bad, good - step)
    else:
        bad, good, step = guess, high, 1
        while bad + step < good and not feasible(bad + step):
            bad, step = bad + step, step * 2
        good = min(good, bad + step)
    while good - bad > 1:
        mid = (bad + good) // 2
        bad, good = (bad, mid) if feasible(mid) else (mid, good)
    return good


def _trapped(net: FlowNetwork) -> set[str]:
    """Zones with people and no path to an exit (decided on the static network)."""
    graph = nx.DiGraph([(u, v) for u, v, per_period, _ in net.arcs if per_period > 0])
    graph.add_nodes_from(net.initial)
    can_leave = set(net.exits) | {z for e in net.exits if e in graph for z in nx.ancestors(graph, e)}
    return {z for z, people in net.initial.items() if people > 0 and z not in can_leave}


def out_curve(net: FlowNetwork, periods: int) -> dict[str, list[float]]:
    """Cumulative people out through each exit at the end of each period, on a max flow."""
    matrix, source, sink, index = expanded(net, periods)
    flow = maximum_flow(matrix, source, sink, method="dinic").flow.tocsc()
    into_sink = np.asarray(flow[:, sink].todense()).ravel() / SCALE
    n_zones = len(index)
    curve = {}
    for exit_ in sorted(net.exits):
        leave = 2 * (np.arange(periods + 1) * n_zones + index[exit_]) + 1
        curve[exit_] = np.cumsum(np.clip(into_sink[leave], 0.0, None)).tolist()
    return curve
