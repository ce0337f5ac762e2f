"""Congestion and route analysis: level of service, flags, counter-flow and crossing."""
