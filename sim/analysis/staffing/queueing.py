"""Queueing formulas for staffing: Erlang B and C, the service level, the square-root rule. No simulation."""

from __future__ import annotations

import math

from sim.core.problems import refuse


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/c/c by the stable recursion B_k = aB_{k−1} / (k + aB_{k−1})."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """P(wait > 0) in M/M/c with offered load ``load`` = λ/μ (1 when the queue is unstable)."""
    if servers <= load:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


def service_level(servers: int, load: float, mean_service: float, target_wait: float) -> float:
    """P(wait ≤ t) in M/M/c: 1 − C·exp(−(c − a)·t/E[S]) (Erlang C; times in the same unit)."""
    if load <= 0:
        return 1.0
    if servers <= load:
        return 0.0
    return 1.0 - erlang_c(servers, load) * math.exp(-(servers - load) * target_wait / mean_service)


def servers_for(
    load: float, mean_service: float, target_wait: float, share: float, ceiling: int = 10_000
) -> int:
    """Smallest c with Erlang C service level ≥ ``share`` (0 when there is no load).

    Examples:
        >>> servers_for(4.0, 1.0, 0.5, 0.66)  # M/M/5: P(W ≤ 0.5) = 1 − C·e^(−(cμ−λ)t) = 0.6639
        5
    """
    if load <= 0:
        return 0
    servers = max(1, math.floor(load))
    while service_level(servers, load, mean_service, target_wait) < share:
        servers += 1
        if servers > ceiling:
            raise refuse("", "servers_ceiling", ceiling=ceiling, load=f"{load:g}")
    return servers
