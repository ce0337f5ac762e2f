"""Evacuation: who is where, three clearance methods, the governing element, N−1 and the code check.

The hydraulic method (SFPE/IMO), a time-expanded max-flow lower bound, an agent simulation of
egress, RSET against the allowed time, and GB 50016 checks, all on the same escape network.
Independent of the other planners.
"""
