"""The staffing planner: guides per half hour to the greeting target, the roster, the other posts.

Offered loads from simulated days, MOL and ISA starts, the search on common random numbers, the
least-cost roster as an integer program (HiGHS), and the reception, signing, cashier, table,
cleaning and security posts by rule. Independent of the other planners.
"""
