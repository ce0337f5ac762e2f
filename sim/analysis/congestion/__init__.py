"""Congestion and route analysis: level of service, flags, counter-flow and crossing.

Reads the replications' summaries (no new simulation): minute series per zone and passage, flag
windows with their probability and severity (typed: ``FlagKind``, ``Severity``), and the route's
static check for crossing and flowing back. Independent of the other planners.
"""
