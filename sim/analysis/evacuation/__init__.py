"""Evacuation: who is where, three clearance methods, the governing element, N−1 and the code check.

The hydraulic method (SFPE/IMO, by convention, with initial densities), two time-expanded max-flow
lower bounds (movement only, and from the alarm), an agent simulation of egress that conserves
flow, the governing element by widening, RSET against the allowed time, and the GB 50016 checks
(travel distances from each zone's farthest point), all on the same escape network. Independent
of the other planners.
"""
